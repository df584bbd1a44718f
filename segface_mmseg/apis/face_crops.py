# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face crops as affine frames: cut out, and paste predictions back.

A crop is a square frame in the image given by its centre ``c`` and two
half-axes ``x`` (towards the crop's right) and ``y`` (towards its bottom),
``|x| = |y|``. It is sampled into an ``S x S`` image; ``image_to_crop`` is
the 2 x 3 affine matrix from image pixel indices to crop pixel indices (the
convention of ``cv2.warpAffine``, pixel centres at integers).
"""
from typing import Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F

Frame = Tuple[np.ndarray, np.ndarray, np.ndarray]


def box_frame(box: np.ndarray, margin: float = 0.4) -> Frame:
    """An upright square around a detector box.

    Args:
        box (np.ndarray): ``x1, y1, x2, y2``.
        margin (float): Added on each side, as a fraction of the box's
            longer side: the crop side is ``max(w, h) * (1 + 2 * margin)``.
            Default: 0.4.

    Returns:
        tuple[np.ndarray]: Centre, x half-axis, y half-axis (each ``(2,)``).
    """
    x1, y1, x2, y2 = np.asarray(box, dtype=np.float64)
    half = max(x2 - x1, y2 - y1) * (1.0 + 2.0 * margin) / 2.0
    center = np.array([(x1 + x2) / 2.0, (y1 + y2) / 2.0])
    return center, np.array([half, 0.0]), np.array([0.0, half])


def aligned_frame(landmarks: np.ndarray) -> Frame:
    """The CelebA-HQ (and FFHQ) crop of a face from five landmarks.

    The recipe used to build CelebA-HQ, whose images the CelebAMask-HQ
    models were trained on: the frame is rotated to level the eyes, its
    half-side is ``max(2.0 * |eye_to_eye|, 1.8 * |eye_to_mouth|)`` and its
    centre sits at ``eye_centre + 0.1 * eye_to_mouth``.

    Args:
        landmarks (np.ndarray): ``(5, 2)`` points: image-left eye,
            image-right eye, nose, image-left and image-right mouth corner.

    Returns:
        tuple[np.ndarray]: Centre, x half-axis, y half-axis (each ``(2,)``).
    """
    lm = np.asarray(landmarks, dtype=np.float64)
    eye_avg = (lm[0] + lm[1]) / 2.0
    eye_to_eye = lm[1] - lm[0]
    mouth_avg = (lm[3] + lm[4]) / 2.0
    eye_to_mouth = mouth_avg - eye_avg
    # x points along the eyes, corrected by the eye-to-mouth direction
    x = eye_to_eye - np.array([-eye_to_mouth[1], eye_to_mouth[0]])
    norm = np.hypot(*x)
    if norm < 1e-6:
        raise ValueError('degenerate landmarks: eyes and mouth coincide')
    x = x / norm * max(
        np.hypot(*eye_to_eye) * 2.0,
        np.hypot(*eye_to_mouth) * 1.8)
    y = np.array([-x[1], x[0]])
    return eye_avg + eye_to_mouth * 0.1, x, y


def crop_side(frame: Frame) -> float:
    """Side of the frame in image pixels."""
    return 2.0 * float(np.hypot(*frame[1]))


def image_to_crop_matrix(frame: Frame, size: int) -> np.ndarray:
    """The 2 x 3 affine map from image pixel indices to crop indices.

    Args:
        frame (tuple[np.ndarray]): Centre, x and y half-axes.
        size (int): Crop side ``S`` in pixels.

    Returns:
        np.ndarray: 2 x 3 float64 matrix.
    """
    center, x, y = (np.asarray(v, dtype=np.float64) for v in frame)
    # crop index (j, i) -> image index: origin + (j + .5) 2x/S + (i + .5) 2y/S
    linear = np.stack([x, y], axis=1) * (2.0 / size)
    origin = center - x - y + linear.sum(axis=1) * 0.5
    crop_to_image = np.concatenate([linear, origin[:, None]], axis=1)
    return cv2.invertAffineTransform(crop_to_image)


def transform_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a 2 x 3 affine matrix to ``N x 2`` points."""
    points = np.asarray(points, dtype=np.float64)
    return points @ matrix[:, :2].T + matrix[:, 2]


def transform_landmarks(matrix: np.ndarray,
                        landmarks: np.ndarray) -> np.ndarray:
    """Landmarks of an image in the frame of its crop.

    The matrix maps pixel indices (``cv2.warpAffine``'s convention: pixel
    centres at integers); landmarks follow SegFace's (pixel edges at
    integers, see ``resize_landmarks``), hence the half-pixel shifts. A
    crop that only scales the image by ``k`` maps them to ``k * p``, as
    resizing the image would.

    Args:
        matrix (np.ndarray): 2 x 3 image-to-crop matrix.
        landmarks (np.ndarray): N x 2 (x, y) pixels of the image.

    Returns:
        np.ndarray: N x 2 float64 (x, y) pixels of the crop.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    return transform_points(matrix, points - 0.5) + 0.5


def face_crop(box: np.ndarray, landmarks, align: bool, margin: float,
              network_side: int) -> Tuple[np.ndarray, int]:
    """The crop of one detected face: image-to-crop matrix and side.

    Args:
        box (np.ndarray): ``x1, y1, x2, y2``.
        landmarks (np.ndarray, optional): ``(5, 2)`` points.
        align (bool): Cut the rotated CelebA-HQ frame from the landmarks
            (:func:`aligned_frame`) instead of an upright box crop.
        margin (float): Box margin per side (see :func:`box_frame`).
        network_side (int): Longer side of the network input.

    Returns:
        tuple: ``(2 x 3 matrix, S)``. The crop is sampled near the face's
        own resolution, between the network's side and twice it; the
        config's test pipeline then resizes it as in training.
    """
    if align and landmarks is None:
        raise ValueError('crop_mode="align" needs a detector with '
                         'landmarks (e.g. "mtcnn")')
    frame = aligned_frame(landmarks) if align else box_frame(box, margin)
    size = int(
        round(min(max(crop_side(frame), network_side), 2 * network_side)))
    return image_to_crop_matrix(frame, size), size


def warp_crop(image: np.ndarray,
              matrix: np.ndarray,
              size: int,
              border_mode: int = cv2.BORDER_REFLECT_101) -> np.ndarray:
    """Sample the ``size x size`` crop of ``image`` given by ``matrix``.

    When the crop shrinks the image by more than 2x, the image is first
    area-downscaled, so the crop is not aliased.

    Args:
        image (np.ndarray): ``H x W x 3`` image.
        matrix (np.ndarray): 2 x 3 image-to-crop matrix.
        size (int): Crop side.
        border_mode (int): OpenCV border mode outside the image.
            Default: reflect.

    Returns:
        np.ndarray: ``size x size x 3`` crop.
    """
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    if scale < 0.5:
        h, w = image.shape[:2]
        new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
        image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)
        # index in the small image i' = (i + .5) * f - .5, per axis
        fx, fy = new_w / w, new_h / h
        to_small = np.array([[fx, 0, 0.5 * fx - 0.5], [0, fy, 0.5 * fy - 0.5]])
        matrix = _compose(matrix, cv2.invertAffineTransform(to_small))
    return cv2.warpAffine(
        image,
        matrix, (size, size),
        flags=cv2.INTER_LINEAR,
        borderMode=border_mode)


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2 x 3 matrix of ``outer(inner(p))``."""
    outer3 = np.vstack([outer, [0, 0, 1]])
    inner3 = np.vstack([inner, [0, 0, 1]])
    return (outer3 @ inner3)[:2]


def paste_region(matrix: np.ndarray, size: int,
                 image_shape: Tuple[int, int]) -> Tuple[slice, slice]:
    """The image rows and columns a crop covers (clipped to the image)."""
    crop_to_image = cv2.invertAffineTransform(matrix)
    corners = np.array([[-0.5, -0.5], [size - 0.5, -0.5], [-0.5, size - 0.5],
                        [size - 0.5, size - 0.5]])
    pts = transform_points(crop_to_image, corners)
    h, w = image_shape
    x0 = int(np.clip(np.floor(pts[:, 0].min()), 0, w))
    x1 = int(np.clip(np.ceil(pts[:, 0].max()) + 1, 0, w))
    y0 = int(np.clip(np.floor(pts[:, 1].min()), 0, h))
    y1 = int(np.clip(np.ceil(pts[:, 1].max()) + 1, 0, h))
    return slice(y0, y1), slice(x0, x1)


def unwarp_probs(probs: torch.Tensor, matrix: np.ndarray,
                 image_shape: Tuple[int, int]):
    """Map a crop's class probabilities back into the image.

    Args:
        probs (Tensor): ``C x S x S`` probabilities of the crop.
        matrix (np.ndarray): 2 x 3 image-to-crop matrix.
        image_shape (tuple[int, int]): ``(H, W)`` of the image.

    Returns:
        tuple: ``(rows, cols)`` slices of the covered image region,
        ``C x h x w`` probabilities there (bilinear) and an ``h x w`` bool
        mask of the pixels inside the crop.
    """
    size = probs.shape[-1]
    rows, cols = paste_region(matrix, size, image_shape)
    ys = torch.arange(rows.start, rows.stop, dtype=torch.float64)
    xs = torch.arange(cols.start, cols.stop, dtype=torch.float64)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing='ij')
    m = torch.as_tensor(matrix, dtype=torch.float64)
    u = m[0, 0] * grid_x + m[0, 1] * grid_y + m[0, 2]
    v = m[1, 0] * grid_x + m[1, 1] * grid_y + m[1, 2]
    inside = (u >= -0.5) & (u < size - 0.5) & (v >= -0.5) & (v < size - 0.5)
    # align_corners=False: index u sits at (2u + 1) / S - 1
    grid = torch.stack([(2 * u + 1) / size - 1, (2 * v + 1) / size - 1],
                       dim=-1).to(probs.dtype)
    region = F.grid_sample(
        probs[None],
        grid[None].to(probs.device),
        mode='bilinear',
        padding_mode='border',
        align_corners=False)[0]
    return (rows, cols), region, inside.to(probs.device)
