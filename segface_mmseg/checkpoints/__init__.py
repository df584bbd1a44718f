# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official SegFace checkpoints: their layout, the releases, conversion to
mmseg (pure functions)."""
from .backbone_keys import convert_backbone, unfold_order
from .official_layout import (CELEBAMASK_HQ_TOKENS, LAPA_TOKENS,
                              OFFICIAL_BACKBONES, TOKEN_ORDERS,
                              ConversionError, official_key_shapes,
                              synthetic_official_state_dict, synthetic_value,
                              torchvision_to_official)
from .releases import HF_REPO, RELEASES, Release, dataset_meta
from .segface_keys import (check_official_keys, convert_head,
                           convert_segface_state_dict, detect_backbone,
                           detect_num_classes)

__all__ = [
    'CELEBAMASK_HQ_TOKENS', 'LAPA_TOKENS', 'OFFICIAL_BACKBONES',
    'TOKEN_ORDERS', 'official_key_shapes', 'synthetic_official_state_dict',
    'synthetic_value', 'torchvision_to_official', 'HF_REPO', 'RELEASES',
    'Release', 'dataset_meta', 'ConversionError', 'check_official_keys',
    'convert_backbone', 'convert_head', 'convert_segface_state_dict',
    'detect_backbone', 'detect_num_classes', 'unfold_order'
]
