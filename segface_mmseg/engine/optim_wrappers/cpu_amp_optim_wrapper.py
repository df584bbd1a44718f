# Copyright (c) segface-mmseg contributors. All rights reserved.
from contextlib import contextmanager
from typing import Union

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper
from mmseg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """Mixed-precision (bf16) training on the CPU.

    mmengine's :class:`AmpOptimWrapper` asserts a GPU, NPU, MLU or MUSA
    device. This wrapper runs the forward and the loss under
    ``torch.autocast('cpu', dtype=torch.bfloat16)``: matmuls, convolutions
    and attention compute in bf16, the parameters, their gradients and the
    optimizer state stay fp32, and the ops of torch's CPU fp32 list (the
    cross-entropy among them) run in fp32. bf16 has the exponent range of
    fp32, so no loss scaling is needed (nor done): ``backward`` and ``step``
    are :class:`OptimWrapper`'s, and checkpoints hold the optimizer state
    only, as fp32 training's.

    ``tools/train.py --amp`` picks this wrapper when no GPU is available.
    It is fast on CPUs with bf16 instructions (AVX-512 BF16, AMX); on
    others torch emulates bf16 and training is slower than in fp32.

    Args:
        dtype (str or torch.dtype): Autocast dtype; CPU autocast supports
            ``'bfloat16'`` only. Default: 'bfloat16'.
        **kwargs: :class:`mmengine.optim.OptimWrapper` arguments
            (``optimizer``, ``clip_grad``, ``accumulative_counts``).
    """

    def __init__(self,
                 dtype: Union[str, torch.dtype] = 'bfloat16',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype, None)
        if dtype is not torch.bfloat16:
            raise ValueError(f'{type(self).__name__}: CPU autocast runs in '
                             f'bfloat16 only, got dtype={dtype}')
        self.cast_dtype = dtype

    @contextmanager
    def optim_context(self, model: nn.Module):
        """The forward's context: :class:`OptimWrapper`'s (no gradient sync
        while accumulating) and bf16 autocast on the CPU.

        Args:
            model (nn.Module): The training model.
        """
        with super().optim_context(model), torch.autocast(
                'cpu', dtype=self.cast_dtype):
            yield
