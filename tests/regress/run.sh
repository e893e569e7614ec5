#!/usr/bin/env bash
# pgpeek regression suite, in the style of pg_regress.
#
#   run.sh PATH/TO/pgpeekd           start pgpeekd on an ephemeral port, run every
#                                    sql/*.sql through psql, diff against expected/
#   run.sh --pg PORT [--host H]      run against an already running server (e.g. a real
#                                    PostgreSQL 15) instead of starting pgpeekd
#   run.sh ... --generate            write expected/*.out instead of comparing
#                                    (tools/regress-expected.sh uses this with --pg)
#   run.sh ... --skip-hand           skip files listed in hand_maintained (used with --pg:
#                                    those expected files deliberately differ from PostgreSQL)
#   run.sh ... NAME [NAME...]        run only these tests (file names without .sql)
#
# A file whose first line is "-- regress: psql-c" is run differently: every line that is
# not blank and not a "--" comment is passed as its own -c option to ONE psql invocation,
# so each line reaches the server as one Simple Query message (several statements in one
# string, implicit transactions). Every other file goes through "psql -X -a -q" on stdin.
#
# A file whose first line is "-- regress: connect" has lines "CONNINFO | SQL": each opens
# its own connection with those extra libpq keywords (startup parameters) and runs SQL.
#
# Outputs are normalized the same way in every mode: with VERBOSITY verbose psql prints
# "LOCATION:" (PostgreSQL source positions, which only PostgreSQL has) and the optional
# SCHEMA/TABLE/COLUMN/DATATYPE/CONSTRAINT NAME fields; those lines are removed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PG_PORT=""
PG_HOST="127.0.0.1"
GENERATE=0
SKIP_HAND=0
PGPEEKD=""
ONLY=()

while [ $# -gt 0 ]; do
  case "$1" in
    --pg) PG_PORT="$2"; shift 2 ;;
    --host) PG_HOST="$2"; shift 2 ;;
    --generate) GENERATE=1; shift ;;
    --skip-hand) SKIP_HAND=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) ONLY+=("$1"); shift ;;
  esac
done
# Without --pg the first positional argument is the server binary.
if [ -z "$PG_PORT" ] && [ "${#ONLY[@]}" -gt 0 ]; then
  PGPEEKD="${ONLY[0]}"
  ONLY=("${ONLY[@]:1}")
  if [ ! -x "$PGPEEKD" ]; then
    echo "run.sh: $PGPEEKD is not an executable" >&2
    exit 2
  fi
fi

if [ -z "$PG_PORT" ] && [ -z "$PGPEEKD" ]; then
  echo "usage: run.sh PATH/TO/pgpeekd | run.sh --pg PORT [--host H] [--generate] [tests...]" >&2
  exit 2
fi

# A reproducible client environment: nothing from the caller's libpq/psql setup leaks in.
unset PGOPTIONS PGDATABASE PGUSER PGHOST PGHOSTADDR PGPORT PGTZ PGDATESTYLE PGAPPNAME \
      PGCLIENTENCODING PGSERVICE PGSERVICEFILE PGSSLMODE PGPASSWORD PGPASSFILE PSQLRC \
      PSQL_PAGER PAGER PGCONNECT_TIMEOUT
export LC_ALL=C.UTF-8 LANG=C.UTF-8
export PGCONNECT_TIMEOUT=10
# A hung server must not hang the suite: each file gets this many seconds.
FILE_TIMEOUT="${REGRESS_FILE_TIMEOUT:-120}"
# Sanitizer builds: leaks and undefined behaviour fail the run (harmless for Release).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for tool in psql pgbench timeout; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$(basename "$0"): $tool not found (run tools/install-deps.sh)" >&2; exit 2; }
done
# REGRESS_RESULTS: where outputs and diffs go (two runs at once need two places)
RESULTS="${REGRESS_RESULTS:-$HERE/results}"
EXPECTED="$HERE/expected"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

