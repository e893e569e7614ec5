"""psycopg 3 client test, in text or binary mode (argument "text" or "binary").
psycopg 3 binds parameters server-side (extended protocol); after prepare_threshold (5)
runs of the same query it prepares a named statement, which the 100-run loop checks.
Binary mode sends every parameter in binary (%b) and asks for binary results."""
import sys

import psycopg
import psycopg.errors

from common import (COLUMNS, CREATE, EDGE_COLUMNS, EDGE_CREATE, EDGE_ROWS, ROW, check,
                    check_edge_row, check_null_row, check_row, edge_row, main, step)

MODE = sys.argv[1] if len(sys.argv) > 1 else "text"
BINARY = MODE == "binary"
T = f"clients_psycopg3_{MODE}"
P = "%b" if BINARY else "%s"


def body():
    conn = psycopg.connect("", autocommit=True)
    check(conn.prepare_threshold == 5, f"prepare_threshold {conn.prepare_threshold}")
    cur = conn.cursor(binary=BINARY)
    step('driver probes (SET, SHOW, server version)')
    check(conn.info.server_version >= 150000, f"server_version {conn.info.server_version}")
    cur.execute("SET application_name = 'clients-psycopg3'")
    cur.execute("SHOW application_name")
    check(cur.fetchone() == ("clients-psycopg3",), "SHOW application_name")
    check(conn.info.parameter_status("application_name") == "clients-psycopg3",
          f"ParameterStatus application_name {conn.info.parameter_status('application_name')!r}")
    step('create table')
    cur.execute(f"DROP TABLE IF EXISTS {T}")
    cur.execute(CREATE.format(T))

    ph = ", ".join([P] * 10)
    step('insert with parameters')
    cur.execute(f"INSERT INTO {T} ({COLUMNS}) VALUES ({ph})", ROW)
    check(cur.rowcount == 1, f"insert rowcount {cur.rowcount}")
    cur.execute(f"INSERT INTO {T} ({COLUMNS}) VALUES ({ph})", [2] + [None] * 9)
    check(cur.rowcount == 1, f"insert of NULLs rowcount {cur.rowcount}")

    step('select with a bound WHERE')
    cur.execute(f"SELECT {COLUMNS} FROM {T} WHERE id = {P}", (1,))
    check(cur.pgresult is not None, "no result")
    fmts = [cur.pgresult.fformat(i) for i in range(10)]
    check(fmts == [1 if BINARY else 0] * 10, f"result formats {fmts}")
    check_row(cur.fetchone(), "select id=1")
    check(cur.fetchone() is None, "select id=1: more than one row")
    want_types = [23, 20, 25, 1043, 701, 1700, 16, 1082, 1184, 17]
    got_types = [d.type_code for d in cur.description]
    check(got_types == want_types, f"column type oids {got_types}, expected {want_types}")
    cur.execute(f"SELECT {COLUMNS} FROM {T} WHERE id = {P}", (2,))
    check_null_row(cur.fetchone(), "select id=2")

    step('edge values (limits, NaN, infinities, dates around 2000, empty and long)')
    TE = T + "_edge"
    cur.execute(f"DROP TABLE IF EXISTS {TE}")
    cur.execute(EDGE_CREATE.format(TE))
    eph = ", ".join([P] * len(EDGE_COLUMNS.split(", ")))
    for k in range(EDGE_ROWS):
        cur.execute(f"INSERT INTO {TE} ({EDGE_COLUMNS}) VALUES ({eph})", edge_row(k))
    for k in range(EDGE_ROWS):
        cur.execute(f"SELECT {EDGE_COLUMNS} FROM {TE} WHERE id = {P}", (100 + k,))
        check_edge_row(k, cur.fetchone())

    step('syntax error')
    try:
        cur.execute("SELEC 1")
        check(False, "SELEC 1 did not raise")
    except psycopg.Error as e:
        state = e.diag.sqlstate
        check(state == "42601", f"syntax error SQLSTATE {state!r}, expected '42601'")
        pos = e.diag.statement_position
        check(pos == "1", f"syntax error position {pos!r}, expected '1'")
        check(e.diag.message_primary == 'syntax error at or near "SELEC"',
              f"syntax error message {e.diag.message_primary!r}")
        check(isinstance(e, psycopg.errors.SyntaxError), f"error class {type(e).__name__}")
    step('query after the syntax error')
    cur.execute(f"SELECT 40 + {P}", (2,))
    check(cur.fetchone() == (42,), "connection unusable after the syntax error")

    # The 6th run onwards uses a server-side prepared statement (Parse once, then
    # Bind/Execute); watch psycopg's own cache to be sure that happened.
    q = f"SELECT id + {P} FROM {T} WHERE id = {P}"
    step('100 parameterized queries')
    for i in range(100):
        cur.execute(q, (i, 1))
        got = cur.fetchall()
        check(got == [(1 + i,)], f"loop {i}: got {got!r}, expected [({1 + i},)]")
    names = list(conn._prepared._names.values())  # psycopg 3.1 internals
    check(len(names) >= 1, "psycopg did not prepare the repeated query server-side")
    # A forced prepare on a new statement, too.
    cur.execute(f"SELECT t FROM {T} WHERE id = {P}", (1,), prepare=True)
    check(cur.fetchall() == [(ROW[2],)], "prepare=True query")

    step('executemany (pipelined) and an explicit pipeline')
    cur.execute("BEGIN")
    cur.executemany(f"INSERT INTO {T} (id, t) VALUES ({P}, {P})",
                    [(i, f"many {i}") for i in range(10, 20)])
    with conn.pipeline():
        curs = []
        for i in range(10, 20):
            c2 = conn.cursor(binary=BINARY)
            c2.execute(f"SELECT t FROM {T} WHERE id = {P}", (i,))
            curs.append(c2)
    for i, c2 in zip(range(10, 20), curs):
        got = c2.fetchall()
        check(got == [(f"many {i}",)], f"pipeline query {i}: got {got!r}")
    cur.execute("ROLLBACK")

    step('error in a transaction (25P02 until ROLLBACK)')
    cur.execute("BEGIN")
    try:
        cur.execute("SELEC 1")
        check(False, "SELEC 1 in a transaction did not raise")
    except psycopg.errors.SyntaxError:
        pass
    try:
        cur.execute(f"SELECT id FROM {T} WHERE id = {P}", (1,))
        check(False, "a query in a failed transaction did not raise")
    except psycopg.Error as e:
        check(e.diag.sqlstate == "25P02",
              f"failed transaction SQLSTATE {e.diag.sqlstate!r}, expected '25P02'")
    cur.execute("ROLLBACK")
    cur.execute(f"SELECT id FROM {T} WHERE id = {P}", (1,))
    check(cur.fetchall() == [(1,)], "query after ROLLBACK of a failed transaction")

    step('BEGIN/INSERT/ROLLBACK')
    cur.execute("BEGIN")
    cur.execute(f"INSERT INTO {T} (id, t) VALUES ({P}, {P})", (3, "rolled back"))
    cur.execute(f"SELECT count(*) FROM {T} WHERE id = {P}", (3,))
    check(cur.fetchone()[0] == 1, "inserted row not visible inside its transaction")
    cur.execute("ROLLBACK")
    cur.execute(f"SELECT count(*) FROM {T} WHERE id = {P}", (3,))
    check(cur.fetchone()[0] == 0, "row still there after ROLLBACK")
    # The driver's own transaction block rolls back too.
    try:
        with conn.transaction():
            cur.execute(f"INSERT INTO {T} (id, t) VALUES ({P}, {P})", (4, "rolled back"))
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    cur.execute(f"SELECT count(*) FROM {T}")
    check(cur.fetchone()[0] == 2, "table does not have exactly 2 rows")
    step('close')
    conn.close()
    check(conn.closed, "connection not closed")


main(f"psycopg3-{MODE}", body)
