#!/usr/bin/env bash
# Hot-row writes: pgbench -n on `UPDATE t SET v = v + 1 WHERE k = 1` against two pgpeekd
# binaries (before/after a change), alternating runs so that machine noise hits both alike;
# prints tps and the commit groups per commit from /metrics. Usage:
#   bench/pending/hot_row.sh BEFORE_BIN AFTER_BIN [seconds] [rounds] [clients...]
set -euo pipefail
BEFORE="$1"
AFTER="$2"
SECS="${3:-5}"
ROUNDS="${4:-2}"
shift $(( $# < 4 ? $# : 4 ))
CLIENTS=("${@:-4 32}")
[ $# -eq 0 ] && CLIENTS=(4 32)
MODE="${MODE:-simple}"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
start() { # bin port httpport
  "$1" --listen "127.0.0.1:$2" --http-listen "127.0.0.1:$3" --data-dir none --workers 2 \
    --max-connections 200 &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    psql -h 127.0.0.1 -p "$2" -U materialize -d materialize -qAtc "SELECT 1" >/dev/null 2>&1 && break
  done
  psql -h 127.0.0.1 -p "$2" -U materialize -d materialize -qAt \
    -c "CREATE TABLE t (k int PRIMARY KEY, v int8)" -c "INSERT INTO t VALUES (1, 0)"
}
metric() { # httpport name
  curl -s "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n {print $2}'
}
start "$BEFORE" 55511 55611
start "$AFTER" 55512 55612
SCRIPT="$(mktemp)"
echo "UPDATE t SET v = v + 1 WHERE k = 1;" >"$SCRIPT"
for c in "${CLIENTS[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    for which in before:55511:55611 after:55512:55612; do
      IFS=: read -r name port http <<<"$which"
      g0=$(metric "$http" pgpeek_commit_groups_total); n0=$(metric "$http" pgpeek_commits_total)
      tps=$(pgbench -h 127.0.0.1 -p "$port" -U materialize -n -M "$MODE" -f "$SCRIPT" \
        -c "$c" -j "$([ "$c" -gt 2 ] && echo 2 || echo 1)" -T "$SECS" materialize 2>/dev/null |
        awk '/^tps/ {print int($3)}')
      g1=$(metric "$http" pgpeek_commit_groups_total); n1=$(metric "$http" pgpeek_commits_total)
      echo "clients=$c round=$r $name tps=$tps groups=$((${g1:-0} - ${g0:-0})) commits=$((${n1:-0} - ${n0:-0}))"
    done
  done
done
rm -f "$SCRIPT"
