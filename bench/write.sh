#!/usr/bin/env bash
# Write throughput: single-row INSERTs (one transaction each) at 1, 16 and 64 connections,
# pgpeek with its write-ahead log (durable data directory) vs PostgreSQL 15 with its default
# fsync settings (fsync=on, synchronous_commit=on, wal_sync_method default), both with
# their data on the same file system, measured in the same run with pgbench -f.
#
#   bench/write.sh [BUILD_DIR]          (default: build; env SECONDS_PER_RUN=10, CONNS="1 16 64",
#                                        KEEP=1 keeps the work directory)
# Each point runs pgpeek, PostgreSQL, PostgreSQL, pgpeek (ABBA, so drift on a shared machine
# hits both alike) and reports the mean of each server's two runs.
# Prints a markdown table and writes it to bench/results/<date>-write.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
T=${SECONDS_PER_RUN:-10}
CONNS=${CONNS:-"1 16 64"}

log() { echo "write.sh: $*" >&2; }
die() {
    log "$*"
    exit 1
}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target pgpeekd >/dev/null
PGPEEKD=$BUILD/pgpeekd
[ -x "$PGPEEKD" ] || die "no pgpeekd in $BUILD"

WORK=$(mktemp -d /var/tmp/pgpeek-write.XXXXXX)
chmod 755 "$WORK"
PGPEEK_PID=""
PG_STARTED=0
as_pg() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}
cleanup() {
    local rc=$?
    if [ -n "$PGPEEK_PID" ]; then
        kill -TERM "$PGPEEK_PID" 2>/dev/null || true
        wait "$PGPEEK_PID" 2>/dev/null || true
    fi
    [ "$PG_STARTED" = 1 ] && as_pg "$PGBIN/pg_ctl -D $WORK/pg/data -m fast -w stop" >/dev/null 2>&1 || true
    if [ "${KEEP:-0}" = 1 ] || [ $rc != 0 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Polls a condition with a bound (never a blind wait): wait_for SECONDS PID CMD...
wait_for() {
    local limit=$1 pid=$2 i
    shift 2
    for ((i = 0; i < limit * 20; i++)); do
        "$@" && return 0
        [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

cat >"$WORK/insert.sql" <<'EOF'
\set id random(1, 2000000000)
INSERT INTO w VALUES (:id, :client_id, 'a single-row insert of about sixty bytes of payload');
EOF
chmod 644 "$WORK/insert.sql"

# ---- pgpeekd, durable, data directory under $WORK
"$PGPEEKD" --listen 127.0.0.1:0 --port-file "$WORK/pgpeek.port" --data-dir "$WORK/pgpeek-data" \
    --http-listen 127.0.0.1:0 --max-connections 200 >"$WORK/pgpeekd.log" 2>&1 &
PGPEEK_PID=$!
wait_for 60 "$PGPEEK_PID" test -s "$WORK/pgpeek.port" || die "pgpeekd did not start ($WORK/pgpeekd.log)"
PGPEEK_PORT=$(head -n1 "$WORK/pgpeek.port")
wait_for 60 "$PGPEEK_PID" grep -q "HTTP port" "$WORK/pgpeekd.log" || die "no HTTP port in the log"
HTTP_PORT=$(sed -n 's/.*HTTP port \([0-9]*\).*/\1/p' "$WORK/pgpeekd.log" | head -n1)
psql -X -q -h 127.0.0.1 -p "$PGPEEK_PORT" -U materialize -d materialize -v ON_ERROR_STOP=1 \
    -c "CREATE TABLE w (id int8, client int4, payload text)" || die "cannot create w in pgpeek"

# ---- PostgreSQL 15, default durability settings
PG_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
as_pg "$PGBIN/initdb -D $WORK/pg/data -A trust -U postgres >$WORK/pg/initdb.log 2>&1" || die "initdb failed"
as_pg "$PGBIN/pg_ctl -D $WORK/pg/data -w -t 120 -l $WORK/pg/log -o '-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200' start >/dev/null" ||
    die "PostgreSQL did not start ($WORK/pg/log)"
PG_STARTED=1
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE TABLE w (id int8, client int4, payload text)" || die "cannot create w in PostgreSQL"
PG_FSYNC=$(psql -X -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay')")

metric() { curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v n="$1" '$1 == n { print $2 }'; }

# run SERVER CONNS -> tps
run() {
    local port user db
    if [ "$1" = pgpeek ]; then port=$PGPEEK_PORT user=materialize db=materialize; else port=$PG_PORT user=postgres db=postgres; fi
    local j=$(($2 < 2 ? 1 : 2))
    pgbench -n -h 127.0.0.1 -p "$port" -U "$user" -f "$WORK/insert.sql" -c "$2" -j "$j" -T "$T" "$db" \
        >"$WORK/$1-$2.out" 2>&1 || die "pgbench failed against $1 at $2 connections ($WORK/$1-$2.out)"
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/$1-$2.out" | head -n1
}

FS=$(df -T "$WORK" | awk 'NR == 2 { print $2 }')
rows=""
for c in $CONNS; do
    g0=$(metric pgpeek_wal_groups_total)
    r0=$(metric pgpeek_wal_records_total)
    s0=$(metric pgpeek_wal_sync_seconds_total)
    a1=$(run pgpeek "$c")
    b1=$(run pg "$c")
    b2=$(run pg "$c")
    a2=$(run pgpeek "$c")
    g1=$(metric pgpeek_wal_groups_total)
    r1=$(metric pgpeek_wal_records_total)
    s1=$(metric pgpeek_wal_sync_seconds_total)
    a=$(awk -v x="$a1" -v y="$a2" 'BEGIN { print (x + y) / 2 }')
    b=$(awk -v x="$b1" -v y="$b2" 'BEGIN { print (x + y) / 2 }')
    log "$c connections: pgpeek runs $a1 $a2, PostgreSQL runs $b1 $b2"
    per=$(awk -v g="$((g1 - g0))" -v r="$((r1 - r0))" 'BEGIN { printf "%.1f", g ? r / g : 0 }')
    sync=$(awk -v g="$((g1 - g0))" -v s0="$s0" -v s1="$s1" 'BEGIN { printf "%.2f", g ? (s1 - s0) * 1000 / g : 0 }')
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')
    log "$c connections: pgpeek $a tps ($per commits per fsync), PostgreSQL $b tps"
    rows="$rows| $c | $(printf '%.0f' "$a") | $(printf '%.0f' "$b") | $ratio | $per | $sync |"$'\n'
done

STAMP=$(date -u +%Y-%m-%d-%H%M)
OUT="$ROOT/bench/results/$STAMP-write.md"
{
    echo "# Write throughput: single-row INSERTs, pgpeek (write-ahead log) vs PostgreSQL 15"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, data of both on $FS ($WORK), pgbench -f (simple protocol), $T s per run,"
    echo "one INSERT per transaction, each point the mean of two runs per server (ABBA order), pgpeek commit $(git -C "$ROOT" rev-parse --short HEAD)."
    echo "PostgreSQL: $PG_FSYNC (its defaults). pgpeek: one fdatasync per commit group."
    echo
    echo "| connections | pgpeek tps | PostgreSQL tps | pgpeek / PostgreSQL | pgpeek commits per fsync | pgpeek ms per write+fsync |"
    echo "|---|---|---|---|---|---|"
    printf '%s' "$rows"
} | tee "$OUT"
log "written to $OUT"
