# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawing label maps: colour maps, overlays, legends, detected faces."""
from typing import Optional, Sequence

import cv2
import numpy as np


def _bgr_lut(palette: Sequence[Sequence[int]]) -> np.ndarray:
    """256 x 3 BGR lookup table from an RGB palette (unused ids: black)."""
    lut = np.zeros((256, 3), np.uint8)
    colours = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
    lut[:len(colours)] = colours[:, ::-1]
    return lut


def colorize(labels: np.ndarray,
             palette: Sequence[Sequence[int]]) -> np.ndarray:
    """Colour a label map.

    Args:
        labels (np.ndarray): ``H x W`` integer class ids (< 256).
        palette (Sequence): RGB colour of each id.

    Returns:
        np.ndarray: ``H x W x 3`` uint8 BGR image.
    """
    return _bgr_lut(palette)[labels.astype(np.uint8)]


def overlay(image: np.ndarray,
            labels: np.ndarray,
            palette: Sequence[Sequence[int]],
            opacity: float = 0.5,
            skip_background: bool = True) -> np.ndarray:
    """Blend the colours of a label map over an image.

    Args:
        image (np.ndarray): ``H x W x 3`` uint8 BGR image.
        labels (np.ndarray): ``H x W`` class ids, same size.
        palette (Sequence): RGB colour of each id.
        opacity (float): Weight of the label colours. Default: 0.5.
        skip_background (bool): Leave label 0 pixels untouched.
            Default: True.

    Returns:
        np.ndarray: ``H x W x 3`` uint8 BGR overlay.
    """
    if image.shape[:2] != labels.shape:
        raise ValueError(f'image {image.shape[:2]} and labels '
                         f'{labels.shape} differ in size')
    colours = colorize(labels, palette)
    blended = cv2.addWeighted(image, 1.0 - opacity, colours, opacity, 0.0)
    if skip_background:
        blended[labels == 0] = image[labels == 0]
    return blended


def draw_legend(image: np.ndarray,
                classes: Sequence[str],
                palette: Sequence[Sequence[int]],
                labels: Optional[np.ndarray] = None) -> np.ndarray:
    """Append a legend column (swatch and name per class) on the right.

    Args:
        image (np.ndarray): ``H x W x 3`` uint8 BGR image.
        classes (Sequence[str]): Class names by id.
        palette (Sequence): RGB colour of each id.
        labels (np.ndarray, optional): When given, list only the ids it
            contains. Default: None (all classes).

    Returns:
        np.ndarray: ``H x (W + w_legend) x 3`` image.
    """
    ids = range(len(classes)) if labels is None else [
        int(i) for i in np.unique(labels) if i < len(classes)
    ]
    h = image.shape[0]
    row = max(12, min(28, h // max(len(classes), 1)))
    scale = row / 30.0
    width = int(row * 1.4 + max([
        cv2.getTextSize(classes[i], cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0]
        for i in ids
    ] or [0])) + 8
    panel = np.full((max(h, row * len(ids) + 4), width, 3), 255, np.uint8)
    lut = _bgr_lut(palette)
    for k, i in enumerate(ids):
        y = 2 + k * row
        cv2.rectangle(panel, (4, y + 2), (4 + row - 4, y + row - 2),
                      tuple(int(c) for c in lut[i]), -1)
        cv2.rectangle(panel, (4, y + 2), (4 + row - 4, y + row - 2), (0, 0, 0),
                      1)
        cv2.putText(panel, classes[i], (row + 6, y + int(row * 0.75)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 1, cv2.LINE_AA)
    if panel.shape[0] > h:
        image = np.vstack([
            image,
            np.full((panel.shape[0] - h, ) + image.shape[1:], 255, np.uint8)
        ])
    return np.hstack([image, panel])


def draw_faces(image: np.ndarray, faces: Sequence, colour=(0, 255, 0)):
    """Draw face boxes and landmarks (a copy of the image is returned).

    Args:
        image (np.ndarray): ``H x W x 3`` uint8 BGR image.
        faces (Sequence): Objects with ``box`` (x1, y1, x2, y2), ``score``
            and ``landmarks`` (``(5, 2)`` or None), e.g.
            :class:`segface_mmseg.apis.FaceDetection`.
        colour (Sequence[int]): BGR colour. Default: green.

    Returns:
        np.ndarray: The drawn image.
    """
    image = image.copy()
    thickness = max(1, round(max(image.shape[:2]) / 500))
    for face in faces:
        x1, y1, x2, y2 = (int(round(v)) for v in face.box)
        cv2.rectangle(image, (x1, y1), (x2, y2), tuple(colour), thickness)
        cv2.putText(image, f'{face.score:.2f}', (x1, max(0, y1 - 4)),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4 * thickness, tuple(colour),
                    thickness, cv2.LINE_AA)
        if face.landmarks is not None:
            for x, y in face.landmarks:
                cv2.circle(image, (int(round(x)), int(round(y))),
                           2 * thickness, (0, 0, 255), -1)
    return image
