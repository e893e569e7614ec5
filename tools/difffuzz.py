#!/usr/bin/python3
"""Differential fuzzer: random SQL expressions over the types pgpeek supports, run on a
pgpeek and on a real PostgreSQL 15; prints every query whose answer differs (result type
OIDs, text values, or SQLSTATE and message of the error).

  tools/difffuzz.py --pgpeek 'host=127.0.0.1 port=P user=materialize dbname=materialize' \\
                    --pg 'host=127.0.0.1 port=Q user=materialize dbname=materialize' \\
                    [--n 2000] [--seed 1] [--table]

Use a PostgreSQL set up as tools/regress-expected.sh does (locale C: lower/upper change
ASCII letters only, as pgpeek does). Result types are compared with their typmods.

--table adds a small table with one column per type and queries over its rows.
Known, deliberate differences (see tests/regress/DIFFERENCES.md) are skipped: functions
pgpeek refuses with 0A000 are not generated."""
import argparse
import random
import sys

import psycopg2
import psycopg2.extensions as ext

# every value comes back as the server's text
for oid in (16, 17, 18, 19, 20, 21, 23, 25, 700, 701, 705, 1043, 1082, 1114, 1184, 1700, 2249):
    ext.register_type(ext.new_type((oid,), "raw%d" % oid, lambda v, c: v))

TYPES = ["int2", "int4", "int8", "numeric", "float4", "float8", "text", "varchar", "bool",
         "date", "timestamp", "timestamptz", "bytea"]
NUMERIC = TYPES[:6]
INTS = TYPES[:3]

R = random.Random()


