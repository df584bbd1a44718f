# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Checkpoint files, from the file to the model (:mod:`.checkpoint_files`
reads safely, :mod:`.weight_loading` converts an official file, checks the
fit and loads); official SegFace
checkpoints: their layout, converting them to mmseg; carrying any SegFace
checkpoint over to another class list."""
from ..utils.deprecation import deprecated_aliases
from . import known_class_mappings  # moved names only
from .backbone_keys import convert_backbone, unfold_order
from .checkpoint_files import (CheckpointError, checkpoint_problem,
                               find_resumable_checkpoint, read_checkpoint)
from .class_transfer import (CLASS_TOKENS_KEY, NEW_CLASS_INITS,
                             checkpoint_classes, transfer_checkpoint,
                             transfer_class_tokens, transfer_classes)
from .official_file import (as_mmseg_checkpoint, convert_official_checkpoint,
                            convert_official_file, dataset_meta,
                            is_official_checkpoint, load_official_state_dict,
                            release_of)
from .official_layout import (CELEBAMASK_HQ_TOKENS, LAPA_TOKENS,
                              OFFICIAL_BACKBONES, TOKEN_ORDERS,
                              ConversionError, official_key_shapes,
                              torchvision_to_official)
from .releases import HF_FILENAME, HF_REPO, RELEASES, Release, hf_weights_url
from .segface_keys import (check_official_keys, convert_head,
                           convert_segface_state_dict, detect_backbone,
                           detect_num_classes)
from .weight_loading import (REBUILT_BUFFERS, check_state_dict_fits,
                             load_state_dict_strictly, load_weights,
                             read_mmseg_checkpoint)

__all__ = [
    'REBUILT_BUFFERS', 'CheckpointError', 'check_state_dict_fits',
    'checkpoint_problem', 'find_resumable_checkpoint',
    'load_state_dict_strictly', 'load_weights', 'read_checkpoint',
    'read_mmseg_checkpoint', 'HF_FILENAME', 'HF_REPO', 'RELEASES', 'Release',
    'hf_weights_url', 'CELEBAMASK_HQ_TOKENS', 'LAPA_TOKENS',
    'OFFICIAL_BACKBONES', 'TOKEN_ORDERS', 'official_key_shapes',
    'torchvision_to_official', 'as_mmseg_checkpoint',
    'convert_official_checkpoint', 'convert_official_file', 'dataset_meta',
    'is_official_checkpoint', 'load_official_state_dict', 'release_of',
    'ConversionError', 'check_official_keys', 'convert_backbone',
    'convert_head', 'convert_segface_state_dict', 'detect_backbone',
    'detect_num_classes', 'unfold_order', 'CLASS_TOKENS_KEY',
    'NEW_CLASS_INITS', 'checkpoint_classes', 'transfer_checkpoint',
    'transfer_class_tokens', 'transfer_classes'
]

# moved to segface_mmseg.classes (the one room for class lists)
__getattr__ = deprecated_aliases(__name__, known_class_mappings.MOVED)
