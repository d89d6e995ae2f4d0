#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: Debian's binaries, a free port,
# data in a temp dir, stopped and removed afterwards. DATABASE_URL points the command at it.
# If DATABASE_URL is already set, the command runs against that database instead.
set -euo pipefail

if [ -n "${DATABASE_URL:-}" ]; then
    exec "$@"
fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "PostgreSQL is not installed; CI must test on PostgreSQL (see scripts/system-deps.sh)." >&2
        exit 1
    fi
    echo "PostgreSQL is not installed: skipping the PostgreSQL run (make system-deps installs it)." >&2
    exit 0
fi

PORT=${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/kinderschutz-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$DIR"
    AS=(runuser -u postgres --)
fi

cleanup() {
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres kinderschutz

echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/kinderschutz"
"$@"
