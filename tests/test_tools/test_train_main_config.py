# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/train.py on a main config: Swin-B trained briefly on a synthetic
download converted by the converter's command line."""
import glob
import os.path as osp
import sys

from mmengine.config import Config

from demo.synthetic_faces import generate_synthetic_celebamask_hq
from tests.helpers.utils import REPO_ROOT, run_script, tool


def test_main_config_trains_on_converted_download(tmp_path):
    """configs/segface_swinb_celeba.py (Swin-B) on data in the raw
    CelebAMask-HQ layout converted by the converter's command line: two
    iterations at 224 px, batch 1, no checkpoint written (1 GB each)."""
    raw, data = str(tmp_path / 'raw'), str(tmp_path / 'data')
    generate_synthetic_celebamask_hq(
        raw, num_images=10, image_size=64, mask_size=32, seed=1)
    code, out = run_script([
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'dataset_converters',
                 'celebamask_hq.py'), raw, '-o', data, '--image-size', '64',
        '--mask-size', '32', '--nproc', '1'
    ])
    assert code == 0, out[-3000:]
    options = [
        'model.backbone.init_cfg=None',
        'model.data_preprocessor.size=(224,224)', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'default_hooks.checkpoint.save_last=False',
        'default_hooks.checkpoint.save_best=None',
        'default_hooks.logger.interval=1', 'train_dataloader.batch_size=1'
    ]
    config = osp.join(REPO_ROOT, 'configs', 'segface_swinb_celeba.py')
    cfg = Config.fromfile(config)
    for loader in ('train', 'val', 'test'):
        pipeline = cfg[f'{loader}_dataloader'].dataset.pipeline
        resize = [t.type for t in pipeline].index('Resize')
        options += [
            f'{loader}_dataloader.num_workers=0',
            f'{loader}_dataloader.persistent_workers=False',
            f'{loader}_dataloader.dataset.data_root={data}',
            f'{loader}_dataloader.dataset.pipeline.{resize}.scale=(224,224)'
        ]
    code, out = run_script(
        tool('tools', 'train.py') +
        [config, '--work-dir',
         str(tmp_path / 'work'), '--cfg-options'] + options)
    assert code == 0, out[-3000:]
    assert 'Iter(train) [2/2]' in out
    assert 'per-class results at network input (paper) resolution' in out
    assert 'mF1:' in out
    assert not glob.glob(str(tmp_path / 'work' / '*.pth'))
