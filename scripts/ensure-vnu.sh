#!/usr/bin/env bash
# Install the Nu HTML Checker (npm package vnu-jar, pinned in package.json/package-lock.json)
# into node_modules/ if it is missing, then print the path of vnu.jar.
# Needs npm (to install) and Java (to run it). Used by the browser tests and `make`.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=node_modules/vnu-jar/build/dist/vnu.jar
if [ ! -f "$JAR" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is missing: cannot install vnu-jar (apt-get install npm)." >&2
        exit 1
    fi
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error >&2
    else
        npm install --no-audit --no-fund --loglevel=error >&2
    fi
fi
test -f "$JAR" || { echo "vnu.jar not found after install: $JAR" >&2; exit 1; }
echo "$PWD/$JAR"
