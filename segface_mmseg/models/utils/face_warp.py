# Copyright (c) segface-mmseg contributors. All rights reserved.
# The face alignment follows the tanh-warping of FaRL / facer
# (https://github.com/FacePerceiver/facer, facer/transform.py, MIT License),
# which SegFace uses for its LaPa models. Re-written here; the numerical
# conventions (pixel indices normalised without the half-pixel offset, the
# 5 standard points, the arctanh clamp) are kept exactly, so the released
# LaPa checkpoints see the same aligned faces as in training.
"""Tanh-warp face alignment from 5 landmarks, and its inverse.

Coordinates are (x, y) pixels. ``matrix`` is a B x 3 x 3 similarity that
maps image pixels to the aligned (not yet warped) face frame. The warp then
compresses the border of the aligned frame with a tanh (``warp_factor`` 0:
plain crop, 1: full tanh), so the whole image stays visible.

Grids are in :func:`torch.nn.functional.grid_sample` format (B x H x W x 2,
(x, y) in [-1, 1], used with ``align_corners=False``). They are built from
pixel *indices* divided by the size (``x / w * 2 - 1``), not from pixel
centres: a half-pixel offset that SegFace (and facer) has and that its
checkpoints were trained with.
"""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

# The 5 standard points (eye, eye, nose tip, mouth corner, mouth corner) in a
# 512 x 512 frame, as used by FaRL / facer.
_STANDARD_POINTS_512 = ((196.0, 226.0), (316.0, 226.0), (256.0, 286.0),
                        (220.0, 360.4), (292.0, 360.4))
_ARCTANH_EPS = 1e-3


def standard_face_points(dtype: torch.dtype = torch.float32,
                         device=None) -> Tensor:
    """The 5 standard points normalised to [-1, 1]: 5 x 2 (x, y)."""
    points = torch.tensor(
        _STANDARD_POINTS_512, dtype=torch.float32, device=device)
    return (points / 256.0 - 1.0).to(dtype)


def similarity_transform(src: Tensor, dst: Tensor) -> Tensor:
    """Least-squares similarity (rotation, scale, shift) from src to dst.

    Args:
        src (Tensor): B x P x 2 points (x, y).
        dst (Tensor): B x P x 2 target points.

    Returns:
        Tensor: B x 3 x 3 matrices ``[[a, b, tx], [-b, a, ty], [0, 0, 1]]``
        with ``dst ~ M @ [src, 1]``.
    """
    src_mean = src.mean(dim=1, keepdim=True)  # B x 1 x 2
    dst_mean = dst.mean(dim=1, keepdim=True)
    src_delta = src - src_mean
    dst_delta = dst - dst_mean
    src_var = src_delta.square().sum([1, 2])  # B
    dot = (dst_delta * src_delta).sum([1, 2])  # B
    cross = (dst_delta[:, :, 0] * src_delta[:, :, 1] -
             dst_delta[:, :, 1] * src_delta[:, :, 0]).sum(1)  # B
    a = dot / src_var
    b = cross / src_var
    tx = dst_mean[:, 0, 0] - a * src_mean[:, 0, 0] - b * src_mean[:, 0, 1]
    ty = dst_mean[:, 0, 1] + b * src_mean[:, 0, 0] - a * src_mean[:, 0, 1]
    zeros, ones = torch.zeros_like(a), torch.ones_like(a)
    return torch.stack([a, b, tx, -b, a, ty, zeros, zeros, ones],
                       dim=-1).reshape(-1, 3, 3)


def face_align_matrix(landmarks: Tensor,
                      target_shape: Tuple[int, int],
                      face_scale: float = 1.0) -> Tensor:
    """Similarity from image pixels to the aligned face frame.

    Args:
        landmarks (Tensor): B x 5 x 2 points (x, y) in image pixels, ordered
            eye, eye, nose tip, mouth corner, mouth corner.
        target_shape (tuple[int, int]): (h, w) of the aligned frame.
        face_scale (float): Size of the face in the aligned frame relative
            to the standard layout. Default: 1.0.

    Returns:
        Tensor: B x 3 x 3.
    """
    h, w = target_shape[:2]
    standard = standard_face_points(landmarks.dtype, landmarks.device)
    size = torch.tensor([w - 1, h - 1]).to(landmarks)
    target = (standard * face_scale + 1) * size / 2.0
    return similarity_transform(landmarks,
                                target.unsqueeze(0).expand_as(landmarks))


def _pixel_grid(batch_size: int, shape: Tuple[int, int], device) -> Tensor:
    """B x (h * w) x 2 pixel indices (x, y), row-major."""
    h, w = shape[:2]
    yy, xx = torch.meshgrid(
        torch.arange(h, dtype=torch.float32, device=device),
        torch.arange(w, dtype=torch.float32, device=device),
        indexing='ij')
    grid = torch.stack([xx, yy], dim=-1).reshape(1, h * w, 2)
    return grid.expand(batch_size, -1, -1)


def _apply(matrix: Tensor, coords: Tensor) -> Tensor:
    """Apply B x 3 x 3 matrices to B x N x 2 points (with perspective)."""
    homo = torch.cat([coords, torch.ones_like(coords[:, :, :1])], dim=-1)
    homo = torch.bmm(homo, matrix.transpose(2, 1))
    return homo[:, :, :2] / homo[:, :, 2:].expand(-1, -1, 2)


