# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The ``segface`` command.

Examples::

    segface list
    segface parse face.jpg --model swinb_celeba_512 --overlay
    segface download swinb_celeba_512 mobilenet_celeba_512
    segface convert swinb_celeba_512/model_299.pt segface_swinb.pth
    segface config swinb_celeba_512 --dump my_base.py
    segface export mobilenet_celeba_512 --output-file m.onnx [--int8 ...]
    segface parse face.jpg --onnx m.onnx --overlay
"""
import argparse
import sys

from . import (config_command, convert_command, download_command,
               export_command, list_command, parse_command)

COMMANDS = {
    'parse': parse_command,
    'list': list_command,
    'download': download_command,
    'convert': convert_command,
    'config': config_command,
    'export': export_command,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='segface',
        description='SegFace face parsing (AAAI 2025) on mmsegmentation')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    commands.required = True
    for name, module in COMMANDS.items():
        sub = commands.add_parser(
            name, help=module.DESCRIPTION, description=module.DESCRIPTION)
        module.add_arguments(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    import segface_mmseg  # noqa: F401 (registers the plugin's modules)
    return COMMANDS[args.command].run(args)


if __name__ == '__main__':
    sys.exit(main())
