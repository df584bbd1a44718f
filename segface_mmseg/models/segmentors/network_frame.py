# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Logits back in the frame of the network input image."""
from torch import Tensor


def to_network_frame(seg_logits: Tensor, meta: dict) -> Tensor:
    """Remove the batch padding and undo the flip of one sample.

    Args:
        seg_logits (Tensor): N x H x W logits (or any C x H x W map) at the
            padded network input size.
        meta (dict): The sample's metainfo: ``img_padding_size`` or
            ``padding_size`` (left, right, top, bottom; default none),
            ``flip`` and ``flip_direction`` (``'horizontal'`` flips the
            width, any other direction the height).

    Returns:
        Tensor: N x h x w, at the resized image's size (``img_shape``), as
        the image was before it was flipped.
    """
    _, h, w = seg_logits.shape
    left, right, top, bottom = meta.get('img_padding_size',
                                        meta.get('padding_size', [0] * 4))
    logits = seg_logits[:, top:h - bottom, left:w - right]
    if meta.get('flip', False):
        dim = 2 if meta.get('flip_direction') == 'horizontal' else 1
        logits = logits.flip(dims=(dim, ))
    return logits
