#!/usr/bin/env bash
# Runs every database client test in tests/clients/ against a fresh server:
#   bash tests/clients/run.sh build/pgpeekd [client...]   # against pgpeekd
#   bash tests/clients/run.sh --pg [client...]            # against a private PostgreSQL 15
# Clients: psql psql-gdesc pgbench-simple pgbench-extended pgbench-prepared psycopg2 psycopg3
#          psycopg3-binary node-pg postgresjs jdbc go-libpq go-pgx (default: all).
# Installs what is missing (tools/install-clients.sh), prints ok/FAILED per client and
# a last line "N passed, M failed"; exits nonzero when any client failed.
# Logs of failed clients are printed; all logs stay in $CLIENTS_LOG_DIR if set.
# CLIENTS_PARALLEL=1 runs all clients at once (stress).
# CLIENTS_EXCEPT="client..." leaves clients out; PER_CLIENT_TIMEOUT (s, default 120).
# CLIENTS_TRACE=FILE puts tests/clients/wiretrace.py between clients and server and logs
# every protocol message there (which paths each driver needs).
# CLIENTS_SUMMARY=FILE writes one markdown line per client (ok, or its first error).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ALL=(psql psql-gdesc pgbench-simple pgbench-extended pgbench-prepared psycopg2 psycopg3
  psycopg3-binary node-pg postgresjs jdbc go-libpq go-pgx)
PER_CLIENT_TIMEOUT="${PER_CLIENT_TIMEOUT:-120}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"

