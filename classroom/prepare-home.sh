#!/usr/bin/env bash
# Prepare a student's folder the way the course's notebooks expect it: a copy of notebooks/ (once; the student's
# edits are kept), and data/ and node_modules/ linked to the course's (read-only for the student), so the notebooks'
# relative data paths and `import ... from "trainbook"` resolve as they do in the repository.
# Usage: prepare-home.sh HOME_DIR
set -euo pipefail
home="${1:?usage: prepare-home.sh HOME_DIR}"
course="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$home"
for shared in node_modules data; do
  [ -e "$home/$shared" ] || [ -L "$home/$shared" ] || ln -s "$course/$shared" "$home/$shared"
done
[ -e "$home/notebooks" ] || cp -R "$course/notebooks" "$home/notebooks"
# Where nbgrader's fetch puts assignments (the venv's nbgrader_config.py of classroom/setup.sh).
mkdir -p "$home/assignments"