SERVER_PID=""
WORK=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT

# Starts pgpeekd on an ephemeral port; sets SERVER_PID and PG_PORT.
start_pgpeekd() {
  WORK="$(mktemp -d /tmp/pgpeek-regress.XXXXXX)"
  local portfile="$WORK/port"
  local datadir="${PGPEEK_REGRESS_DATA_DIR:-none}"
  [ "$datadir" = "tmp" ] && datadir="$WORK/data"
  "$PGPEEKD" --listen 127.0.0.1:0 --port-file "$portfile" --data-dir "$datadir" \
    --http-listen off --workers 2 >"$RESULTS/pgpeekd.log" 2>&1 &
  SERVER_PID=$!
  # Wait for the port file (written atomically by pgpeekd), bounded to ~30 s.
  local i
  for i in $(seq 1 300); do
    if [ -s "$portfile" ]; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "pgpeekd exited before listening; log:" >&2
      cat "$RESULTS/pgpeekd.log" >&2
      SERVER_PID=""
      return 1
    fi
    sleep 0.1
  done
  PG_PORT="$(tr -d '[:space:]' <"$portfile")"
  if [ -z "$PG_PORT" ]; then
    echo "pgpeekd did not write its port file within 30 s" >&2
    return 1
  fi
}

# Waits until the server answers a query, bounded to ~30 s.
wait_ready() {
  local i
  for i in $(seq 1 60); do
    if psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U materialize -d materialize \
         -c 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited while waiting for it; log:" >&2
      cat "$RESULTS/pgpeekd.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "server on port $PG_PORT did not answer within 30 s" >&2
  return 1
}

# Runs one test file; writes its normalized output to $2.
run_one() {
  local sql="$1" out="$2"
  local conn=(-h "$PG_HOST" -p "$PG_PORT" -U materialize -d materialize)
  if head -n 1 "$sql" | grep -q '^-- regress: connect'; then
    # Each line "CONNINFO | SQL": a new connection with those libpq keywords added to
    # the usual ones (later keywords win), running SQL with -c. Host and port vary
    # between runs, so they are masked in the output.
    local line ci q
    : >"$out.raw"
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in ''|--*) continue ;; esac
      ci="${line%%|*}"; q="${line#*|}"
      ci="${ci% }"; q="${q# }"
      printf -- '-- connect: %s\n%s\n' "$ci" "$q" >>"$out.raw"
      timeout -s KILL "$FILE_TIMEOUT" \
        psql -X -q -v ON_ERROR_STOP=0 \
        "host=$PG_HOST port=$PG_PORT user=materialize dbname=materialize $ci" -c "$q" 2>&1 \
        | sed -E -e "s/\"$PG_HOST\", port $PG_PORT/HOST, port PORT/g" >>"$out.raw"
    done <"$sql"
  elif head -n 1 "$sql" | grep -q '^-- regress: psql-c'; then
    local args=() line
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in ''|--*) continue ;; esac
      args+=(-c "$line")
    done <"$sql"
    timeout -s KILL "$FILE_TIMEOUT" \
      psql -X -q -e -v ON_ERROR_STOP=0 "${conn[@]}" "${args[@]}" >"$out.raw" 2>&1
  else
    timeout -s KILL "$FILE_TIMEOUT" \
      psql -X -a -q -v ON_ERROR_STOP=0 "${conn[@]}" <"$sql" >"$out.raw" 2>&1
  fi
  grep -vE '^(LOCATION|SCHEMA NAME|TABLE NAME|COLUMN NAME|DATATYPE NAME|CONSTRAINT NAME):  ' \
    "$out.raw" >"$out"
  rm -f "$out.raw"
}

is_hand_maintained() {
  [ -f "$HERE/hand_maintained" ] && grep -qx "$1" <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$HERE/hand_maintained")
}

if [ -n "$PGPEEKD" ]; then
  start_pgpeekd || exit 1
