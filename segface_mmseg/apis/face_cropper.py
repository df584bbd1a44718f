# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Cutting one network-ready crop per face, and where its pixels came from.

The crop step of parsing in the wild (detect -> **crop** -> parse the crops
-> paste back), usable alone: a video parser crops faces from boxes and
landmarks it smooths over a track itself.
"""
from typing import NamedTuple, Optional, Tuple

import numpy as np

from ..datasets.transforms.resize_with_landmarks import resize_landmarks
from .face_crops import face_crop, transform_landmarks, warp_crop
from .face_detectors import FaceDetection

CROP_MODES = ('auto', 'align', 'box', 'none')


class FaceCrop(NamedTuple):
    """One face cut out of an image.

    Attributes:
        image (np.ndarray): ``S x S x 3`` BGR crop.
        matrix (np.ndarray): ``2 x 3`` affine map, image -> crop pixels
            (what :meth:`FacePaster.paste` inverts).
        landmarks (np.ndarray | None): ``K x 2`` landmarks in the
            network-input frame of the crop, as training maps them; None
            without landmarks.
    """
    image: np.ndarray
    matrix: np.ndarray
    landmarks: Optional[np.ndarray]


class FaceCropper:
    """Cuts the crop a face parser sees, from a face's box and landmarks.

    Args:
        input_size (tuple[int, int]): ``(H, W)`` of the network input.
        crop_mode (str): 'align' (rotate the eyes level and scale to the
            CelebA-HQ frame; needs landmarks), 'box' (an upright square
            around the box), 'auto' ('align' when the face has landmarks
            and ``model_aligns`` is False, else 'box'), or 'none' (no crop:
            the whole image is parsed). Default: 'auto'.
        margin (float): Context around the box in 'box' crops, as a
            fraction of its side. Default: 0.4.
        model_aligns (bool): The model aligns faces itself (a config with
            ``align_cfg``, e.g. LaPa's); 'auto' then cuts upright crops.
            Default: False.
    """

    def __init__(self,
                 input_size: Tuple[int, int],
                 crop_mode: str = 'auto',
                 margin: float = 0.4,
                 model_aligns: bool = False) -> None:
        if crop_mode not in CROP_MODES:
            raise ValueError(f'crop_mode must be one of {CROP_MODES}, '
                             f'got {crop_mode!r}')
        self.input_size = tuple(input_size)
        self.crop_mode = crop_mode
        self.margin = margin
        self.model_aligns = model_aligns

    def geometry(self, face: FaceDetection) -> Tuple[np.ndarray, int]:
        """The ``2 x 3`` image-to-crop matrix and the crop side ``S``."""
        align = self.crop_mode == 'align' or (self.crop_mode == 'auto'
                                              and face.landmarks is not None
                                              and not self.model_aligns)
        return face_crop(face.box, face.landmarks, align, self.margin,
                         max(self.input_size))

    def crop(self, image: np.ndarray, face: FaceDetection) -> FaceCrop:
        """Cut ``face`` (a detection, or a box and landmarks the caller
        supplies, e.g. smoothed over a video track) out of ``image``
        (``H x W x 3`` BGR)."""
        matrix, size = self.geometry(face)
        landmarks = None if face.landmarks is None else (
            self.network_landmarks(face.landmarks, matrix, (size, size)))
        return FaceCrop(warp_crop(image, matrix, size), matrix, landmarks)

    def network_landmarks(self, landmarks: np.ndarray, matrix: np.ndarray,
                          crop_size: Tuple[int, int]) -> np.ndarray:
        """``K x 2`` image landmarks in the network-input frame of a crop
        (or of the image, with the identity ``matrix``), as training maps
        them (``resize_landmarks``).

        Args:
            landmarks (np.ndarray): ``K x 2`` points in the image.
            matrix (np.ndarray): ``2 x 3`` image-to-crop matrix.
            crop_size (tuple[int, int]): ``(H, W)`` of the crop.
        """
        points = transform_landmarks(matrix, landmarks)
        net_h, net_w = self.input_size
        crop_h, crop_w = crop_size
        return resize_landmarks(points, (net_w / crop_w, net_h / crop_h))
