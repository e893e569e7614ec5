#!/usr/bin/env bash
# bench/fastpath/cg.sh: user-space instructions per query of pgpeekd (callgrind), steady state.
# Runs the server under callgrind twice (N1 and N2 queries on one connection, pgpeek-bench as
# the client) and divides the difference by N2-N1, so startup, connecting and shutdown cancel.
#   bench/fastpath/cg.sh BUILD_DIR MODE [QUERY]     MODE: simple | extended | prepared
# Env: N1 (1000), N2 (11000), KEEP=1 keeps the callgrind files in $WORK, FLOOR=1 measures
# bench's canned-reply server (pgpeek-floor) instead of pgpeekd, ROWS=N puts N rows in t,
# SETUP='SQL' runs after the table is made (e.g. "ALTER SYSTEM SET enable_peek_cache = off":
# every query then reads the table instead of repeating the last run's bytes).
set -euo pipefail
BUILD=${1:?build dir}
MODE=${2:-simple}
QUERY=${3:-SELECT * FROM t}
N1=${N1:-1000}
N2=${N2:-11000}
WORK=$(mktemp -d /tmp/fpcg.XXXXXX)
VALUES="('hello', 42)"
for i in $(seq 2 "${ROWS:-1}"); do VALUES="$VALUES, ('hello$i', $i)"; done
run_once() {
    local n=$1 out=$WORK/cg.$1 pid port i
    if [ "${FLOOR:-0}" = 1 ]; then
        valgrind --tool=callgrind --callgrind-out-file="$out" -q "$BUILD/bench/pgpeek-floor" \
            --listen 127.0.0.1:0 --port-file "$WORK/port.$n" --threads 1 >"$WORK/log.$n" 2>&1 &
    else
        valgrind --tool=callgrind --callgrind-out-file="$out" -q "$BUILD/pgpeekd" --listen 127.0.0.1:0 \
            --port-file "$WORK/port.$n" --data-dir none --http-listen off --workers 1 >"$WORK/log.$n" 2>&1 &
    fi
    pid=$!
    for i in $(seq 1 600); do [ -s "$WORK/port.$n" ] && break; kill -0 $pid || exit 1; sleep 0.1; done
    port=$(head -n1 "$WORK/port.$n")
    for i in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.1; done
    [ "${FLOOR:-0}" = 1 ] || psql -X -q -h 127.0.0.1 -p "$port" -U materialize -d materialize \
        -v ON_ERROR_STOP=1 -c "CREATE TABLE t (id text, value int4)" \
        -c "INSERT INTO t VALUES $VALUES" ${SETUP:+-c "$SETUP"} >/dev/null
    "$BUILD/bench/pgpeek-bench" -url "postgres://materialize@127.0.0.1:$port/materialize" \
        -query "$QUERY" -concurrency 1 -count "$n" -mode "$MODE" -force-pre-auth >"$WORK/bench.$n" 2>&1
    kill -TERM $pid
    wait $pid || true
    awk '/^(summary|totals):/ { print $2; exit }' "$out"
}
a=$(run_once "$N1")
b=$(run_once "$N2")
echo "mode=$MODE query='$QUERY' ir($N1)=$a ir($N2)=$b per_query=$(( (b - a) / (N2 - N1) ))"
if [ "${KEEP:-0}" = 1 ]; then echo "files in $WORK"; else rm -rf "$WORK"; fi
