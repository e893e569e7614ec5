#!/usr/bin/env bash
# Runs each client test twice, against PostgreSQL 15 and against pgpeekd, through
# wiretrace.py, and diffs the protocol messages each side sent (frontend and backend
# streams compared separately, so pipelining interleave does not count). Connection
# numbers, generated statement names and notices are ignored; DataRow contents are
# not logged (the tests check values). A debugging aid, not a test:
#   bash tests/clients/tracediff.sh build/pgpeekd [client...]
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 <path-to-pgpeekd> [client...]" >&2; exit 2; }
SERVER="$1"
shift
CLIENTS=("$@")
[ ${#CLIENTS[@]} -eq 0 ] && CLIENTS=(psql psql-gdesc pgbench-extended pgbench-prepared psycopg2
  psycopg3 psycopg3-binary node-pg postgresjs jdbc go-libpq go-pgx)
OUT="${TRACEDIFF_DIR:-$(mktemp -d /tmp/pgpeek-tracediff.XXXXXX)}"
mkdir -p "$OUT"

# norm FILE SIDE: one side's messages, without what legitimately differs.
# Lines are grouped by connection (stable sort), so concurrent connections compare too.
norm() {
  sort -s -t']' -k1,1n -k1.2n "$1" | sed -E "s/^\[[0-9]+\] //; s/'[a-z0-9]{10,14}'/'NAME'/g" |
    grep -E "^$2 " |
    grep -vE '^B (Notice|BackendKeyData|Auth)|^B ParameterStatus server_version='
}

for c in "${CLIENTS[@]}"; do
  rm -f "$OUT/$c.pg15.txt" "$OUT/$c.pgpeek.txt"
  CLIENTS_TRACE="$OUT/$c.pg15.txt" bash "$HERE/run.sh" --pg "$c" >/dev/null 2>&1
  CLIENTS_TRACE="$OUT/$c.pgpeek.txt" bash "$HERE/run.sh" "$SERVER" "$c" >/dev/null 2>&1
  for side in F B; do
    diff <(norm "$OUT/$c.pg15.txt" "$side") <(norm "$OUT/$c.pgpeek.txt" "$side") \
      >"$OUT/$c.$side.diff"
  done
  n=$(cat "$OUT/$c.F.diff" "$OUT/$c.B.diff" | grep -c '^[<>]')
  echo "$c: $n differing messages (< PostgreSQL, > pgpeek)"
  cat "$OUT/$c.F.diff" "$OUT/$c.B.diff" | grep '^[<>]' | head -n 10 | cut -c1-200 | sed 's/^/    /'
done
echo "traces and diffs in $OUT"
