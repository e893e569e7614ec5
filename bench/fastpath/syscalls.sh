#!/usr/bin/env bash
# bench/fastpath/syscalls.sh BUILD SERVER CONNS [MODE] [SECS]: per-query system calls and
# scheduler events of the server (pgpeek or floor) and of the client (pgpeek-bench) under
# SELECT * FROM t, counted with perf tracepoints over the whole run; then how many events
# each of the server's epoll_wait calls returned, and where the connections landed (one
# line per epoll instance: how many sockets it watches).
# Needs perf with tracepoint access (perf_event_paranoid <= 2 as root).
set -euo pipefail
BUILD=${1:?build dir}
SERVER=${2:?pgpeek or floor}
CONNS=${3:-64}
MODE=${4:-simple}
SECS=${5:-4}
WORK=$(mktemp -d /tmp/syscalls.XXXXXX)
PID=
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
start_server "$BUILD" "$SERVER"
SC="epoll_wait epoll_pwait epoll_ctl read recvfrom write sendto writev futex"
EV=sched:sched_switch,sched:sched_wakeup,raw_syscalls:sys_enter
for s in $SC; do EV="$EV,syscalls:sys_enter_$s"; done
"$BUILD/bench/pgpeek-bench" -url "postgres://materialize@127.0.0.1:$PORT/materialize" \
    -query "SELECT * FROM t" -concurrency "$CONNS" -max-active-conns "$CONNS" \
    -max-idle-conns "$CONNS" -force-pre-auth -mode "$MODE" -duration "$SECS" -warmup 1 \
    -json "$WORK/r.json" >/dev/null 2>&1 &
BPID=$!
# Counted from the end of the warm-up: wait until every connection is up (the server
# then watches CONNS sockets), then one second more.
for _ in $(seq 200); do
    n=$(ls -l /proc/"$PID"/fd 2>/dev/null | grep -c socket || true)
    [ "$n" -ge "$CONNS" ] && break
    sleep 0.05
done
sleep 1
T=$((SECS - 1))
perf stat -x, -e "$EV" -p "$PID" -o "$WORK/server.csv" -- sleep "$T" &
S1=$!
perf stat -x, -e "$EV" -p "$BPID" -o "$WORK/client.csv" -- sleep "$T" &
S2=$!
wait $S1 $S2
# Each epoll instance of the server and how many descriptors it watches, at the end of
# the counted window.
for fd in /proc/"$PID"/fd/*; do
    [ "$(readlink "$fd")" = "anon_inode:[eventpoll]" ] || continue
    echo "epoll fd $(basename "$fd"): $(grep -c '^tfd' /proc/"$PID"/fdinfo/"$(basename "$fd")") watched"
done >"$WORK/epolls"
# Events returned per epoll_wait, a short sample.
perf record -q -e syscalls:sys_exit_epoll_wait -p "$PID" -o "$WORK/ep.data" -- sleep 0.5 \
    >/dev/null 2>&1 || true
wait $BPID
perf script -i "$WORK/ep.data" 2>/dev/null >"$WORK/ep.txt" || true
/usr/bin/python3 - "$WORK/ep.txt" >"$WORK/ephist" <<'PY'
import collections, sys
h = collections.Counter()
for line in open(sys.argv[1]):
    r = line.split()[-1]
    if r.startswith("0x"):
        h[min(int(r, 16), 16)] += 1
n = sum(h.values()) or 1
print(f"server epoll_wait returns (sample of {n}, 16 = 16 or more):",
      " ".join(f"{k}:{100 * v / n:.0f}%" for k, v in sorted(h.items())))
PY
/usr/bin/python3 - "$WORK" "$SERVER" "$CONNS" "$MODE" "$SECS" "$T" <<'PY'
import json, sys, os
work, server, conns, mode, secs, t = sys.argv[1:]
j = json.load(open(os.path.join(work, "r.json")))["jobs"][0]
q = j["qps"] * float(t)
def load(name):
    out = {}
    for line in open(os.path.join(work, name)):
        f = line.strip().split(",")
        if len(f) > 3 and f[0] and f[0][0].isdigit():
            out[f[2].split(":")[-1].replace("sys_enter_", "")] = int(f[0])
    return out
s, c = load("server.csv"), load("client.csv")
print(f"{server} conns={conns} {mode}: {j['qps']:,.0f} qps; per query over {t} s:")
print(f"  {'event':<14}{'server':>8}{'client':>8}")
for k in s:
    print(f"  {k:<14}{s[k] / q:8.3f}{c.get(k, 0) / q:8.3f}")
PY
cat "$WORK/epolls" "$WORK/ephist"
