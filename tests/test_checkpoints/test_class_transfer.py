# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class-token transfer: tokens by name, merges as means, nothing else
touched; tokens that do not fit the checkpoint's classes refused."""
import pytest
import torch

from segface_mmseg.checkpoints import (CLASS_TOKENS_KEY, checkpoint_classes,
                                       transfer_checkpoint, transfer_classes)
from segface_mmseg.classes import (CELEBAMASK_HQ_CLASSES, LAPA_CLASSES,
                                   describe_sources)
from segface_mmseg.utils import ConversionError
from tests.helpers.utils import build_model, load_config

MOBILENET = 'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'
# the demo's 19 classes with the left/right pairs merged and teeth added
MERGED = ('background', 'neck', 'skin', 'cloth', 'ears', 'brows', 'eyes',
          'nose', 'mouth', 'l_lip', 'u_lip', 'hair', 'eye_g', 'hat', 'ear_r',
          'neck_l', 'teeth')
MERGES = dict(
    ears=['l_ear', 'r_ear'],
    brows=['l_brow', 'r_brow'],
    eyes=['l_eye', 'r_eye'])


def _model(num_classes):
    cfg = load_config(MOBILENET)
    cfg.model.decode_head.num_classes = num_classes
    return build_model(cfg)


@pytest.fixture(scope='module')
def source_state_dict():
    torch.manual_seed(1)
    return _model(19).state_dict()


def test_tokens_come_from_their_sources_and_nothing_else_changes(
        source_state_dict):
    converted, _ = transfer_classes(source_state_dict, CELEBAMASK_HQ_CLASSES,
                                    MERGED, MERGES, ['teeth'])
    src = source_state_dict[CLASS_TOKENS_KEY]
    dst = converted[CLASS_TOKENS_KEY]
    assert dst.shape == (17, 256) and dst.dtype == src.dtype
    # by the CelebAMask-HQ ids of the README's table
    for new_id, old_id in [(0, 0), (1, 1), (2, 2), (3, 3), (7, 10), (8, 11),
                           (9, 12), (10, 13), (11, 14), (12, 15), (13, 16),
                           (14, 17), (15, 18)]:
        assert torch.equal(dst[new_id], src[old_id]), MERGED[new_id]
    for new_id, (left, right) in [(4, (4, 5)), (5, (6, 7)), (6, (8, 9))]:
        torch.testing.assert_close(
            dst[new_id], (src[left] + src[right]) / 2, rtol=0, atol=1e-7)
    # new: the mean of the 19 source tokens
    torch.testing.assert_close(dst[16], src.sum(0) / 19, rtol=0, atol=1e-6)
    # every other entry bit-equal
    assert list(converted) == list(source_state_dict)
    for key, value in source_state_dict.items():
        if key != CLASS_TOKENS_KEY:
            assert torch.equal(converted[key], value), key
    # and the result fits a 17-class model exactly
    _model(17).load_state_dict(converted, strict=True)


def test_new_class_normal_init_is_seeded_and_scaled(source_state_dict):
    src = source_state_dict[CLASS_TOKENS_KEY]

    def teeth(seed):
        converted, _ = transfer_classes(
            source_state_dict,
            CELEBAMASK_HQ_CLASSES, ('background', 'teeth'),
            new_classes=['teeth'],
            new_init='normal',
            seed=seed)
        return converted[CLASS_TOKENS_KEY][1]

    assert torch.equal(teeth(0), teeth(0))
    assert not torch.equal(teeth(0), teeth(1))
    # N(0, s^2) with s the source tokens' std: 256 draws within 30 %
    ratio = teeth(0).std() / src.std()
    assert 0.7 < float(ratio) < 1.3
    with pytest.raises(ConversionError, match='new_init'):
        transfer_classes(
            source_state_dict,
            CELEBAMASK_HQ_CLASSES, ('teeth', ),
            new_classes=['teeth'],
            new_init='zeros')


def test_a_rename_and_a_source_used_twice():
    tokens = torch.arange(12.).view(3, 4)
    state_dict = {CLASS_TOKENS_KEY: tokens}
    converted, sources = transfer_classes(
        state_dict, ('background', 'face', 'hair'),
        ('background', 'skin', 'hair', 'beard'),
        dict(skin='face', beard='hair'))
    assert sources == [(0, ), (1, ), (2, ), (2, )]
    assert torch.equal(converted[CLASS_TOKENS_KEY], tokens[[0, 1, 2, 2]])
    assert describe_sources(
        ('background', 'face', 'hair'),
        ('background', 'skin', 'hair', 'beard'), sources) == [
            '  0 background <- background', '  1 skin <- face',
            '  2 hair <- hair', '  3 beard <- hair'
        ]


def test_tokens_that_do_not_fit_the_source_classes():
    state_dict = {CLASS_TOKENS_KEY: torch.zeros(11, 4)}
    with pytest.raises(ConversionError, match=r'\(11, 4\).*19 classes'):
        transfer_classes(state_dict, CELEBAMASK_HQ_CLASSES, LAPA_CLASSES)
    with pytest.raises(ConversionError, match='not a SegFace'):
        transfer_classes({'backbone.x': torch.zeros(1)}, CELEBAMASK_HQ_CLASSES,
                         LAPA_CLASSES)
    with pytest.raises(ConversionError, match='names no classes'):
        checkpoint_classes(dict(state_dict=state_dict, meta=dict()))


def test_transfer_checkpoint_writes_the_new_meta():
    checkpoint = dict(
        state_dict={CLASS_TOKENS_KEY: torch.eye(19)},
        meta=dict(dataset_meta=dict(classes=CELEBAMASK_HQ_CLASSES)))
    result = transfer_checkpoint(
        checkpoint,
        dict(classes=['background', 'eyes'], palette=[[0, 0, 0], [1, 2, 3]]),
        dict(eyes=['l_eye', 'r_eye']),
        source='demo.pth')
    assert result['meta']['dataset_meta'] == dict(
        classes=('background', 'eyes'), palette=[[0, 0, 0], [1, 2, 3]])
    assert result['meta']['class_transfer']['source'] == 'demo.pth'
    expected = torch.zeros(2, 19)
    expected[0, 0] = 1
    expected[1, 8] = expected[1, 9] = 0.5
    assert torch.equal(result['state_dict'][CLASS_TOKENS_KEY], expected)
