# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Write ``configs/segface/metafile.yaml`` from the release table.

The table (``segface_mmseg/checkpoints/releases.py``) is the one source of
the releases' facts; the metafile (read by ``mim`` and mmseg's model-zoo
tooling) is generated from it, and a test checks that the committed file is
what this script writes.

Example::

    python tools/misc/write_metafile.py           # rewrite the file
    python tools/misc/write_metafile.py --check   # exit 1 if it is stale
"""
import argparse
import os.path as osp
import sys

import yaml

from segface_mmseg.checkpoints import RELEASES, hf_weights_url
from segface_mmseg.utils import atomic_write_bytes

METAFILE = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    'segface', 'metafile.yaml')
HEADER = """\
# SegFace model zoo in MMSegmentation's metafile schema, generated from
# segface_mmseg/checkpoints/releases.py by tools/misc/write_metafile.py:
# edit the table, then run the script.
# Results are the paper's / official README's (mean F1 over the foreground
# classes and mean IoU, at the network resolution), for the official weights.
# `Weights` is the official file on the Hugging Face hub (what
# `mim download` fetches); the plugin converts it when loading it, or once
# with `segface download NAME` / tools/model_converters/segface2mmseg.py.
"""
PAPER = dict(
    Title='SegFace: Face Segmentation of Long-Tail Classes',
    URL='https://arxiv.org/abs/2412.08647')
CODE = 'https://github.com/Kartik-3004/SegFace'


def _model(config: str, release_name: str, release, results: bool) -> dict:
    metrics = {}
    if results and release.mf1 is not None:
        metrics['mF1'] = release.mf1
    if results and release.miou is not None:
        metrics['mIoU'] = release.miou
    batch = int(config.split('_8xb')[1].split('-')[0]) * 8
    return {
        'Name':
        osp.basename(config)[:-len('.py')],
        'In Collection':
        'SegFace',
        'Results': [
            dict(
                Task='Semantic Segmentation',
                Dataset=release.dataset,
                Metrics=metrics)
        ] if metrics else [],
        'Config':
        f'configs/{config}',
        'Metadata': {
            'Training Data': release.dataset,
            'Batch Size': batch,
            'Architecture': [release.architecture, 'SegFace'],
            'Training Resources': '8x A6000 GPUs',
        },
        'Weights':
        hf_weights_url(release_name),
        'Converted From':
        dict(Weights=hf_weights_url(release_name), Code=CODE),
        'Paper':
        PAPER,
        'Code':
        CODE,
        'Framework':
        'PyTorch',
    }


def metafile_text() -> str:
    """The metafile's content, from :data:`RELEASES`."""
    models = []
    for name, release in RELEASES.items():
        models.append(_model(release.config, name, release, True))
        if release.tta_config:
            models.append(_model(release.tta_config, name, release, False))
    content = dict(
        Collections=[
            dict(
                Name='SegFace',
                License='MIT',
                Metadata={
                    'Training Data':
                    list(dict.fromkeys(r.dataset for r in RELEASES.values()))
                },
                Paper=PAPER,
                README='configs/segface/README.md',
                Frameworks=['PyTorch'])
        ],
        Models=models)
    return HEADER + yaml.safe_dump(
        content, sort_keys=False, width=1000, allow_unicode=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--check',
        action='store_true',
        help='only check that the metafile is up to date')
    args = parser.parse_args(argv)
    text = metafile_text()
    with open(METAFILE) as f:
        current = f.read()
    if args.check:
        if current != text:
            print(
                f'{METAFILE}: stale; run tools/misc/write_metafile.py',
                file=sys.stderr)
            return 1
        print(f'{METAFILE}: up to date')
        return 0
    atomic_write_bytes(METAFILE, text.encode())
    print(f'wrote {METAFILE} ({len(RELEASES)} releases)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
