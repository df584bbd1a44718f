# Copyright (c) segface-mmseg contributors. All rights reserved.
import torch

from segface_mmseg.apis import (DEFAULT_POLICY, FaceParser,
                                apply_inference_policy, inference_policy)
from tests.helpers.utils import build_model, load_config


def test_policy_per_device():
    cpu = inference_policy('cpu')
    assert (cpu.micro_batch, cpu.token_upscaling) == (1, True)
    # devices where the fast path was not measured: the readable path
    for device in ('cuda', 'cuda:1', torch.device('meta')):
        assert inference_policy(device) == DEFAULT_POLICY
    assert (DEFAULT_POLICY.micro_batch,
            DEFAULT_POLICY.token_upscaling) == (None, False)


def test_apply_sets_the_segmentor_and_the_head(tiny_config):
    model = build_model(load_config(tiny_config))
    assert model.inference_micro_batch is None  # the batch as given
    apply_inference_policy(model, 'cpu')
    assert model.inference_micro_batch == 1
    assert model.decode_head.token_upscaling
    apply_inference_policy(model, 'cuda')
    assert model.inference_micro_batch is None
    assert not model.decode_head.token_upscaling
    apply_inference_policy(model, 'cpu', batch_as_given=True)
    assert model.inference_micro_batch is None


def test_face_parser_batch_is_the_batch_given(tiny_config):
    parser = FaceParser(tiny_config, batch_size=3)
    seen = []
    forward = parser.model.extract_feat

    def recording(inputs):
        seen.append(inputs.shape[0])
        return forward(inputs)

    parser.model.extract_feat = recording
    image = torch.randint(0, 255, (40, 30, 3), dtype=torch.uint8).numpy()
    parser.parse([image] * 5)
    assert seen == [3, 2]
