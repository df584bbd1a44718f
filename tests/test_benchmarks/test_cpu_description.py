# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Speed tables name the CPU and the instruction sets it has and lacks."""
from benchmarks import cpu_description


def test_names_the_model_and_what_it_has_and_lacks(tmp_path):
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text('processor\t: 0\nmodel name\t: Some CPU 9000\n'
                       'flags\t\t: fpu sse avx2 fma avx512f avx512_vnni\n\n'
                       'processor\t: 1\nmodel name\t: Some CPU 9000\n')
    assert cpu_description(str(cpuinfo)) == (
        'Some CPU 9000 (AVX2, FMA, AVX-512, AVX-512 VNNI; no AVX-VNNI, '
        'AVX-512 BF16, AMX)')
    everything = ' '.join([
        'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16',
        'amx_tile'
    ])
    cpuinfo.write_text(f'model name : X\nflags : {everything}\n')
    assert cpu_description(str(cpuinfo)) == (
        'X (AVX2, FMA, AVX-512, AVX-512 VNNI, AVX-VNNI, AVX-512 BF16, AMX)')
