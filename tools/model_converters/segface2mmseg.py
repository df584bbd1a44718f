# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert an official SegFace checkpoint (``model_299.pt``) for mmseg.

Example::

    python tools/model_converters/segface2mmseg.py \\
        swinb_celeba_512/model_299.pt checkpoints/segface_swinb_celeba_512.pth

Only ``state_dict_backbone`` (the whole model, despite its name) is read,
with ``torch.load(..., weights_only=True)``. The output holds ``state_dict``
and ``meta.dataset_meta`` (class names and palette), so ``init_model`` and
``MMSegInferencer`` show the right names. The backbone is detected from the
keys; the release (and with it the config to use) from the name of the
folder holding the file, or ``--release``.
"""
import argparse
import os.path as osp
import sys
import zipfile

import torch

from segface_mmseg.checkpoints import (RELEASES, ConversionError,
                                       convert_segface_state_dict,
                                       detect_backbone, detect_num_classes)
from segface_mmseg.checkpoints.releases import dataset_meta
from segface_mmseg.utils import atomic_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert an official SegFace checkpoint to an mmseg '
        'checkpoint for the segface_mmseg configs.')
    parser.add_argument('src', help='official checkpoint (model_299.pt)')
    parser.add_argument('dst', help='output checkpoint (.pth)')
    parser.add_argument(
        '--release',
        choices=sorted(RELEASES),
        help='which released model SRC is; default: the name of the folder '
        'holding SRC, if it is one of the releases')
    parser.add_argument(
        '--backbone',
        choices=sorted({r.backbone
                        for r in RELEASES.values()}),
        help='official --model name; default: detected from the keys')
    return parser.parse_args(argv)


def load_official_state_dict(path: str) -> dict:
    """``state_dict_backbone`` of an official checkpoint, loaded safely.

    Raises:
        ConversionError: Naming the file when it cannot be read or holds no
            ``state_dict_backbone``.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path}: no such file')
    try:
        # memory-mapped (zip-format files): the optimizer state, two thirds
        # of the file, is never read
        checkpoint = torch.load(
            path,
            map_location='cpu',
            weights_only=True,
            mmap=zipfile.is_zipfile(path))
    except Exception as error:  # unpickling errors have many types
        raise ConversionError(
            f'{path}: cannot be loaded as a weights-only torch checkpoint '
            f'({type(error).__name__}: {error})') from error
    if not isinstance(checkpoint, dict) or \
            'state_dict_backbone' not in checkpoint:
        keys = sorted(checkpoint) if isinstance(checkpoint, dict) else []
        raise ConversionError(
            f'{path}: not an official SegFace checkpoint (expected a dict '
            f'with "state_dict_backbone", found keys {keys[:10]})')
    return checkpoint['state_dict_backbone']


def resolve_release(src: str, release: str = None):
    """The release name given, or the one the source folder is named after."""
    if release is not None:
        return release
    folder = osp.basename(osp.dirname(osp.abspath(src)))
    return folder if folder in RELEASES else None


def convert_file(src: str,
                 dst: str,
                 release: str = None,
                 backbone: str = None) -> dict:
    """Convert ``src`` and write ``dst`` atomically.

    Returns:
        dict: The ``meta`` written.

    Raises:
        ConversionError: ``src`` is unusable, or ``dst`` is ``src`` (the
            official file would be overwritten).
    """
    if osp.exists(dst) and osp.exists(src) and osp.samefile(src, dst):
        raise ConversionError(f'{dst}: is the source checkpoint; choose '
                              'another output file')
    state_dict = load_official_state_dict(src)
    try:
        num_classes = detect_num_classes(state_dict)
        detected = backbone or detect_backbone(state_dict)
        release = resolve_release(src, release)
        if release is not None:
            expected = RELEASES[release]
            expected_classes = 19 if expected.dataset == 'CelebAMask-HQ' \
                else 11
            if (expected.backbone, expected_classes) != (detected,
                                                         num_classes):
                raise ConversionError(
                    f'release {release} is {expected.backbone} with '
                    f'{expected_classes} classes, but the keys are '
                    f'{detected} with {num_classes} classes (name the '
                    'release with --release)')
        converted = convert_segface_state_dict(state_dict, detected)
    except ConversionError as error:
        raise ConversionError(f'{src}: {error}') from error
    meta = dict(
        dataset_meta=dataset_meta(num_classes),
        segface=dict(
            source=osp.basename(src),
            release=release,
            backbone=detected,
            num_classes=num_classes,
            config=RELEASES[release].config if release else None))
    with atomic_output(dst) as tmp:
        torch.save(dict(state_dict=converted, meta=meta), tmp)
    return meta


def main(argv=None):
    args = parse_args(argv)
    print(f'converting {args.src} ...', flush=True)
    try:
        meta = convert_file(args.src, args.dst, args.release, args.backbone)
    except ConversionError as error:
        sys.exit(f'error: {error}')
    info = meta['segface']
    print(f"wrote {args.dst}: {info['backbone']}, {info['num_classes']} "
          f'classes')
    if info['config']:
        print(f"config: {info['config']}")
    else:
        print('release unknown (pass --release to get its config)')


if __name__ == '__main__':
    main()
