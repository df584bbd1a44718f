#!/usr/bin/env bash
# Copyright (c) segface-mmseg contributors. All rights reserved.
# The GPU check, in about 5 minutes on one GPU; run from the repository root:
#
#   bash benchmarks/gpu_check.sh                  # CUDA, 512 x 512
#   bash benchmarks/gpu_check.sh --device cpu --size 64 --quick   # the test
#
# 1. logits on the device equal the CPU's (fp32, TF32 off; relative 1e-3);
# 2. frames per second, batch 1 and 8, fp32 / fp16 / bf16 autocast,
#    MobileNetV3-512 and Swin-B-512, with the peak memory
#    (benchmarks/device_check.py fps);
# 3. mmseg's own tools/analysis_tools/benchmark.py (batch 1, fp32, 200
#    images after 5 warm-up) on generated data;
# 4. benchmarks/latency.py on the device: the package against the plain
#    re-statement of the official code, batch 1 and 8;
# 5. 20 training iterations with tools/train.py --amp on generated data.
# Tables go to OUT (default work_dirs/gpu_check): parity.md, fps.md,
# mmseg_benchmark.txt, latency.md, train.log, summary.md.
set -euo pipefail

DEVICE=cuda
SIZE=512
OUT=work_dirs/gpu_check
QUICK=0
PYTHON=${PYTHON:-python}
MOBILENET=configs/segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py
SWIN=configs/segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py

while [ $# -gt 0 ]; do
    case "$1" in
        --device) DEVICE=$2; shift 2 ;;
        --size) SIZE=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        *) echo "error: unknown option $1 (--device, --size, --out, --quick)" >&2
           exit 2 ;;
    esac
done

# --quick (the test suite's CPU run): MobileNetV3 only, batch 1 and 2,
# few repeats, 4 training iterations
CONFIGS="$MOBILENET $SWIN"
BATCHES="1 8"
REPEAT=20
LATENCY_REPEAT=10
TRAIN_ITERS=20
if [ "$QUICK" = 1 ]; then
    CONFIGS=$MOBILENET
    BATCHES="1 2"
    REPEAT=2
    LATENCY_REPEAT=1
    TRAIN_ITERS=4
fi
mkdir -p "$OUT"
START=$(date +%s)
step() { echo; echo "== $1 ($(( $(date +%s) - START )) s)"; }

step "1. logits on $DEVICE vs CPU"
$PYTHON -m benchmarks.device_check parity --device "$DEVICE" --size "$SIZE" \
    --configs $CONFIGS --out "$OUT"

step "2. frames per second and peak memory"
$PYTHON -m benchmarks.device_check fps --device "$DEVICE" --size "$SIZE" \
    --configs $CONFIGS --batch-sizes $BATCHES --repeat "$REPEAT" --warmup 2 \
    --out "$OUT"

step "3. mmseg's tools/analysis_tools/benchmark.py on generated data"
$PYTHON -m benchmarks.device_check data --device "$DEVICE" --size "$SIZE" \
    --configs $CONFIGS \
    --out "$OUT" > "$OUT/configs.txt"
# mmseg's packaged tools, found without importing mmseg (seconds)
MMSEG_TOOLS=$($PYTHON -c "import importlib.util as u, os.path as p; \
print(p.join(p.dirname(u.find_spec('mmseg').origin), '.mim', 'tools'))")
: > "$OUT/mmseg_benchmark.txt"
for config in $(cat "$OUT/configs.txt"); do
    # no checkpoint (random weights); mmseg's script runs on CUDA when
    # there is one, else on the CPU
    CUDA_VISIBLE_DEVICES=$([ "$DEVICE" = cpu ] && echo "" || echo "${CUDA_VISIBLE_DEVICES-0}") \
        $PYTHON "$MMSEG_TOOLS/analysis_tools/benchmark.py" "$config" none \
        --log-interval 100 --repeat-times 1 --work-dir "$OUT/mmseg_benchmark" 2>&1 | tee -a "$OUT/mmseg_benchmark.txt" \
        | grep -E "fps|Overall|img / s" || true
done
grep -q -i "fps" "$OUT/mmseg_benchmark.txt" || {
    echo "error: mmseg's benchmark.py printed no fps (see $OUT/mmseg_benchmark.txt)" >&2
    exit 1
}

step "4. benchmarks/latency.py on $DEVICE (package vs reference)"
$PYTHON -m benchmarks.latency --device "$DEVICE" --configs $CONFIGS \
    --size "$SIZE" --batch-sizes $BATCHES --threads 1 \
    --repeat "$LATENCY_REPEAT" --warmup 1 --out "$OUT/latency.md"

step "5. $TRAIN_ITERS training iterations, tools/train.py --amp"
TRAIN_CONFIG=$(head -n 1 "$OUT/configs.txt")
$PYTHON tools/train.py "$TRAIN_CONFIG" --amp --work-dir "$OUT/train" \
    --cfg-options train_cfg.max_iters="$TRAIN_ITERS" \
    > "$OUT/train.log" 2>&1 || {
    tail -n 20 "$OUT/train.log" >&2
    echo "error: training with --amp failed (log: $OUT/train.log)" >&2
    exit 1
}
grep -E "Iter\(train\)" "$OUT/train.log" | tail -n 2

step "done"
{
    echo "# GPU check on $DEVICE, $SIZE x $SIZE ($(( $(date +%s) - START )) s)"
    for table in parity fps latency; do
        echo; cat "$OUT/$table.md"
    done
    echo; grep -E "fps|img / s" "$OUT/mmseg_benchmark.txt" || true
} > "$OUT/summary.md"
echo "tables: $OUT/summary.md"
