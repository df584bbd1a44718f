# Copyright (c) segface-mmseg contributors. All rights reserved.
"""How inference runs on each device: the one place that decides it.

Three knobs change speed and memory, never the outputs (up to float
rounding; tests compare them):

- ``micro_batch``: images per pass when one call gets a batch
  (``FaceEncoderDecoder.inference_micro_batch``; None: the whole batch);
- ``token_upscaling``: the head upscales and classifies on the token layout
  in row chunks (True) or runs the official ``output_upscaling`` on the
  ``B x C x h x w`` map (False, the readable path);
- ``upscale_chunk_tokens``: tokens per chunk of the token-layout path.

The policies, by device type (:data:`POLICIES`; any other device gets
:data:`DEFAULT_POLICY`):

====== ============ ================= ===================== =============
device micro_batch  token_upscaling   upscale_chunk_tokens  why
====== ============ ================= ===================== =============
cpu    1            True              2048                  measured on
                                                            CPUs
other  None (whole) False (readable)  (unused)              not measured
====== ============ ================= ===================== =============

The CPU figures are in docs/speed.md. ``FaceParser``, ``segface parse``,
``SegFaceInferencer`` and ``tools/test.py`` apply the policy of their
device with :func:`apply_inference_policy`; ``FaceParser`` keeps its
``batch_size`` as given (no micro-batches: ``batch_size=N`` images go
through the model in one pass).
"""
from typing import NamedTuple, Optional, Union

import torch
from mmengine.model import BaseTTAModel, is_model_wrapper


class InferencePolicy(NamedTuple):
    """How inference runs on one device type (see the module docstring).

    Attributes:
        micro_batch (int | None): Images per pass; None: the whole batch.
        token_upscaling (bool): The head's chunked token-layout upscaling.
        upscale_chunk_tokens (int): Tokens per chunk of that path.
    """
    micro_batch: Optional[int]
    token_upscaling: bool
    upscale_chunk_tokens: int


DEFAULT_POLICY = InferencePolicy(
    micro_batch=None, token_upscaling=False, upscale_chunk_tokens=2048)
POLICIES = {
    'cpu':
    InferencePolicy(
        micro_batch=1, token_upscaling=True, upscale_chunk_tokens=2048),
}


def inference_policy(device: Union[str, torch.device]) -> InferencePolicy:
    """The policy of a device (``'cpu'``, ``'cuda:0'``, ...)."""
    return POLICIES.get(torch.device(device).type, DEFAULT_POLICY)


def apply_inference_policy(model: torch.nn.Module,
                           device: Union[str, torch.device],
                           batch_as_given: bool = False) -> InferencePolicy:
    """Set a segmentor's inference knobs to its device's policy.

    Models without the knobs (not a ``FaceEncoderDecoder`` or not a
    ``SegFaceHead``) are left as they are. Wrappers (DDP, a TTA model) are
    unwrapped first.

    Args:
        model (nn.Module): The segmentor.
        device (str | torch.device): Where it runs.
        batch_as_given (bool): No micro-batches, whatever the device (for
            callers whose batch size is the user's choice). Default: False.

    Returns:
        InferencePolicy: The policy applied.
    """
    policy = inference_policy(device)
    if batch_as_given:
        policy = policy._replace(micro_batch=None)
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    if hasattr(model, 'inference_micro_batch'):
        model.inference_micro_batch = policy.micro_batch
    head = getattr(model, 'decode_head', None)
    if hasattr(head, 'token_upscaling'):
        head.token_upscaling = policy.token_upscaling
        head.upscale_chunk_tokens = policy.upscale_chunk_tokens
    return policy
