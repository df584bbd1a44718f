# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fixtures of the tests of models by name: an offline hub cache holding a
made-up official release, and a photo."""
import cv2
import pytest

from ..hub_cache import fake_hub  # noqa: F401 (a fixture)
from ..test_apis.conftest import face_photo

RELEASE = 'mobilenet_celeba_512'


@pytest.fixture
def face_image(tmp_path):
    path = str(tmp_path / 'face.jpg')
    cv2.imwrite(path, cv2.resize(face_photo(), (96, 120)))
    return path
