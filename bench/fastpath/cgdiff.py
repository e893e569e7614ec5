#!/usr/bin/python3
"""cgdiff.py BIG SMALL NQUERIES: per-query self instructions by function, the difference of
two callgrind runs of the same server (bench/fastpath/cg.sh with KEEP=1)."""
import os, re, subprocess, sys
INCL = os.environ.get("INCLUSIVE") == "1"
def load(f):
    out = subprocess.run(["callgrind_annotate", "--inclusive=" + ("yes" if INCL else "no"), "--threshold=100", f],
                         capture_output=True, text=True).stdout
    d = {}
    for l in out.splitlines():
        m = re.match(r'\s*([\d,]+)\s+\([^)]*\)\s+(\S.*)', l)
        if m: d[m.group(2).strip()] = d.get(m.group(2).strip(), 0) + int(m.group(1).replace(',', ''))
    return d
a, b, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
rows = sorted(((a[k] - b.get(k, 0), k) for k in a), reverse=True)
for v, k in rows:
    if abs(v / n) >= float(sys.argv[4]) if len(sys.argv) > 4 else 3:
        print(f"{v / n:8.1f} {k[:140]}")
