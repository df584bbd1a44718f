# Copyright (c) segface-mmseg contributors. All rights reserved.
"""End-to-end EncoderDecoder training and inference on CPU, per backbone."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper

from tests.helpers.utils import build_model, demo_batch, load_config

# one 512 config per backbone; channels of the levels the official model taps
# (target_layer_names in its network/models/segface_celeb.py)
BACKBONES = {
    'segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py':
    [128, 256, 512, 1024],
    'segface/segface_swinv2-b_8xb4-300e_celebamask-hq-512x512.py':
    [128, 256, 512, 1024],
    'segface/segface_convnext-b_8xb4-300e_celebamask-hq-512x512.py':
    [128, 256, 512, 1024],
    'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py':
    [24, 40, 112, 960],
    'segface/segface_efficientnetv2-m_8xb4-300e_celebamask-hq-512x512.py':
    [48, 80, 176, 1280],
    'segface/segface_r101_8xb4-300e_celebamask-hq-512x512.py':
    [256, 512, 1024, 2048],
}
# Swin needs stage-4 maps no smaller than its window (7 or 8): 256 x 288
# gives 8 x 9; the CNNs run at a small non-square size.
SIZES = {'swin': (256, 288)}
SMALL_SIZE = (64, 96)


def _size(path):
    return SIZES['swin'] if 'swin' in path else SMALL_SIZE


@pytest.fixture(scope='module', params=sorted(BACKBONES))
def model_and_path(request):
    cfg = load_config(request.param)
    cfg.model.data_preprocessor.size = _size(request.param)
    if 'drop_path_rate' in cfg.model.backbone:
        cfg.model.backbone.drop_path_rate = 0.0  # every block in the graph
    return build_model(cfg), cfg, request.param


def test_backbone_taps_match_official_channels_and_strides(model_and_path):
    model, _, path = model_and_path
    h, w = _size(path)
    model.eval()
    with torch.no_grad():
        feats = model.backbone(torch.randn(1, 3, h, w))
    assert [f.shape[1] for f in feats] == BACKBONES[path]
    assert [f.shape[2:] for f in feats] == [(h // s, w // s)
                                            for s in (4, 8, 16, 32)]


def test_train_validate_train_every_parameter_keeps_learning(model_and_path):
    """mmseg's ``train_step`` -> ``val_step`` (eval, no_grad, as the
    ValLoop runs it) -> ``train_step``: both losses are finite, the
    predictions and the tensor-mode logits have their shapes, and in the
    second training step every trainable parameter gets a gradient and is
    changed by AdamW. One image per batch (batches of several go through
    tests/test_tools/test_train.py and the segmentor's tests)."""
    model, cfg, path = model_and_path
    h, w = _size(path)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch = demo_batch(1, h, w, 19)

    # 1. train, then validate as the ValLoop does
    model.train()
    losses = model.train_step(batch, optim_wrapper)
    assert {'decode.loss_ce', 'decode.loss_dice'} <= set(losses)
    assert torch.isfinite(losses['loss'])
    model.eval()
    with torch.no_grad():
        samples = model.val_step(batch)
        logits = model(model.data_preprocessor(batch)['inputs'], mode='tensor')
    assert logits.shape == (1, 19, h, w)
    for sample in samples:
        assert sample.seg_logits.data.shape == (19, h, w)
        assert sample.pred_sem_seg.data.shape == (1, h, w)
        assert sample.net_pred_sem_seg.data.shape == (1, h, w)
        assert sample.pred_sem_seg.data.max() < 19

    # 2. train again: every trainable parameter gets a gradient and moves
    model.train()
    trainable = {
        name: p
        for name, p in model.named_parameters() if p.requires_grad
    }
    before = {name: p.detach().clone() for name, p in trainable.items()}
    got_grad = set()
    hooks = [
        p.register_post_accumulate_grad_hook(
            lambda p, name=name: got_grad.add(name))
        for name, p in trainable.items()
    ]
    losses = model.train_step(batch, optim_wrapper)
    for hook in hooks:
        hook.remove()
    assert torch.isfinite(losses['loss'])
    no_grad = sorted(set(trainable) - got_grad)
    assert not no_grad, f'{len(no_grad)} without gradient: {no_grad[:5]}'
    unchanged = [
        name for name, p in trainable.items()
        if torch.equal(p.detach(), before[name])
    ]
    assert not unchanged, f'{len(unchanged)} unchanged: {unchanged[:5]}'
