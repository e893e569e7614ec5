#!/usr/bin/env bash
# bench/fastpath/peek_shared.sh BUILD: does the shared peek cache pay? QPS of SELECT * FROM t
# (ROWS rows) at CONNS connections (pgpeek-bench, simple protocol), with the shared cache
# off and on (ALTER SYSTEM SET enable_shared_peek_cache, new sessions), alternated per
# point, while one pgbench connection UPDATEs a row of t WRITE_TPS times a second (each
# commit makes every cached result of t stale: without the shared cache every connection
# encodes t again, with it one does). WRITE_TPS=0: read-only.
# Env: ROWS_LIST ("1 100 1000"), CONNS (64), WRITE_TPS (200), SECONDS_PER (5), ROUNDS (2).
set -euo pipefail
BUILD=${1:?build dir}
ROWS_LIST=${ROWS_LIST:-"1 100 1000"}
CONNS=${CONNS:-64}
WRITE_TPS=${WRITE_TPS:-200}
SECONDS_PER=${SECONDS_PER:-5}
ROUNDS=${ROUNDS:-2}
WORK=$(mktemp -d /tmp/peeksh.XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
"$BUILD/pgpeekd" --listen 127.0.0.1:0 --port-file "$WORK/port" --data-dir none \
    --http-listen off >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(head -n1 "$WORK/port")
for _ in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.05; done
PSQL=(psql -Xq -h 127.0.0.1 -p "$PORT" -U materialize -d materialize -v ON_ERROR_STOP=1)
echo "UPDATE t SET value = value + 1 WHERE id = 1;" >"$WORK/w.sql"
qps() { # $1 on|off, $2 rows
    "${PSQL[@]}" -c "ALTER SYSTEM SET enable_shared_peek_cache = $1"
    local wpid=""
    if [ "$WRITE_TPS" != 0 ]; then
        pgbench -n -h 127.0.0.1 -p "$PORT" -U materialize -f "$WORK/w.sql" -c 1 \
            -R "$WRITE_TPS" -T $((SECONDS_PER + 2)) materialize >"$WORK/w.log" 2>&1 &
        wpid=$!
    fi
    "$BUILD/bench/pgpeek-bench" -url "postgres://materialize@127.0.0.1:$PORT/materialize" \
        -query "SELECT * FROM t" -concurrency "$CONNS" -max-active-conns "$CONNS" \
        -max-idle-conns "$CONNS" -force-pre-auth -mode simple -duration "$SECONDS_PER" \
        -warmup 1 -json "$WORK/r.json" >/dev/null 2>&1
    [ -n "$wpid" ] && wait "$wpid"
    /usr/bin/python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["jobs"][0]["qps"]))' "$WORK/r.json"
}
printf '| rows | conns | writes/s | shared off QPS | shared on QPS | on / off |\n|---:|---:|---:|---:|---:|---:|\n'
for rows in $ROWS_LIST; do
    values=$(/usr/bin/python3 -c "import sys; n=int(sys.argv[1]); print(', '.join(f\"({i}, {i}, 'xxxxxxxxxxxxxxxxxxxx')\" for i in range(1, n + 1)))" "$rows")
    "${PSQL[@]}" -c "DROP TABLE IF EXISTS t" \
        -c "CREATE TABLE t (id int PRIMARY KEY, value int, pad text)" -c "INSERT INTO t VALUES $values"
    off=0 on=0
    for r in $(seq 1 "$ROUNDS"); do
        if [ $((r % 2)) = 1 ]; then a=$(qps off "$rows"); b=$(qps on "$rows"); else b=$(qps on "$rows"); a=$(qps off "$rows"); fi
        off=$((off + a)) on=$((on + b))
    done
    off=$((off / ROUNDS)) on=$((on / ROUNDS))
    printf '| %s | %s | %s | %s | %s | %.2f |\n' "$rows" "$CONNS" "$WRITE_TPS" "$off" "$on" \
        "$(/usr/bin/python3 -c "print($on/$off)")"
done
