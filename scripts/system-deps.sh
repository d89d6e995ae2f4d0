#!/usr/bin/env bash
# Install the Debian packages the test suite needs, if they are missing:
#   postgresql (a throwaway test server), chromium (browser tests), a JRE (HTML checker),
#   gettext (message catalogues), redis-server (the shared cache of `make serve-prod`),
#   nginx-light (the reverse proxy of `make serve-prod` and tests/production), Pango (PDFs),
#   ffmpeg (ffprobe checks uploaded sign language videos; the demo and tests make videos). Runs `apt-get update` once, only when something is missing.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# Only run by the caller, never as a service: the package's own nginx.service is not needed.
{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || missing+=(nginx-light)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# wrk measures requests/s of public pages (bench/bench_pagecache.py).
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# Pango lays out the PDFs (certificates, receipts) that WeasyPrint writes.
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if ! fc-list 2>/dev/null | grep -qi "dejavu\|liberation"; then missing+=(fonts-dejavu-core); fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "Missing Debian packages: ${missing[*]} (run as root to install them)." >&2
        exit 0
    fi
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's postgresql package starts a cluster on port 5432; the tests start their own.
