# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 export: calibrate and quantize an fp32 export, compare it with fp32
on held-out images, and write it only within the tolerance."""
import json
import os.path as osp
import time
from typing import List, Optional, Sequence

import cv2
import numpy as np

from segface_runtime.image_files import ImageReadError, read_image
from segface_runtime.onnx_face_parser import OnnxFaceParser
from ..utils import atomic_output
from .calibration_images import CalibrationError, load_calibration_split
from .int8_check import (Int8Tolerance, compare_labels, format_report,
                         tolerance_failures)
from .int8_quantization import quantize_int8
from .onnx_export import set_metadata


class Int8RefusedError(RuntimeError):
    """The int8 model is beyond the tolerance; it was not written."""


def load_reference_labels(label_dir: str, files: Sequence[str],
                          images: Sequence[np.ndarray]) -> List[np.ndarray]:
    """``<label_dir>/<stem>.png`` of each held-out file, checked to have
    its image's size.

    Raises:
        CalibrationError: A label map that is missing or of another size.
    """
    labels = []
    for path, image in zip(files, images):
        stem = osp.splitext(osp.basename(path))[0]
        label_file = osp.join(label_dir, stem + '.png')
        try:
            label = read_image(label_file, cv2.IMREAD_UNCHANGED)
        except (ImageReadError, FileNotFoundError) as error:
            raise CalibrationError(f'--eval-labels: {error}') from None
        if label.ndim != 2 or label.shape != image.shape[:2]:
            raise CalibrationError(
                f'{label_file}: label map {label.shape} for an image of '
                f'{image.shape[:2]}; expected a one-channel map of its size')
        labels.append(label)
    return labels


def _labels(parser: OnnxFaceParser, images) -> List[np.ndarray]:
    return [result['labels'] for result in parser.predict(images)]


def int8_report(fp32_file: str,
                int8_file: str,
                images: Sequence[np.ndarray],
                references: Optional[Sequence[np.ndarray]] = None) -> dict:
    """:func:`compare_labels` of two exports on BGR images."""
    fp32 = OnnxFaceParser(fp32_file)
    int8 = OnnxFaceParser(int8_file)
    return compare_labels(
        _labels(fp32, images), _labels(int8, images), fp32.classes, references)


def load_int8_images(args) -> dict:
    """The calibration images, held-out images and (``--eval-labels``)
    their label maps, read and checked before anything is exported.

    Raises:
        CalibrationError: Unusable calibration, held-out or label files.
    """
    calib, held, held_files = load_calibration_split(args.calib_dir,
                                                     args.calib_num,
                                                     args.eval_dir,
                                                     args.eval_num)
    references = None
    if args.eval_labels:
        references = load_reference_labels(args.eval_labels, held_files, held)
    return dict(calib=calib, held=held, references=references)


def export_int8(fp32_file: str, output_file: str, args, images: dict,
                work: str) -> dict:
    """Quantize ``fp32_file`` and write ``output_file`` if within the
    tolerance of ``args`` (or ``args.accept``).

    Args:
        fp32_file (str): The checked fp32 export.
        output_file (str): Target; written atomically, else left as it was.
        args (argparse.Namespace): The int8 options of
            :func:`.export_job.add_export_arguments`.
        images (dict): :func:`load_int8_images`.
        work (str): A scratch folder.

    Returns:
        dict: The :func:`compare_labels` report.

    Raises:
        Int8RefusedError: Beyond the tolerance without ``args.accept``.
    """
    import onnx
    calib, held = images['calib'], images['held']
    references = images['references']
    fp32 = OnnxFaceParser(fp32_file)
    inputs = [fp32.network_input([image]) for image in calib]
    start = time.perf_counter()
    int8_file = osp.join(work, 'int8.onnx')
    recipe = quantize_int8(fp32_file, int8_file, inputs, args.int8_recipe,
                           args.reduce_range, args.calibrate_method)
    print(f'Quantized to int8 ({json.dumps(recipe)}) in '
          f'{time.perf_counter() - start:.1f} s')
    report = int8_report(fp32_file, int8_file, held, references)
    print(format_report(report))
    tolerance = Int8Tolerance(args.min_agreement, args.max_mean_f1_drop,
                              args.max_class_f1_drop, args.min_class_pixels)
    failures = tolerance_failures(report, tolerance)
    if failures and not args.accept:
        raise Int8RefusedError(
            f'int8 is beyond the tolerance on {len(held)} held-out image(s): '
            f'{"; ".join(failures)}; {output_file} was not written (--accept '
            'writes it anyway)')
    if failures:
        print(f'warning: beyond the tolerance ({"; ".join(failures)}), '
              'written because of --accept')
    # the fp32 export's metadata, the precision and how it was checked
    meta = dict(fp32.session.get_modelmeta().custom_metadata_map)
    meta.update(
        precision='int8',
        int8_recipe=json.dumps(recipe),
        int8_check=json.dumps(
            dict(
                held_out_images=len(held),
                reference=report['reference'],
                agreement=round(report['agreement'], 6),
                mean_f1_fp32=round(report['mean_fp32_f1'], 3),
                mean_f1_int8=round(report['mean_int8_f1'], 3))))
    model = onnx.load(int8_file)
    set_metadata(model, meta)
    with atomic_output(output_file) as tmp:
        onnx.save(model, tmp)
    return report
