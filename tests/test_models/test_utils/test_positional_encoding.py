# Copyright (c) segface-mmseg contributors. All rights reserved.
import math

import torch

from segface_mmseg.models.utils import PositionEmbeddingRandom


def test_encoding_of_a_2x3_grid_by_hand():
    pe = PositionEmbeddingRandom(num_pos_feats=2)
    pe.positional_encoding_gaussian_matrix.copy_(
        torch.tensor([[1.0, 0.0], [0.5, 2.0]]))
    out = pe((2, 3))
    assert out.shape == (4, 2, 3)
    for row in range(2):
        for col in range(3):
            # pixel centres in [0, 1], (x, y) order, mapped to [-1, 1]
            x = 2 * (col + 0.5) / 3 - 1
            y = 2 * (row + 0.5) / 2 - 1
            f0 = 2 * math.pi * (x * 1.0 + y * 0.5)
            f1 = 2 * math.pi * (x * 0.0 + y * 2.0)
            expected = [math.sin(f0), math.sin(f1), math.cos(f0), math.cos(f1)]
            torch.testing.assert_close(
                out[:, row, col], torch.tensor(expected), rtol=0, atol=1e-5)


def test_frequencies_are_a_persistent_buffer():
    pe = PositionEmbeddingRandom(128)
    assert 'positional_encoding_gaussian_matrix' in pe.state_dict()
    assert list(pe.parameters()) == []


def test_fp32_under_mixed_precision():
    """Autocast would run the frequency matmul in bf16 (phase errors of
    about 0.1 rad); the encoding stays the fp32 one."""
    torch.manual_seed(0)
    pe = PositionEmbeddingRandom(128)
    fp32 = pe((32, 48))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        mixed = pe((32, 48))
        # what the matmul alone gives under autocast
        coords = torch.rand(32 * 48, 2) * 2 - 1
        phases = coords @ pe.positional_encoding_gaussian_matrix
    assert phases.dtype == torch.bfloat16
    assert mixed.dtype == torch.float32
    assert torch.equal(mixed, fp32)
