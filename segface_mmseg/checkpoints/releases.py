# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The released SegFace checkpoints and their plugin configs.

Each release is ``<folder>/model_299.pt`` in the Hugging Face repository
``kartiknarayan/SegFace``. Mean F1 is the paper's / official README's
(background excluded, at the network resolution); Helen has none published.
"""
from collections import namedtuple

from ..datasets.face_classes import (CELEBAMASK_HQ_CLASSES, LAPA_CLASSES,
                                     palette_of)

Release = namedtuple('Release',
                     ['backbone', 'dataset', 'resolution', 'config', 'mf1'])

HF_REPO = 'kartiknarayan/SegFace'


def _celeb(name):
    return f'configs/segface/segface_{name}_8xb4-300e_celebamask-hq-512x512.py'


def _swin(dataset, size, batch=4):
    return (f'configs/segface/segface_swin-b_8xb{batch}-300e_{dataset}-'
            f'{size}x{size}.py')


RELEASES = {
    'convnext_celeba_512':
    Release('convnext_base', 'CelebAMask-HQ', 512, _celeb('convnext-b'),
            89.22),
    'efficientnet_celeba_512':
    Release('efficientnet', 'CelebAMask-HQ', 512, _celeb('efficientnetv2-m'),
            88.94),
    'mobilenet_celeba_512':
    Release('mobilenet', 'CelebAMask-HQ', 512, _celeb('mobilenetv3-l'), 87.91),
    'resnet_celeba_512':
    Release('resnet', 'CelebAMask-HQ', 512, _celeb('r101'), 87.50),
    'swinb_celeba_224':
    Release('swin_base', 'CelebAMask-HQ', 224, _swin('celebamask-hq', 224),
            87.47),
    'swinb_celeba_256':
    Release('swin_base', 'CelebAMask-HQ', 256, _swin('celebamask-hq', 256),
            87.66),
    'swinb_celeba_448':
    Release('swin_base', 'CelebAMask-HQ', 448, _swin('celebamask-hq', 448),
            88.77),
    'swinb_celeba_512':
    Release('swin_base', 'CelebAMask-HQ', 512, _swin('celebamask-hq', 512),
            88.96),
    'swinv2b_celeba_512':
    Release('swinv2_base', 'CelebAMask-HQ', 512, _celeb('swinv2-b'), 88.73),
    'swinb_lapa_224':
    Release('swin_base', 'LaPa', 224, _swin('lapa', 224), 92.50),
    'swinb_lapa_256':
    Release('swin_base', 'LaPa', 256, _swin('lapa', 256), 92.61),
    'swinb_lapa_448':
    Release('swin_base', 'LaPa', 448, _swin('lapa', 448), 93.03),
    'swinb_lapa_512':
    Release('swin_base', 'LaPa', 512, _swin('lapa', 512), 93.03),
    'swinb_helen_512':
    Release('swin_base', 'Helen', 512, _swin('helen', 512, batch=2), None),
}


def dataset_meta(num_classes: int) -> dict:
    """``dataset_meta`` (classes, palette) for a checkpoint's class count.

    Args:
        num_classes (int): 19 (CelebAMask-HQ) or 11 (LaPa and Helen, which
            share their classes).

    Returns:
        dict: ``classes`` and ``palette``, as mmseg datasets give them.
    """
    classes = {
        len(CELEBAMASK_HQ_CLASSES): CELEBAMASK_HQ_CLASSES,
        len(LAPA_CLASSES): LAPA_CLASSES
    }.get(num_classes)
    if classes is None:
        raise ValueError(f'no face dataset has {num_classes} classes')
    return dict(classes=classes, palette=palette_of(classes))
