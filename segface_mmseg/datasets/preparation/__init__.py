# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Dataset preparation: official downloads -> mmseg layout.

The command-line tools are ``tools/dataset_converters/{celebamask_hq,lapa,
helen}.py``; these are their importable cores.
"""
from .celebamask_hq import (PART_SUFFIXES, convert_celebamask_hq,
                            merge_part_masks, merge_parts)
from .common import converter_arg_parser, run_converter
from .helen import convert_helen, five_points_from_68, official_crop_box
from .input_checks import ConversionError
from .lapa import convert_lapa, five_points_from_lapa106

__all__ = [
    'ConversionError', 'converter_arg_parser', 'run_converter',
    'convert_celebamask_hq', 'convert_helen', 'convert_lapa',
    'five_points_from_68', 'five_points_from_lapa106', 'merge_part_masks',
    'merge_parts', 'official_crop_box', 'PART_SUFFIXES'
]
