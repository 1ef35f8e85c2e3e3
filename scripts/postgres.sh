#!/usr/bin/env bash
# A throwaway PostgreSQL for the history tests, on 127.0.0.1 only.
#   eval "$(bash scripts/postgres.sh start)"   # installs if missing, starts, prints the export line
#   bash scripts/postgres.sh stop
# The data lives in $CENTRICITY_PG_DIR (default /tmp/centricity-pg) and is deleted by `stop`.
set -euo pipefail
DIR=${CENTRICITY_PG_DIR:-/tmp/centricity-pg}
PORT=${CENTRICITY_PG_PORT:-55432}
USER_NAME=centricity
PASSWORD=centricity-test

bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && echo "$found"
}

install() {
  if [ -z "$(bin)" ]; then
    echo "installing PostgreSQL from Debian's packages" >&2
    # Keep the packaged cluster from starting: ours listens on loopback only.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    rm -f /usr/sbin/policy-rc.d
  fi
}

run_as_postgres() {
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  install
  local pg; pg=$(bin)
  if [ -f "$DIR/data/postmaster.pid" ]; then
    run_as_postgres "$pg/pg_ctl" -D "$DIR/data" stop -m fast >&2 || true
  fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  echo "$PASSWORD" > "$DIR/pw"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR/pw"
  run_as_postgres "$pg/initdb" -D "$DIR/data" -U "$USER_NAME" --pwfile="$DIR/pw" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >"$DIR/initdb.log" 2>&1
  run_as_postgres "$pg/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >&2
  echo "export CENTRICITY_TEST_POSTGRES=postgres://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/postgres"
}

stop() {
  local pg; pg=$(bin)
  if [ -n "$pg" ] && [ -f "$DIR/data/postmaster.pid" ]; then
    run_as_postgres "$pg/pg_ctl" -D "$DIR/data" stop -m fast >&2
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