if [ $# -lt 1 ]; then
  echo "usage: $0 <path-to-pgpeekd>|--pg [client...]" >&2
  exit 2
fi
MODE=pgpeek
SERVER=""
if [ "$1" = "--pg" ]; then
  MODE=pg
else
  SERVER="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
  if [ ! -x "$SERVER" ]; then
    echo "run.sh: $1 is not an executable" >&2
    exit 2
  fi
fi
shift
CLIENTS=("$@")
[ ${#CLIENTS[@]} -eq 0 ] && CLIENTS=("${ALL[@]}")
# CLIENTS_EXCEPT="a b": leave these out (e.g. a known gap while it is being fixed).
if [ -n "${CLIENTS_EXCEPT:-}" ]; then
  kept=()
  for c in "${CLIENTS[@]}"; do
    case " $CLIENTS_EXCEPT " in *" $c "*) echo "run.sh: skipping $c (CLIENTS_EXCEPT)" ;; *) kept+=("$c") ;; esac
  done
  CLIENTS=("${kept[@]}")
fi
for c in "${CLIENTS[@]}"; do
  if ! printf '%s\n' "${ALL[@]}" | grep -qx -- "$c"; then
    echo "run.sh: unknown client '$c' (known: ${ALL[*]})" >&2
    exit 2
  fi
done

if ! bash "$ROOT/tools/install-clients.sh"; then
  echo "install-clients failed"
  echo "0 passed, ${#CLIENTS[@]} failed"
  exit 1
fi

WORK="$(mktemp -d /tmp/pgpeek-clients.XXXXXX)"
# PostgreSQL runs as user postgres and must reach its data and socket dirs.
chmod 755 "$WORK"
LOGS="${CLIENTS_LOG_DIR:-$WORK/logs}"
mkdir -p "$LOGS"
SERVER_PID=""
SERVER_STATUS=0
TRACE_PID=""

stop_server() {
  if [ -n "$TRACE_PID" ]; then
    kill -TERM "$TRACE_PID" 2>/dev/null
    wait "$TRACE_PID" 2>/dev/null
    TRACE_PID=""
  fi
  if [ "$MODE" = pg ]; then
    [ -f "$WORK/pgdata/postmaster.pid" ] &&
      runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m fast -w stop >/dev/null 2>&1
  elif [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    # Bounded wait for a clean exit; a server that ignores SIGTERM is killed.
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "run.sh: pgpeekd did not exit after SIGTERM; killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_STATUS=$?
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private PostgreSQL 15 with trust auth and a materialize superuser and database.
start_pg() {
  local port=""
  chown postgres: "$WORK"
  runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pgdata" -A trust -E UTF8 --locale=C \
    -U postgres >"$LOGS/initdb.log" 2>&1 || { cat "$LOGS/initdb.log"; return 1; }
  cat >>"$WORK/pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
max_connections = 300
timezone = 'UTC'
datestyle = 'iso, mdy'
lc_messages = 'C'
fsync = off
CONF
  # A port the kernel just handed out; another process can still take it before the
  # postmaster binds it (it is in the ephemeral range), so a failed start retries.
  local attempt
  for attempt in 1 2 3 4 5; do
    port="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    # The server log lives in $WORK (owned by postgres); it is linked into $LOGS.
    rm -f "$WORK/pg-server.log"
    if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pg-server.log" -w -t 60 \
      -o "-p $port" start >/dev/null; then
      break
    fi
    port=""
    grep -q 'could not bind\|could not create any TCP/IP sockets' "$WORK/pg-server.log" ||
      { cat "$WORK/pg-server.log"; return 1; }
    echo "run.sh: port taken, retrying (attempt $attempt)"
  done
  [ -n "$port" ] || { cat "$WORK/pg-server.log"; return 1; }
  ln -sf "$WORK/pg-server.log" "$LOGS/server.log"
  psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c 'CREATE ROLE materialize SUPERUSER LOGIN' \
    -c 'CREATE DATABASE materialize OWNER materialize' >/dev/null || return 1
  PORT="$port"
}

start_pgpeek() {
  local pf="$WORK/port"
  local extra=()
  # All clients at once: 3 pgbench runs of 64 connections plus the rest.
  [ "${CLIENTS_PARALLEL:-0}" = 1 ] && extra=(--max-connections 300)
  rm -f "$pf"
  "$SERVER" --listen 127.0.0.1:0 --port-file "$pf" --data-dir none --http-listen off \
    "${extra[@]}" >>"$LOGS/server.log" 2>&1 &
  SERVER_PID=$!
  # Bounded wait for the port file, then for a successful connection.
  for _ in $(seq 1 200); do
    [ -s "$pf" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "run.sh: pgpeekd exited"; cat "$LOGS/server.log"; return 1; }
    sleep 0.05
  done
  [ -s "$pf" ] || { echo "run.sh: no port file after 10 s"; return 1; }
  PORT="$(tr -d '[:space:]' <"$pf")"
}

# wait_ready: bounded wait until the server answers SELECT 1 on $PORT.
wait_ready() {
  for _ in $(seq 1 200); do
    if psql -X -q -h 127.0.0.1 -p "$PORT" -U materialize -d materialize -tAc 'SELECT 1' \
      >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.05
  done
  echo "run.sh: server on port $PORT does not answer SELECT 1"
  cat "$LOGS/server.log"
  return 1
}

# start_trace: the logging proxy in front of the server; clients then use its port.
start_trace() {
  local tport
  tport="$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  /usr/bin/python3 "$HERE/wiretrace.py" "$tport" "$PORT" "$CLIENTS_TRACE" &
  TRACE_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$tport") 2>/dev/null && break
    sleep 0.05
  done
  echo "run.sh: tracing through 127.0.0.1:$tport into $CLIENTS_TRACE"
  PORT="$tport"
}

PORT=""
if [ "$MODE" = pg ]; then start_pg; else start_pgpeek; fi && wait_ready || {
  echo "run.sh: server did not start"
  echo "0 passed, ${#CLIENTS[@]} failed"
  exit 1
}
echo "run.sh: $MODE server on 127.0.0.1:$PORT"
[ -n "${CLIENTS_TRACE:-}" ] && start_trace

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=materialize PGDATABASE=materialize
export PGCONNECT_TIMEOUT=10 TZ=UTC PGTZ=UTC CLIENTS_WORK="$WORK"
unset PGPASSWORD PGOPTIONS PGSERVICE

# Compiled clients are built once, on first use.
build_java() {
  [ -f "$WORK/java/ClientTest.class" ] && return 0
  mkdir -p "$WORK/java"
  javac -d "$WORK/java" -cp /usr/share/java/postgresql.jar "$HERE/java/ClientTest.java"
}
build_go() {
  [ -x "$WORK/go/clienttest" ] && return 0
  mkdir -p "$WORK/go"
  # GOPATH mode against Debian's packaged sources: no module proxy, no network.
  # The build cache survives runs when there is a HOME to keep it in.
  [ -n "${HOME:-}" ] || export GOCACHE="${GOCACHE:-$WORK/gocache}"
  (cd "$HERE/go" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' GOPROXY=off \
    go build -o "$WORK/go/clienttest" .)
}

run_client() {
  local c="$1"
  case "$c" in
    psql) bash "$HERE/psql.sh" ;;
    psql-gdesc) bash "$HERE/psql.sh" gdesc ;;
    pgbench-*) bash "$HERE/pgbench.sh" "${c#pgbench-}" ;;
    psycopg2) /usr/bin/python3 "$HERE/python/psycopg2_test.py" ;;
    psycopg3) /usr/bin/python3 "$HERE/python/psycopg3_test.py" text ;;
    psycopg3-binary) /usr/bin/python3 "$HERE/python/psycopg3_test.py" binary ;;
    node-pg) node "$HERE/node/pg_test.js" ;;
    postgresjs) node "$HERE/node/postgresjs_test.js" ;;
    jdbc) build_java && java -cp "$WORK/java:/usr/share/java/postgresql.jar" ClientTest ;;
    go-libpq) build_go && "$WORK/go/clienttest" libpq ;;
    go-pgx) build_go && "$WORK/go/clienttest" pgx ;;
  esac
}
export -f run_client build_java build_go
export HERE WORK

