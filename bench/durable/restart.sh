#!/usr/bin/env bash
# Restart time after a stop, 1M rows: from the write-ahead log alone (kill -9, which leaves
# the log as a clean stop did before the shutdown checkpoint existed) against a clean stop
# (SIGTERM: the shutdown checkpoint, so the start replays nothing).
#
#   bench/durable/restart.sh [BUILD_DIR]   (default: build; env ROWS=1048576, ROUNDS=2)
# Rows are (k int4 PRIMARY KEY, v text of 100 bytes), as in README-storage's numbers.
# Times are wall clock from exec to the port file appearing (recovery runs before the
# listener starts), polled every 10 ms; the stop time is from SIGTERM to the exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
ROWS=${ROWS:-1048576}
ROUNDS=${ROUNDS:-2}
PGPEEKD=$BUILD/pgpeekd
[ -x "$PGPEEKD" ] || { echo "no pgpeekd in $BUILD" >&2; exit 1; }

WORK=$(mktemp -d /var/tmp/pgpeek-restart.XXXXXX)
PID=""
cleanup() {
    [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Starts pgpeekd on $WORK/data; sets PID, PORT and START_MS (exec to listening).
start() {
    rm -f "$WORK/port"
    local t0
    t0=$(now_ms)
    "$PGPEEKD" --listen 127.0.0.1:0 --http-listen off --data-dir "$WORK/data" --workers 2 \
        --checkpoint-interval 3600 --checkpoint-log-bytes 1G --log-level info \
        --port-file "$WORK/port" >/dev/null 2>>"$WORK/log" &
    PID=$!
    for _ in $(seq 6000); do
        [ -s "$WORK/port" ] && break
        kill -0 "$PID" 2>/dev/null || { echo "pgpeekd exited, see $WORK/log" >&2; exit 1; }
        read -r -t 0.01 <> <(:) || true
    done
    [ -s "$WORK/port" ] || { echo "pgpeekd did not listen" >&2; exit 1; }
    START_MS=$(($(now_ms) - t0))
    PORT=$(cat "$WORK/port")
}

stop() { # signal; sets STOP_MS
    local t0
    t0=$(now_ms)
    kill "-$1" "$PID"
    wait "$PID" 2>/dev/null || true
    STOP_MS=$(($(now_ms) - t0))
    PID=""
}

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$PORT user=materialize dbname=materialize" "$@"; }

count() { psql_q -At -c "SELECT count(*) FROM t"; }

start
psql_q -c "CREATE TABLE t (k int4 PRIMARY KEY, v text)"
/usr/bin/python3 - "$ROWS" >"$WORK/fill.sql" <<'PY'
import sys
rows, batch, pad = int(sys.argv[1]), 10000, "x" * 100
for lo in range(0, rows, batch):
    hi = min(rows, lo + batch)
    print("INSERT INTO t VALUES " + ",".join("(%d,'%s')" % (k, pad) for k in range(lo, hi)) + ";")
PY
psql_q -f "$WORK/fill.sql"
[ "$(count)" = "$ROWS" ] || { echo "fill failed" >&2; exit 1; }
log_mb=$(du -sm "$WORK/data/wal" | cut -f1)

echo "| stop | stop time | restart time | rows | startup line |"
echo "|---|---:|---:|---:|---|"
# kill -9 first: no checkpoint exists yet, so every such restart replays the whole log
# (and none writes one: the interval is an hour, nothing new is logged)
for how in $(for _ in $(seq "$ROUNDS"); do echo KILL; done) \
    $(for _ in $(seq "$ROUNDS"); do echo TERM; done); do
    # one more logged change, so that each clean stop writes its checkpoint
    [ "$how" = TERM ] && psql_q -c "UPDATE t SET v = v WHERE k = 1"
    stop "$how"
    s_ms=$STOP_MS
    : >"$WORK/log"
    start
    line=$(grep -o "checkpoint at ts [0-9]* ([0-9]* rows), then [0-9]* log records" "$WORK/log" |
        sed 's/ts [0-9]* //')
    n=$(count)
    echo "| $([ "$how" = KILL ] && echo "kill -9" || echo SIGTERM) | ${s_ms} ms | ${START_MS} ms | $n | $line |"
done
echo
echo "$ROWS rows, $log_mb MiB of log before the first restart"
stop TERM
