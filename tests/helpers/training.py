# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Facts and helpers of the training tests."""
import os.path as osp
import socket
import sys

from tests.helpers.utils import REPO_ROOT, run_script


def free_port() -> int:
    """A free local TCP port (for a gloo process group)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_dist_script(script: str, *args: str) -> str:
    """Run ``tools/<script>`` (mmseg's ``dist_train.sh`` / ``dist_test.sh``
    launcher) with 2 gloo processes on a free port; its output."""
    code, output = run_script([osp.join(REPO_ROOT, 'tools', script), *args],
                              PYTHON=sys.executable,
                              PORT=str(free_port()))
    assert code == 0, output[-3000:]
    return output


# Parameters whose gradient is zero by construction (in a float64 backward
# below 2e-10 of the largest gradient, every other one above 4e-6 of it):
# - the key biases of every attention (softmax over the keys ignores a
#   shift shared by all keys);
# - the last bias of the hypernetwork MLP (it adds the same value to every
#   class's logit at a pixel; softmax and cross-entropy ignore it);
# - the last BN bias of MobileNetV3-L's blocks 1, 7-10 and 13-15: their
#   output reaches no tapped level before a 1x1 conv and a training-mode BN,
#   which removes a per-channel shift.
ZERO_GRADIENT_PARAMETERS = {
    f'decode_head.transformer.layers.{i}.{attn}.k_proj.bias'
    for i in (0, 1) for attn in ('self_attn', 'cross_attn_token_to_image',
                                 'cross_attn_image_to_token')
} | {
    'decode_head.transformer.final_attn_token_to_image.k_proj.bias',
    'decode_head.output_hypernetwork_mlp.layers.2.bias'
} | {
    f'backbone.layer{i}.linear_conv.bn.bias'
    for i in (1, 7, 8, 9, 10, 13, 14, 15)
}