passed=0
failed=0
failed_names=()
# CLIENTS_PARALLEL=1: every client at once against the one server (a concurrency stress;
# the tables are per client, so the tests stay independent). Results print afterwards.
if [ "${CLIENTS_PARALLEL:-0}" = 1 ]; then
  build_java >/dev/null 2>&1
  build_go >/dev/null 2>&1
  pids=()
  for c in "${CLIENTS[@]}"; do
    (
      s=$(date +%s)
      timeout -k 5 "$PER_CLIENT_TIMEOUT" bash -c "run_client $c" >"$LOGS/$c.log" 2>&1
      echo "$? $(($(date +%s) - s))" >"$WORK/$c.rc"
    ) &
    pids+=($!)
  done
  # Only the clients: a bare `wait` would also wait for the server.
  for p in "${pids[@]}"; do wait "$p"; done
fi
for c in "${CLIENTS[@]}"; do
  if [ "${CLIENTS_PARALLEL:-0}" = 1 ]; then
    read -r rc secs <"$WORK/$c.rc"
  else
    start=$(date +%s)
    timeout -k 5 "$PER_CLIENT_TIMEOUT" bash -c "run_client $c" >"$LOGS/$c.log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
  fi
  if [ "$rc" -eq 0 ]; then
    echo "ok      $c (${secs}s)"
    passed=$((passed + 1))
  else
    [ "$rc" -eq 124 ] && echo "timeout after ${PER_CLIENT_TIMEOUT}s" >>"$LOGS/$c.log"
    echo "FAILED  $c (${secs}s, exit $rc)"
    sed 's/^/    /' "$LOGS/$c.log" | tail -n 40
    failed=$((failed + 1))
    failed_names+=("$c")
  fi
  if [ -n "${CLIENTS_SUMMARY:-}" ]; then
    if [ "$rc" -eq 0 ]; then
      echo "- $c: ok" >>"$CLIENTS_SUMMARY"
    else
      # The test's own FAIL line if there is one, else the first error line.
      first="$(grep -m1 -E 'FAIL' "$LOGS/$c.log" || grep -m1 -iE 'error' "$LOGS/$c.log" || tail -n1 "$LOGS/$c.log")"
      echo "- $c: FAILED: \`$first\`" >>"$CLIENTS_SUMMARY"
    fi
  fi
  # A client that took the server down fails (even if it saw no error), and the server
  # is restarted so the next clients still say something about themselves.
  if [ "$MODE" = pgpeek ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "run.sh: pgpeekd is no longer running after $c (log: $LOGS/server.log)"
    tail -n 20 "$LOGS/server.log" | sed 's/^/    /'
    if [ "$rc" -eq 0 ]; then
      passed=$((passed - 1))
      failed=$((failed + 1))
      failed_names+=("$c(server died)")
      [ -n "${CLIENTS_SUMMARY:-}" ] && echo "- $c: FAILED: pgpeekd died after the test" >>"$CLIENTS_SUMMARY"
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
    stop_server # the trace proxy, if any
    if ! { start_pgpeek && wait_ready; }; then
      echo "run.sh: pgpeekd did not restart; the remaining clients count as failed"
      remaining=$((${#CLIENTS[@]} - passed - failed))
      failed=$((failed + remaining))
      break
    fi
    [ -n "${CLIENTS_TRACE:-}" ] && start_trace
    export PGPORT="$PORT"
  fi
done
# A clean shutdown is part of the test: SIGTERM must end pgpeekd with status 0 (under
# AddressSanitizer a leak or error report makes it nonzero).
if [ "$MODE" = pgpeek ] && [ -n "$SERVER_PID" ]; then
  stop_server
  if [ "$SERVER_STATUS" -ne 0 ]; then
    echo "FAILED  pgpeekd shutdown: exit status $SERVER_STATUS after SIGTERM"
    tail -n 30 "$LOGS/server.log" | sed 's/^/    /'
    failed=$((failed + 1))
    failed_names+=("shutdown")
    [ -n "${CLIENTS_SUMMARY:-}" ] && echo "- shutdown: FAILED: pgpeekd exit status $SERVER_STATUS after SIGTERM" >>"$CLIENTS_SUMMARY"
  fi
fi
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
