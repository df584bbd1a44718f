# Copyright (c) segface-mmseg contributors. All rights reserved.
import itertools
import os
from typing import (Callable, Iterable, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from ..zoo import resolve_model
from .build_segmentor import load_config
from .face_detectors import FaceDetection, build_face_detector
from .image_io import load_image
from .in_the_wild import InTheWildParsing
from .inference_config import (array_test_pipeline, build_inference_model,
                               network_input_size)
from .parsing_result import ParsingResult

ImageType = Union[str, os.PathLike, np.ndarray]
CROP_MODES = ('auto', 'align', 'box', 'none')
AMP_DTYPES = {'fp16': torch.float16, 'bf16': torch.bfloat16}


class FaceParser(InTheWildParsing):
    """Face parsing from a config and a checkpoint: image in, labels out.

    Without a detector the whole image is parsed, as a tight face crop
    (how SegFace was trained: the image is squashed to the network size).
    With one, faces are detected, each is cropped (or aligned), parsed, and
    the labels are pasted back into the full image, for any number of
    faces; where crops overlap, each pixel takes the face most sure it is
    not background.

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
        batch_size (int): Images (or face crops) per forward. Default: 1.
        amp (str, optional): Mixed-precision inference, ``'fp16'`` (GPU)
            or ``'bf16'``, through ``torch.autocast``. Default: None (fp32).
        compile (bool | dict): Compile the backbone + neck and the head
            with ``torch.compile`` (the first forward of each input shape is
            slow); a dict is passed to ``torch.compile`` as arguments, as in
            mmengine's ``compile`` config (e.g. ``dict(mode='max-autotune')``
            or ``dict(backend='aot_eager')``). Default: False.
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
        if crop_mode not in CROP_MODES:
            raise ValueError(f'crop_mode must be one of {CROP_MODES}, '
                             f'got {crop_mode!r}')
        if if_no_face not in ('background', 'whole'):
            raise ValueError('if_no_face must be "background" or "whole", '
                             f'got {if_no_face!r}')
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        if amp is not None and amp not in AMP_DTYPES:
            raise ValueError(f'amp must be None or one of '
                             f'{tuple(AMP_DTYPES)}, got {amp!r}')
        cfg = load_config(config, cfg_options)
        self.cfg = cfg
        self.device = torch.device(device)
        self.model = build_inference_model(cfg, checkpoint, self.device)
        self.pipeline = array_test_pipeline(cfg)
        self.input_size = network_input_size(cfg)
        self.detector = (None if detector is None else
                         build_face_detector(detector))
        self.crop_mode = crop_mode
        self.margin = margin
        self.if_no_face = if_no_face
        self.batch_size = batch_size
        self.amp_dtype = AMP_DTYPES.get(amp)
        if compile:
            options = compile if isinstance(compile, dict) else {}
            self.model.extract_feat = torch.compile(self.model.extract_feat,
                                                    **options)
            head = self.model.decode_head
            head.forward = torch.compile(head.forward, **options)

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

    def crop_geometry(self, face: FaceDetection) -> Tuple[np.ndarray, int]:
        """The crop :meth:`predict` cuts for one face: the ``2 x 3``
        image-to-crop matrix and the crop side ``S`` (see
        :func:`face_crop`)."""
        return self._crop_geometry(face)

    def predict_probs(
        self,
        images: Sequence[np.ndarray],
        landmarks: Optional[Sequence[Optional[np.ndarray]]] = None
    ) -> Iterator[torch.Tensor]:
        """Class probabilities of images parsed whole (frames or face
        crops), lazily, ``batch_size`` images per forward.

        Args:
            images (list[np.ndarray]): ``H x W x 3`` BGR arrays.
            landmarks (list, optional): Per image, ``(5, 2)`` landmarks in
                its pixels, or None. Default: None.

        Yields:
            Tensor: ``C x H x W`` float32 probabilities of each image, on
            the parser's device.
        """
        landmarks = landmarks or [None] * len(images)
        items = ((img, None if lm is None else self._network_landmarks(
            lm, np.eye(2, 3), img.shape[:2]))
                 for img, lm in zip(images, landmarks))
        for sample in self._forward(items):
            yield sample.seg_logits.data.float().softmax(dim=0)

    # -- internals --------------------------------------------------------
    def _forward(
            self, items: Iterable[Tuple[np.ndarray,
                                        Optional[np.ndarray]]]) -> Iterator:
        """Run the model on ``(BGR image, landmarks or None)`` pairs.

        Runs ``batch_size`` images per forward and yields one SegDataSample
        per image, in order; inputs are consumed lazily, so only one batch
        of crops and predictions is held at a time.
        """
        items = iter(items)
        while True:
            batch = []
            for img, lm in itertools.islice(items, self.batch_size):
                data = self.pipeline(dict(img=img))
                if lm is not None:
                    data['data_samples'].set_metainfo(
                        dict(landmarks=lm.astype(np.float32)))
                batch.append(data)
            if not batch:
                return
            with torch.no_grad(), torch.autocast(
                    self.device.type,
                    self.amp_dtype,
                    enabled=self.amp_dtype is not None):
                samples = self.model.test_step(pseudo_collate(batch))
            yield from samples

    def _parse_whole(self,
                     images: List[np.ndarray],
                     landmarks=None,
                     probs: bool = False) -> List[ParsingResult]:
        landmarks = landmarks or [None] * len(images)
        return [
            ParsingResult(
                s.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8),
                _softmax(s) if probs else None)
            for s in self._forward(zip(images, landmarks))
        ]


def _softmax(sample) -> np.ndarray:
    """``C x H x W`` float32 class probabilities of a SegDataSample."""
    return sample.seg_logits.data.float().softmax(dim=0).cpu().numpy()
