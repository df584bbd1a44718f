# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A small exported model (fp32) and folders of face images, for the
runtime, export and command tests."""
import cv2
import numpy as np
import torch

from tests.helpers.photos import face_photo
from tests.helpers.tiny_model import save_checkpoint
from tests.helpers.utils import build_model, load_script


def export_tiny(config, folder, extra=()):
    """Export a seeded 64 x 64 MobileNetV3 model; ``(onnx, checkpoint)``."""
    torch.manual_seed(3)
    ckpt = save_checkpoint(build_model(config), folder / 'model.pth')
    out = folder / 'segface.onnx'
    code = load_script('tools', 'deployment', 'pytorch2onnx.py').main(
        [config, ckpt, '--output-file',
         str(out), '--verify-batch', '1'] + list(extra))
    assert code == 0
    return str(out), ckpt


def face_images(count, seed=0):
    """Photos of one face, shifted, scaled and recoloured, BGR uint8."""
    rng = np.random.default_rng(seed)
    photo = face_photo()
    images = []
    for _ in range(count):
        h, w = rng.integers(70, 130, 2)
        dx, dy = rng.integers(-40, 40, 2)
        image = cv2.resize(np.roll(photo, (dy, dx), (0, 1)), (int(w), int(h)))
        gain = rng.uniform(0.8, 1.2, 3)
        images.append(np.clip(image * gain, 0, 255).astype(np.uint8))
    return images


def write_images(folder, images, ext='.jpg'):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images):
        paths.append(str(folder / f'{i:03d}{ext}'))
        cv2.imwrite(paths[-1], image)
    return paths
