#!/usr/bin/env bash
# Test-runner self check: behaves like pgpeekd on the command line
# (--listen 127.0.0.1:0 --port-file FILE, other flags ignored) but runs a real
# PostgreSQL 15 in the foreground, so tests/regress/run.sh and tests/load/run.sh can be
# validated against PostgreSQL itself:
#   bash tests/load/run.sh tools/pg-as-pgpeekd.sh
#   bash tests/regress/run.sh tools/pg-as-pgpeekd.sh
# Needs root (runs postgres as user postgres). Settings match tools/regress-expected.sh.
set -euo pipefail
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
PORT_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port-file) PORT_FILE="$2"; shift 2 ;;
    --*=*) shift ;;
    --*) shift 2 ;;
    *) shift ;;
  esac
done
# Earlier runs exec'd postgres and could not clean up: remove their stopped clusters.
for old in /tmp/pg-as-pgpeekd.*; do
  [ -d "$old" ] && [ ! -f "$old/data/postmaster.pid" ] && rm -rf "$old"
done
DIR="$(mktemp -d /tmp/pg-as-pgpeekd.XXXXXX)"
chown postgres: "$DIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$DIR/data" -A trust -E UTF8 --locale=C -U postgres >/dev/null
PORT=""
for p in $(shuf -i 20000-29999 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT="$p"; break; fi
done
cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 300
timezone = 'UTC'
datestyle = 'iso, mdy'
lc_messages = 'C'
fsync = off
CONF
# Single-user mode creates the role and database before the postmaster starts.
printf 'CREATE ROLE materialize SUPERUSER LOGIN;\n' | runuser -u postgres -- "$PGBIN/postgres" --single -D "$DIR/data" postgres >/dev/null
printf 'CREATE DATABASE materialize OWNER materialize;\n' | runuser -u postgres -- "$PGBIN/postgres" --single -D "$DIR/data" postgres >/dev/null
echo "$PORT"
if [ -n "$PORT_FILE" ]; then
  echo "$PORT" >"$PORT_FILE.tmp" && mv "$PORT_FILE.tmp" "$PORT_FILE"
fi
# exec keeps this PID, so SIGTERM from the runner reaches the postmaster (smart shutdown).
exec setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$DIR/data"
