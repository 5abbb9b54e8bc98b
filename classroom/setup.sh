#!/usr/bin/env bash
# Install a class hub on one machine: JupyterHub (PyPI, in its own venv), configurable-http-proxy (npm, pinned in
# package.json), nbgrader, and the trainbook kernel registered in that venv with --sys-prefix.
# Usage: bash classroom/setup.sh [VENV]          (default VENV: /opt/trainbook-class)
# Then, in the folder that keeps the hub's state: VENV/bin/jupyterhub -f classroom/jupyterhub_config.py
# CLASSROOM_SYSTEM_SITE_PACKAGES=1 lets the venv reuse packages already installed in the system Python (the test
# uses it so that it downloads nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-/opt/trainbook-class}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv ${CLASSROOM_SYSTEM_SITE_PACKAGES:+--system-site-packages --without-pip} "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r classroom/requirements.txt
# shellcheck disable=SC1091
source "$venv/bin/activate"
bash classroom/install-course.sh
echo "classroom: JupyterHub $("$venv/bin/python" -m jupyterhub --version) in $venv; kernel registered in $venv/share/jupyter/kernels/trainbook"
