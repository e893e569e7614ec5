#!/usr/bin/env bash
# pgbench client test in one query mode (simple, extended or prepared). pgbench's
# :variables become bound parameters ($1..$n) in extended and prepared modes.
set -uo pipefail
MODE="$1"
T="clients_pgbench_$MODE"
fail() { echo "pgbench-$MODE: FAIL: $*" >&2; exit 1; }
PSQL=(psql -X -q -tA -v ON_ERROR_STOP=1 --no-psqlrc)
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT

out="$("${PSQL[@]}" 2>&1 <<SQL
DROP TABLE IF EXISTS $T;
CREATE TABLE $T (id int4, big int8, t text, v varchar(20), f float8, n numeric,
  b bool, d date, ts timestamptz, by bytea);
SQL
)" || fail "create table: $out"

# Each transaction inserts one row with parameters (and NULLs), reads it back with a
# bound WHERE, and rolls back a second insert. 2 clients x 50 transactions = 100 runs.
cat >"$DIR/tx.sql" <<SQL
\\set k random(1, 1000000)
\\set id :client_id * 1000 + :k % 1000
\\set nid -1 * :id
BEGIN;
INSERT INTO $T (id, big, t, v, f, n, b, d, ts, by) VALUES (:id, :k, 'row ' || :id, NULL, :k / 4.0, :k * 1.5, true, '2024-02-29', '2024-02-29 12:34:56.789012+00', NULL);
SELECT id, big, t FROM $T WHERE id = :id AND big = :k;
END;
BEGIN;
INSERT INTO $T (id, t) VALUES (:nid, 'rolled back');
ROLLBACK;
SQL
# Blocks are serializable: one that read the table fails with 40001 at COMMIT when the
# other client's insert committed after its snapshot (PostgreSQL at SERIALIZABLE aborts
# this pair too). pgbench retries those, as a client of a serializable database must:
# without a cap on tries (two clients in lockstep can make one lose many times in a row),
# bounded by time instead, and every transaction gets through.
out="$(pgbench -n -M "$MODE" -c 2 -j 1 -t 50 --max-tries 0 --latency-limit 30000 --failures-detailed -f "$DIR/tx.sql" 2>&1)"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "$out" >&2
  fail "pgbench exited $rc: $(grep -m1 -E 'error|ERROR' <<<"$out")"
fi
echo "$out"
grep -q 'number of transactions actually processed: 100/100' <<<"$out" ||
  fail "not 100/100 transactions processed"
if grep -q 'number of failed transactions' <<<"$out"; then
  grep -q 'number of failed transactions: 0 ' <<<"$out" || fail "failed transactions"
fi

# Check what the transactions left behind (independently, with psql).
out="$("${PSQL[@]}" 2>&1 <<SQL
SELECT count(*) FROM $T;
SELECT count(*) FROM $T WHERE id < 0;
SELECT count(*) FROM $T WHERE t = 'row ' || id AND v IS NULL AND by IS NULL AND b
  AND d = '2024-02-29' AND f = big / 4.0 AND n = big * 1.5
  AND ts = '2024-02-29 12:34:56.789012+00';
SQL
)" || fail "check rows: $out"
[ "$out" = $'100\n0\n100' ] || fail "expected 100 rows, 0 rolled back, 100 with the right values; got: $(echo $out)"

# 64 connections at once (2 threads), each running a bound read 20 times: no failures.
echo "SELECT id, big, t FROM $T WHERE id = :client_id * 1000 + 1;" >"$DIR/read.sql"
out="$(pgbench -n -M "$MODE" -c 64 -j 2 -t 20 -f "$DIR/read.sql" 2>&1)"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "$out" >&2
  fail "pgbench -c 64 exited $rc: $(grep -m1 -E 'error|ERROR' <<<"$out")"
fi
grep -q 'number of transactions actually processed: 1280/1280' <<<"$out" ||
  fail "64 connections: not 1280/1280 transactions processed: $out"
echo "$out" | grep -E '^(tps|number of failed)'

# A syntax error: pgbench reports it and stops with a nonzero exit code.
echo 'SELEC 1;' >"$DIR/bad.sql"
out="$(pgbench -n -M "$MODE" -c 1 -t 1 -f "$DIR/bad.sql" 2>&1)"
rc=$?
[ "$rc" -ne 0 ] || fail "pgbench with a syntax error exited 0: $out"
grep -q 'syntax error at or near "SELEC"' <<<"$out" || fail "no syntax error message: $out"
# The server still serves pgbench afterwards.
echo 'SELECT 1;' >"$DIR/ok.sql"
out="$(pgbench -n -M "$MODE" -c 1 -t 5 -f "$DIR/ok.sql" 2>&1)" || fail "pgbench after the error: $out"
echo "pgbench-$MODE: all checks passed"
