#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the test suite and the benchmarks, and prints its URL.
#
#   bash Tests/Postgres/start-postgres.sh DIR [PORT]   # → postgres://bankgate@127.0.0.1:PORT/bankgate
#   bash Tests/Postgres/start-postgres.sh --stop DIR
#
# DIR holds the cluster (created when missing) and the server's log. The server listens on
# 127.0.0.1 only, trusts local connections (it is a test server: nothing else can reach it) and
# keeps PostgreSQL's durable defaults (fsync, synchronous_commit on). Debian's `postgresql` package
# provides the binaries; as root, the server runs as the `postgres` user, which initdb requires.
set -euo pipefail

if [ "${1:-}" = "--stop" ]; then
    DIR=$2
    BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    exit 0
fi

DIR=${1:?usage: start-postgres.sh DIR [PORT]}
PORT=${2:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$DIR/data" -U bankgate --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 400
shared_buffers = 256MB
CONF
fi
if ! as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null
fi
as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U bankgate -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'bankgate'" | grep -q 1 \
    || as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U bankgate bankgate
echo "postgres://bankgate@127.0.0.1:$PORT/bankgate"
