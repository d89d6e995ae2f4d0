#!/usr/bin/env bash
# Install the test tools pinned in package.json/package-lock.json into node_modules/ if
# one is missing: the Nu HTML Checker (vnu-jar, run with Java by the browser tests) and
# Mozilla's ical.js (run with Node by tests/events/test_ical_clients.py). Then print the
# path of vnu.jar. Needs npm to install. Used by those tests and by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=node_modules/vnu-jar/build/dist/vnu.jar
if [ ! -f "$JAR" ] || [ ! -f node_modules/ical.js/package.json ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm is missing: cannot install vnu-jar and ical.js (apt-get install npm)." >&2
        exit 1
    fi
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error >&2
    else
        npm install --no-audit --no-fund --loglevel=error >&2
    fi
fi
test -f "$JAR" || { echo "vnu.jar not found after install: $JAR" >&2; exit 1; }
test -f node_modules/ical.js/package.json || { echo "ical.js not found after install" >&2; exit 1; }
echo "$PWD/$JAR"
