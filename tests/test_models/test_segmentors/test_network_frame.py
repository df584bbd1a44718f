# Copyright (c) segface-mmseg contributors. All rights reserved.
"""to_network_frame: padding removed and flip undone, by hand."""
import torch

from segface_mmseg.models.segmentors.network_frame import to_network_frame


def _map():
    # 2 x 4 x 5: channel c, row r, column k holds 100 c + 10 r + k
    c, r, k = torch.meshgrid(
        torch.arange(2), torch.arange(4), torch.arange(5), indexing='ij')
    return 100 * c + 10 * r + k


def test_padding_is_removed_on_every_side():
    meta = dict(img_padding_size=[1, 2, 0, 1])  # left, right, top, bottom
    out = to_network_frame(_map(), meta)
    assert out.shape == (2, 3, 2)
    assert out[0].tolist() == [[1, 2], [11, 12], [21, 22]]
    assert out[1, 0].tolist() == [101, 102]
    # padding_size is read when img_padding_size is absent; none is none
    assert torch.equal(
        to_network_frame(_map(), dict(padding_size=[1, 2, 0, 1])), out)
    assert torch.equal(to_network_frame(_map(), {}), _map())


def test_flips_are_undone_after_the_crop():
    meta = dict(
        padding_size=[0, 1, 0, 2], flip=True, flip_direction='horizontal')
    out = to_network_frame(_map(), meta)
    assert out[0].tolist() == [[3, 2, 1, 0], [13, 12, 11, 10]]
    meta.update(flip_direction='vertical')
    out = to_network_frame(_map(), meta)
    assert out[0].tolist() == [[10, 11, 12, 13], [0, 1, 2, 3]]
    meta.update(flip=False)
    assert to_network_frame(_map(), meta)[0].tolist() == [[0, 1, 2, 3],
                                                          [10, 11, 12, 13]]
