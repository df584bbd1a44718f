# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fixtures of the tests of models by name: a photo (the offline hub cache
holding a made-up official release is the shared ``fake_hub``)."""
import cv2
import pytest

from tests.helpers.photos import face_photo


@pytest.fixture
def face_image(tmp_path):
    path = str(tmp_path / 'face.jpg')
    cv2.imwrite(path, cv2.resize(face_photo(), (96, 120)))
    return path
