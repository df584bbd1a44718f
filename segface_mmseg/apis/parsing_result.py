# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What :meth:`FaceParser.predict` returns: labels, optional soft masks,
and one record per detected face."""
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np
import torch

from .face_crops import unwarp_probs
from .face_detectors import FaceDetection


@dataclass
class FaceRecord:
    """One detected face and its parsing in its own crop.

    Attributes:
        detection (FaceDetection): Box, score and landmarks in the image.
        crop_matrix (np.ndarray, optional): ``2 x 3`` affine map from image
            pixels to crop pixels (``cv2.warpAffine`` convention); None when
            the whole image was parsed (``crop_mode='none'``).
        labels (np.ndarray, optional): ``S x S`` uint8 class ids in the
            crop; None without a crop.
        probs (np.ndarray, optional): ``C x S x S`` float32 class
            probabilities in the crop, when asked for.
    """
    detection: FaceDetection
    crop_matrix: Optional[np.ndarray] = None
    labels: Optional[np.ndarray] = None
    probs: Optional[np.ndarray] = None

    def to_dict(self) -> dict:
        """Box, score, landmarks and crop matrix as plain lists (JSON)."""
        det = self.detection
        return dict(
            box=det.box.tolist(),
            score=det.score,
            landmarks=None
            if det.landmarks is None else det.landmarks.tolist(),
            crop_matrix=None
            if self.crop_matrix is None else self.crop_matrix.tolist(),
            crop_size=None if self.labels is None else list(self.labels.shape))


@dataclass
class ParsingResult:
    """The parsing of one image.

    Attributes:
        labels (np.ndarray): ``H x W`` uint8 class ids at the image's size.
        probs (np.ndarray, optional): ``C x H x W`` float32 class
            probabilities (soft masks: ``probs[classes.index('hair')]``),
            when asked for. In the wild, each pixel has the probabilities
            of the face whose labels it took; pixels outside every face are
            background with probability 1.
        faces (list[FaceRecord]): Detected faces, best first (empty without
            a detector).
    """
    labels: np.ndarray
    probs: Optional[np.ndarray] = None
    faces: List[FaceRecord] = field(default_factory=list)


class FacePaster:
    """Pastes face crops' predictions into their image, per pixel taking
    the face most sure it is not background, and keeps one
    :class:`FaceRecord` per face.

    Args:
        image_shape (tuple): ``(H, W)`` of the image.
        num_classes (int): ``C``.
        keep_probs (bool): Also keep the probabilities (``C x H x W`` for
            the image, ``C x S x S`` for each crop).
    """

    def __init__(self, image_shape, num_classes: int,
                 keep_probs: bool) -> None:
        self.labels = np.zeros(image_shape, np.uint8)
        self.best = torch.full(image_shape, -1.0)
        self.keep_probs = keep_probs
        self.probs = None
        if keep_probs:
            self.probs = torch.zeros((num_classes, ) + tuple(image_shape))
            self.probs[0] = 1.0
        self.faces = []

    def paste(self, face: FaceDetection, matrix: np.ndarray,
              crop_probs: torch.Tensor) -> None:
        """Paste one face's crop: its ``C x S x S`` probabilities and the
        image -> crop ``matrix``."""
        (rows, cols), region, inside = unwarp_probs(crop_probs, matrix,
                                                    self.labels.shape)
        region, inside = region.cpu(), inside.cpu()
        foreground = 1.0 - region[0]
        best = self.best[rows, cols]
        take = inside & (foreground > best)
        self.best[rows, cols] = torch.where(take, foreground, best)
        region_labels = torch.from_numpy(self.labels[rows, cols])
        self.labels[rows,
                    cols] = torch.where(take,
                                        region.argmax(dim=0).to(torch.uint8),
                                        region_labels).numpy()
        if self.probs is not None:
            self.probs[:, rows, cols] = torch.where(take[None], region,
                                                    self.probs[:, rows, cols])
        crop_probs = crop_probs.cpu()
        self.faces.append(
            FaceRecord(face, matrix,
                       crop_probs.argmax(dim=0).to(torch.uint8).numpy(),
                       crop_probs.numpy() if self.keep_probs else None))

    def result(self) -> ParsingResult:
        probs = None if self.probs is None else self.probs.numpy()
        return ParsingResult(self.labels, probs, self.faces)
