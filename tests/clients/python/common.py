"""Expected values and check helpers shared by the Python client tests."""
import datetime
import decimal
import math
import sys

COLUMNS = "id, big, t, v, f, n, b, d, ts, by"
CREATE = ("CREATE TABLE {} (id int4, big int8, t text, v varchar(20), f float8, "
          "n numeric, b bool, d date, ts timestamptz, by bytea)")
# One row of every type; the second row (id 2) is NULL in every other column.
ROW = (
    1,
    9007199254740993,  # 2^53 + 1: lost if anything goes through a double
    "it's héllo",
    "abc",
    2.718281828459045,
    decimal.Decimal("12345678901234567890.123456789"),
    True,
    datetime.date(2024, 2, 29),
    datetime.datetime(2024, 2, 29, 12, 34, 56, 789012, tzinfo=datetime.timezone.utc),
    b"\x00\x01\xfe\xff'\\",
)
TYPES = (int, int, str, str, float, decimal.Decimal, bool, datetime.date,
         datetime.datetime, bytes)
NAMES = COLUMNS.split(", ")


class Fail(Exception):
    pass


STEP = ["connect"]


def step(name):
    """Names the step under way, for the failure message."""
    STEP[0] = name


def check(cond, what):
    if not cond:
        raise Fail(what)


def check_row(got, prefix):
    """Compares a fetched row with ROW value by value and type by type."""
    check(got is not None, f"{prefix}: no row")
    check(len(got) == len(ROW), f"{prefix}: {len(got)} columns, expected {len(ROW)}")
    for name, want, typ, val in zip(NAMES, ROW, TYPES, got):
        if isinstance(val, memoryview):
            val = bytes(val)
        check(type(val) is typ,
              f"{prefix}: column {name}: type {type(val).__name__}, expected {typ.__name__}")
        if isinstance(want, datetime.datetime):
            check(val.utcoffset() is not None, f"{prefix}: column {name}: no time zone: {val!r}")
        check(val == want, f"{prefix}: column {name}: got {val!r}, expected {want!r}")


def check_null_row(got, prefix):
    check(got is not None, f"{prefix}: no row")
    check(got[0] == 2 and type(got[0]) is int, f"{prefix}: id {got[0]!r}, expected 2")
    for name, val in zip(NAMES[1:], got[1:]):
        check(val is None, f"{prefix}: column {name}: got {val!r}, expected NULL")


def main(name, body):
    try:
        body()
    except Fail as e:
        print(f"{name}: FAIL: step '{STEP[0]}': {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:  # an unexpected driver error is a failure too
        state = getattr(getattr(e, "diag", None), "sqlstate", None) or getattr(e, "pgcode", None)
        print(f"{name}: FAIL: step '{STEP[0]}': unexpected {type(e).__name__}"
              f" (SQLSTATE {state}): {e}", file=sys.stderr)
        sys.exit(1)
    print(f"{name}: all checks passed")


# Edge values per column, one row each (None pads the shorter columns): limits,
# zeros, signs, dates and times on both sides of 2000-01-01 (binary formats count
# from there), NaN and infinities, empty and long strings and bytea.
EDGE_COLUMNS = "id, i, big, f, n, d, ts, t, by"
EDGE_CREATE = ("CREATE TABLE {} (id int4, i int4, big int8, f float8, n numeric, d date, "
               "ts timestamptz, t text, by bytea)")
_UTC = datetime.timezone.utc
EDGE = {
    "i": [0, -1, 2147483647, -2147483648],
    "big": [0, -1, 9223372036854775807, -9223372036854775808],
    "f": [0.0, -0.0, 1e308, 5e-324, -2.5, float("inf"), float("-inf"), float("nan")],
    "n": [decimal.Decimal(x) for x in (
        "0", "-1.5", "0.0001", "0.00000000000000000001", "1.000", "10000", "0.1",
        "123456789012345678901234567890", "-99999999.99999999", "NaN")],
    "d": [datetime.date(2000, 1, 1), datetime.date(1999, 12, 31), datetime.date(1970, 1, 1),
          datetime.date(1, 1, 1), datetime.date(9999, 12, 31)],
    "ts": [datetime.datetime(2000, 1, 1, tzinfo=_UTC),
           datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=_UTC),
           datetime.datetime(1970, 1, 1, tzinfo=_UTC),
           datetime.datetime(1900, 6, 15, 1, 2, 3, 4, tzinfo=_UTC),
           datetime.datetime(2038, 1, 19, 3, 14, 8, tzinfo=_UTC)],
    "t": ["", "x" * 10000, "emoji \U0001F418 and \u00e9\u00e8", "tab\tnewline\nquote' backslash\\"],
    "by": [b"", bytes(range(256)), b"\x00"],
}
EDGE_ROWS = max(len(v) for v in EDGE.values())


def edge_row(k):
    """Row k of the edge table: (id, i, big, ...) with None past a column's values."""
    cols = EDGE_COLUMNS.split(", ")[1:]
    return tuple([100 + k] + [EDGE[c][k] if k < len(EDGE[c]) else None for c in cols])


def same(want, got):
    """Equal, telling NaN, -0.0 and numeric scale (1.000 vs 1) apart."""
    if isinstance(got, memoryview):
        got = bytes(got)
    if want is None or got is None:
        return want is got
    if type(want) is not type(got):
        return False
    if isinstance(want, float):
        if math.isnan(want):
            return math.isnan(got)
        return want == got and math.copysign(1, want) == math.copysign(1, got)
    if isinstance(want, decimal.Decimal):
        return str(want) == str(got)
    return want == got


def check_edge_row(k, got, quoted_literals=False):
    """quoted_literals: the client inlines values as SQL literals (psycopg2), and
    PostgreSQL reads -0.0 as minus applied to numeric 0, which is 0."""
    want = edge_row(k)
    if quoted_literals:
        want = tuple(0.0 if isinstance(w, float) and w == 0 else w for w in want)
    check(got is not None, f"edge row {k}: missing")
    for name, w, g in zip(EDGE_COLUMNS.split(", "), want, got):
        check(same(w, g), f"edge row {k}: column {name}: got {g!r:.120}, expected {w!r:.120}")