def _tanh_squash(coords: Tensor, warp_factor: float, size: Tensor) -> Tensor:
    """Aligned-frame pixels to warped pixels (tanh near the border)."""
    coords = coords / size * 2 - 1
    # (the operation order matches facer's, for bitwise-close grids)
    high = torch.tanh((coords - 1.0 + warp_factor) / warp_factor) * \
        warp_factor + 1.0 - warp_factor
    low = torch.tanh((coords + 1.0 - warp_factor) / warp_factor) * \
        warp_factor - 1.0 + warp_factor
    coords = torch.where(coords > 1.0 - warp_factor, high,
                         torch.where(coords < -1.0 + warp_factor, low, coords))
    return (coords + 1) / 2 * size


def _tanh_unsquash(coords: Tensor, warp_factor: float, size: Tensor) -> Tensor:
    """Warped pixels back to aligned-frame pixels (clamped arctanh)."""

    def arctanh(x):
        return x.clamp(-1 + _ARCTANH_EPS, 1 - _ARCTANH_EPS).arctanh()

    coords = coords / size * 2 - 1
    high = arctanh((coords - 1.0 + warp_factor) / warp_factor) * \
        warp_factor + 1.0 - warp_factor
    low = arctanh((coords + 1.0 - warp_factor) / warp_factor) * \
        warp_factor - 1.0 + warp_factor
    coords = torch.where(coords > 1.0 - warp_factor, high,
                         torch.where(coords < -1.0 + warp_factor, low, coords))
    return (coords + 1) / 2 * size


def tanh_warp_grid(matrix: Tensor, warp_factor: float,
                   warped_shape: Tuple[int, int],
                   image_shape: Tuple[int, int]) -> Tensor:
    """Grid that samples the image into the warped, aligned face frame.

    Args:
        matrix (Tensor): B x 3 x 3 from :func:`face_align_matrix`.
        warp_factor (float): 0 (crop) to 1 (full tanh).
        warped_shape (tuple[int, int]): (h, w) of the warped frame.
        image_shape (tuple[int, int]): (H, W) of the image.

    Returns:
        Tensor: B x h x w x 2, image positions in [-1, 1].
    """
    h, w = warped_shape[:2]
    coords = _pixel_grid(matrix.size(0), (h, w), matrix.device).to(matrix)
    if warp_factor > 0:
        coords = _tanh_unsquash(coords, warp_factor,
                                torch.tensor([[w, h]]).to(matrix))
    coords = _apply(torch.linalg.inv(matrix), coords)
    image_size = torch.tensor([image_shape[1], image_shape[0]]).to(matrix)
    return coords.reshape(-1, h, w, 2) / image_size * 2 - 1


def inverted_tanh_warp_grid(matrix: Tensor, warp_factor: float,
                            warped_shape: Tuple[int, int],
                            image_shape: Tuple[int, int]) -> Tensor:
    """Grid that samples the warped frame back into the image frame.

    Args:
        matrix (Tensor): B x 3 x 3 from :func:`face_align_matrix`.
        warp_factor (float): 0 (crop) to 1 (full tanh).
        warped_shape (tuple[int, int]): (h, w) of the warped frame.
        image_shape (tuple[int, int]): (H, W) of the image.

    Returns:
        Tensor: B x H x W x 2, warped-frame positions in [-1, 1].
    """
    h, w = warped_shape[:2]
    height, width = image_shape[:2]
    coords = _pixel_grid(matrix.size(0), (height, width),
                         matrix.device).to(matrix)
    coords = _apply(matrix, coords)
    warped_size = torch.tensor([w, h]).to(matrix)
    if warp_factor > 0:
        coords = _tanh_squash(coords, warp_factor, warped_size[None])
    return coords.reshape(-1, height, width, 2) / warped_size * 2 - 1


class FaceWarp:
    """Align a batch of faces by their landmarks and map results back.

    Args:
        landmarks (Tensor): B x 5 x 2 (x, y) pixels in the image frame.
        image_shape (tuple[int, int]): (H, W) of the images.
        warped_shape (tuple[int, int], optional): (h, w) of the aligned
            frame. Default: ``image_shape``.
        warp_factor (float): 0 (crop) to 1 (full tanh). Default: 0.8.
        face_scale (float): Face size in the aligned frame. Default: 1.0.
    """

    def __init__(self,
                 landmarks: Tensor,
                 image_shape: Tuple[int, int],
                 warped_shape: Tuple[int, int] = None,
                 warp_factor: float = 0.8,
                 face_scale: float = 1.0) -> None:
        if landmarks.dim() != 3 or landmarks.shape[1:] != (5, 2):
            raise ValueError('landmarks must be B x 5 x 2, got '
                             f'{tuple(landmarks.shape)}')
        warped_shape = tuple(warped_shape or image_shape)
        landmarks = landmarks.float()
        matrix = face_align_matrix(landmarks, warped_shape, face_scale)
        self.grid = tanh_warp_grid(matrix, warp_factor, warped_shape,
                                   image_shape)
        self.inverse_grid = inverted_tanh_warp_grid(matrix, warp_factor,
                                                    warped_shape, image_shape)

    @staticmethod
    def _sample(x: Tensor, grid: Tensor) -> Tensor:
        return F.grid_sample(
            x, grid.to(x.dtype), mode='bilinear', align_corners=False)

    def warp(self, images: Tensor) -> Tensor:
        """B x C x H x W images -> B x C x h x w aligned faces."""
        return self._sample(images, self.grid)

    def unwarp(self, maps: Tensor) -> Tensor:
        """B x C x h x w maps of the aligned faces -> B x C x H x W.

        Outside the warped frame the result is 0.
        """
        return self._sample(maps, self.inverse_grid)
