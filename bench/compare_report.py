#!/usr/bin/python3
"""compare_report: turns bench/compare's measurements into <base>.md, <base>.json and a
gnuplot script (<base>.gp) that draws <base>.png. Standard library only.

usage: compare_report.py WORKDIR OUT_BASE
"""
import glob
import json
import os
import sys

SERVERS = [("pgpeek", "pgpeek"), ("pg", "PostgreSQL 15"), ("floor", "floor (canned replies)")]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_us(v):
    if v is None:
        return "-"
    if v < 1000:
        return f"{v:.0f}us"
    return f"{v / 1000:.2f}ms"


def fmt_num(v, digits=0):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def errors_text(job):
    if not job or not job["errors"]:
        return "0"
    parts = [f'{e["count"]:,} {e["sqlstate"]}' for e in job["errors"]]
    return f'{job["errors_total"]:,} ({", ".join(parts)})'


def main():
    work, base = sys.argv[1], sys.argv[2]
    machine = {}
    with open(os.path.join(work, "machine.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            machine[k] = v

    sweep = {}
    for path in glob.glob(os.path.join(work, "json", "sweep-*.json")):
        _, server, mode, conns = os.path.basename(path)[:-5].split("-")
        doc = load(path)
        if doc:
            sweep[(server, mode, int(conns))] = doc
    conns_list = sorted({k[2] for k in sweep})
    modes = [m for m in ("simple", "extended", "prepared") if any(k[1] == m for k in sweep)]

    def job(server, mode, conns):
        doc = sweep.get((server, mode, conns))
        return doc["jobs"][0] if doc and doc.get("jobs") else None

    cpu = {(d["server"], d["conns"]): d for d in
           filter(None, (load(p) for p in glob.glob(os.path.join(work, "json", "cpu-*.json"))))}
    cg = {(d["server"], d["conns"]): d for d in
          filter(None, (load(p) for p in glob.glob(os.path.join(work, "json", "cg-*.json"))))}
    client = {d["server"]: d for d in
              filter(None, (load(p) for p in glob.glob(os.path.join(work, "json", "clientcpu-*.json"))))}

    md = []
    md.append(f'# pgpeek vs PostgreSQL 15: SELECT * FROM t ({machine.get("date", "")})\n')
    md.append(f'Machine: {machine.get("nproc")} CPUs, {machine.get("cpu")}, kernel '
              f'{machine.get("kernel")}, {machine.get("os")}; {machine.get("postgres")}; '
              f'pgpeek commit {machine.get("commit")}.\n')
    md.append(f'Command: `{machine.get("command")}` ({machine.get("point_seconds")} s per point '
              f'after {machine.get("warmup")} s warm-up, {machine.get("threads")} client thread(s), '
              f'all connections opened before the clock; servers take turns in a rotating order at every point). '
              f'Total run time {machine.get("elapsed_s")} s.\n')
    md.append("Client and servers share the same CPUs, so absolute numbers are for comparison "
              "within this run only; instruction counts are the stable figure.\n")

    md.append("## Throughput and latency\n")
    md.append("| conns | mode | pgpeek QPS | PostgreSQL QPS | floor QPS | pgpeek / PostgreSQL "
              "| pgpeek / floor | pgpeek p50 / p99 | PostgreSQL p50 / p99 | pgpeek errors "
              "| PostgreSQL errors |")
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")

    def ratio(x, y):
        if not x or not y or not x["qps"] or not y["qps"]:
            return "-"
        return f'{x["qps"] / y["qps"]:.2f}'

    for c in conns_list:
        for m in modes:
            a, b, fl = job("pgpeek", m, c), job("pg", m, c), job("floor", m, c)

            def lat(j):
                if not j or not j["latency_us"]["count"]:
                    return "-"
                return f'{fmt_us(j["latency_us"]["p50"])} / {fmt_us(j["latency_us"]["p99"])}'

            md.append(f'| {c} | {m} | {fmt_num(a and a["qps"])} | {fmt_num(b and b["qps"])} | '
                      f'{fmt_num(fl and fl["qps"])} | {ratio(a, b)} | {ratio(a, fl)} | '
                      f'{lat(a)} | {lat(b)} | {errors_text(a)} | {errors_text(b)} |')
    md.append("")
    md.append("The floor is bench/floor/pgpeek-floor: it answers every query with the same "
              "canned bytes and does no work at all, so it is what the sockets, the wake-ups "
              "and the client cost; no server can beat it on this machine.\n")
    md.append("Errors are counted by SQLSTATE, not hidden: a mode the server does not support "
              "shows up there with zero QPS. At 1 connection every query is a round trip between "
              "two sleeping threads, so the figure swings with whether the scheduler puts client "
              "and server on the same CPU (seen here: 6 us or 60 us per query from run to run, "
              "with pgbench too); the instruction counts below do not have that problem.\n")

    md.append("## Server CPU per query (/proc/PID/stat, simple mode)\n")
    md.append(f'Fixed-count runs of {next(iter(cpu.values()))["queries"] if cpu else "-"} queries; '
              "a run of one query per connection is subtracted so connection setup does not count. "
              "PostgreSQL: postmaster, its live children and its reaped backends.\n")
    md.append("| conns | pgpeek us/query | PostgreSQL us/query | floor us/query |")
    md.append("|---:|---:|---:|---:|")
    for c in sorted({k[1] for k in cpu}):
        a, b, fl = cpu.get(("pgpeek", c)), cpu.get(("pg", c)), cpu.get(("floor", c))
        md.append(f'| {c} | {fmt_num(a and a["cpu_us_per_query"], 1)} | '
                  f'{fmt_num(b and b["cpu_us_per_query"], 1)} | '
                  f'{fmt_num(fl and fl["cpu_us_per_query"], 1)} |')
    md.append("")

    md.append("## Instructions per query (valgrind --tool=callgrind, simple mode)\n")
    if cg:
        md.append("Difference of two runs under callgrind (one query per connection, and "
                  f'{next(iter(cg.values()))["queries"]} queries). pgpeek: the whole pgpeekd process. '
                  "PostgreSQL: postmaster under --trace-children=yes, counting inside "
                  "PostgresMain only (each backend's life after fork: authentication, protocol, "
                  "parse, plan, execute, send; forked children would otherwise inherit the "
                  "postmaster's counters). Kernel work is not counted for either.\n")
        md.append("| conns | pgpeek Ir/query | PostgreSQL Ir/query | floor Ir/query |")
        md.append("|---:|---:|---:|---:|")
        for c in sorted({k[1] for k in cg}):
            a, b, fl = cg.get(("pgpeek", c)), cg.get(("pg", c)), cg.get(("floor", c))
            md.append(f'| {c} | {fmt_num(a and a["ir_per_query"])} | {fmt_num(b and b["ir_per_query"])} '
                      f'| {fmt_num(fl and fl["ir_per_query"])} |')
    else:
        md.append("Not measured in this run (SKIP_CALLGRIND=1).")
    md.append("")

    md.append("## Client cost: pgpeek-bench vs pgbench (16 connections, simple, same duration)\n")
    md.append("CPU of the whole client process (/usr/bin/time) divided by the queries it "
              "completed, over two runs of each tool in the order pgbench, pgpeek-bench, "
              "pgpeek-bench, pgbench. Kernel time (loopback TCP, wake-ups) dominates and is "
              "paid by any client; user time is what the client itself spends.\n")
    md.append("| against | client | queries | QPS (per run) | user us/query | sys us/query "
              "| total us/query |")
    md.append("|---|---|---:|---:|---:|---:|---:|")
    for server, label in SERVERS:
        d = client.get(server)
        if not d:
            continue
        for key, tool in (("pgbench", "pgbench"), ("pgpeek_bench", "pgpeek-bench")):
            t = d[key]
            note = f' ({"; ".join(t["notes"])})'.replace("|", "/") if t["notes"] else ""
            qps = ", ".join(fmt_num(q) for q in t["qps"]) or "-"
            md.append(f'| {label} | {tool}{note} | {fmt_num(t["queries"])} | {qps} | '
                      f'{fmt_num(t["user_us_per_query"], 2)} | {fmt_num(t["sys_us_per_query"], 2)} | '
                      f'{fmt_num(t["cpu_us_per_query"], 2)} |')
    md.append("")
    md.append(f"![QPS and p99 latency]({os.path.basename(base)}.png)\n")

    with open(base + ".md", "w") as f:
        f.write("\n".join(md))

    doc = {
        "machine": machine,
        "sweep": [{"server": k[0], "mode": k[1], "conns": k[2], "result": v}
                  for k, v in sorted(sweep.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0]))],
        "server_cpu": list(cpu.values()),
        "callgrind": list(cg.values()),
        "client_cpu": list(client.values()),
    }
    with open(base + ".json", "w") as f:
        json.dump(doc, f, indent=1)

    # gnuplot data: one row per connection count, QPS and p99 (ms) per series
    series = [(s, m) for s, _ in SERVERS for m in modes]
    with open(base + ".dat", "w") as f:
        f.write("# conns " + " ".join(f"{s}-{m}-qps {s}-{m}-p99ms" for s, m in series) + "\n")
        for c in conns_list:
            row = [str(c)]
            for s, m in series:
                j = job(s, m, c)
                ok = j and j["queries"] > 0
                row.append(f'{j["qps"]:.1f}' if ok else "?")
                row.append(f'{j["latency_us"]["p99"] / 1000:.4f}' if ok else "?")
            f.write(" ".join(row) + "\n")
    names = dict(SERVERS)
    name = os.path.basename(base)  # the script runs in the results directory
    qps_plots, p99_plots = [], []
    for i, (s, m) in enumerate(series):
        if not any((job(s, m, c) or {}).get("queries") for c in conns_list):
            continue  # nothing succeeded (e.g. a mode the server lacks): the table says so
        title = f"{names[s]} {m}"
        style = {"pgpeek": "lp lw 2 pt 7", "pg": "lp lw 2 pt 5 dt 2"}.get(s, "lp lw 1 pt 1 dt 3")
        qps_plots.append(f"'{name}.dat' using 1:{2 + 2 * i} with {style} title '{title}'")
        p99_plots.append(f"'{name}.dat' using 1:{3 + 2 * i} with {style} title '{title}'")
    with open(base + ".gp", "w") as f:
        f.write(f"""set terminal pngcairo size 1200,500 font ',10'
set output '{name}.png'
set datafile missing '?'
set multiplot layout 1,2 title 'SELECT * FROM t, {machine.get("nproc")} CPUs ({machine.get("cpu")}), {machine.get("date")}'
set logscale x 2
set xlabel 'connections'
set key top left
set grid
set ylabel 'queries per second'
set yrange [0:*]
plot {", ".join(qps_plots)}
set ylabel 'p99 latency (ms)'
set logscale y 10
set yrange [*:*]
plot {", ".join(p99_plots)}
unset multiplot
""")


if __name__ == "__main__":
    main()
