# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The released SegFace checkpoints: the one table of their facts.

Each release is ``<name>/model_299.pt`` in the Hugging Face repository
``kartiknarayan/SegFace``. Mean F1 and mean IoU are the paper's / official
README's (background excluded, at the network resolution); Helen has none
published. ``configs/segface/metafile.yaml`` is generated from this table
(``tools/misc/write_metafile.py``) and a test checks the README's and the
docs' tables against it.
"""
from typing import NamedTuple, Optional

HF_REPO = 'kartiknarayan/SegFace'
HF_FILENAME = 'model_299.pt'


class Release(NamedTuple):
    """One released checkpoint.

    Attributes:
        backbone (str): Official ``--model`` name.
        architecture (str): Backbone as the metafile names it.
        dataset (str): Training dataset.
        resolution (int): Network input side.
        config (str): Plugin config, relative to the configs root.
        mf1 (float, optional): Published mean F1.
        miou (float, optional): Published mean IoU.
        tta_config (str, optional): A config with flip test-time
            augmentation for the same weights.
    """
    backbone: str
    architecture: str
    dataset: str
    resolution: int
    config: str
    mf1: Optional[float]
    miou: Optional[float] = None
    tta_config: Optional[str] = None

    @property
    def model_name(self) -> str:
        """The metafile name: the config's file name without ``.py``."""
        return self.config.rsplit('/', 1)[-1][:-len('.py')]

    @property
    def num_classes(self) -> int:
        return 19 if self.dataset == 'CelebAMask-HQ' else 11


def _celeb(name: str) -> str:
    return f'segface/segface_{name}_8xb4-300e_celebamask-hq-512x512.py'


def _swin(dataset: str, size: int, batch: int = 4) -> str:
    return (f'segface/segface_swin-b_8xb{batch}-300e_{dataset}-'
            f'{size}x{size}.py')


_CELEB = 'CelebAMask-HQ'
RELEASES = {
    'convnext_celeba_512':
    Release('convnext_base', 'ConvNeXt-B', _CELEB, 512, _celeb('convnext-b'),
            89.22),
    'efficientnet_celeba_512':
    Release('efficientnet', 'EfficientNetV2-M', _CELEB, 512,
            _celeb('efficientnetv2-m'), 88.94, 81.49),
    'mobilenet_celeba_512':
    Release('mobilenet', 'MobileNetV3-L', _CELEB, 512, _celeb('mobilenetv3-l'),
            87.91, 79.98),
    'resnet_celeba_512':
    Release('resnet', 'ResNet-101', _CELEB, 512, _celeb('r101'), 87.50, 79.65),
    'swinb_celeba_224':
    Release('swin_base', 'Swin-B', _CELEB, 224, _swin('celebamask-hq', 224),
            87.47, 79.65),
    'swinb_celeba_256':
    Release('swin_base', 'Swin-B', _CELEB, 256, _swin('celebamask-hq', 256),
            87.66, 79.91),
    'swinb_celeba_448':
    Release('swin_base', 'Swin-B', _CELEB, 448, _swin('celebamask-hq', 448),
            88.77, 81.30),
    'swinb_celeba_512':
    Release(
        'swin_base',
        'Swin-B',
        _CELEB,
        512,
        _swin('celebamask-hq', 512),
        88.96,
        81.55,
        tta_config=_swin('celebamask-hq', 512)[:-len('.py')] + '_flip.py'),
    'swinv2b_celeba_512':
    Release('swinv2_base', 'Swin-V2-B', _CELEB, 512, _celeb('swinv2-b'), 88.73,
            81.30),
    'swinb_lapa_224':
    Release('swin_base', 'Swin-B', 'LaPa', 224, _swin('lapa', 224), 92.50),
    'swinb_lapa_256':
    Release('swin_base', 'Swin-B', 'LaPa', 256, _swin('lapa', 256), 92.61),
    'swinb_lapa_448':
    Release('swin_base', 'Swin-B', 'LaPa', 448, _swin('lapa', 448), 93.03),
    'swinb_lapa_512':
    Release('swin_base', 'Swin-B', 'LaPa', 512, _swin('lapa', 512), 93.03),
    'swinb_helen_512':
    Release('swin_base', 'Swin-B', 'Helen', 512, _swin('helen', 512, 2), None),
}


def hf_weights_url(name: str) -> str:
    """Where a release's official file is on the Hugging Face hub."""
    return (f'https://huggingface.co/{HF_REPO}/resolve/main/{name}/'
            f'{HF_FILENAME}')
