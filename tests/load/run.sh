#!/usr/bin/env bash
# Load smoke for pgpeekd:
#   1. pgbench -n -M simple -f select.sql -c 64 -j 2 -T 5 of "SELECT * FROM t":
#      zero failed transactions and more than zero processed;
#   2. pgbench -M prepared (extended protocol), 16 clients, 2 s: zero failures;
#   3. 200 connections opened and closed, several rounds (pgbench -C -c 50 -t 4):
#      no failures, and the server's open descriptors (/proc/PID/fd) return to their
#      baseline afterwards;
#   4. a 4 MiB statement in and a 4 MiB value out, byte for byte;
#   5. SIGTERM: pgpeekd exits with status 0 (under ASan, LeakSanitizer turns a leak
#      into a nonzero exit status) and its log has no sanitizer report.
#
#   run.sh PATH/TO/pgpeekd
# Environment: LOAD_SECONDS (default 5), LOAD_CLIENTS (64), CONNECT_ROUNDS (3).
set -uo pipefail

PGPEEKD="${1:?usage: run.sh PATH/TO/pgpeekd}"
SECONDS_RUN="${LOAD_SECONDS:-5}"
CLIENTS="${LOAD_CLIENTS:-64}"
ROUNDS="${CONNECT_ROUNDS:-3}"

unset PGOPTIONS PGDATABASE PGUSER PGHOST PGHOSTADDR PGPORT PGTZ PGAPPNAME PGSERVICE \
      PGSSLMODE PGPASSWORD PSQLRC
export LC_ALL=C.UTF-8
export PGCONNECT_TIMEOUT=10
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:exitcode=23}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for tool in psql pgbench timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$(basename "$0"): $tool not found (run tools/install-deps.sh)" >&2; exit 2; }
done
WORK="$(mktemp -d /tmp/pgpeek-load.XXXXXX)"
LOG="$WORK/pgpeekd.log"
SERVER_PID=""
fail() {
  echo "load_smoke: FAILED: $*"
  if [ -f "$LOG" ]; then
    echo "---- pgpeekd log (tail) ----"
    tail -n 60 "$LOG"
  fi
  exit 1
}
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$PGPEEKD" ] || fail "$PGPEEKD is not an executable"

"$PGPEEKD" --listen 127.0.0.1:0 --port-file "$WORK/port" --data-dir none \
  --http-listen off --workers 2 --max-connections 500 >"$LOG" 2>&1 &
SERVER_PID=$!

# Wait for the port file (bounded), then for a successful query (bounded).
for _ in $(seq 1 300); do
  [ -s "$WORK/port" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=""; fail "pgpeekd exited at startup"; }
  sleep 0.1
done
PORT="$(tr -d '[:space:]' <"$WORK/port" 2>/dev/null)"
[ -n "$PORT" ] || fail "no port file after 30 s"
CONN=(-h 127.0.0.1 -p "$PORT" -U materialize)
ready=0
for _ in $(seq 1 60); do
  if psql -X -q "${CONN[@]}" -d materialize -c 'SELECT 1' >/dev/null 2>&1; then
    ready=1; break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=""; fail "pgpeekd exited while starting"; }
  sleep 0.5
done
[ "$ready" = 1 ] || fail "server did not answer within 30 s"
echo "load_smoke: pgpeekd pid $SERVER_PID on port $PORT"

psql -X -q -v ON_ERROR_STOP=1 "${CONN[@]}" -d materialize \
  -c "CREATE TABLE t (id text, value int4)" \
  -c "INSERT INTO t VALUES ('hello', 42)" || fail "could not create t"
got="$(psql -X -A -t "${CONN[@]}" -d materialize -c 'SELECT * FROM t')"
[ "$got" = "hello|42" ] || fail "SELECT * FROM t returned '$got', expected 'hello|42'"

fd_count() { ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l; }
# Waits (bounded, ~15 s) until the descriptor count is at most $1; prints the last count.
wait_fds_at_most() {
  local want="$1" n
  for _ in $(seq 1 150); do
    n="$(fd_count)"
    if [ "$n" -le "$want" ]; then echo "$n"; return 0; fi
    sleep 0.1
  done
  echo "$n"
  return 1
}
BASELINE="$(fd_count)"
echo "load_smoke: baseline open descriptors: $BASELINE"

# pgbench's summary lines (PostgreSQL 15):
#   number of transactions actually processed: 123456
#   number of failed transactions: 0 (0.000%)
check_pgbench() {
  local out="$1" what="$2" processed failedtx
  processed="$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$out" | head -n 1)"
  failedtx="$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$out" | head -n 1)"
  [ -n "$processed" ] || fail "$what: no 'transactions actually processed' line in pgbench output"
  [ -n "$failedtx" ] || fail "$what: no 'failed transactions' line in pgbench output"
  echo "load_smoke: $what: processed $processed, failed $failedtx"
  [ "$processed" -gt 0 ] || fail "$what: no transaction processed"
  [ "$failedtx" -eq 0 ] || fail "$what: $failedtx failed transactions"
  if grep -qE 'client [0-9]+ aborted|error:' "$out"; then
    grep -E 'client [0-9]+ aborted|error:' "$out" | head -n 5
    fail "$what: pgbench reported aborted clients or errors"
  fi
}