def lit(t):
    if t in INTS:
        lim = {"int2": 32767, "int4": 2147483647, "int8": 9223372036854775807}[t]
        v = R.choice([0, 1, -1, 2, 7, 10, 100, lim, -lim - 1, lim // 2, R.randint(-1000, 1000)])
        return "%d::%s" % (v, t) if R.random() < 0.7 else ("(%d)::%s" % (v, t))
    if t == "numeric":
        return R.choice(["0", "1.5", "-2.25", "0.1", "1e20", "123456789.123456789", "3",
                         "'NaN'::numeric", "0.000001", "-0.5", "2.5", "99999999999999999999"])
    if t in ("float4", "float8"):
        v = R.choice(["0", "1.5", "-2.25", "0.1", "1e20", "1e-7", "3", "'NaN'", "'Infinity'",
                      "'-Infinity'", "1e23", "0.3", "123456.789", "-0", "2.5", "1e300", "7"])
        return "%s::%s" % (v, t)
    if t in ("text", "varchar"):
        s = R.choice(["", "a", "abc", "Hello World", " pad ", "42", "x%y", "Ab_C", "é", "tRuE", "1.5"])
        return "'%s'::%s" % (s, t) if R.random() < 0.7 else "'%s'" % s
    if t == "bool":
        return R.choice(["true", "false", "null::bool", "'t'::bool", "(1 < 2)"])
    if t == "date":
        return "'%s'::date" % R.choice(["2024-01-31", "2000-02-29", "1999-12-31", "2024-03-10",
                                         "0001-01-01", "infinity", "epoch"])
    if t == "timestamp":
        return "'%s'::timestamp" % R.choice(["2024-01-31 12:34:56", "2000-02-29 00:00:00.5",
                                              "1999-12-31 23:59:59.999999", "infinity",
                                              "2024-03-10 02:30:00"])
    if t == "timestamptz":
        return "'%s'::timestamptz" % R.choice(["2024-01-31 12:34:56+00", "2000-02-29 00:00:00.5-05",
                                                "1999-12-31 23:59:59.999999+05:30", "-infinity",
                                                "2024-11-03 01:30:00"])
    if t == "bytea":
        return "'%s'::bytea" % R.choice(["\\x", "\\x00ff", "abc", "\\x41"])
    raise ValueError(t)


COLS = {t: "c_" + t for t in TYPES}


def atom(t, table):
    if table and R.random() < 0.5:
        return COLS[t]
    if R.random() < 0.05:
        return "null::%s" % t
    return lit(t)


def expr(t, d, table):
    """An expression meant to have type t (the server decides)."""
    if d <= 0 or R.random() < 0.3:
        return atom(t, table)
    k = R.random()
    if t in NUMERIC:
        if k < 0.35:
            o = R.choice(["+", "-", "*", "/", "%"] if t != "float4" and t != "float8" else ["+", "-", "*", "/"])
            u = R.choice(NUMERIC) if R.random() < 0.4 else t
            return "(%s %s %s)" % (expr(t, d - 1, table), o, expr(u, d - 1, table))
        if k < 0.45:
            return "(-%s)" % expr(t, d - 1, table)
        if k < 0.55:
            return "abs(%s)" % expr(t, d - 1, table)
        if k < 0.6 and t == "numeric":
            return "round(%s, %d)" % (expr(t, d - 1, table), R.randint(-2, 4))
        if k < 0.65:
            return "round(%s)" % expr(R.choice(["numeric", "float8"]), d - 1, table)
        if k < 0.7:
            return "length(%s)" % expr(R.choice(["text", "varchar", "bytea"]), d - 1, table)
        if k < 0.75:
            return "strpos(%s, %s)" % (expr("text", d - 1, table), expr("text", d - 1, table))
        if k < 0.8:
            return "(%s)::%s" % (expr(R.choice(TYPES[:8]), d - 1, table), t)
    if t in ("text", "varchar"):
        if k < 0.25:
            return "(%s || %s)" % (expr(R.choice(TYPES), d - 1, table), expr(t, d - 1, table))
        if k < 0.35:
            return "%s(%s)" % (R.choice(["lower", "upper", "reverse", "btrim", "ltrim", "rtrim"]),
                               expr(t, d - 1, table))
        if k < 0.45:
            return "substr(%s, %s)" % (expr(t, d - 1, table), expr("int4", d - 1, table))
        if k < 0.5:
            return "substr(%s, %s, %s)" % (expr(t, d - 1, table), expr("int4", d - 1, table),
                                           expr("int4", d - 1, table))
        if k < 0.55:
            return "%s(%s, %s)" % (R.choice(["left", "right", "repeat"]), expr(t, d - 1, table),
                                   R.choice(["-2", "0", "1", "3"]))
        if k < 0.6:
            return "replace(%s, %s, %s)" % (expr(t, d - 1, table), lit("text"), lit("text"))
        if k < 0.65:
            return "concat(%s, %s, %s)" % (expr(R.choice(TYPES), d - 1, table),
                                           expr(R.choice(TYPES), d - 1, table), expr(t, d - 1, table))
        if k < 0.75:
            return "(%s)::%s" % (expr(R.choice(TYPES), d - 1, table), t)
    if t == "bool":
        if k < 0.3:
            u = R.choice(TYPES)
            v = u if R.random() < 0.6 else R.choice(TYPES)
            return "(%s %s %s)" % (expr(u, d - 1, table), R.choice(["=", "<>", "<", "<=", ">", ">="]),
                                   expr(v, d - 1, table))
        if k < 0.4:
            return "(%s %s %s)" % (expr("bool", d - 1, table), R.choice(["AND", "OR"]),
                                   expr("bool", d - 1, table))
        if k < 0.45:
            return "(NOT %s)" % expr("bool", d - 1, table)
        if k < 0.55:
            u = R.choice(TYPES)
            items = ", ".join(expr(R.choice([u, u, R.choice(TYPES)]), d - 1, table)
                              for _ in range(R.randint(1, 4)))
            return "(%s %sIN (%s))" % (expr(u, d - 1, table), R.choice(["", "NOT "]), items)
        if k < 0.6:
            u = R.choice(TYPES)
            return "(%s %sBETWEEN %s AND %s)" % (expr(u, d - 1, table), R.choice(["", "NOT "]),
                                                 expr(u, d - 1, table), expr(u, d - 1, table))
        if k < 0.65:
            return "(%s IS %sNULL)" % (expr(R.choice(TYPES), d - 1, table), R.choice(["", "NOT "]))
        if k < 0.7:
            u = R.choice(TYPES)
            return "(%s IS %sDISTINCT FROM %s)" % (expr(u, d - 1, table), R.choice(["", "NOT "]),
                                                   expr(u, d - 1, table))
        if k < 0.75:
            return "(%s %s %s)" % (expr("text", d - 1, table),
                                   R.choice(["LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE"]),
                                   R.choice(["'a%'", "'%b_'", "'_'", "'%'", "'A%C'", "'x\\%y'"]))
        if k < 0.8:
            return "(%s IS %s)" % (expr("bool", d - 1, table),
                                   R.choice(["TRUE", "NOT TRUE", "FALSE", "NOT FALSE", "UNKNOWN"]))
    if t in ("date", "timestamp", "timestamptz"):
        if k < 0.2 and t == "date":
            return "(%s %s %s)" % (expr("date", d - 1, table), R.choice(["+", "-"]),
                                   expr("int4", d - 1, table))
        if k < 0.35:
            return "(%s)::%s" % (expr(R.choice(["date", "timestamp", "timestamptz", "text"]), d - 1,
                                      table), t)
    # any type: conditional forms
    if k < 0.85:
        u = t if R.random() < 0.7 else R.choice(TYPES)
        return "CASE WHEN %s THEN %s ELSE %s END" % (expr("bool", d - 1, table), expr(t, d - 1, table),
                                                    expr(u, d - 1, table))
    if k < 0.9:
        return "coalesce(%s, %s)" % (expr(t, d - 1, table), expr(R.choice([t, t, R.choice(TYPES)]), d - 1, table))
    if k < 0.95:
        return "%s(%s, %s)" % (R.choice(["greatest", "least"]), expr(t, d - 1, table),
                               expr(R.choice([t, t, R.choice(TYPES)]), d - 1, table))
    return "nullif(%s, %s)" % (expr(t, d - 1, table), expr(t, d - 1, table))


def run(conn, sql):
    cur = conn.cursor()
    try:
        cur.execute(sql)
        types = [(c.type_code, c.internal_size, c.precision, c.scale) for c in cur.description]
        return ("ok", types, cur.fetchall())
    except psycopg2.Error as e:
        return ("error", e.pgcode, (e.pgerror or "").split("\n")[0])
    finally:
        cur.close()


SETUP = [
    "DROP TABLE IF EXISTS fz",
    "CREATE TABLE fz (id int4, " + ", ".join("%s %s" % (COLS[t], t) for t in TYPES) + ")",
    "INSERT INTO fz VALUES (1, 1, 10, 100, 1.5, 0.5, 2.25, 'abc', 'Xy', true, '2024-01-31', "
    "'2024-01-31 12:00:00', '2024-01-31 12:00:00+00', '\\x00ff')",
    "INSERT INTO fz VALUES (2, -7, 0, 9223372036854775807, -0.001, 1e20, 1e-7, '', 'a%b', false, "
    "'2000-02-29', '1999-12-31 23:59:59.5', '2000-01-01 00:00:00-08', 'abc')",
    "INSERT INTO fz (id) VALUES (3)",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pgpeek", required=True)
    ap.add_argument("--pg", required=True)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--tz", default="UTC", help="the sessions' TimeZone")
    ap.add_argument("--agg", action="store_true", help="aggregates, GROUP BY, DISTINCT over the table")
    a = ap.parse_args()
    R.seed(a.seed)
    conns = []
    for dsn in (a.pgpeek, a.pg):
        c = psycopg2.connect(dsn)
        c.autocommit = True
        cur = c.cursor()
        cur.execute("SET TimeZone = %s", (a.tz,))
        if a.table or a.agg:
            for s in SETUP:
                cur.execute(s)
        conns.append(c)
    diffs = 0
    for i in range(a.n):
        t = R.choice(TYPES)
        e = expr(t, a.depth, a.table)
        if a.agg:
            u = R.choice(NUMERIC)
            g = expr(R.choice(TYPES), 1, True)
            ag = R.choice(["count(%s)", "min(%s)", "max(%s)", "count(DISTINCT %s)"]) % e
            num = R.choice(["sum(%s)", "avg(%s)", "max(%s)", "sum(DISTINCT %s)"]) % expr(u, a.depth, True)
            sql = R.choice(["SELECT %s, %s FROM fz" % (ag, num),
                            "SELECT %s, %s, %s FROM fz GROUP BY 1 ORDER BY 1" % (g, ag, num),
                            "SELECT %s, count(*) FROM fz GROUP BY 1 HAVING %s ORDER BY 1" %
                            (g, expr("bool", 1, True).replace("c_", "min(c_", 1).replace(" ", ") ", 1)
                             if False else "count(*) > 0"),
                            "SELECT DISTINCT %s FROM fz ORDER BY 1" % e])
        elif a.table:
            sql = "SELECT id, %s FROM fz ORDER BY id" % e
        else:
            sql = "SELECT %s" % e
        ours, theirs = run(conns[0], sql), run(conns[1], sql)
        same = ours == theirs
        if not same and ours[0] == "error" and theirs[0] == "error" and ours[1] == theirs[1]:
            same = ours[2] == theirs[2]
        if not same:
            diffs += 1
            print("QUERY:   %s\n  pgpeek: %s\n  pg:     %s" % (sql, ours, theirs))
    print("%d queries, %d differences" % (a.n, diffs), file=sys.stderr)
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
