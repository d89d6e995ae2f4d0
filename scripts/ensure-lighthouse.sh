#!/usr/bin/env bash
# Install Lighthouse 12 as pinned in tools/lighthouse/package-lock.json (`npm ci`, into
# tools/lighthouse/node_modules; never a global install, no browser download: it runs
# Debian's Chromium) if it is missing, then print the path of its command-line script.
# Used by bench/bench_lighthouse.py (`make lighthouse`). Needs npm to install.
set -euo pipefail
cd "$(dirname "$0")/../tools/lighthouse"

CLI=node_modules/lighthouse/cli/index.js
if [ ! -f "$CLI" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is missing: cannot install Lighthouse (apt-get install npm)." >&2
        exit 1
    fi
    PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
fi
test -f "$CLI" || { echo "Lighthouse not found after install: $PWD/$CLI" >&2; exit 1; }
echo "$PWD/$CLI"
