#!/usr/bin/env bash
# Starts and stops a private PostgreSQL server on loopback, for tests and benchmarks of the
# PostgreSQL store. Everything (cluster, socket, log, password) lives under one directory, so
# several instances (different --dir and ports) can run at once beside any system cluster.
#
#   scripts/postgres.sh start  --dir DIR [--port N] [--durable] [--watch-pid PID] [--tls CERTDIR]
#   scripts/postgres.sh stop   --dir DIR
#   scripts/postgres.sh status --dir DIR     # exit 0 when the server accepts connections
#
# Default port 15432. One role, `mailgate`, owns the database `mailgate` and may create more
# (the tests make one database per store); its password is random per cluster, written to
# DIR/password, and required (scram-sha-256) on 127.0.0.1. `start` writes DIR/env:
# PG_PORT=, PG_URL= (postgres://mailgate@127.0.0.1:PORT/mailgate, without the password) and
# PG_PASSWORD_FILE=.
#
# Without --durable the server runs with fsync, full_page_writes and synchronous_commit off:
# fast and safe for a throwaway test cluster, never for data you keep. Benchmarks that compare the
# backends pass --durable. --watch-pid stops the server and removes DIR when that process ends, so
# a test process that is killed leaves neither its server nor its files behind.
#
# --tls CERTDIR (certificates from scripts/test-certificates.sh): the server offers TLS with
# CERTDIR/valid.pem and valid.key, and refuses connections over TCP without it (hostssl), so a
# client must use sslmode=verify-full with CERTDIR/ca.pem.
#
# As root the server runs as the `postgres` user (PostgreSQL refuses root); DIR must then be
# reachable by that user. Needs Debian's postgresql-15 (scripts/install-deps.sh installs it).
set -euo pipefail

START_TIMEOUT=30   # seconds to wait for the server to accept connections
STOP_TIMEOUT=10    # seconds to wait for a fast shutdown before an immediate one

die() { echo "postgres: error: $*" >&2; exit 1; }

command=${1:-}
[ -n "$command" ] || die "usage: postgres.sh start|stop|status --dir DIR [--port N] [--durable] [--watch-pid PID]"
shift
dir="" port=15432 durable=0 watch_pid="" tls=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --durable) durable=1; shift ;;
    --watch-pid) watch_pid=$2; shift 2 ;;
    --tls) tls=$2; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
[ -n "$dir" ] || die "--dir is required"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] || die "PostgreSQL server programs not found under /usr/lib/postgresql; install them: apt-get install postgresql-15 (or run scripts/install-deps.sh)"

# Runs a server program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

data="$dir/data"

is_up() {
  [ -f "$dir/env" ] || return 1
  local p
  p=$(sed -n 's/^PG_PORT=//p' "$dir/env")
  "$bindir/pg_isready" -q -h "$dir/socket" -p "$p" -d postgres >/dev/null 2>&1
}

stop_server() {
  [ -f "$data/postmaster.pid" ] || return 0
  as_owner "$bindir/pg_ctl" stop -D "$data" -m fast -t "$STOP_TIMEOUT" >/dev/null 2>&1 \
    || as_owner "$bindir/pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
}

case "$command" in
  status)
    is_up ;;
  stop)
    stop_server
    [ -f "$dir/watcher.pid" ] && kill "$(cat "$dir/watcher.pid")" 2>/dev/null || true
    rm -f "$dir/watcher.pid" ;;
  stop-server)
    # The watcher's own stop: the server only (it must not kill itself before removing DIR).
    stop_server ;;
  start)
    stop_server
    mkdir -p "$dir/socket"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || die "no postgres user: install postgresql-15 (scripts/install-deps.sh)"
      chown postgres "$dir" "$dir/socket"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      rm -rf "$data"
      head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/password"
      chmod 600 "$dir/password"
      # initdb reads the password from a file the owner can read; removed right after.
      install -m 600 "$dir/password" "$dir/initdb-pw"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir/initdb-pw"
      as_owner "$bindir/initdb" -D "$data" -U mailgate --pwfile="$dir/initdb-pw" --auth-local=scram-sha-256 \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { rm -f "$dir/initdb-pw"; die "initdb failed; see $dir/initdb.log"; }
      rm -f "$dir/initdb-pw"
    fi
    settings=(-c "listen_addresses=127.0.0.1" -c "port=$port" -c "unix_socket_directories=$dir/socket"
              -c "max_connections=300" -c "shared_buffers=64MB")
    if [ $durable -eq 0 ]; then
      settings+=(-c fsync=off -c full_page_writes=off -c synchronous_commit=off)
    fi
    if [ -n "$tls" ]; then
      [ -f "$tls/valid.pem" ] && [ -f "$tls/valid.key" ] || die "--tls $tls: valid.pem and valid.key not found (scripts/test-certificates.sh makes them)"
      mkdir -p "$dir/tls"
      install -m 600 "$tls/valid.pem" "$dir/tls/server.pem"
      install -m 600 "$tls/valid.key" "$dir/tls/server.key"
      [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir/tls"
      settings+=(-c ssl=on -c "ssl_cert_file=$dir/tls/server.pem" -c "ssl_key_file=$dir/tls/server.key")
      # TCP only with TLS; the socket (this script's own psql) stays as it is.
      sed -i -E 's/^host([[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128))/hostssl\1/' "$data/pg_hba.conf"
    fi
    as_owner "$bindir/pg_ctl" start -D "$data" -l "$dir/postgres.log" -w -t "$START_TIMEOUT" -o "${settings[*]}" \
      </dev/null >/dev/null 2>&1 || die "the server did not start on port $port; see $dir/postgres.log"
    password=$(cat "$dir/password")
    # The database the URL names; the tests make their own beside it.
    if ! PGPASSWORD="$password" "$bindir/psql" -q -h "$dir/socket" -p "$port" -U mailgate -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'mailgate'" | grep -q 1; then
      PGPASSWORD="$password" "$bindir/psql" -q -h "$dir/socket" -p "$port" -U mailgate -d postgres -c "CREATE DATABASE mailgate" >/dev/null
    fi
    {
      echo "PG_PORT=$port"
      echo "PG_URL=postgres://mailgate@127.0.0.1:$port/mailgate"
      echo "PG_PASSWORD_FILE=$dir/password"
    } >"$dir/env"
    if [ -n "$watch_pid" ]; then
      # Detached, with no inherited descriptors: the caller's pipes close when this script exits.
      setsid bash -c "while kill -0 $watch_pid 2>/dev/null; do sleep 1; done; '$0' stop-server --dir '$dir' && rm -rf '$dir'" \
        </dev/null >/dev/null 2>&1 &
      echo $! >"$dir/watcher.pid"
    fi ;;
  *)
    die "unknown command $command (start, stop or status)" ;;
esac
