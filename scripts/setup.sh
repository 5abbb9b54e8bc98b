#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for trainbook's full test suite:
# Node packages, Debian's Chromium (browser tests), the Python tools the tests compare against and the native
# TensorFlow backend.
# The course itself needs only `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Chromium for the browser tests; OpenBLAS and a C compiler for the optional
# native matrix-product addon (src/train/native); Debian's Python with venv for the class test's hub, whose students
# (real unix users) must be able to run its Python (test/classroom/hub.test.ts).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libopenblas-dev >/dev/null 2>&1 || missing+=(libopenblas-dev)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1; } || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
# PyTorch for `npm run bench` (the reference it measures against; the tests do not need it).
python3 -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
# Classic Notebook 6 (require.js pages) for the display tests, in its own venv: it conflicts with JupyterLab 4.
if [ ! -x build/notebook6/bin/jupyter ]; then
  python3 -m venv build/notebook6
  build/notebook6/bin/pip install --quiet --disable-pip-version-check 'notebook==6.4.13' 'jupyter_client<8' 'traitlets<5.10'
fi

npm ci --no-audit --no-fund

# The native TensorFlow backend (tfjs-node built on PyPI's tensorflow-cpu wheel, in ~/.cache/trainbook): the course
# tests then also run on it. A failure here fails setup: CI must test both backends.
node dist/cli/main.js install-native

# The optional OpenBLAS addon: its tests skip (saying why) when it cannot be built here.
npm run build:native >/dev/null 2>&1 || echo "setup: the native OpenBLAS addon was not built (needs Node's headers); wasm's own kernels will be used"
