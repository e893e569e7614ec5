#!/usr/bin/python3
"""Checks tests/regress/sql/*.sql for statements psql would not split where we expect:
an unbalanced parenthesis or an unterminated quote makes psql swallow the following
statements into one, silently hiding them from the test. Exit status 1 if any."""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("rd", os.path.join(HERE, "regress-diffs.py"))
rd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rd)
SQL = os.path.join(HERE, "..", "tests", "regress", "sql")


def problem(text):
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            esc = i > 0 and text[i - 1] in "eE"
            i += 1
            while i < n:
                if esc and text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            if i >= n:
                return "unterminated quoted string"
        elif c == '"':
            j = text.find('"', i + 1)
            if j < 0:
                return "unterminated quoted identifier"
            i = j
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return None if depth == 0 else "unbalanced parentheses"


bad = 0
for f in sorted(os.listdir(SQL)):
    path = os.path.join(SQL, f)
    if not f.endswith(".sql") or "regress:" in open(path, encoding="utf-8").readline():
        continue  # psql-c and connect files send each line as it is
    for st in rd.statements(path):
        if len(st) == 1 and (not st[0].strip() or st[0].startswith(("--", "\\"))):
            continue
        p = problem("\n".join(st))
        if p:
            bad += 1
            print("%s: %s in: %s" % (f, p, st[0][:70]))
sys.exit(1 if bad else 0)
