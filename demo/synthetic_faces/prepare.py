# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Draw (or reuse) the synthetic download, then convert it for mmseg."""
import json
import os
import os.path as osp
from typing import Tuple

from mmengine.logging import print_log

from segface_mmseg.datasets.preparation import convert_celebamask_hq
from .raw_download import (GENERATOR_VERSION, METADATA_FILE,
                           generate_synthetic_celebamask_hq)


def prepare_synthetic_celebamask_hq(data_dir: str,
                                    num_images: int = 3000,
                                    image_size: int = 256,
                                    seed: int = 0,
                                    nproc: int = 1) -> Tuple[str, dict]:
    """Draw (or reuse) synthetic faces and convert them for mmseg.

    The raw download goes to ``data_dir/raw`` (reused when its
    ``synthetic_faces.json`` records the same arguments) and the
    CelebAMask-HQ converter writes mmseg's layout to
    ``data_dir/celebamask_hq`` (images as drawn, labels brought from the
    mask size, ``image_size // 2``, to the image size).

    Args:
        data_dir (str): Folder of both datasets.
        num_images (int): Number of faces. Default: 3000.
        image_size (int): Side of the drawn images. Default: 256.
        seed (int): Seed. Default: 0.
        nproc (int): Worker processes. Default: 1.

    Returns:
        tuple[str, dict]: The converted dataset's root and the metadata of
        the drawn one.

    Raises:
        FileExistsError: ``data_dir/raw`` exists but is not synthetic data
            drawn with these arguments by this version of the generator.
    """
    raw = osp.join(data_dir, 'raw')
    wanted = dict(
        num_images=num_images,
        image_size=image_size,
        mask_size=image_size // 2,
        seed=seed)
    if osp.isdir(raw):
        meta_file = osp.join(raw, METADATA_FILE)
        if not osp.isfile(meta_file):
            raise FileExistsError(f'{raw} exists but has no {METADATA_FILE}: '
                                  'not a synthetic dataset; remove it')
        with open(meta_file) as f:
            meta = json.load(f)
        wanted['version'] = GENERATOR_VERSION
        differ = {
            k: meta.get(k)
            for k, v in wanted.items() if meta.get(k) != v
        }
        if differ:
            raise FileExistsError(
                f'{raw} was drawn with other arguments or by another version '
                f'of the generator: {differ} (wanted {wanted}); remove it or '
                'choose another folder')
        print_log(f'reusing the synthetic faces in {raw}', logger='current')
    else:
        os.makedirs(data_dir, exist_ok=True)
        print_log(
            f'drawing {num_images} synthetic faces into {raw}',
            logger='current')
        meta = generate_synthetic_celebamask_hq(raw, nproc=nproc, **wanted)
    out = osp.join(data_dir, 'celebamask_hq')
    print_log(
        f'converting {raw} with the CelebAMask-HQ converter into {out}',
        logger='current')
    convert_celebamask_hq(
        raw,
        out,
        nproc=nproc,
        image_size=image_size,
        mask_size=image_size // 2)
    return out, meta
