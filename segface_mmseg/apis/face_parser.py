# Copyright (c) segface-mmseg contributors. All rights reserved.
import os
from typing import (Callable, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import numpy as np
import torch
from mmengine.config import Config

from ..zoo import resolve_model
from .face_cropper import CROP_MODES, FaceCrop, FaceCropper  # noqa: F401
from .face_detectors import FaceDetection, build_face_detector
from .image_io import load_image
from .model_runner import AMP_DTYPES, ModelRunner  # noqa: F401
from .parsing_result import FacePaster, FaceRecord, ParsingResult

ImageType = Union[str, os.PathLike, np.ndarray]


class FaceParser:
    """Face parsing from a config and a checkpoint: image in, labels out.

    Without a detector the whole image is parsed, as a tight face crop
    (how SegFace was trained: the image is squashed to the network size).
    With one, faces are detected, each is cropped (or aligned), parsed, and
    the labels are pasted back into the full image, for any number of
    faces; where crops overlap, each pixel takes the face most sure it is
    not background. Those steps are public, for callers that bring their
    own faces (e.g. tracks smoothed over a video): :meth:`detect`,
    :meth:`crop_face` (a :class:`FaceCropper`), :meth:`parse_crops` and
    :meth:`paster` (a :class:`FacePaster`).

    Example:
        >>> parser = FaceParser('configs/segface_swinb_celeba.py', 'm.pth')
        >>> labels = parser.parse('face.jpg')   # H x W uint8 class ids
        >>> parser.classes[labels[0, 0]]
        'background'

    Args:
        config (str | Config): Model config.
        checkpoint (str, optional): Checkpoint; its ``meta.dataset_meta``
            gives class names and palette. Default: None (random weights,
            for tests only).
        device (str): Torch device. Default: 'cpu'.
        detector (str | dict | callable, optional): Face detector for
            photos that are not tight crops: ``'mtcnn'`` (the default
            in-the-wild detector), ``'haar'``, a config dict or a callable
            (see :func:`build_face_detector`). Default: None (parse the
            whole image).
        crop_mode (str): With a detector: ``'align'`` cuts the rotated
            CelebA-HQ frame from five landmarks, ``'box'`` an upright square
            around the box with ``margin``, ``'none'`` parses the whole
            image and only passes the best face's landmarks. ``'auto'``
            aligns when the detector gives landmarks and the model does not
            align faces itself (``align_cfg``, the LaPa models), and cuts
            boxes otherwise. Landmarks, when detected, always reach the
            model (metainfo ``landmarks``, network-input frame).
            Default: 'auto'.
        margin (float): Box margin per side, as a fraction of the box's
            longer side. Default: 0.4.
        if_no_face (str): With a detector, an image without faces becomes
            all background (``'background'``) or is parsed whole
            (``'whole'``). Default: 'background'.
        batch_size (int): Images (or face crops) per forward, as given
            (see :class:`ModelRunner`, which runs the model). Default: 1.
        amp (str, optional): ``'fp16'`` (GPU) or ``'bf16'`` autocast.
            Default: None (fp32).
        compile (bool | dict): ``torch.compile`` the model (a dict: its
            arguments). Default: False.
        cfg_options (dict, optional): Overrides merged into the config.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 detector: Union[None, str, dict, Callable] = None,
                 crop_mode: str = 'auto',
                 margin: float = 0.4,
                 if_no_face: str = 'background',
                 batch_size: int = 1,
                 amp: Optional[str] = None,
                 compile: Union[bool, dict] = False,
                 cfg_options: Optional[dict] = None) -> None:
        if if_no_face not in ('background', 'whole'):
            raise ValueError('if_no_face must be "background" or "whole", '
                             f'got {if_no_face!r}')
        self.runner = ModelRunner(config, checkpoint, device, batch_size, amp,
                                  compile, cfg_options)
        self.detector = (None if detector is None else
                         build_face_detector(detector))
        self.cropper = FaceCropper(
            self.runner.input_size, crop_mode, margin,
            getattr(self.model, 'align_cfg', None) is not None)
        self.if_no_face = if_no_face

    @property
    def model(self) -> torch.nn.Module:
        """The segmentor (see :class:`ModelRunner`)."""
        return self.runner.model

    @property
    def cfg(self) -> Config:
        """The model's config."""
        return self.runner.cfg

    @property
    def batch_size(self) -> int:
        """Images (or face crops) per forward."""
        return self.runner.batch_size

    @property
    def crop_mode(self) -> str:
        """How faces are cut (see :class:`FaceCropper`)."""
        return self.cropper.crop_mode

    @property
    def margin(self) -> float:
        """Box margin of 'box' crops (see :class:`FaceCropper`)."""
        return self.cropper.margin

    @crop_mode.setter
    def crop_mode(self, crop_mode: str) -> None:
        self.cropper = FaceCropper(self.runner.input_size, crop_mode,
                                   self.margin, self.cropper.model_aligns)

    @margin.setter
    def margin(self, margin: float) -> None:
        self.cropper.margin = margin

    @property
    def dataset_meta(self) -> dict:
        """``classes`` and ``palette`` of the model's labels."""
        return self.model.dataset_meta

    @property
    def classes(self) -> Tuple[str, ...]:
        """Class name of each label id."""
        return tuple(self.model.dataset_meta['classes'])

    @property
    def palette(self) -> List[List[int]]:
        """RGB colour of each label id."""
        return self.model.dataset_meta['palette']

    @classmethod
    def from_pretrained(cls,
                        model: str,
                        checkpoint: Optional[str] = None,
                        force_download: bool = False,
                        **kwargs) -> 'FaceParser':
        """A parser for a released model, by name.

        The official weights are downloaded from the Hugging Face hub
        (``huggingface_hub``'s cache, offline mode and environment variables
        apply), converted once and cached (see :mod:`segface_mmseg.zoo`).

        Example:
            >>> parser = FaceParser.from_pretrained('swinb_celeba_512',
            ...                                     detector='mtcnn')

        Args:
            model (str): A release name (``segface list`` shows them), a
                packaged config name or a config file.
            checkpoint (str, optional): Weights instead of the release's
                (an mmseg checkpoint or an official ``model_299.pt``).
            force_download (bool): Download and convert again.
            **kwargs: The other :class:`FaceParser` arguments.

        Raises:
            ValueError: Unknown name (the names are listed), or a config
                that is no release and no ``checkpoint``.
            HubDownloadError: No network and not cached, or a corrupt
                download.
        """
        config, checkpoint = resolve_model(model, checkpoint, force_download)
        if checkpoint is None:
            raise ValueError(f'{model}: no released weights for this config; '
                             'pass checkpoint=')
        return cls(config, checkpoint, **kwargs)

    # -- public API -------------------------------------------------------
    def parse(self,
              images: Union[ImageType, Sequence[ImageType]],
              return_faces: bool = False):
        """Parse one image or a list of images into label maps.

        Args:
            images (str | np.ndarray | list): Image files or BGR arrays
                (see :func:`load_image` for accepted modes).
            return_faces (bool): Also return the detected faces.
                Default: False.

        Returns:
            np.ndarray | list: ``H x W`` uint8 label map per image, at the
            image's own size; with ``return_faces``, ``(labels, faces)``
            pairs where ``faces`` is a list of :class:`FaceDetection`.
        """
        results = self.predict(images)
        single = isinstance(results, ParsingResult)
        results = [results] if single else results
        out = [(r.labels, [f.detection
                           for f in r.faces]) if return_faces else r.labels
               for r in results]
        return out[0] if single else out

    def predict(self,
                images: Union[ImageType, Sequence[ImageType]],
                probs: bool = False):
        """Parse images into :class:`ParsingResult` records.

        Args:
            images (str | np.ndarray | list): Image files or BGR arrays.
            probs (bool): Also return class probabilities (soft masks), for
                the image and for each face crop. Default: False.

        Returns:
            ParsingResult | list: Labels, probabilities when asked for, and
            in the wild one :class:`FaceRecord` per face (box, score,
            landmarks, its labels in its crop).
        """
        single = isinstance(images, (str, os.PathLike, np.ndarray))
        items = [images] if single else list(images)
        loaded = [load_image(item) for item in items]
        if self.detector is None:
            results = self._parse_whole(loaded, probs=probs)
        else:
            results = self._parse_in_the_wild(loaded, probs)
        return results[0] if single else results

    def detect(self, image: ImageType) -> List[FaceDetection]:
        """Faces of one image with the parser's detector (best first)."""
        if self.detector is None:
            raise ValueError('this FaceParser has no detector')
        faces = [
            FaceDetection.from_any(f)
            for f in self.detector(load_image(image))
        ]
        return sorted(faces, key=lambda f: -f.score)

    def crop_face(self, image: np.ndarray, face: FaceDetection) -> FaceCrop:
        """Cut one face (a detection, or a box and landmarks of the
        caller's) out of an ``H x W x 3`` BGR image, as :meth:`predict`
        does (see :meth:`FaceCropper.crop`)."""
        return self.cropper.crop(image, FaceDetection.from_any(face))

    def parse_crops(self, crops: Iterable[FaceCrop]) -> Iterator[torch.Tensor]:
        """Run the model on face crops, ``batch_size`` per forward.

        Args:
            crops (Iterable[FaceCrop]): From :meth:`crop_face`; consumed
                lazily, one batch at a time.

        Yields:
            Tensor: ``C x S x S`` float32 class probabilities of each crop,
            in order, on the parser's device.
        """
        samples = self.runner.run(
            (crop.image, crop.landmarks) for crop in crops)
        for sample in samples:
            yield sample.seg_logits.data.float().softmax(dim=0)

    def paster(self,
               image_shape: Tuple[int, int],
               probs: bool = False) -> FacePaster:
        """An empty :class:`FacePaster` for one ``(H, W)`` image: call its
        ``paste(face, crop.matrix, crop_probs)`` per face, then
        ``result()`` for the :class:`ParsingResult`."""
        return FacePaster(image_shape, len(self.classes), probs)

    # -- internals --------------------------------------------------------
    def _parse_in_the_wild(self, images: List[np.ndarray],
                           probs: bool) -> List[ParsingResult]:
        """detect -> crop -> parse the crops -> paste back, per image."""
        faces_per_image = [self.detect(img) for img in images]
        if self.crop_mode == 'none':
            return self._parse_whole_with_landmarks(images, faces_per_image,
                                                    probs)
        # 1. one crop per face, all images together (cut lazily)
        jobs = [(index, face) for index, faces in enumerate(faces_per_image)
                for face in faces]
        crops = [None] * len(jobs)

        def cut():
            for job, (index, face) in enumerate(jobs):
                crops[job] = self.crop_face(images[index], face)
                yield crops[job]

        # 2. parse the crops; 3. paste each back, keep its record
        pasters = [self.paster(img.shape[:2], probs) for img in images]
        for job, crop_probs in enumerate(self.parse_crops(cut())):
            index, face = jobs[job]
            pasters[index].paste(face, crops[job].matrix, crop_probs)
            crops[job] = None
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
            landmarks.append(
                None if face is None else self.cropper.
                network_landmarks(face.landmarks, np.eye(2, 3), img.shape[:2]))
        results = self._parse_whole(images, landmarks, probs)
        for result, faces in zip(results, faces_per_image):
            result.faces = [FaceRecord(face) for face in faces]
        return results

    def _parse_whole(self,
                     images: List[np.ndarray],
                     landmarks=None,
                     probs: bool = False) -> List[ParsingResult]:
        landmarks = landmarks or [None] * len(images)
        return [
            ParsingResult(
                s.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8),
                _softmax(s) if probs else None)
            for s in self.runner.run(zip(images, landmarks))
        ]


def _softmax(sample) -> np.ndarray:
    """``C x H x W`` float32 class probabilities of a SegDataSample."""
    return sample.seg_logits.data.float().softmax(dim=0).cpu().numpy()
