#!/usr/bin/env bash
# Run the production configuration locally, as deployed: nginx in front (Debian's nginx,
# run as this user with a generated configuration from scripts/nginx.conf.template in a
# temp dir: compression, static files from STATIC_ROOT and image renditions from
# MEDIA_ROOT, X-Forwarded-For/-Proto and the client's Host passed on), one or more gunicorn
# application servers behind it (APP_SERVERS, default 1; WEB_CONCURRENCY workers each,
# default 4 for one server, 2 each for more), PostgreSQL (throwaway, or $DATABASE_URL),
# Redis as the shared cache (a throwaway redis-server on a free loopback port, or
# $REDIS_URL), and the django-tasks database worker at a lower priority (nice -n 10).
# The Wagtail Site and the links in e-mails get the address nginx serves
# (WAGTAILADMIN_BASE_URL, default http://127.0.0.1:PORT).
# Usage: [APP_SERVERS=2] scripts/serve-prod.sh [port]
#   (inside scripts/with-postgres.sh when no DATABASE_URL)
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
export MEDIA_ROOT=${MEDIA_ROOT:-$PWD/media}
# One proxy (nginx) in front: the client address is the X-Forwarded-For it sets.
export KINDERSCHUTZ_TRUSTED_PROXY_COUNT=${KINDERSCHUTZ_TRUSTED_PROXY_COUNT:-1}
APP_SERVERS=${APP_SERVERS:-1}
if [ "$APP_SERVERS" -gt 1 ]; then WORKERS=${WEB_CONCURRENCY:-2}; else WORKERS=${WEB_CONCURRENCY:-4}; fi
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$NGINX" ]; then
    echo "nginx fehlt: 'make system-deps' installiert Debians nginx-light." >&2
    exit 1
fi
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
export EMAIL_HOST=${EMAIL_HOST:-127.0.0.1} EMAIL_PORT=${EMAIL_PORT:-1025}
export WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:$PORT}


# Rate limits and the feed cache must be shared by all gunicorn workers: a per-process
# cache would let each worker count for itself. Redis, as in production (docs/deployment.md).
PIDS=()
RUN_DIR=$(mktemp -d -t kinderschutz-serve-prod.XXXXXX)
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$RUN_DIR"' EXIT
if [ -z "${REDIS_URL:-}" ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis-server fehlt: 'make system-deps' installiert Debians redis-server." >&2
        exit 1
    fi
    REDIS_PORT=$(free_port)
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
# The task worker (background e-mail) at a lower priority than the web workers.
nice -n 10 $BIN/python manage.py db_worker &
WORKER=$!
PIDS+=("$WORKER")

APPS=()
for i in $(seq "$APP_SERVERS"); do
    APP_PORT=$(free_port)
    $BIN/gunicorn kinderschutz_cms.wsgi --workers "$WORKERS" --bind "127.0.0.1:$APP_PORT" \
        --forwarded-allow-ips=127.0.0.1 --access-logfile - \
        --access-logformat "app$i %(h)s %(t)s \"%(r)s\" %(s)s %(b)s" &
    PIDS+=($!)
    APPS+=(--app "127.0.0.1:$APP_PORT")
done
CONF=$($BIN/python scripts/nginx_conf.py "$RUN_DIR/nginx" --port "$PORT" "${APPS[@]}" \
    --static-root "$STATIC_ROOT" --media-root "$MEDIA_ROOT")
"$NGINX" -p "$RUN_DIR/nginx" -c "$CONF" -e "$RUN_DIR/nginx/error.log" &
PIDS+=($!)
echo "Production configuration on http://127.0.0.1:$PORT/ (nginx in front of $APP_SERVERS gunicorn" \
    "server(s), $WORKERS workers each; worker pid $WORKER, nice 10; cache $REDIS_URL; nginx logs in $RUN_DIR/nginx)"
echo "Admin: user admin, password kinderschutz. Mail goes to $EMAIL_HOST:$EMAIL_PORT (e.g. python -m aiosmtpd -n)."
# Stop everything when any part stops.
wait -n
