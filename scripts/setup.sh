#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for trainbook's full test suite:
# Node packages, Debian's Chromium (browser tests) and the Python tools the tests compare against.
# The course itself needs only `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq chromium >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

npm ci --no-audit --no-fund
