#!/usr/bin/env bash
# Reads with the shared oracle backend: pgbench -n on `SELECT v FROM t WHERE k = 1`
# against pgpeekd with --timestamp-oracle-url pointing at a private PostgreSQL 15 (started
# here, as user postgres when run as root), strict serializable (every statement asks the
# oracle's batching layer) against serializable (never asks), alternating. Prints tps and
# oracle reads per batch. Usage: bench/pending/oracle_reads.sh PGPEEKD [seconds] [clients...]
set -euo pipefail
BIN="$1"
SECS="${2:-5}"
shift $(($# < 2 ? $# : 2))
CLIENTS=("$@")
[ ${#CLIENTS[@]} -eq 0 ] && CLIENTS=(1 16 64)
PGBIN=/usr/lib/postgresql/15/bin
DIR="$(mktemp -d /tmp/oracle-reads.XXXXXX)"
chmod 755 "$DIR"
AS=()
[ "$(id -u)" = 0 ] && chown postgres "$DIR" && AS=(runuser -u postgres --)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync >/dev/null
"${AS[@]}" "$PGBIN/postgres" -D "$DIR/data" -k "$DIR" -p 5432 -c listen_addresses= \
  -c fsync=off >"$DIR/pg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  pg_isready -q -h "$DIR" -p 5432 && break
  sleep 0.1 # between readiness probes of the private PostgreSQL
done
URL="postgresql://postgres@/postgres?host=$DIR&port=5432"
"$BIN" --listen 127.0.0.1:55521 --http-listen 127.0.0.1:55621 --data-dir none --workers 2 \
  --max-connections 200 --timestamp-oracle-url "$URL" &
PIDS+=($!)
for _ in $(seq 1 200); do
  psql -h 127.0.0.1 -p 55521 -U materialize -d materialize -qAtc "SELECT 1" >/dev/null 2>&1 && break
done
psql -h 127.0.0.1 -p 55521 -U materialize -d materialize -qAt \
  -c "CREATE TABLE t (k int PRIMARY KEY, v int8)" -c "INSERT INTO t VALUES (1, 0)"
metric() { curl -s http://127.0.0.1:55621/metrics | awk -v n="$1" '$1 == n {print $2}'; }
SCRIPT="$(mktemp)"
echo "SELECT v FROM t WHERE k = 1;" >"$SCRIPT"
for c in "${CLIENTS[@]}"; do
  for level in "strict serializable" serializable; do
    r0=$(metric 'pgpeek_oracle_calls_total{op="read"}'); b0=$(metric pgpeek_oracle_batches_total)
    tps=$(PGOPTIONS="-c transaction_isolation=${level// /\\ }" pgbench -h 127.0.0.1 -p 55521 \
      -U materialize -n -M simple -f "$SCRIPT" -c "$c" -j "$([ "$c" -gt 2 ] && echo 2 || echo 1)" \
      -T "$SECS" materialize 2>/dev/null | awk '/^tps/ {print int($3)}')
    r1=$(metric 'pgpeek_oracle_calls_total{op="read"}'); b1=$(metric pgpeek_oracle_batches_total)
    echo "clients=$c level='$level' tps=$tps oracle_reads=$((r1 - r0)) batches=$((b1 - b0))"
  done
done
rm -f "$SCRIPT"
