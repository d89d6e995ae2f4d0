#!/usr/bin/env bash
# Run the production configuration locally: PostgreSQL (throwaway, or $DATABASE_URL),
# gunicorn with several workers, and the django-tasks database worker.
# Usage: scripts/serve-prod.sh [port]   (inside scripts/with-postgres.sh when no DATABASE_URL)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8001}
if [ -z "${DATABASE_URL:-}" ]; then
    exec bash scripts/with-postgres.sh bash "$0" "$PORT"
fi
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=kinderschutz_cms.settings.production
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-0}
export DJANGO_HSTS_SECONDS=${DJANGO_HSTS_SECONDS:-0}
export STATIC_ROOT=${STATIC_ROOT:-$PWD/static_collected}
export EMAIL_HOST=${EMAIL_HOST:-127.0.0.1} EMAIL_PORT=${EMAIL_PORT:-1025}
export WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:$PORT}

$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_demo_data >/dev/null
$BIN/python manage.py db_worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT
echo "Production configuration on http://127.0.0.1:$PORT/ (gunicorn, 4 workers; worker pid $WORKER)"
echo "Admin: user admin, password kinderschutz. Mail goes to $EMAIL_HOST:$EMAIL_PORT (e.g. python -m aiosmtpd -n)."
$BIN/gunicorn kinderschutz_cms.wsgi --workers "${WEB_CONCURRENCY:-4}" --bind "127.0.0.1:$PORT" \
    --access-logfile - --forwarded-allow-ips=127.0.0.1
