# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest
import torch
from mmseg.models.decode_heads.decode_head import BaseDecodeHead

from benchmarks.reference import reference_head
from segface_mmseg.models import SegFaceHead


def _head(num_classes=19, **kwargs):
    return SegFaceHead(
        in_channels=256, channels=256, num_classes=num_classes, **kwargs)


@pytest.mark.parametrize('num_classes,expected', [(19, 3_509_888),
                                                  (11, 3_507_840)])
def test_parameter_count_equals_official(num_classes, expected):
    # the official face_decoder, counted on the official model
    # (network/models/segface_*.py): 3,509,888 (19 classes), 3,507,840 (11);
    # the positional-encoding frequencies are a buffer, not a parameter
    head = _head(num_classes)
    assert sum(p.numel() for p in head.parameters()) == expected
    assert head.pe_layer.positional_encoding_gaussian_matrix.shape == (2, 128)
    assert 'pe_layer.positional_encoding_gaussian_matrix' in \
        head.state_dict()
    assert not hasattr(head, 'conv_seg')


@pytest.mark.parametrize('size', [(8, 8), (6, 10)])
def test_forward_matches_reference(size):
    head = _head(11).eval()
    x = torch.randn(2, 256, *size)
    with torch.no_grad():
        logits = head((x, ))
        expected = reference_head(head, x)
    assert logits.shape == (2, 11, 4 * size[0], 4 * size[1])
    torch.testing.assert_close(logits, expected, rtol=0, atol=1e-4)


def test_batch_items_are_independent():
    head = _head(5).eval()
    x = torch.randn(3, 256, 4, 4)
    with torch.no_grad():
        batched = head((x, ))
        single = head((x[1:2], ))
    torch.testing.assert_close(batched[1:2], single, rtol=0, atol=1e-5)


def test_every_parameter_gets_a_gradient():
    head = _head(7).train()
    head((torch.randn(2, 256, 4, 4), )).square().mean().backward()
    missing = [n for n, p in head.named_parameters() if p.grad is None]
    assert not missing


def test_bad_arguments():
    with pytest.raises(ValueError, match='in_channels'):
        SegFaceHead(in_channels=128, channels=256, num_classes=3)
    with pytest.raises(ValueError, match='divisible by 8'):
        SegFaceHead(
            in_channels=260,
            channels=260,
            num_classes=3,
            transformer=dict(
                type='TwoWayTransformer', embedding_dim=260, num_heads=4))
    with pytest.raises(ValueError, match='embedding_dim'):
        SegFaceHead(
            in_channels=256,
            channels=256,
            num_classes=3,
            transformer=dict(type='TwoWayTransformer', embedding_dim=128))
    with pytest.raises(ValueError, match='num_heads'):
        SegFaceHead(
            in_channels=256,
            channels=256,
            num_classes=3,
            transformer=dict(type='TwoWayTransformer', num_heads=7))


def test_autocast_bf16_inference_matches_fp32():
    # the mixed-precision inference path (autocast), on CPU with bfloat16
    head = _head(5).eval()
    x = torch.randn(1, 256, 8, 8)
    with torch.no_grad():
        fp32 = head((x, ))
        with torch.autocast('cpu', dtype=torch.bfloat16):
            mixed = head((x, ))
    assert mixed.dtype == torch.bfloat16
    error = (mixed.float() - fp32).abs().max() / fp32.abs().max()
    assert error < 0.05
    agree = (mixed.argmax(1) == fp32.argmax(1)).float().mean()
    assert agree > 0.9


@pytest.mark.parametrize('chunk_tokens', [1, 7, 2048])
def test_token_upscaling_equals_its_plain_twin(chunk_tokens):
    """The chunked token-layout upscaling (``token_upscaling=True``) and the
    official ``output_upscaling`` on the B x C x h x w map
    (``token_upscaling=False``): same logits and gradients, for chunks of
    one token row, of several rows that do not divide the grid, and of the
    whole grid."""
    torch.manual_seed(0)
    head = _head(7, upscale_chunk_tokens=chunk_tokens).train()
    plain = _head(7, token_upscaling=False).train()
    plain.load_state_dict(head.state_dict())
    x = torch.randn(2, 256, 9, 5)
    upstream = torch.randn(2, 7, 36, 20)
    outs, grads = [], []
    for model in (head, plain):
        logits = model((x, ))
        (logits * upstream).sum().backward()
        outs.append(logits)
        grads.append({n: p.grad for n, p in model.named_parameters()})
    torch.testing.assert_close(outs[0], outs[1], rtol=0, atol=1e-5)
    assert grads[0].keys() == grads[1].keys()
    for name in grads[0]:
        torch.testing.assert_close(
            grads[0][name], grads[1][name], rtol=1e-4, atol=1e-4, msg=name)
    # and both equal the restated official computation
    with torch.no_grad():
        torch.testing.assert_close(
            plain.eval()((x, )), reference_head(plain, x), rtol=0, atol=1e-4)


def test_bad_upscale_chunk():
    with pytest.raises(ValueError, match='upscale_chunk_tokens'):
        _head(3, upscale_chunk_tokens=0)


@pytest.mark.parametrize(
    'meta',
    [
        dict(img_shape=(32, 24)),
        dict(img_shape=(30, 20), pad_shape=(32, 24)),
        dict(img_shape=torch.Size([32, 24]), pad_shape=(40, 40)),  # slide
    ])
def test_predict_skips_the_identity_resize(meta):
    """Logits already at the size mmseg resizes to come back as they are,
    and they equal what mmseg's resize gives."""
    head = _head(5).eval()
    logits = torch.randn(2, 5, 32, 24)
    assert head.predict_by_feat(logits, [meta] * 2) is logits
    torch.testing.assert_close(
        BaseDecodeHead.predict_by_feat(head, logits, [meta] * 2),
        logits,
        rtol=0,
        atol=0)


@pytest.mark.parametrize('meta', [
    dict(img_shape=(16, 12)),
    dict(img_shape=(32, 24), pad_shape=(40, 40)),
])
def test_predict_resizes_other_sizes_as_mmseg_does(meta):
    head = _head(5).eval()
    logits = torch.randn(2, 5, 32, 24)
    out = head.predict_by_feat(logits, [meta] * 2)
    expected = BaseDecodeHead.predict_by_feat(head, logits, [meta] * 2)
    assert out.shape == expected.shape != logits.shape
    torch.testing.assert_close(out, expected, rtol=0, atol=0)
