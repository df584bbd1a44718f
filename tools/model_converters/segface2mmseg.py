# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert an official SegFace checkpoint (``model_299.pt``) for mmseg.

Example::

    python tools/model_converters/segface2mmseg.py \\
        swinb_celeba_512/model_299.pt checkpoints/segface_swinb_celeba_512.pth

Only ``state_dict_backbone`` (the whole model, despite its name) is read,
with ``torch.load(..., weights_only=True)``. The output holds ``state_dict``
and ``meta.dataset_meta`` (class names and palette), so ``init_model`` and
``MMSegInferencer`` show the right names. The backbone is detected from the
keys; the release (and with it the config to use) from the name of the
folder holding the file, or ``--release``. The same command is installed as
``segface convert``.
"""
import argparse
import sys

from segface_mmseg.cli import convert_command


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=convert_command.DESCRIPTION)
    convert_command.add_arguments(parser)
    return convert_command.run(parser.parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
