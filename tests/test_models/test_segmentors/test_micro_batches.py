# Copyright (c) segface-mmseg contributors. All rights reserved.
"""FaceEncoderDecoder's inference in micro-batches."""
import pytest
import torch

from segface_mmseg.models.segmentors.micro_batches import (check_micro_batch,
                                                           micro_batch_size)
from tests.helpers.utils import build_model, demo_batch, load_config

CONFIG = 'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'


@pytest.fixture(scope='module')
def model():
    cfg = load_config(CONFIG)
    cfg.model.data_preprocessor.size = (64, 64)
    return build_model(cfg).eval()


def test_micro_batches_equal_the_whole_batch(model):
    data = model.data_preprocessor(demo_batch(3, 64, 64, 19), False)
    outputs = {}
    with torch.no_grad():
        for setting in (None, 'auto', 2):
            model.inference_micro_batch = setting
            outputs[setting] = (model(
                data['inputs'], data['data_samples'], mode='tensor'),
                                model(
                                    data['inputs'],
                                    data['data_samples'],
                                    mode='predict'))
    model.inference_micro_batch = 'auto'
    whole, whole_samples = outputs[None]
    assert whole.shape == (3, 19, 64, 64)
    for setting in ('auto', 2):
        logits, samples = outputs[setting]
        torch.testing.assert_close(logits, whole, rtol=0, atol=1e-5)
        for a, b in zip(samples, whole_samples):
            torch.testing.assert_close(
                a.seg_logits.data, b.seg_logits.data, rtol=0, atol=1e-5)
            assert torch.equal(a.net_pred_sem_seg.data,
                               b.net_pred_sem_seg.data)


def test_sizes():
    cpu = torch.empty(8, 3, 4, 4)
    assert micro_batch_size('auto', cpu) == 1
    assert micro_batch_size('auto', cpu[:1]) is None  # nothing to split
    assert micro_batch_size(None, cpu) is None
    assert micro_batch_size(3, cpu) == 3
    assert micro_batch_size(8, cpu) is None
    # accelerators (any device but the CPU) keep the whole batch
    assert micro_batch_size('auto', torch.empty(8, 3, 4, 4,
                                                device='meta')) is None
    for bad in (0, -1, 'all', 1.5):
        with pytest.raises(ValueError, match='inference_micro_batch'):
            check_micro_batch(bad)


def test_training_sees_the_whole_batch(model):
    calls = []
    hook = model.backbone.register_forward_hook(
        lambda module, args, out: calls.append(args[0].shape[0]))
    try:
        model.train()
        data = model.data_preprocessor(demo_batch(3, 64, 64, 19), True)
        model(data['inputs'], data['data_samples'], mode='loss')
        model.eval()
        with torch.no_grad():
            model(data['inputs'], data['data_samples'], mode='tensor')
    finally:
        hook.remove()
        model.eval()
    assert calls == [3, 1, 1, 1]
