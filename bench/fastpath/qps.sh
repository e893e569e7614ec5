#!/usr/bin/env bash
# bench/fastpath/qps.sh: pgbench QPS of SELECT * FROM t (one row) against pgpeekd binaries
# (or bench's pgpeek-floor),
# alternated per point so machine drift hits them alike.
#   bench/fastpath/qps.sh NAME=BINARY [NAME=BINARY...]
# Env: CONNS ("1 16 64"), MODES ("simple prepared"), SECONDS_PER (5), ROUNDS (1),
#      PGOPTIONS passes through to the clients.
set -euo pipefail
CONNS=${CONNS:-"1 16 64"}
MODES=${MODES:-"simple prepared"}
SECONDS_PER=${SECONDS_PER:-5}
ROUNDS=${ROUNDS:-1}
WORK=$(mktemp -d /tmp/fpqps.XXXXXX)
echo "SELECT * FROM t;" >"$WORK/q.sql"
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
start() {
    rm -f "$WORK/port"
    local floor=0
    case "$1" in *pgpeek-floor) floor=1 ;; esac
    if [ $floor = 1 ]; then
        "$1" --listen 127.0.0.1:0 --port-file "$WORK/port" >"$WORK/log" 2>&1 &
    else
        "$1" --listen 127.0.0.1:0 --port-file "$WORK/port" --data-dir none --http-listen off \
            >"$WORK/log" 2>&1 &
    fi
    PID=$!
    for _ in $(seq 1 300); do [ -s "$WORK/port" ] && break; sleep 0.05; done
    PORT=$(head -n1 "$WORK/port")
    for _ in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.05; done
    [ $floor = 1 ] || psql -X -q -h 127.0.0.1 -p "$PORT" -U materialize -d materialize \
        -c "CREATE TABLE t (id text, value int4)" -c "INSERT INTO t VALUES ('hello', 42)"
}
stop() { kill -TERM $PID; wait $PID || true; PID=""; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
HZ=$(getconf CLK_TCK)
printf "%-10s %-9s %5s %10s %14s\n" server mode conns tps server_us/query
for round in $(seq 1 "$ROUNDS"); do
    for mode in $MODES; do
        for c in $CONNS; do
            for nb in "$@"; do
                name=${nb%%=*} bin=${nb#*=}
                start "$bin"
                t0=$(cpu_ticks)
                pgbench -n -h 127.0.0.1 -p "$PORT" -U materialize -M "$mode" -c "$c" -j $((c < 2 ? c : 2)) \
                    -T "$SECONDS_PER" -f "$WORK/q.sql" materialize >"$WORK/out" 2>&1 || true
                t1=$(cpu_ticks)
                stop
                tps=$(awk '/^tps/ { printf "%d", $3 }' "$WORK/out")
                n=$(awk '/number of transactions actually processed/ { print $NF }' "$WORK/out")
                us=$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="${n:-0}" 'BEGIN { if (n > 0) printf "%.2f", d / hz * 1e6 / n }')
                printf "%-10s %-9s %5s %10s %14s\n" "$name" "$mode" "$c" "$tps" "$us"
            done
        done
    done
done
