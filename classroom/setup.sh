#!/usr/bin/env bash
# Install a class hub on one machine: JupyterHub (PyPI, in its own venv), configurable-http-proxy (npm, pinned in
# package.json), nbgrader, and the trainbook kernel registered in that venv with --sys-prefix.
# Usage: bash classroom/setup.sh [VENV]          (default VENV: /opt/trainbook-class)
# Then, in the folder that keeps the hub's state: VENV/bin/jupyterhub -f classroom/jupyterhub_config.py
# CLASSROOM_PYTHON is the Python the venv is made from (default python3). With real unix users (the default
# LocalProcessSpawner) every student runs the venv's Python, so it must be one they can read: Debian's /usr/bin/python3
# (package python3-venv), not one under a private home such as root's pyenv. The same holds for Node, the course and VENV.
# CLASSROOM_SYSTEM_SITE_PACKAGES=1 lets the venv reuse packages already installed in that Python.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-/opt/trainbook-class}"
if [ ! -x "$venv/bin/python" ]; then
  "${CLASSROOM_PYTHON:-python3}" -m venv ${CLASSROOM_SYSTEM_SITE_PACKAGES:+--system-site-packages --without-pip} "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r classroom/requirements.txt
# nbgrader for the whole venv (teacher and students): the exchange folder (CLASSROOM_EXCHANGE, default
# /srv/nbgrader/exchange), the course id of nbgrader_config.py, fetched assignments in ~/assignments (so a notebook's
# ../../data is the student's data/ link), and the students' Assignments API in their servers.
mkdir -p "$venv/etc/jupyter/jupyter_server_config.d"
cat > "$venv/etc/jupyter/nbgrader_config.py" <<'PY'
import os
c = get_config()  # noqa: F821
c.Exchange.root = os.environ.get("CLASSROOM_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.assignment_dir = os.path.join(os.path.expanduser("~"), "assignments")
c.CourseDirectory.course_id = "trainbook"
PY
cat > "$venv/etc/jupyter/jupyter_server_config.d/trainbook-classroom.json" <<'JSON'
{ "ServerApp": { "jpserver_extensions": { "nbgrader.server_extensions.assignment_list": true, "nbgrader.server_extensions.course_list": true } } }
JSON
# shellcheck disable=SC1091
source "$venv/bin/activate"
bash classroom/install-course.sh
echo "classroom: JupyterHub $("$venv/bin/python" -m jupyterhub --version) in $venv; kernel registered in $venv/share/jupyter/kernels/trainbook"
