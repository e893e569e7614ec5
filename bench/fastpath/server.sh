# bench/fastpath/server.sh, sourced: start_server BUILD pgpeek|floor starts the server on an
# ephemeral port in the background (PID, PORT; WORK must be a scratch directory), waits for
# it by connecting, and for pgpeek makes t with one row. FLOOR_ARGS / PGPEEK_ARGS pass extra
# flags.
start_server() {
    local build=$1 server=$2
    if [ "$server" = floor ]; then
        "$build/bench/pgpeek-floor" --listen 127.0.0.1:0 --port-file "$WORK/port" ${FLOOR_ARGS:-} >/dev/null 2>&1 &
    else
        "$build/pgpeekd" --listen 127.0.0.1:0 --port-file "$WORK/port" --data-dir none \
            --http-listen off ${PGPEEK_ARGS:-} >/dev/null 2>&1 &
    fi
    PID=$!
    for _ in $(seq 200); do [ -s "$WORK/port" ] && break; kill -0 "$PID"; sleep 0.05; done
    PORT=$(head -n1 "$WORK/port")
    for _ in $(seq 200); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.05; done
    if [ "$server" != floor ]; then
        psql -Xq -h 127.0.0.1 -p "$PORT" -U materialize -d materialize -v ON_ERROR_STOP=1 \
            -c "CREATE TABLE t (id text, value int4)" -c "INSERT INTO t VALUES ('hello', 42)"
    fi
}
