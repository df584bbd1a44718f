# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class probabilities filtered over time, and the warps that move the
previous frame's probabilities onto the current one.

Probabilities here are ``H x W x C`` float32 arrays (channels last, as
OpenCV warps them).
"""
from typing import Optional

import cv2
import numpy as np

WARPS = ('none', 'transform', 'flow')


class ProbabilityFilter:
    """An uncertainty-weighted running average of class probabilities.

    Each pixel mixes the previous (already filtered) probabilities into the
    current ones with weight ``strength * (min_weight + (1 - min_weight) *
    u)``, where ``u`` in [0, 1] is the current frame's uncertainty at that
    pixel (1 - its top probability, rescaled so a uniform guess gives 1).
    Confident pixels follow the current frame, uncertain ones (the
    boundaries, where per-frame labels flicker) lean on the past, as in
    MediaPipe's segmentation smoothing.

    Args:
        strength (float): Weight of the past at a fully uncertain pixel,
            in [0, 1). Default: 0.95.
        min_weight (float): Share of ``strength`` that even a confident
            pixel gives to the past. Default: 0.5.
    """

    def __init__(self, strength: float = 0.95, min_weight: float = 0.5):
        if not 0.0 <= strength < 1.0:
            raise ValueError(f'strength must be in [0, 1), got {strength}')
        self.strength = strength
        self.min_weight = min_weight

    def __call__(self, previous: Optional[np.ndarray],
                 current: np.ndarray) -> np.ndarray:
        """``H x W x C`` filtered probabilities; ``current`` itself when
        there is no ``previous`` (a new track, a scene cut)."""
        if previous is None:
            return current
        num_classes = current.shape[-1]
        top = current.max(axis=-1, keepdims=True)
        uncertainty = (1.0 - top) * (num_classes / (num_classes - 1.0))
        weight = self.strength * (
            self.min_weight + (1.0 - self.min_weight) * uncertainty)
        return current + weight * (previous - current)


def warp_affine(probs: np.ndarray, current_to_previous: np.ndarray,
                size: tuple) -> np.ndarray:
    """Previous probabilities sampled at the current frame's pixels.

    Args:
        probs (np.ndarray): ``H' x W' x C`` previous probabilities.
        current_to_previous (np.ndarray): ``2 x 3`` map from current pixel
            indices to previous ones.
        size (tuple): ``(H, W)`` of the current frame.

    Returns:
        np.ndarray: ``H x W x C``; outside the previous frame, its border.
    """
    return _channels(
        cv2.warpAffine(
            probs,
            current_to_previous, (size[1], size[0]),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE), probs.shape[-1])


def warp_by_flow(probs: np.ndarray,
                 previous_grey: np.ndarray,
                 current_grey: np.ndarray,
                 side: int = 128,
                 min_motion: float = 0.5) -> np.ndarray:
    """Previous probabilities moved onto the current frame by dense optical
    flow (Farneback) between the two grey images, computed at most
    ``side`` pixels wide and scaled up.

    Args:
        probs (np.ndarray): ``H x W x C`` previous probabilities.
        previous_grey (np.ndarray): ``H x W`` uint8 previous image.
        current_grey (np.ndarray): ``H x W`` uint8 current image.
        side (int): Longer side the flow is computed at. Default: 128.
        min_motion (float): Flow components below this (pixels) are
            taken as no motion, so a still picture stays still.
            Default: 0.5.

    Returns:
        np.ndarray: ``H x W x C``.
    """
    h, w = current_grey.shape
    scale = min(1.0, side / max(h, w))
    small = (max(1, round(w * scale)), max(1, round(h * scale)))
    flow = cv2.calcOpticalFlowFarneback(
        cv2.resize(current_grey, small, interpolation=cv2.INTER_AREA),
        cv2.resize(previous_grey, small, interpolation=cv2.INTER_AREA), None,
        0.5, 3, 15, 3, 5, 1.2, 0)
    flow = cv2.resize(flow, (w, h)) / scale
    flow[np.abs(flow) < min_motion] = 0.0  # the estimate's noise
    grid_x, grid_y = np.meshgrid(
        np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return _channels(
        cv2.remap(
            probs,
            grid_x + flow[..., 0],
            grid_y + flow[..., 1],
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE), probs.shape[-1])


def _channels(array: np.ndarray, num: int) -> np.ndarray:
    """OpenCV drops the channel axis of one-channel images; put it back."""
    return array.reshape(array.shape[:2] + (num, ))
