# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawn faces in the raw CelebAMask-HQ download layout, for the demo.

Real face-parsing datasets cannot be fetched without an account, so the demo,
the tests and the long-tail benchmark draw their own: cartoon faces with the
19 CelebAMask-HQ classes, seeded, pure numpy and OpenCV. Each face has skin,
neck, cloth, hair, brows, eyes, ears, nose, lips and often an open mouth, at
a random position, scale, roll, yaw and colouring over a cluttered
background. Accessories are rare, with the long-tail frequencies of the real
data: eyeglasses in ~5% of the images, a hat ~4%, earrings ~3%, a necklace
~2% (:data:`ACCESSORY_RATES`).

The files are written the way CelebAMask-HQ ships them, so the real
converter (``tools/dataset_converters/celebamask_hq.py``) reads them:

- ``CelebA-HQ-img/{id}.jpg``: the images (``image_size`` squared).
- ``CelebAMask-HQ-mask-anno/{id // 2000}/{id:05d}_{suffix}.png``: one 0/255
  mask per visible part (``mask_size`` squared; absent parts have no file).
  Masks overlap as in the real data (the skin mask covers the eyes); the
  converter's merge (``segface_mmseg.datasets.preparation.merge_parts``)
  gives exactly the drawn label map.
- ``CelebA-HQ-to-CelebA-mapping.txt`` (``idx orig_idx orig_file``) and
  ``list_eval_partition.txt`` (``orig_file group``, 0/1/2 = train/val/test).

Left and right are the subject's: ``l_eye`` is drawn on the image's right.

Modules: :mod:`.canvas` (painting and shapes), :mod:`.face` (one face),
:mod:`.accessories` (the long tail), :mod:`.raw_download` (the download
layout), :mod:`.prepare` (draw or reuse, then convert), :mod:`.own_data`
(the fine-tuning tutorial's data: merged classes, teeth); for the demo's run,
:mod:`.demo_config` (its config with the command line's changes) and
:mod:`.scoring` (test-split scores, overlays, bar chart, table).

The demo script imports this package as ``synthetic_faces`` (it sits beside
it); tests and benchmarks, run from the repository root, as
``demo.synthetic_faces``.
"""
from .accessories import ACCESSORY_RATES, sample_accessories
from .canvas import LABEL
from .demo_config import DEFAULT_CONFIG, demo_config
from .face import draw_face
from .prepare import prepare_synthetic_celebamask_hq
from .raw_download import (GENERATOR_VERSION, METADATA_FILE,
                           generate_synthetic_celebamask_hq)
from .scoring import TAIL_CLASSES, bar_chart, evaluate, print_table

__all__ = [
    'ACCESSORY_RATES', 'DEFAULT_CONFIG', 'GENERATOR_VERSION', 'LABEL',
    'METADATA_FILE', 'TAIL_CLASSES', 'bar_chart', 'demo_config', 'draw_face',
    'evaluate', 'generate_synthetic_celebamask_hq',
    'prepare_synthetic_celebamask_hq', 'print_table', 'sample_accessories'
]
