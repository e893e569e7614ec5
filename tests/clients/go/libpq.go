package main

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// runLibpq: database/sql with lib/pq. Queries with arguments go through the extended
// protocol (unnamed Parse + Describe, then Bind/Execute); a *sql.Stmt is a named
// server-side statement used by the 100-run loop.
func runLibpq() {
	const T = "clients_go_libpq"
	// An empty DSN makes lib/pq read PGHOST, PGPORT, PGUSER, PGDATABASE.
	db, err := sql.Open("postgres", "sslmode=disable")
	ok(err, "open")
	db.SetMaxOpenConns(1)
	ok(db.Ping(), "connect")
	_, err = db.Exec("DROP TABLE IF EXISTS " + T)
	ok(err, "drop table")
	_, err = db.Exec(fmt.Sprintf(createSQL, T))
	ok(err, "create table")

	ins := "INSERT INTO " + T + " (" + columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
	res, err := db.Exec(ins, 1, wantBig, wantText, wantVar, wantFloat, wantNum, true, wantDate, wantTS, wantBytes)
	ok(err, "insert")
	n, _ := res.RowsAffected()
	check(n == 1, "insert: %d rows affected", n)
	res, err = db.Exec(ins, 2, nil, nil, nil, nil, nil, nil, nil, nil, nil)
	ok(err, "insert of NULLs")
	n, _ = res.RowsAffected()
	check(n == 1, "insert of NULLs: %d rows affected", n)

	rows, err := db.Query("SELECT "+columns+" FROM "+T+" WHERE id = $1", 1)
	ok(err, "select id=1")
	cts, err := rows.ColumnTypes()
	ok(err, "column types")
	wantNames := []string{"INT4", "INT8", "TEXT", "VARCHAR", "FLOAT8", "NUMERIC", "BOOL", "DATE", "TIMESTAMPTZ", "BYTEA"}
	for i, ct := range cts {
		check(ct.DatabaseTypeName() == wantNames[i], "column %s type %s, expected %s", ct.Name(), ct.DatabaseTypeName(), wantNames[i])
	}
	check(rows.Next(), "select id=1: no row")
	// Scan into interface{} first: the driver's own Go types for each column.
	vals := make([]interface{}, 10)
	ptrs := make([]interface{}, 10)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	ok(rows.Scan(ptrs...), "scan")
	wantTypes := []string{"int64", "int64", "string", "string", "float64", "[]uint8", "bool", "time.Time", "time.Time", "[]uint8"}
	for i, v := range vals {
		check(fmt.Sprintf("%T", v) == wantTypes[i], "column %d: Go type %T, expected %s", i+1, v, wantTypes[i])
	}
	check(!rows.Next(), "select id=1: more than one row")
	ok(rows.Err(), "rows")
	rows.Close()
	var r row
	err = db.QueryRow("SELECT "+columns+" FROM "+T+" WHERE id = $1", 1).Scan(
		&r.id, &r.big, &r.t, &r.v, &r.f, &r.n, &r.b, &r.d, &r.ts, &r.by)
	ok(err, "select id=1 into typed values")
	checkRow(r)

	null := make([]interface{}, 10)
	nptrs := make([]interface{}, 10)
	for i := range null {
		nptrs[i] = &null[i]
	}
	ok(db.QueryRow("SELECT "+columns+" FROM "+T+" WHERE id = $1", 2).Scan(nptrs...), "select id=2")
	check(null[0] == int64(2), "select id=2: id %v", null[0])
	for i := 1; i < 10; i++ {
		check(null[i] == nil, "select id=2: column %d: %v, expected NULL", i+1, null[i])
	}

	for _, q := range []string{"SELEC 1", "SELEC $1::int"} {
		var args []interface{}
		if q != "SELEC 1" {
			args = []interface{}{1}
		}
		_, err = db.Exec(q, args...)
		var pqe *pq.Error
		check(errors.As(err, &pqe), "%s: expected a server error, got %v", q, err)
		check(pqe.Code == "42601", "%s: SQLSTATE %s (%s), expected 42601", q, pqe.Code, pqe.Message)
	}
	var x int
	ok(db.QueryRow("SELECT 40 + $1::int4", 2).Scan(&x), "select after the syntax error")
	check(x == 42, "select after the syntax error: %d", x)

	stmt, err := db.Prepare("SELECT id + $1 FROM " + T + " WHERE id = $2")
	ok(err, "prepare")
	for i := 0; i < 100; i++ {
		var got int
		ok(stmt.QueryRow(i, 1).Scan(&got), fmt.Sprintf("loop %d", i))
		check(got == 1+i, "loop %d: got %d, expected %d", i, got, 1+i)
	}
	ok(stmt.Close(), "close statement")

	tx, err := db.Begin()
	ok(err, "begin")
	_, err = tx.Exec("INSERT INTO "+T+" (id, t) VALUES ($1, $2)", 3, "rolled back")
	ok(err, "insert in transaction")
	var cnt int
	ok(tx.QueryRow("SELECT count(*) FROM "+T+" WHERE id = $1", 3).Scan(&cnt), "count in transaction")
	check(cnt == 1, "inserted row not visible inside its transaction")
	ok(tx.Rollback(), "rollback")
	ok(db.QueryRow("SELECT count(*) FROM "+T+" WHERE id = $1", 3).Scan(&cnt), "count after rollback")
	check(cnt == 0, "row still there after ROLLBACK")
	ok(db.QueryRow("SELECT count(*) FROM "+T).Scan(&cnt), "count")
	check(cnt == 2, "table has %d rows, expected 2", cnt)
	ok(db.Close(), "close")
}
