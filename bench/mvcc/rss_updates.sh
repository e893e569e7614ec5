#!/usr/bin/env bash
# RSS of pgpeekd before and after N updates to one row (default 1M), to show that
# reclamation of dead row versions keeps memory flat. Usage:
#   bench/mvcc/rss_updates.sh [path/to/pgpeekd] [updates] [clients]
set -euo pipefail
BIN="${1:-build/pgpeekd}"
N="${2:-1000000}"
C="${3:-4}"
PORT="${PORT:-55432}"
"$BIN" --listen "127.0.0.1:$PORT" --http-listen off --data-dir none --workers 2 &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true' EXIT
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=materialize PGDATABASE=materialize
for _ in $(seq 1 200); do psql -qAtc "SELECT 1" >/dev/null 2>&1 && break; done
psql -qAtc "CREATE TABLE one (id int PRIMARY KEY, n int8)" -c "INSERT INTO one VALUES (1, 0)"
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
SCRIPT="$(mktemp)"
echo "UPDATE one SET n = n + 1 WHERE id = 1;" >"$SCRIPT"
# A first 10k updates so that allocator and buffers reach their working size.
pgbench -n -M simple -f "$SCRIPT" -c "$C" -t $((10000 / C)) >/dev/null
BEFORE=$(rss)
START=$(date +%s.%N)
pgbench -n -M simple -f "$SCRIPT" -c "$C" -t $((N / C)) >/dev/null
END=$(date +%s.%N)
AFTER=$(rss)
VALUE=$(psql -qAtc "SELECT n FROM one")
rm -f "$SCRIPT"
echo "updates=$((N / C * C)) clients=$C n=$VALUE rss_before_kb=$BEFORE rss_after_kb=$AFTER seconds=$(echo "$END - $START" | bc)"
