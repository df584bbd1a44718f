# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What reading a checkpoint file says when it cannot be read."""
import collections
import os
import re
import zipfile

import pytest
import torch

from segface_mmseg.checkpoints import CheckpointError, read_checkpoint

NOT_A_CHECKPOINT = 'not a PyTorch checkpoint (corrupt or another kind of file)'


@pytest.mark.parametrize(
    'content', [
        os.urandom(4096),
        b'hello, this is a text file\nwith two lines\n',
        b'{"state_dict": {}}',
        b'\xff\xd8\xff\xe0' + bytes(range(256)) * 4,
    ],
    ids=['random', 'text', 'json', 'jpeg'])
def test_a_file_that_is_no_checkpoint_is_called_so(tmp_path, content):
    path = tmp_path / 'model.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as error:
        read_checkpoint(str(path))
    assert str(error.value) == f'{path}: cannot be loaded: {NOT_A_CHECKPOINT}'


def test_a_zip_that_is_no_checkpoint_is_called_so(tmp_path):
    path = tmp_path / 'model.pth'
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('notes.txt', 'hi')
    with pytest.raises(CheckpointError, match=re.escape(NOT_A_CHECKPOINT)):
        read_checkpoint(str(path))


class Foreign:
    """A class of the test module: not in torch's allow-list."""


def test_a_pickle_of_foreign_objects_keeps_the_advice(tmp_path):
    path = tmp_path / 'model.pth'
    torch.save(
        dict(state_dict=collections.OrderedDict(), extra=Foreign()), str(path))
    with pytest.raises(CheckpointError) as error:
        read_checkpoint(str(path))
    message = str(error.value)
    assert 'pickled objects beyond tensors' in message
    assert 'Foreign' in message and 'weights_only=False' in message
    assert NOT_A_CHECKPOINT not in message


def test_a_truncated_checkpoint_is_called_so(tmp_path):
    path = tmp_path / 'model.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(1000))), str(path))
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match='truncated or corrupt'):
        read_checkpoint(str(path))
