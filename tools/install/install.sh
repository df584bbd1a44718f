#!/usr/bin/env bash
# Install SegFace-MMSeg and the OpenMMLab stack into a virtual environment.
#
# Idempotent: a second run returns within a second when nothing changed.
# Usage: tools/install/install.sh            (venv at ./.venv)
#        SEGFACE_VENV=/path/to/venv tools/install/install.sh
#
# Steps (measured on 2 cores, no GPU):
#   1. torch + torchvision, a matched pair                      ~1 min
#   2. mmengine and small dependencies                          ~20 s
#   3. mmcv 2.1.0 with compiled CPU ops from the sdist          ~13 min once;
#      pip caches the built wheel, so later installs take seconds
#   4. mmsegmentation 1.2.2, mmpretrain 1.2.0, test tools, the plugin
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=${SEGFACE_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3.11}
STAMP=$VENV/.segface_install_stamp

key=$(cat "$ROOT"/requirements/*.txt "$ROOT/setup.py" "$ROOT"/tools/install/*.sh \
  | sha256sum | cut -d' ' -f1)
if [[ -x $VENV/bin/python && -f $STAMP && $(cat "$STAMP") == "$key" ]]; then
  echo "[install] environment at $VENV is up to date"
  exit 0
fi

log() { echo "[install $(date +%H:%M:%S)] $*"; }

if [[ ! -x $VENV/bin/python ]]; then
  log "creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install -q --upgrade "pip>=24"

log "1/4 torch, torchvision, build tools"
"${PIP[@]}" install -q -r "$ROOT/requirements/torch_cpu.txt" \
  "setuptools>=77.0.3,<82" wheel

log "2/4 mmengine and small dependencies"
"${PIP[@]}" install -q mmengine==0.10.7 ftfy regex psutil ninja "opencv-python>=4.5,<5"

if "$VENV/bin/python" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '2.1.0'" \
  2>/dev/null; then
  log "3/4 mmcv 2.1.0 with ops already installed"
else
  log "3/4 mmcv 2.1.0 with CPU ops (compiles once, ~13 min on 2 cores; cached after)"
  CC="$ROOT/tools/install/cxx20.sh" CXX="$ROOT/tools/install/cxx20.sh" \
    MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=${MAX_JOBS:-2} \
    "${PIP[@]}" install --no-build-isolation mmcv==2.1.0
fi

log "4/4 mmsegmentation, mmpretrain, test tools, segface_mmseg (editable)"
"${PIP[@]}" install -q -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt" \
  -r "$ROOT/requirements/onnx.txt"
"${PIP[@]}" install -q --no-deps -r "$ROOT/requirements/mim.txt"
"${PIP[@]}" install -q --no-deps --no-build-isolation -e "$ROOT"
# mim looks for site-packages/segface-mmseg/.mim/model-index.yml; an editable
# install keeps the package in the checkout, whose segface_mmseg/.mim links
# (made by setup.py) point at configs/ and model-index.yml. The dashed name
# is no importable module, so this link never shadows the package.
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
ln -sfn "$ROOT/segface_mmseg" "$SITE/segface-mmseg"

"$VENV/bin/python" - <<'PY'
import mmcv, mmcv.ops, mmengine, mmseg, mmpretrain, torch, torchvision  # noqa
import mmseg.models, mmpretrain.models  # noqa
print(f'[install] torch {torch.__version__}, torchvision {torchvision.__version__}, '
      f'mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, '
      f'mmseg {mmseg.__version__}, mmpretrain {mmpretrain.__version__}')
PY
echo "$key" > "$STAMP"
log "done: activate with 'source $VENV/bin/activate'"
