# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Stand-ins for FaceParser's parts: a random image, a detector returning
given boxes, a model run (ModelRunner.run) whose labels are known in
advance, and a recorder of the landmarks a model is given."""
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from segface_mmseg.apis import FaceDetection


def random_image(h=90, w=70, seed=1):
    """A random h x w x 3 uint8 image."""
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), np.uint8)


def boxes_detector(*faces):
    """A detector that finds ``FaceDetection(*f)`` for each f of ``faces``."""
    return lambda image: [FaceDetection(*f) for f in faces]


def fake_run(confidence):
    """Crop k predicts class k + 1 everywhere, with logit confidence[k]."""

    def forward(items):
        samples = []
        for k, (crop, _) in enumerate(items):
            logits = torch.zeros(19, *crop.shape[:2])
            logits[k + 1] = confidence[k]
            sample = SegDataSample()
            sample.seg_logits = PixelData(data=logits)
            samples.append(sample)
        return samples

    return forward


def record_landmarks(model):
    """Make ``model.test_step`` append each sample's metainfo ``landmarks``
    (None where absent) to the returned list, then run as before."""
    seen = []
    test_step = model.test_step

    def spy(data):
        seen.extend(s.metainfo.get('landmarks') for s in data['data_samples'])
        return test_step(data)

    model.test_step = spy
    return seen
