#!/usr/bin/env bash
# Run the production configuration locally: PostgreSQL (throwaway, or $DATABASE_URL),
# Redis as the shared cache (a throwaway redis-server on a free loopback port, or
# $REDIS_URL), gunicorn with several workers, and the django-tasks database worker.
# The Wagtail Site and the links in e-mails get the address served here
# (WAGTAILADMIN_BASE_URL, default http://127.0.0.1:PORT).
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


# Rate limits and the feed cache must be shared by all gunicorn workers: a per-process
# cache would let each worker count for itself. Redis, as in production (docs/deployment.md).
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
if [ -z "${REDIS_URL:-}" ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis-server fehlt: 'make system-deps' installiert Debians redis-server." >&2
        exit 1
    fi
    REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
        --loglevel warning >/dev/null &
    PIDS+=($!)
    export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
    for _ in $(seq 50); do
        $BIN/python -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$REDIS_URL" \
            2>/dev/null && break
        sleep 0.1
    done
fi

$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py load_demo_data --url "$WAGTAILADMIN_BASE_URL" >/dev/null
$BIN/python manage.py db_worker &
WORKER=$!
PIDS+=("$WORKER")
echo "Production configuration on http://127.0.0.1:$PORT/ (gunicorn, 4 workers; worker pid $WORKER; cache $REDIS_URL)"
echo "Admin: user admin, password kinderschutz. Mail goes to $EMAIL_HOST:$EMAIL_PORT (e.g. python -m aiosmtpd -n)."
$BIN/gunicorn kinderschutz_cms.wsgi --workers "${WEB_CONCURRENCY:-4}" --bind "127.0.0.1:$PORT" \
    --access-logfile - --forwarded-allow-ips=127.0.0.1
