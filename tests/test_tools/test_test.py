# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/test.py refuses a checkpoint that does not fit the config."""
import sys

import pytest
import torch

from tests.helpers.utils import (build_model, load_config, load_script,
                                 tiny_runner_config, write_mmseg_layout)


@pytest.mark.parametrize('change', ['classes', 'backbone'])
def test_checkpoint_of_another_model_fails_with_its_name(
        tmp_path, change, monkeypatch, capfd):
    write_mmseg_layout(str(tmp_path / 'data'))
    cfg = tiny_runner_config(tmp_path / 'work', tmp_path / 'data')
    config = str(tmp_path / 'tiny.py')
    cfg.dump(config)
    if change == 'classes':  # an 11-class LaPa model on the 19-class config
        other = load_config(
            'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
        other.model.decode_head.num_classes = 11
    else:
        other = load_config(
            'segface/segface_r101_8xb4-300e_celebamask-hq-512x512.py')
    path = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=build_model(other).state_dict()), path)
    monkeypatch.setattr(sys, 'argv', ['tools/test.py', config, path])
    # a SystemExit with a message: Python prints it, no traceback, exit 1
    with pytest.raises(SystemExit) as error:
        load_script('tools', 'test.py').main()
    assert isinstance(error.value.code, str)
    assert error.value.code.startswith(
        f"error: {path}: does not fit the config's model")
    out, err = capfd.readouterr()
    assert 'per-class results' not in out + err  # nothing was scored
