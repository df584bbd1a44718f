# Copyright (c) segface-mmseg contributors. All rights reserved.
from .amp import amp_optim_wrapper_type, enable_amp
from .cpu_amp_optim_wrapper import CPUAmpOptimWrapper

__all__ = ['CPUAmpOptimWrapper', 'amp_optim_wrapper_type', 'enable_amp']
