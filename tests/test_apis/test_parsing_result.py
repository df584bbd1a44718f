# Copyright (c) segface-mmseg contributors. All rights reserved.
"""FaceParser.predict: soft masks and one record per face."""
import json
import math

import numpy as np

from segface_mmseg.apis import FaceParser, ParsingResult
from segface_mmseg.apis.face_crops import box_frame, image_to_crop_matrix
from tests.helpers.parser_stubs import boxes_detector, fake_run, random_image


def test_whole_image_soft_masks_are_the_label_probabilities(
        tiny_config, tiny_checkpoint):
    parser = FaceParser(tiny_config, tiny_checkpoint)
    image = random_image(90, 70)
    result = parser.predict(image, probs=True)
    assert isinstance(result, ParsingResult) and result.faces == []
    assert result.probs.shape == (19, 90, 70)
    assert result.probs.dtype == np.float32
    np.testing.assert_allclose(result.probs.sum(0), 1.0, atol=1e-5)
    np.testing.assert_array_equal(result.probs.argmax(0), result.labels)
    np.testing.assert_array_equal(parser.parse(image), result.labels)
    assert parser.predict(image).probs is None  # only when asked for


def test_in_the_wild_records_and_pasted_probabilities(tiny_config,
                                                      tiny_checkpoint):
    boxes = ([100, 100, 200, 200], [150, 150, 250, 250])
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=boxes_detector((boxes[0], 0.9), (boxes[1], 0.8)),
        crop_mode='box',
        margin=0.0)
    confidence = [3.0, 6.0]
    parser.runner.run = fake_run(confidence)
    [result] = parser.predict([random_image(300, 400)], probs=True)

    # one record per face, best first, with its crop and labels there
    assert [f.detection.score for f in result.faces] == [0.9, 0.8]
    for k, (face, box) in enumerate(zip(result.faces, boxes)):
        np.testing.assert_array_equal(face.detection.box, box)
        size = face.labels.shape[0]
        np.testing.assert_allclose(
            face.crop_matrix, image_to_crop_matrix(box_frame(box, 0.0), size))
        assert (face.labels == k + 1).all()
        assert face.probs.shape == (19, size, size)
        json.dumps(face.to_dict())

    # soft masks: the winning face's softmax inside, background outside
    def softmax_of(c):
        return math.exp(c) / (math.exp(c) + 18)

    probs = result.probs
    np.testing.assert_allclose(probs[2, 200, 200], softmax_of(6.0), rtol=1e-5)
    np.testing.assert_allclose(probs[1, 120, 120], softmax_of(3.0), rtol=1e-5)
    assert probs[0, 10, 10] == 1.0 and probs[1:, 10, 10].sum() == 0
    np.testing.assert_allclose(probs.sum(0), 1.0, atol=1e-5)
    np.testing.assert_array_equal(probs.argmax(0), result.labels)
