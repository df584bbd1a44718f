# Copyright (c) segface-mmseg contributors. All rights reserved.
from .mlp import MLP, LayerNorm2d, MLPBlock
from .positional_encoding import PositionEmbeddingRandom
from .two_way_transformer import (Attention, TwoWayAttentionBlock,
                                  TwoWayTransformer)

__all__ = [
    'Attention', 'LayerNorm2d', 'MLP', 'MLPBlock', 'PositionEmbeddingRandom',
    'TwoWayAttentionBlock', 'TwoWayTransformer'
]