echo 'SELECT * FROM t;' >"$WORK/select.sql"
echo "load_smoke: pgbench -n -M simple -c $CLIENTS -j 2 -T $SECONDS_RUN"
pgbench -n -M simple -f "$WORK/select.sql" -c "$CLIENTS" -j 2 -T "$SECONDS_RUN" \
  "${CONN[@]}" materialize >"$WORK/bench.out" 2>&1
rc=$?
cat "$WORK/bench.out" | grep -E '^(number of|tps|latency average|pgbench:)' || true
[ "$rc" -eq 0 ] || fail "pgbench exited with status $rc"
check_pgbench "$WORK/bench.out" "select load"
kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=""; fail "pgpeekd died during the load"; }
n="$(wait_fds_at_most "$BASELINE")" || fail "after the load: $n open descriptors, baseline $BASELINE"

# The extended protocol under load too (Parse once, Bind/Execute many).
echo "load_smoke: pgbench -n -M prepared -c 16 -j 2 -T 2"
pgbench -n -M prepared -f "$WORK/select.sql" -c 16 -j 2 -T 2 \
  "${CONN[@]}" materialize >"$WORK/bench-prep.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { tail -n 5 "$WORK/bench-prep.out"; fail "pgbench -M prepared exited with status $rc"; }
check_pgbench "$WORK/bench-prep.out" "prepared load"

# 200 connections opened and closed per round (50 clients x 4 transactions, -C: a new
# connection for every transaction).
echo 'SELECT 1;' >"$WORK/one.sql"
for r in $(seq 1 "$ROUNDS"); do
  pgbench -n -M simple -C -f "$WORK/one.sql" -c 50 -j 2 -t 4 "${CONN[@]}" materialize \
    >"$WORK/connect.out" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] || { cat "$WORK/connect.out"; fail "connect round $r: pgbench exited with status $rc"; }
  check_pgbench "$WORK/connect.out" "connect round $r (200 connections)"
  n="$(wait_fds_at_most "$BASELINE")" \
    || fail "connect round $r: $n open descriptors did not return to baseline $BASELINE"
  echo "load_smoke: round $r: descriptors back to $n (baseline $BASELINE)"
done

# 50 psql clients at once, then raw sockets that hang up mid-handshake: neither may
# leave a descriptor behind.
for _ in $(seq 1 50); do
  psql -X -q "${CONN[@]}" -d materialize -c 'SELECT * FROM t' >/dev/null 2>&1 &
done
wait_clients_ok=1
for job in $(jobs -p); do
  [ "$job" = "$SERVER_PID" ] && continue
  wait "$job" || wait_clients_ok=0
done
[ "$wait_clients_ok" = 1 ] || fail "some of 50 parallel psql clients failed"
for i in $(seq 1 20); do
  # An SSLRequest then a hang-up, or half a startup packet then a hang-up.
  if [ $((i % 2)) = 0 ]; then
    pkt='\x00\x00\x00\x08\x04\xd2\x16\x2f'
  else
    pkt='\x00\x00\x00\x50\x00\x03\x00\x00user\x00'
  fi
  timeout -s KILL 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; printf "$2" >&3; exec 3>&-' _ "$PORT" "$pkt" \
    >/dev/null 2>&1 || true
done
n="$(wait_fds_at_most "$BASELINE")" \
  || fail "after abrupt disconnects: $n open descriptors, baseline $BASELINE"
echo "load_smoke: after parallel and abrupt clients: $n descriptors (baseline $BASELINE)"

# Large messages both ways: a 4 MiB statement in, the same 4 MiB value out.
big="$(head -c 3145728 /dev/urandom | base64 -w 0 | head -c 4194304)"
printf "CREATE TABLE big (v text);\nINSERT INTO big VALUES ('%s');\n" "$big" \
  | psql -X -q -v ON_ERROR_STOP=1 "${CONN[@]}" -d materialize >/dev/null 2>"$WORK/big.err" \
  || { cat "$WORK/big.err"; fail "inserting a 4 MiB value failed"; }
got="$(psql -X -A -t "${CONN[@]}" -d materialize -c 'SELECT v FROM big')"
[ "$got" = "$big" ] || fail "the 4 MiB value came back different (${#got} bytes)"
got="$(printf "SELECT length('%s');\n" "$big" | psql -X -A -t "${CONN[@]}" -d materialize)"
[ "$got" = 4194304 ] || fail "length of a 4 MiB literal: '$got'"
psql -X -q "${CONN[@]}" -d materialize -c 'DROP TABLE big' || fail "DROP TABLE big"
echo "load_smoke: 4 MiB statement and row round-trip ok"

# The server still answers after all of that.
got="$(psql -X -A -t "${CONN[@]}" -d materialize -c 'SELECT * FROM t')"
[ "$got" = "hello|42" ] || fail "after the load SELECT * FROM t returned '$got'"

# Graceful stop: SIGTERM, bounded wait, exit status 0.
kill -TERM "$SERVER_PID"
for _ in $(seq 1 300); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then
  fail "pgpeekd did not exit within 30 s of SIGTERM"
fi
wait "$SERVER_PID"
rc=$?
SERVER_PID=""
[ "$rc" -eq 0 ] || fail "pgpeekd exited with status $rc after SIGTERM (leak or crash?)"
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$LOG"; then
  grep -A 30 -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$LOG" | head -n 60
  fail "sanitizer report in the pgpeekd log"
fi
echo "load_smoke: ok"
echo "1 passed, 0 failed"
