# Copyright (c) segface-mmseg contributors. All rights reserved.
"""ClassTransferHook: a short fine-tune through tools/train.py starts from
the transferred weights; a resumed run keeps its own; load_from as well, a
class list that does not fit and a bad mapping are errors."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config

from segface_mmseg.checkpoints.class_transfer import (CLASS_TOKENS_KEY,
                                                      transfer_classes)
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, write_classes_file
from segface_mmseg.engine.hooks import ClassTransferHook
from segface_mmseg.utils import ConversionError
from tests.helpers.utils import (build_model, run_script, tiny_runner_config,
                                 tool, write_mmseg_layout)

MERGED = ('background', 'neck', 'skin', 'cloth', 'ears', 'brows', 'eyes',
          'nose', 'mouth', 'l_lip', 'u_lip', 'hair', 'eye_g', 'hat', 'ear_r',
          'neck_l', 'teeth')
MERGES = dict(
    ears=['l_ear', 'r_ear'],
    brows=['l_brow', 'r_brow'],
    eyes=['l_eye', 'r_eye'])


def _source_checkpoint(path, data_root):
    """A 19-class SegFace checkpoint as mmseg's Runner writes it."""
    cfg = tiny_runner_config(path.parent / 'unused', data_root)
    torch.manual_seed(3)
    model = build_model(cfg)
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=CELEBAMASK_HQ_CLASSES))),
        str(path))
    return model.state_dict()


def _finetune_config(tmp_path, data_root, checkpoint, **hook):
    cfg = tiny_runner_config(tmp_path / 'work', data_root, max_iters=2)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.type = 'FaceParsingDataset'
    cfg.train_dataloader.dataset.pipeline.insert(
        -1, dict(type='RandomFaceFlip', prob=0.5, swap_seg_labels='dataset'))
    cfg.model.decode_head.num_classes = len(MERGED)
    cfg.custom_hooks = [
        dict(
            type='ClassTransferHook',
            checkpoint=str(checkpoint),
            mapping=MERGES,
            new_classes=['teeth'],
            **hook)
    ]
    # lr 0: the parameters stay as loaded, so the checkpoint shows them
    cfg.optim_wrapper.optimizer.lr = 0.
    path = str(tmp_path / 'finetune.py')
    cfg.dump(path)
    return path


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('own_data')
    write_mmseg_layout(
        str(root),
        splits=('train', 'val'),
        num_images=2,
        num_classes=len(MERGED))
    write_classes_file(str(root / 'classes.json'), MERGED)
    return root


def test_finetune_through_train_py_starts_from_the_transfer(
        tmp_path, data_root):
    source = _source_checkpoint(tmp_path / 'source.pth', data_root)
    config = _finetune_config(tmp_path, data_root, tmp_path / 'source.pth')
    code, out = run_script(tool('tools', 'train.py') + [config])
    assert code == 0, out[-3000:]
    assert 'eyes <- l_eye + r_eye (mean)' in out and 'teeth <- new' in out
    assert 'mF1' in out  # validated with the paper metric, 17 classes
    saved = torch.load(
        str(tmp_path / 'work' / 'iter_2.pth'),
        map_location='cpu',
        weights_only=True)
    assert saved['meta']['dataset_meta']['classes'] == MERGED
    expected, _ = transfer_classes(source, CELEBAMASK_HQ_CLASSES, MERGED,
                                   MERGES, ['teeth'])
    model = build_model(Config.fromfile(config))
    names = [name for name, _ in model.named_parameters()]
    assert CLASS_TOKENS_KEY in names and len(names) > 100
    for name in names:
        assert torch.equal(saved['state_dict'][name], expected[name]), name


def _runner(iter=0, load_from=None):
    model = SimpleNamespace(decode_head=SimpleNamespace(num_classes=17))
    return SimpleNamespace(
        iter=iter, cfg=Config(dict(load_from=load_from)), model=model)


def _train_in_process(config, work_dir, name, **changes):
    from mmengine.runner import Runner
    cfg = Config.fromfile(config)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = name
    cfg.merge_from_dict(changes)
    Runner.from_cfg(cfg).train()
    return torch.load(
        str(work_dir / 'iter_2.pth'), map_location='cpu', weights_only=False)


@pytest.mark.slow
def test_a_resumed_run_keeps_its_weights(tmp_path, data_root):
    source = _source_checkpoint(tmp_path / 'source.pth', data_root)
    config = _finetune_config(tmp_path, data_root, tmp_path / 'source.pth')
    _train_in_process(config, tmp_path / 'first', 'first')
    # the run's checkpoint at iteration 1, with weights of its own: what the
    # run had learnt by then (lr is 0 here, so shifted by hand)
    path = tmp_path / 'first' / 'iter_1.pth'
    checkpoint = torch.load(str(path), map_location='cpu', weights_only=False)
    own = {
        k: v + 0.25 if v.is_floating_point() else v
        for k, v in checkpoint['state_dict'].items()
    }
    checkpoint['state_dict'] = own
    torch.save(checkpoint, str(path))

    resumed = _train_in_process(
        config,
        tmp_path / 'resumed',
        'resumed',
        resume=True,
        load_from=str(path))
    assert resumed['meta']['iter'] == 2
    transferred, _ = transfer_classes(source, CELEBAMASK_HQ_CLASSES, MERGED,
                                      MERGES, ['teeth'])
    for name, value in resumed['state_dict'].items():
        if 'running_' not in name and 'num_batches' not in name:  # BN stats
            assert torch.equal(value, own[name]), name
    assert not torch.equal(resumed['state_dict'][CLASS_TOKENS_KEY],
                           transferred[CLASS_TOKENS_KEY])


def test_load_from_as_well_is_an_error():
    hook = ClassTransferHook('source.pth')
    with pytest.raises(ValueError, match='both give the starting weights'):
        hook.before_train(_runner(load_from='other.pth'))


def test_a_class_list_that_does_not_fit_the_model():
    hook = ClassTransferHook('source.pth', classes=MERGED[:5])
    with pytest.raises(ValueError, match='the model has 17 classes'):
        hook.before_train(_runner())


def test_an_unfit_mapping_names_the_checkpoint(tmp_path):
    path = str(tmp_path / 'source.pth')
    torch.save(
        dict(
            state_dict={CLASS_TOKENS_KEY: torch.zeros(19, 4)},
            meta=dict(dataset_meta=dict(classes=CELEBAMASK_HQ_CLASSES))), path)
    hook = ClassTransferHook(path, mapping=MERGES, classes=MERGED)
    with pytest.raises(
            ConversionError, match="source.pth: class 'teeth' has no source"):
        hook.before_train(_runner())
