# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What is written for each parsed image.

Outputs under ``out_dir`` (names follow the inputs):

- ``pred/<name>.png``: class ids (uint8, 0 = background);
- ``vis/<name>.jpg``: colour overlay with a legend (``overlay``);
- ``masks/<name>/<id>_<class>.png``: one 0/255 mask per class (``masks``);
- ``soft_masks/<name>/<id>_<class>.png``: each class's probability as
  0-255 (``soft_masks``).
"""
import os.path as osp
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from .face_overlay import draw_faces, draw_legend, overlay
from .image_files import atomic_write_image


@dataclass
class ImageOutputs:
    """What to write for each image (see the module docstring)."""
    overlay: bool = True
    masks: bool = False
    soft_masks: bool = False
    legend: bool = True
    show_faces: bool = False
    opacity: float = 0.5


def write_label_outputs(out_dir: str,
                        name: str,
                        image: np.ndarray,
                        labels: np.ndarray,
                        probs: Optional[np.ndarray],
                        classes: Sequence[str],
                        palette: Sequence[Sequence[int]],
                        outputs: ImageOutputs,
                        faces: Optional[Sequence] = None) -> None:
    """Everything ``outputs`` asks for, for one image.

    Args:
        out_dir (str): Output root.
        name (str): Output base name of the image (no extension).
        image (np.ndarray): ``H x W x 3`` uint8 BGR image.
        labels (np.ndarray): ``H x W`` class ids.
        probs (np.ndarray, optional): ``N x H x W`` class probabilities
            (needed for ``soft_masks``).
        classes (Sequence[str]): Class names by id.
        palette (Sequence): RGB colour of each id.
        outputs (ImageOutputs): What to write.
        faces (Sequence, optional): Detections drawn on the overlay when
            ``outputs.show_faces`` (see :func:`draw_faces`).
    """
    atomic_write_image(osp.join(out_dir, 'pred', name + '.png'), labels)
    if outputs.overlay:
        vis = overlay(image, labels, palette, outputs.opacity)
        if outputs.show_faces and faces is not None:
            vis = draw_faces(vis, faces)
        if outputs.legend:
            vis = draw_legend(vis, classes, palette, labels)
        atomic_write_image(osp.join(out_dir, 'vis', name + '.jpg'), vis)
    for folder, wanted, planes in (
        ('masks', outputs.masks, lambda i: (labels == i) * 255),
        ('soft_masks', outputs.soft_masks, lambda i: np.rint(probs[i] * 255)),
    ):
        if wanted:
            for i, cls in enumerate(classes):
                atomic_write_image(
                    osp.join(out_dir, folder, name, f'{i:02d}_{cls}.png'),
                    planes(i).astype(np.uint8))