fi
wait_ready || exit 1

tests=()
if [ "${#ONLY[@]}" -gt 0 ]; then
  tests=("${ONLY[@]}")
else
  for f in "$HERE"/sql/*.sql; do
    tests+=("$(basename "$f" .sql)")
  done
fi

failed=0
passed=0
failed_names=()
server_died=0
for t in "${tests[@]}"; do
  if [ "$SKIP_HAND" = 1 ] && is_hand_maintained "$t"; then
    printf '%-24s skipped (hand-maintained expected file)\n' "$t"
    continue
  fi
  sql="$HERE/sql/$t.sql"
  if [ ! -f "$sql" ]; then
    echo "no such test: $t" >&2
    failed=$((failed + 1)); failed_names+=("$t")
    continue
  fi
  if [ "$GENERATE" = 1 ]; then
    run_one "$sql" "$EXPECTED/$t.out"
    printf '%-24s generated\n' "$t"
    passed=$((passed + 1))
    continue
  fi
  run_one "$sql" "$RESULTS/$t.out"
  if diff -u "$EXPECTED/$t.out" "$RESULTS/$t.out" >"$RESULTS/$t.diff" 2>&1; then
    rm -f "$RESULTS/$t.diff"
    printf '%-24s ok\n' "$t"
    passed=$((passed + 1))
  else
    printf '%-24s FAILED\n' "$t"
    failed=$((failed + 1)); failed_names+=("$t")
  fi
  if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "pgpeekd died during test $t; log tail:" >&2
    tail -n 60 "$RESULTS/pgpeekd.log" >&2
    wait "$SERVER_PID"
    echo "pgpeekd exit status: $?" >&2
    SERVER_PID=""
    server_died=1
  fi
done

# Stop pgpeekd: SIGTERM, then wait (bounded) for it to exit; its exit code must be 0
# (under ASan, LeakSanitizer makes it nonzero on leaks).
server_rc=0
[ "$server_died" = 1 ] && server_rc=1
if [ -n "$SERVER_PID" ]; then
  kill -TERM "$SERVER_PID" 2>/dev/null
  for i in $(seq 1 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "pgpeekd did not exit within 30 s of SIGTERM; killing it" >&2
    kill -KILL "$SERVER_PID" 2>/dev/null
    server_rc=137
    wait "$SERVER_PID" 2>/dev/null
  else
    wait "$SERVER_PID"
    server_rc=$?
  fi
  SERVER_PID=""
  if [ "$server_rc" -ne 0 ]; then
    echo "pgpeekd exited with status $server_rc after SIGTERM; log tail:" >&2
    tail -n 60 "$RESULTS/pgpeekd.log" >&2
  elif grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$RESULTS/pgpeekd.log"; then
    echo "sanitizer report in pgpeekd log:" >&2
    grep -A 30 -E 'AddressSanitizer|LeakSanitizer|runtime error:' "$RESULTS/pgpeekd.log" | head -n 80 >&2
    server_rc=1
  fi
fi

# All diffs go to results/regression.diffs; the first DIFF_LINES lines of each are shown.
DIFF_LINES="${REGRESS_DIFF_LINES:-150}"
for t in "${failed_names[@]}"; do
  if [ -f "$RESULTS/$t.diff" ]; then
    cat "$RESULTS/$t.diff" >>"$RESULTS/regression.diffs"
    echo
    echo "======== diff for $t (expected vs result) ========"
    head -n "$DIFF_LINES" "$RESULTS/$t.diff"
    n="$(wc -l <"$RESULTS/$t.diff")"
    if [ "$n" -gt "$DIFF_LINES" ]; then
      echo "... ($((n - DIFF_LINES)) more lines in $RESULTS/$t.diff)"
    fi
  fi
done

echo
if [ "$server_rc" -ne 0 ]; then
  echo "server exit status: $server_rc (FAILED)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$server_rc" -eq 0 ]
