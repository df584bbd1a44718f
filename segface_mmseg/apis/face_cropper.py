# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The in-the-wild steps of :class:`FaceParser`: detect faces, cut one crop
per face, parse the crops, paste each back into its image."""
from typing import List, Tuple

import numpy as np

from ..datasets.transforms.resize_with_landmarks import resize_landmarks
from .face_crops import face_crop, transform_landmarks, warp_crop
from .face_detectors import FaceDetection
from .parsing_result import FacePaster, FaceRecord, ParsingResult


class InTheWildParsing:
    """Mixin of :class:`FaceParser` for photos that are not tight crops.

    Uses the parser's ``detect``, ``_forward``, ``_parse_whole``,
    ``crop_mode``, ``margin``, ``if_no_face``, ``input_size``, ``classes``
    and ``model``.
    """

    def _parse_in_the_wild(self, images: List[np.ndarray],
                           probs: bool) -> List[ParsingResult]:
        faces_per_image = [self.detect(img) for img in images]
        if self.crop_mode == 'none':
            return self._parse_whole_with_landmarks(images, faces_per_image,
                                                    probs)

        # 1. one crop per face, all images together (cut when needed)
        jobs = [(index, face) + self._crop_geometry(face)
                for index, faces in enumerate(faces_per_image)
                for face in faces]

        def crops():
            for index, face, matrix, size in jobs:
                yield (warp_crop(images[index], matrix,
                                 size), None if face.landmarks is None else
                       self._network_landmarks(face.landmarks, matrix,
                                               (size, size)))

        # 2. parse the crops; 3. paste each back, keep its record
        pasters = [
            FacePaster(img.shape[:2], len(self.classes), probs)
            for img in images
        ]
        for (index, face, matrix, _), sample in zip(jobs,
                                                    self._forward(crops())):
            pasters[index].paste(face, matrix,
                                 sample.seg_logits.data.float().softmax(dim=0))
        results = [paster.result() for paster in pasters]

        # 4. images without faces
        empty = [i for i, faces in enumerate(faces_per_image) if not faces]
        if empty and self.if_no_face == 'whole':
            whole = self._parse_whole([images[i] for i in empty], probs=probs)
            for i, result in zip(empty, whole):
                results[i] = result
        return results

    def _parse_whole_with_landmarks(self, images, faces_per_image, probs):
        landmarks = []
        for img, faces in zip(images, faces_per_image):
            face = next((f for f in faces if f.landmarks is not None), None)
            landmarks.append(None if face is None else self._network_landmarks(
                face.landmarks, np.eye(2, 3), img.shape[:2]))
        results = self._parse_whole(images, landmarks, probs)
        for result, faces in zip(results, faces_per_image):
            result.faces = [FaceRecord(face) for face in faces]
        return results

    def _crop_geometry(self, face: FaceDetection):
        """Image-to-crop matrix and crop side for one face."""
        # 'auto': models that align faces themselves (LaPa: align_cfg) get
        # an upright crop, the others the CelebA-HQ frame when possible
        align = self.crop_mode == 'align' or (
            self.crop_mode == 'auto' and face.landmarks is not None
            and getattr(self.model, 'align_cfg', None) is None)
        return face_crop(face.box, face.landmarks, align, self.margin,
                         max(self.input_size))

    def _network_landmarks(self, landmarks: np.ndarray, matrix: np.ndarray,
                           crop_size: Tuple[int, int]) -> np.ndarray:
        """Landmarks in the network-input frame of a crop (or image), as
        training maps them (``resize_landmarks``)."""
        points = transform_landmarks(matrix, landmarks)
        net_h, net_w = self.input_size
        crop_h, crop_w = crop_size
        return resize_landmarks(points, (net_w / crop_w, net_h / crop_h))
