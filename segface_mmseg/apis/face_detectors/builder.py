# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Callable, Union

from mmengine.registry import Registry

FACE_DETECTORS = Registry(
    'face detector', locations=['segface_mmseg.apis.face_detectors'])

# Short names accepted wherever a detector is given as a string.
DETECTOR_ALIASES = {
    'mtcnn': 'MTCNNFaceDetector',
    'haar': 'HaarCascadeFaceDetector',
    'mmdet': 'MMDetFaceDetector',
}


def build_face_detector(detector: Union[str, dict, Callable]) -> Callable:
    """Build a face detector from a name, a config dict or a callable.

    Args:
        detector (str | dict | callable): A registered type name or alias
            (``'mtcnn'``, ``'haar'``, ``'mmdet'``), a config such as
            ``dict(type='MTCNNFaceDetector', min_face_size=40)``, or any
            callable mapping a BGR image to a list of faces
            (:class:`FaceDetection`, dicts with ``box``/``score``/
            ``landmarks``, or ``x1, y1, x2, y2[, score]`` sequences).

    Returns:
        callable: ``detector(image) -> list`` of faces.
    """
    if isinstance(detector, str):
        detector = dict(type=detector)
    if isinstance(detector, dict):
        cfg = dict(detector)
        if 'type' not in cfg:
            raise ValueError(f'a face detector config needs a "type": {cfg}')
        name = cfg.pop('type')
        detector_cls = name if isinstance(name, type) else FACE_DETECTORS.get(
            DETECTOR_ALIASES.get(name, name))
        if detector_cls is None:
            known = sorted(
                set(FACE_DETECTORS.module_dict)
                | set(DETECTOR_ALIASES))
            raise KeyError(f'unknown face detector "{name}"; '
                           f'registered: {known}')
        return detector_cls(**cfg)
    if callable(detector):
        return detector
    raise TypeError('detector must be a name, a config dict or a callable, '
                    f'got {type(detector).__name__}')
