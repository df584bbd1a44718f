# Copyright (c) segface-mmseg contributors. All rights reserved.
"""ModelRunner: batches as given, lazily, outputs in order at each size."""
import numpy as np
import torch

from segface_mmseg.apis import ModelRunner
from tests.helpers.parser_stubs import random_image, record_landmarks


def test_runs_batch_size_images_per_forward_lazily_and_in_order(
        tiny_config, tiny_checkpoint):
    runner = ModelRunner(tiny_config, tiny_checkpoint, batch_size=2)
    sizes = [(40, 30), (50, 60), (70, 20), (33, 33), (64, 64)]
    images = [random_image(h, w, seed=i) for i, (h, w) in enumerate(sizes)]
    pulled, batches = [], []
    test_step = runner.model.test_step

    def spy(data):
        batches.append(len(data['inputs']))
        return test_step(data)

    runner.model.test_step = spy

    def items():
        for i, image in enumerate(images):
            pulled.append(i)
            yield image, None

    samples = runner.run(items())
    first = next(samples)
    assert pulled == [0, 1] and batches == [2]  # one batch, not all five
    rest = list(samples)
    assert batches == [2, 2, 1]
    got = [first] + rest
    assert [tuple(s.pred_sem_seg.data.shape[1:]) for s in got] == sizes
    # the same labels as one image at a time
    alone = ModelRunner(tiny_config, tiny_checkpoint)
    for image, sample in zip(images, got):
        single, = alone.run([(image, None)])
        assert torch.equal(single.pred_sem_seg.data, sample.pred_sem_seg.data)


def test_landmarks_reach_the_model_as_float32_metainfo(tiny_config,
                                                       tiny_checkpoint):
    runner = ModelRunner(tiny_config, tiny_checkpoint)
    seen = record_landmarks(runner.model)
    points = np.arange(10, dtype=np.float64).reshape(5, 2)
    list(runner.run([(random_image(), points), (random_image(), None)]))
    assert seen[0].dtype == np.float32 and (seen[0] == points).all()
    assert seen[1] is None
