#!/usr/bin/env bash
# The README's "Using the apps in an existing Wagtail site", followed literally by a script:
# build the wheel, check it carries templates, static files and catalogues, install it into
# a fresh virtualenv, make a site with `wagtail start`, apply the README's code blocks
# (apply_readme.py), migrate, create the pages (make_pages.py) and render each of them,
# the iCal feed and the registration form with Django's test client (check_site.py).
# `make test-fresh-site` runs it; it prints its time. Needs network access to the package
# index (or a local mirror) for the fresh virtualenv's dependencies.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fresh-site.XXXXXX")
# FRESH_SITE_KEEP=1 keeps the site and virtualenv for a look afterwards.
[ -n "${FRESH_SITE_KEEP:-}" ] && echo "keeping $WORK" || trap 'rm -rf "$WORK"' EXIT
start=$(date +%s)
step() { echo "[fresh-site $(( $(date +%s) - start )) s] $*"; }

step "building the wheel"
"$PYTHON" -m venv "$WORK/venv"
VENV_PY="$WORK/venv/bin/python"
quiet() { "$@" >"$WORK/log" 2>&1 || { cat "$WORK/log"; exit 1; }; }
quiet "$VENV_PY" -m pip install --upgrade pip
# From a copy of the working tree, so that no build/ folder is left in it.
mkdir "$WORK/src"
tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude=./build \
    --exclude='*.egg-info' --exclude=./media --exclude='./db.sqlite3*' \
    --exclude=./static_collected --exclude=./test-artifacts -cf - . | tar -C "$WORK/src" -xf -
quiet "$VENV_PY" -m pip wheel --no-deps -w "$WORK/dist" "$WORK/src"
WHEEL=$(ls "$WORK"/dist/kinderschutz_cms-*.whl)
"$VENV_PY" "$HERE/check_wheel.py" "$WHEEL"

step "installing the wheel into a fresh virtualenv"
# WAGTAIL_SPEC (e.g. "wagtail==7.4.*", set by the nox matrix) picks the Wagtail of the site.
quiet "$VENV_PY" -m pip install "$WHEEL" ${WAGTAIL_SPEC:+"$WAGTAIL_SPEC"}
"$VENV_PY" -c "import django, wagtail; print('  Wagtail', wagtail.__version__, 'Django', django.get_version())"

step "wagtail start hostsite"
mkdir "$WORK/site"
(cd "$WORK/site" && quiet "$WORK/venv/bin/wagtail" start hostsite .)

step "applying the README section"
"$VENV_PY" "$HERE/apply_readme.py" "$ROOT/README.md" "$WORK/site"

cd "$WORK/site"
export DJANGO_SETTINGS_MODULE=hostsite.settings.dev PYTHONDONTWRITEBYTECODE=1
step "migrate (its system checks: no model or reverse-accessor clash with home.HomePage)"
"$VENV_PY" manage.py migrate --noinput >/dev/null
step "creating the pages"
"$VENV_PY" manage.py shell < "$HERE/make_pages.py"
step "rendering the pages"
"$VENV_PY" manage.py shell < "$HERE/check_site.py"
step "passed"
