# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The official training recipe, pinned from each release config as built.

The numbers are the official ones (SEGFACE_SPEC.md section 4): AdamW lr 1e-4
and weight decay 1e-5 on every parameter in one group, no clipping, fp32;
300 epochs of 8 GPUs x 4 images (Helen 8 x 2), MultiStepLR x0.1 after
epochs 80 and 200, validation every 20 epochs; loss 0.5 * CE + 0.5 * Dice.
"""
import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from benchmarks.reference import reference_dice_loss
from segface_mmseg.checkpoints import RELEASES
from tests.helpers.official_keys import frozen_architecture
from tests.helpers.utils import build_model, load_config

# dataset -> (training images, images per GPU, iterations per epoch,
# iterations, lr steps, validation / checkpoint interval)
SCHEDULES = {
    'CelebAMask-HQ': (24183, 4, 755, 226_500, [60_400, 151_000], 15_100),
    'LaPa': (18176, 4, 568, 170_400, [45_440, 113_600], 11_360),
    'Helen': (2000, 2, 125, 37_500, [10_000, 25_000], 2_500),
}
# one config per dataset for the checks that build the model
DATASET_RELEASES = {
    'CelebAMask-HQ': 'mobilenet_celeba_512',
    'LaPa': 'swinb_lapa_224',
    'Helen': 'swinb_helen_512',
}


@pytest.mark.parametrize('release', sorted(RELEASES))
def test_schedule_of_each_release_config(release):
    cfg = load_config(RELEASES[release].config)
    images, per_gpu, epoch, iters, steps, interval = SCHEDULES[
        RELEASES[release].dataset]
    # the arithmetic: the distributed sampler pads to a multiple of 8, the
    # loader drops the last partial batch
    assert -(-images // 8) // per_gpu == epoch
    assert (iters, steps, interval) == (300 * epoch, [80 * epoch,
                                                      200 * epoch], 20 * epoch)

    assert cfg.train_dataloader.batch_size == per_gpu
    assert cfg.train_cfg == dict(
        type='IterBasedTrainLoop', max_iters=iters, val_interval=interval)
    assert cfg.param_scheduler == [
        dict(
            type='MultiStepLR',
            by_epoch=False,
            begin=0,
            end=iters,
            milestones=steps,
            gamma=0.1)
    ]
    checkpoint = cfg.default_hooks.checkpoint
    assert checkpoint.interval == interval
    assert checkpoint.by_epoch is False
    assert checkpoint.max_keep_ckpts == 3
    assert (checkpoint.save_best, checkpoint.rule) == ('mF1', 'greater')
    assert cfg.randomness.seed == 32
    # fp32, no clipping, plain AdamW
    assert cfg.optim_wrapper == dict(
        type='OptimWrapper',
        clip_grad=None,
        optimizer=dict(
            type='AdamW',
            lr=1e-4,
            betas=(0.9, 0.999),
            eps=1e-8,
            weight_decay=1e-5))


@pytest.fixture(scope='module', params=sorted(DATASET_RELEASES))
def dataset_model(request):
    torch.manual_seed(0)
    release = DATASET_RELEASES[request.param]
    cfg = load_config(RELEASES[release].config)
    return release, cfg, build_model(cfg)


def test_one_adamw_group_over_every_parameter(dataset_model):
    release, cfg, model = dataset_model
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    assert type(wrapper) is OptimWrapper
    assert not wrapper.clip_grad_kwargs  # no clipping
    assert type(wrapper.optimizer) is torch.optim.AdamW
    groups = wrapper.optimizer.param_groups
    assert len(groups) == 1
    group = groups[0]
    assert (group['lr'], group['weight_decay']) == (1e-4, 1e-5)
    assert (group['betas'], group['eps']) == ((0.9, 0.999), 1e-8)
    assert not group['amsgrad'] and not group['maximize']
    # every parameter, norms, biases and class tokens included
    params = list(model.parameters())
    assert len(group['params']) == len(params)
    assert all(a is b for a, b in zip(group['params'], params))
    assert all(p.requires_grad for p in params)
    # as many as the official model's: all but Swin's unused final norm
    # (2 x 1024; the official AdamW holds it, it gets no gradient there)
    arch = frozen_architecture(release)
    unused = 2048 if arch['model'] == 'swin_base' else 0
    assert sum(p.numel() for p in params) == arch['num_parameters'] - unused


def test_loss_is_half_mean_ce_plus_half_batch_dice(dataset_model):
    release, _, model = dataset_model
    head = model.decode_head
    num_classes = RELEASES[release].num_classes
    assert [(type(m).__name__, m.loss_weight)
            for m in head.loss_decode] == [('CrossEntropyLoss', 0.5),
                                           ('SegFaceDiceLoss', 0.5)]
    gen = torch.Generator().manual_seed(1)
    logits = 3 * torch.randn(2, num_classes, 16, 16, generator=gen)
    labels = torch.randint(0, num_classes, (2, 16, 16), generator=gen)
    samples = []
    for label in labels:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)

    losses = head.loss_by_feat(logits, samples)

    # the official train.py: nn.CrossEntropyLoss() (mean over all pixels)
    # and DiceLoss(n)(softmax=True), each weighted 0.5
    ce = F.cross_entropy(logits, labels, reduction='none').mean()
    dice = reference_dice_loss(logits, labels)
    torch.testing.assert_close(
        losses['loss_ce'], 0.5 * ce, rtol=1e-6, atol=1e-7)
    torch.testing.assert_close(
        losses['loss_dice'], 0.5 * dice, rtol=1e-6, atol=1e-7)
    assert sorted(k for k in losses
                  if k.startswith('loss')) == ['loss_ce', 'loss_dice']
