#!/usr/bin/env bash
# pgbench -n -M simple on `SELECT * FROM t` against two pgpeekd binaries (before/after a
# change), alternating runs in one session so that machine noise hits both alike. Usage:
#   bench/mvcc/select_star.sh BEFORE_BIN AFTER_BIN [seconds] [rounds]
set -euo pipefail
BEFORE="$1"
AFTER="$2"
SECS="${3:-5}"
ROUNDS="${4:-2}"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
start() { # bin port
  "$1" --listen "127.0.0.1:$2" --http-listen off --data-dir none --workers 2 --max-connections 200 &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    psql -h 127.0.0.1 -p "$2" -U materialize -d materialize -qAtc "SELECT 1" >/dev/null 2>&1 && break
  done
  psql -h 127.0.0.1 -p "$2" -U materialize -d materialize -qAt \
    -c "CREATE TABLE t (id text, value int4)" -c "INSERT INTO t VALUES ('hello', 42)"
}
start "$BEFORE" 55501
start "$AFTER" 55502
SCRIPT="$(mktemp)"
echo "SELECT * FROM t;" >"$SCRIPT"
for c in 1 64; do
  for r in $(seq 1 "$ROUNDS"); do
    for which in before:55501 after:55502; do
      tps=$(pgbench -h 127.0.0.1 -p "${which#*:}" -U materialize -n -M simple -f "$SCRIPT" \
        -c "$c" -j "$([ "$c" -gt 2 ] && echo 2 || echo 1)" -T "$SECS" materialize 2>/dev/null |
        awk '/^tps/ {print int($3)}')
      echo "clients=$c round=$r ${which%%:*} tps=$tps"
    done
  done
done
rm -f "$SCRIPT"
