#!/usr/bin/env bash
# Index range lookups against scans: SELECT * FROM t WHERE k BETWEEN x AND y on 100k rows
# (keys inserted in random order), on a table with an index on k and on its twin without.
#
#   [PGBENCH_MODE=prepared] bench/index/range.sh build/pgpeekd [SECONDS]
#
# Prints pgbench's average latency per case: ranges of 1, 101 and 10001 rows, all rows
# (where pgpeek scans instead of using the index), ORDER BY k LIMIT 10 after a random key,
# and one dead version in the indexed
# table (the index path then also looks at every non-current version).
set -euo pipefail
PGPEEKD="$(realpath "$1")"
SECS="${2:-4}"
WORK="$(mktemp -d /tmp/pgpeek-ixbench.XXXXXX)"
cleanup() {
  [ -f "$WORK/pid" ] && kill "$(cat "$WORK/pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$PGPEEKD" --listen 127.0.0.1:0 --port-file "$WORK/port" --data-dir none --http-listen off \
  --workers 2 >"$WORK/log" 2>&1 &
echo $! >"$WORK/pid"
timeout 30 bash -c "until [ -s '$WORK/port' ]; do :; done"
PORT="$(cat "$WORK/port")"
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U materialize -d materialize)
timeout 30 bash -c "until ${PSQL[*]} -c 'SELECT 1' >/dev/null 2>&1; do :; done"
/usr/bin/python3 - >"$WORK/load.sql" <<'PY'
import random
random.seed(1)
print("CREATE TABLE ti (k int, v text); CREATE TABLE tn (k int, v text);"
      " CREATE INDEX ti_k ON ti (k);")
keys = list(range(100000))
random.shuffle(keys)
for t in ("ti", "tn"):
    for i in range(0, 100000, 1000):
        rows = ",".join("(%d,'v%d')" % (k, k) for k in keys[i:i + 1000])
        print("INSERT INTO %s VALUES %s;" % (t, rows))
PY
"${PSQL[@]}" -f "$WORK/load.sql"
run() { # name table width
  printf '\\set x random(0, %d)\n\\set y :x + %d\nSELECT * FROM %s WHERE k BETWEEN :x AND :y;\n' \
    $((99999 - $3)) "$3" "$2" >"$WORK/$1.sql"
  printf '%-28s %s\n' "$1" "$(pgbench -n -h 127.0.0.1 -p "$PORT" -U materialize -c 1 -T "$SECS" ${PGBENCH_MODE:+-M "$PGBENCH_MODE"} \
    -f "$WORK/$1.sql" materialize 2>&1 | grep 'latency average')"
}
for w in 0 100 10000 99999; do
  run "index width $w" ti $w
  run "scan  width $w" tn $w
done
top() { # name table: the 10 rows after a random key
  printf '\\set x random(0, 99999)\nSELECT * FROM %s WHERE k > :x ORDER BY k LIMIT 10;\n' "$2" \
    >"$WORK/$1.sql"
  printf '%-28s %s\n' "$1" "$(pgbench -n -h 127.0.0.1 -p "$PORT" -U materialize -c 1 -T "$SECS" \
    ${PGBENCH_MODE:+-M "$PGBENCH_MODE"} -f "$WORK/$1.sql" materialize 2>&1 | grep 'latency average')"
}
top "index top 10" ti
top "scan  top 10" tn
"${PSQL[@]}" -c "UPDATE ti SET v = 'x' WHERE k = 5" -c "UPDATE tn SET v = 'x' WHERE k = 5"
run "index width 100, versions" ti 100
run "scan  width 100, versions" tn 100
