"""psycopg2 client test. psycopg2 binds parameters client-side (quoted literals in a
simple-protocol query), so this covers the simple protocol with every type."""
import psycopg2
import psycopg2.errors

from common import (COLUMNS, CREATE, EDGE_COLUMNS, EDGE_CREATE, EDGE_ROWS, ROW, check,
                    check_edge_row, check_null_row, check_row, edge_row, main, step)

T = "clients_psycopg2"


def body():
    conn = psycopg2.connect("")  # PGHOST, PGPORT, PGUSER, PGDATABASE from run.sh
    cur = conn.cursor()
    step('create table')
    cur.execute(f"DROP TABLE IF EXISTS {T}")
    cur.execute(CREATE.format(T))
    conn.commit()

    params = list(ROW)
    params[9] = psycopg2.Binary(ROW[9])
    step('insert with parameters')
    cur.execute(f"INSERT INTO {T} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                params)
    check(cur.rowcount == 1, f"insert rowcount {cur.rowcount}")
    cur.execute(f"INSERT INTO {T} ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [2] + [None] * 9)
    conn.commit()

    step('select with a bound WHERE')
    cur.execute(f"SELECT {COLUMNS} FROM {T} WHERE id = %s", (1,))
    check_row(cur.fetchone(), "select id=1")
    check(cur.fetchone() is None, "select id=1: more than one row")
    want_types = [23, 20, 25, 1043, 701, 1700, 16, 1082, 1184, 17]
    got_types = [d.type_code for d in cur.description]
    check(got_types == want_types, f"column type oids {got_types}, expected {want_types}")
    cur.execute(f"SELECT {COLUMNS} FROM {T} WHERE id = %s", (2,))
    check_null_row(cur.fetchone(), "select id=2")
    conn.commit()

    step('edge values (limits, NaN, infinities, dates around 2000, empty and long)')
    TE = T + "_edge"
    cur.execute(f"DROP TABLE IF EXISTS {TE}")
    cur.execute(EDGE_CREATE.format(TE))
    eph = ", ".join(["%s"] * len(EDGE_COLUMNS.split(", ")))
    for k in range(EDGE_ROWS):
        cur.execute(f"INSERT INTO {TE} ({EDGE_COLUMNS}) VALUES ({eph})", edge_row(k))
    for k in range(EDGE_ROWS):
        cur.execute(f"SELECT {EDGE_COLUMNS} FROM {TE} WHERE id = %s", (100 + k,))
        check_edge_row(k, cur.fetchone(), quoted_literals=True)
    conn.commit()

    step('syntax error')
    try:
        cur.execute("SELEC 1")
        check(False, "SELEC 1 did not raise")
    except psycopg2.Error as e:
        check(e.pgcode == "42601", f"syntax error SQLSTATE {e.pgcode!r}, expected '42601'")
        check(isinstance(e, psycopg2.errors.SyntaxError), f"error class {type(e).__name__}")
    conn.rollback()
    step('query after the syntax error')
    cur.execute("SELECT 40 + 2")
    check(cur.fetchone() == (42,), "connection unusable after the syntax error")
    conn.commit()

    step('100 parameterized queries')
    for i in range(100):
        cur.execute(f"SELECT id + %s FROM {T} WHERE id = %s", (i, 1))
        got = cur.fetchall()
        check(got == [(1 + i,)], f"loop {i}: got {got!r}, expected [({1 + i},)]")
    conn.commit()

    conn.autocommit = True  # explicit BEGIN/ROLLBACK statements
    step('BEGIN/INSERT/ROLLBACK')
    cur.execute("BEGIN")
    cur.execute(f"INSERT INTO {T} (id, t) VALUES (%s, %s)", (3, "rolled back"))
    cur.execute(f"SELECT count(*) FROM {T} WHERE id = %s", (3,))
    check(cur.fetchone()[0] == 1, "inserted row not visible inside its transaction")
    cur.execute("ROLLBACK")
    cur.execute(f"SELECT count(*) FROM {T} WHERE id = %s", (3,))
    check(cur.fetchone()[0] == 0, "row still there after ROLLBACK")
    cur.execute(f"SELECT count(*) FROM {T}")
    check(cur.fetchone()[0] == 2, "table does not have exactly 2 rows")
    step('close')
    conn.close()
    check(conn.closed, "connection not closed")


main("psycopg2", body)
