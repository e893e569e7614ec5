#!/usr/bin/env bash
# bench/fastpath/ctxsw.sh BUILD SERVER CONNS [MODE]: QPS of SELECT * FROM t (pgpeek-bench,
# 5 s after 1 s warm-up) and the server's voluntary and involuntary context switches over
# the run (summed over /proc/PID/task/*/status). SERVER is pgpeek or floor. Run the two
# alternately a few times: the floor is bimodal (threads that hardly ever sleep, or that
# sleep about every other query), and QPS follows the switches per query, not CPU per query.
# Also prints the CPU seconds of server, client, softirq and everything else on the machine
# over the run: a run where "others" took a noticeable share was disturbed.
set -euo pipefail
BUILD=${1:?build dir}
SERVER=${2:?pgpeek or floor}
CONNS=${3:-64}
MODE=${4:-simple}
WORK=$(mktemp -d /tmp/ctxsw.XXXXXX)
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
start_server "$BUILD" "$SERVER"
switches() {
    local v=0 n=0 t
    for t in /proc/"$PID"/task/*; do
        v=$((v + $(awk '/^voluntary_ctxt/ { print $2 }' "$t/status")))
        n=$((n + $(awk '/^nonvoluntary_ctxt/ { print $2 }' "$t/status")))
    done
    echo "$v $n"
}
# Machine busy time (all CPUs) and the server's CPU time, in clock ticks.
# Softirq (the loopback's TCP work, not charged to any process) is counted apart.
busy() { awk '/^cpu / { print $2 + $3 + $4, $7 + $8 }' /proc/stat; }
server_cpu() { awk '{ print $14 + $15 }' /proc/"$PID"/stat; }
read -r v0 n0 < <(switches)
read -r b0 i0 < <(busy)
c0=$(server_cpu)
/usr/bin/time -f "%U %S" -o "$WORK/client.time" "$BUILD/bench/pgpeek-bench" -url "postgres://materialize@127.0.0.1:$PORT/materialize" \
    -query "SELECT * FROM t" -concurrency "$CONNS" -max-active-conns "$CONNS" \
    -max-idle-conns "$CONNS" -force-pre-auth -mode "$MODE" -duration 5 -warmup 1 \
    -json "$WORK/r.json" >/dev/null 2>&1
read -r v1 n1 < <(switches)
read -r b1 i1 < <(busy)
c1=$(server_cpu)
/usr/bin/python3 - "$WORK/r.json" "$SERVER" "$CONNS" "$MODE" $((v1 - v0)) $((n1 - n0)) \
    $((c1 - c0)) $((b1 - b0)) $((i1 - i0)) "$(cat "$WORK/client.time")" "$(getconf CLK_TCK)" <<'PY'
import json, sys
path, server, conns, mode, vol, invol, scpu, busy, irq, ctime, hz = sys.argv[1:]
j = json.load(open(path))["jobs"][0]
total = j["queries"] / 5 * 6  # the switches cover the warm-up second too
print(f"{server} conns={conns} {mode}: {j['qps']:,.0f} qps, "
      f"{int(vol) / total:.2f} voluntary and {int(invol) / total:.3f} involuntary switches per query")
hz = int(hz)
server_s = int(scpu) / hz
client_s = sum(float(x) for x in ctime.split())
other_s = max(0.0, int(busy) / hz - server_s - client_s)
# Over the 6 s of the run (warm-up included): a run where "others" is high was disturbed.
print(f"  cpu seconds: server {server_s:.1f}, client {client_s:.1f}, softirq {int(irq) / hz:.1f}, "
      f"others {other_s:.1f}; "
      f"server {server_s / total * 1e6:.2f} us/query")
PY
