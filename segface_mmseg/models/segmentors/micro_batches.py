# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Inference in micro-batches: cache-sized work units on the CPU."""
from typing import Callable, Optional, Sequence, Union

from torch import Tensor

MicroBatch = Union[int, str, None]


def micro_batch_size(setting: MicroBatch, inputs: Tensor) -> Optional[int]:
    """The micro-batch size for ``inputs``, or None for the whole batch.

    Args:
        setting (int | str | None): A size, None (whole batch) or ``'auto'``:
            1 on the CPU, where a 512 x 512 image's activations already fill
            the last-level cache (so larger batches only add memory traffic),
            the whole batch on accelerators.
        inputs (Tensor): B x 3 x H x W.

    Returns:
        int | None: The size when it splits the batch, else None.
    """
    if setting == 'auto':
        setting = 1 if inputs.device.type == 'cpu' else None
    if setting is None or inputs.shape[0] <= setting:
        return None
    return setting


def check_micro_batch(setting: MicroBatch) -> MicroBatch:
    """``setting`` if it is None, ``'auto'`` or a positive int."""
    if setting is None or setting == 'auto' or (isinstance(setting, int)
                                                and setting >= 1):
        return setting
    raise ValueError("inference_micro_batch must be None, 'auto' or a "
                     f'positive int, got {setting!r}')


def in_micro_batches(fn: Callable[[Tensor, Optional[Sequence]],
                                  Tensor], inputs: Tensor,
                     per_image: Optional[Sequence], size: int) -> Tensor:
    """``fn`` on consecutive slices of ``size`` images, in one output.

    Args:
        fn (callable): ``fn(inputs, per_image) -> B' x ...`` tensor.
        inputs (Tensor): B x ... inputs.
        per_image (Sequence, optional): One item per image (metainfo, data
            samples), sliced alongside.
        size (int): Images per call.

    Returns:
        Tensor: B x ... , the slices' outputs in order.
    """
    out = None
    for start in range(0, inputs.shape[0], size):
        part = fn(inputs[start:start + size],
                  None if per_image is None else per_image[start:start + size])
        if out is None:
            out = part.new_empty((inputs.shape[0], ) + part.shape[1:])
        out[start:start + part.shape[0]] = part
    return out
