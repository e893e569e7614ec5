#!/usr/bin/env bash
# Generates tests/regress/expected/*.out from a real PostgreSQL 15 (Debian package).
#
#   tools/regress-expected.sh            regenerate every expected file (except those
#                                        listed in tests/regress/hand_maintained)
#   tools/regress-expected.sh --check    do not write; run the suite against PostgreSQL
#                                        and fail on any difference (validates the runner
#                                        and the expected files)
#   tools/regress-expected.sh NAME...    only these tests
#
# Runs as root: initdb's a private cluster in a temp dir as user postgres (trust auth,
# UTF8, locale C, TimeZone UTC, DateStyle 'ISO, MDY', lc_messages C), creates the
# superuser role and database "materialize", runs tests/regress/run.sh --pg against it
# (so the psql flags are exactly the runner's), then stops and removes the cluster.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
MODE=--generate
ARGS=()
for a in "$@"; do
  case "$a" in
    --check) MODE="" ;;
    *) ARGS+=("$a") ;;
  esac
done

bash "$ROOT/tools/install-deps.sh"
/usr/bin/python3 "$ROOT/tools/regress-lint.py" || { echo "fix the sql files first" >&2; exit 1; }

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    bash -c "$1"
  else
    su postgres -s /bin/bash -c "$1"
  fi
}

# A free TCP port on 127.0.0.1 (PostgreSQL cannot bind port 0), below the kernel's
# ephemeral range so client sockets rarely take it; start is retried on a bind failure.
pick_port() {
  local p
  for p in $(shuf -i 20000-29999 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

TMP="$(mktemp -d /tmp/pgpeek-pg15.XXXXXX)"
chown postgres: "$TMP" 2>/dev/null || true
chmod 700 "$TMP"
stop_pg() {
  if [ -f "$TMP/data/postmaster.pid" ]; then
    as_postgres "'$PGBIN/pg_ctl' -D '$TMP/data' -m fast -w stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap stop_pg EXIT

as_postgres "'$PGBIN/initdb' -D '$TMP/data' -A trust -E UTF8 --locale=C -U postgres" >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; exit 1; }
cat >>"$TMP/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMP'
timezone = 'UTC'
log_timezone = 'UTC'
datestyle = 'iso, mdy'
lc_messages = 'C'
lc_monetary = 'C'
lc_numeric = 'C'
lc_time = 'C'
fsync = off
EOF
started=0
for attempt in 1 2 3 4 5; do
  PORT="$(pick_port)"
  if as_postgres "'$PGBIN/pg_ctl' -D '$TMP/data' -l '$TMP/postgres.log' -o '-p $PORT' -w -t 60 start" >/dev/null; then
    started=1
    break
  fi
done
[ "$started" = 1 ] || { cat "$TMP/postgres.log" >&2; exit 1; }

psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -c "CREATE ROLE materialize SUPERUSER LOGIN" \
  -c "CREATE DATABASE materialize OWNER materialize"

set +e
bash "$ROOT/tests/regress/run.sh" --pg "$PORT" --skip-hand $MODE "${ARGS[@]}"
rc=$?
set -e
exit $rc
