#!/usr/bin/env bash
# Install the course (Node packages, the built library and kernel) and register the "TypeScript (trainbook)"
# kernel in the active Python environment (its sys.prefix), where every user of that environment sees it.
# Run by classroom/setup.sh (one machine), binder/postBuild (Binder) and classroom/Dockerfile (Zero to JupyterHub).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/kernel/main.js ] || [ ! -x node_modules/.bin/configurable-http-proxy ]; then
  npm ci --no-audit --no-fund
fi
npx trainbook install-kernel --sys-prefix --kernel trainbook
