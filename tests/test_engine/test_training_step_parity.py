# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The plugin's training step against the official one, on drawn faces.

The plugin side is what ``tools/train.py`` runs: the release config's model
(its loss included) and optimizer wrapper, through ``model.train_step``. The
official side restates the official ``train.py`` step: ``AdamW`` over
``model.parameters()`` (lr 1e-4, weight decay 1e-5), ``optimizer.zero_grad()``,
``0.5 * CrossEntropyLoss() + 0.5 * DiceLoss(softmax=True)`` on the logits of
the official computation (``tests/reference.py``: the official neck and
decoder written out, explicit attention), ``backward()``, ``step()``. Both
start from the same converted official weights (MobileNetV3-L, the smallest
release, at 64 x 64 to stay fast) and see the same batches.
"""
import copy

import numpy as np
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from benchmarks.reference import reference_forward, reference_loss
from demo.synthetic_faces import draw_face
from segface_mmseg.checkpoints import RELEASES, convert_segface_state_dict
from tests.helpers.official_weights import synthetic_official_state_dict
from tests.helpers.training import ZERO_GRADIENT_PARAMETERS
from tests.helpers.utils import build_model, load_config

SIZE = 64
STEPS = 3
# Parameters whose gradient is 0 by construction: float32 rounding leaves
# noise of 1e-11 to 1e-8 where the others get 1e-4 and more, and Adam divides
# that noise by its own magnitude, so it turns into steps of up to lr in a
# random direction on each side. They are left out of the comparison:
# - the key-projection biases of the attention layers: softmax over the keys
#   of q . (k + b) does not depend on b (q . b is the same for every key);
# - the last bias of the hypernetwork MLP: it adds b . u(pixel) to the logit
#   of every class alike, and softmax / cross-entropy ignore a shift shared
#   by all classes;
# - the last BN bias of MobileNetV3's residual blocks whose stream reaches
#   no tapped stage: it adds a per-channel constant that every consumer, a
#   1x1 convolution followed by batch-statistics BN, takes out again.
# (the same set tests/test_tools/test_train.py finds in a tools/train.py run)
ZERO_GRADIENT = ZERO_GRADIENT_PARAMETERS
# Tolerances. The two sides compute the same function in a different order
# (folded vs unfolded neck, fused vs explicit attention), so they differ by
# float32 rounding: losses to 1e-5 relative. Adam's first steps are nearly
# sign(gradient) * lr, so a weight whose gradient is near 0 can still step
# differently; the updates (weights after STEPS steps minus the initial
# ones) are compared as vectors: to 1% of their norm over the whole model,
# and to 10% for each tensor.
LOSS_RTOL = 1e-5
UPDATE_RTOL_MODEL = 0.01
UPDATE_RTOL_TENSOR = 0.1


def drawn_faces(num, seed, size=SIZE):
    """A batch of drawn faces (BGR, as read from disk) and their labels in
    the ``train_step`` format."""
    rng = np.random.default_rng(seed)
    inputs, samples = [], []
    for _ in range(num):
        image, label, _ = draw_face(rng, size)
        inputs.append(
            torch.from_numpy(image[..., ::-1].copy()).permute(2, 0, 1))
        sample = SegDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                pad_shape=(size, size)))
        sample.gt_sem_seg = PixelData(
            data=torch.from_numpy(label.astype(np.int64))[None])
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def _plugin_model(official_weights=True):
    cfg = load_config(RELEASES['mobilenet_celeba_512'].config)
    cfg.model.data_preprocessor.size = (SIZE, SIZE)
    model = build_model(cfg)
    if official_weights:
        official = synthetic_official_state_dict('mobilenet', 19, seed=7)
        model.load_state_dict(convert_segface_state_dict(official))
    model.train()
    return cfg, model


def _official_step(model, optimizer, batch):
    """One step of the official train.py on ``model``'s weights."""
    data = model.data_preprocessor(batch, True)
    labels = torch.cat([s.gt_sem_seg.data for s in data['data_samples']])
    optimizer.zero_grad()
    loss = reference_loss(reference_forward(model, data['inputs']), labels)
    loss.backward()
    optimizer.step()
    return loss.detach()


def _gradients_at_the_start(model, batch):
    official = copy.deepcopy(model)
    _official_step(official, torch.optim.SGD(official.parameters(), lr=0.0),
                   batch)
    return {n: p.grad.abs().max() for n, p in official.named_parameters()}


@pytest.mark.slow
def test_train_step_matches_the_official_step():
    torch.manual_seed(0)
    cfg, model = _plugin_model()
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}
    gradients = _gradients_at_the_start(model, drawn_faces(2, seed=0))
    assert {n for n, g in gradients.items() if g < 1e-6} == ZERO_GRADIENT
    assert min(g
               for n, g in gradients.items() if n not in ZERO_GRADIENT) > 1e-5

    official = copy.deepcopy(model)  # same weights, its own optimizer state
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    optimizer = torch.optim.AdamW(
        official.parameters(), lr=1e-4, weight_decay=1e-5)
    for step in range(STEPS):
        batch = drawn_faces(2, seed=step)
        ours = model.train_step(copy.deepcopy(batch), wrapper)['loss']
        theirs = _official_step(official, optimizer, batch)
        torch.testing.assert_close(
            ours, theirs, rtol=LOSS_RTOL, atol=0, msg=f'loss of step {step}')

    official_params = dict(official.named_parameters())
    errors, norms = [], []
    for name, param in model.named_parameters():
        if name in ZERO_GRADIENT:
            continue
        ours = param.detach() - initial[name]
        theirs = official_params[name].detach() - initial[name]
        assert theirs.abs().max() > 0.5e-4, f'{name} did not move'
        error = (ours - theirs).norm()
        assert error <= UPDATE_RTOL_TENSOR * theirs.norm(), name
        errors.append(error**2)
        norms.append(theirs.norm()**2)
    assert sum(errors)**0.5 <= UPDATE_RTOL_MODEL * sum(norms)**0.5
    # the BN running statistics too
    official_buffers = dict(official.named_buffers())
    for name, buffer in model.named_buffers():
        torch.testing.assert_close(
            buffer, official_buffers[name], rtol=1e-4, atol=1e-5, msg=name)


@pytest.mark.slow
def test_loss_goes_down_on_drawn_faces():
    # the release recipe from its own random init, 8 steps on 2 faces
    torch.manual_seed(0)
    cfg, model = _plugin_model(official_weights=False)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    batch = drawn_faces(2, seed=100)
    losses = [
        model.train_step(copy.deepcopy(batch), wrapper)['loss'].item()
        for _ in range(8)
    ]
    assert losses[-1] < 0.95 * losses[0], losses
    assert np.mean(losses[-3:]) < np.mean(losses[:3]), losses
