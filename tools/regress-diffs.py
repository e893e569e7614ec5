#!/usr/bin/python3
"""Summarize regression differences statement by statement, as Markdown.

    tools/regress-diffs.py [TEST...] > regress-diffs.md

Reads tests/regress/sql/NAME.sql, expected/NAME.out and results/NAME.out (left behind
by tests/regress/run.sh) and, for every statement whose output differs, prints the
statement with PostgreSQL's output and pgpeek's. Works because psql echoes every input
line (-a, or -e in psql-c files), so the output can be cut at each statement's echo.
"""
import os
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "regress")
MAX_LINES = 14


def statements(sql_path):
    """The file's statements as lists of lines, as psql echoes them."""
    with open(sql_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    psql_c = bool(lines) and lines[0].startswith("-- regress: psql-c")
    connect = bool(lines) and lines[0].startswith("-- regress: connect")
    out, cur = [], []
    for line in lines:
        if connect:
            if line.strip() and not line.startswith("--"):
                ci, _, q = line.partition("|")
                out.append(["-- connect: " + ci.rstrip(" "), q.lstrip(" ")])
            continue
        if psql_c:
            if line.strip() and not line.startswith("--") and not line.startswith("\\"):
                out.append([line])
            continue
        if not cur and (not line.strip() or line.startswith("--") or line.startswith("\\")):
            out.append([line])  # comments and meta-commands: echoed, usually no output
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def find(lines, start, block):
    for i in range(start, len(lines) - len(block) + 1):
        if lines[i:i + len(block)] == block:
            return i
    return -1


def cut(out_path, stmts):
    """Maps statement index -> its output lines."""
    try:
        with open(out_path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return None
    result = {}
    pos = 0
    positions = []
    for st in stmts:
        i = find(lines, pos, st)
        positions.append(i)
        if i >= 0:
            pos = i + len(st)
    for k, st in enumerate(stmts):
        i = positions[k]
        if i < 0:
            result[k] = ["(statement not echoed: output out of step)"]
            continue
        nxt = next((p for p in positions[k + 1:] if p >= 0), len(lines))
        result[k] = lines[i + len(st):nxt]
    return result


def clip(lines):
    while lines and lines[-1] == "":
        lines = lines[:-1]
    if len(lines) > MAX_LINES:
        return lines[:MAX_LINES] + ["... (%d more lines)" % (len(lines) - MAX_LINES)]
    return lines or ["(no output)"]


def main():
    names = sys.argv[1:]
    if not names:
        names = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "sql")) if f.endswith(".sql"))
    total = 0
    for name in names:
        sql = os.path.join(HERE, "sql", name + ".sql")
        stmts = statements(sql)
        exp = cut(os.path.join(HERE, "expected", name + ".out"), stmts)
        res = cut(os.path.join(HERE, "results", name + ".out"), stmts)
        if exp is None:
            continue
        if res is None:
            print("### %s: no results file (not run?)\n" % name)
            continue
        diffs = [k for k in range(len(stmts)) if exp.get(k) != res.get(k)]
        if not diffs:
            continue
        print("### %s (%d statements differ)\n" % (name, len(diffs)))
        for k in diffs:
            total += 1
            print("```sql\n%s\n```" % "\n".join(stmts[k]))
            print("PostgreSQL 15:\n```\n%s\n```" % "\n".join(clip(exp[k])))
            print("pgpeek:\n```\n%s\n```\n" % "\n".join(clip(res[k])))
    print("(%d differing statements)" % total)


if __name__ == "__main__":
    main()
