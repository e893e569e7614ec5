"""Expected values and check helpers shared by the Python client tests."""
import datetime
import decimal
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
