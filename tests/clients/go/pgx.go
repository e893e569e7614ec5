package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

// runPgx: pgx v4's native interface. By default every query is prepared (named
// statement, Describe for parameter and result types) and cached, and results come
// back in binary for the types pgx knows.
func runPgx() {
	const T = "clients_go_pgx"
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, "sslmode=disable") // PGHOST etc. from the environment
	ok(err, "connect")
	// Ping sends an empty statement (";"): EmptyQueryResponse.
	ok(conn.Ping(ctx), "ping")
	_, err = conn.Exec(ctx, "DROP TABLE IF EXISTS "+T)
	ok(err, "drop table")
	_, err = conn.Exec(ctx, fmt.Sprintf(createSQL, T))
	ok(err, "create table")

	ins := "INSERT INTO " + T + " (" + columns + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
	var num pgtype.Numeric
	ok(num.Set(wantNum), "numeric")
	tag, err := conn.Exec(ctx, ins, int32(1), wantBig, wantText, wantVar, wantFloat, &num, true, wantDate, wantTS, wantBytes)
	ok(err, "insert")
	check(tag.RowsAffected() == 1, "insert: %d rows affected", tag.RowsAffected())
	tag, err = conn.Exec(ctx, ins, int32(2), nil, nil, nil, nil, nil, nil, nil, nil, nil)
	ok(err, "insert of NULLs")
	check(tag.RowsAffected() == 1, "insert of NULLs: %d rows affected", tag.RowsAffected())

	rows, err := conn.Query(ctx, "SELECT "+columns+" FROM "+T+" WHERE id = $1", int32(1))
	ok(err, "select id=1")
	check(rows.Next(), "select id=1: no row (%v)", rows.Err())
	fds := rows.FieldDescriptions()
	check(len(fds) == 10, "%d result columns", len(fds))
	for i, fd := range fds {
		check(fd.DataTypeOID == wantOIDs[i], "column %s type oid %d, expected %d", fd.Name, fd.DataTypeOID, wantOIDs[i])
	}
	vals, err := rows.Values()
	ok(err, "values")
	wantTypes := []string{"int32", "int64", "string", "string", "float64", "pgtype.Numeric", "bool", "time.Time", "time.Time", "[]uint8"}
	for i, v := range vals {
		check(fmt.Sprintf("%T", v) == wantTypes[i], "column %d: Go type %T, expected %s", i+1, v, wantTypes[i])
	}
	check(!rows.Next(), "select id=1: more than one row")
	ok(rows.Err(), "rows")
	rows.Close()
	var r row
	var gotNum pgtype.Numeric
	err = conn.QueryRow(ctx, "SELECT "+columns+" FROM "+T+" WHERE id = $1", int32(1)).Scan(
		&r.id, &r.big, &r.t, &r.v, &r.f, &gotNum, &r.b, &r.d, &r.ts, &r.by)
	ok(err, "select id=1 into typed values")
	// Numeric compared exactly: Int * 10^Exp as a rational.
	check(gotNum.Status == pgtype.Present && !gotNum.NaN && gotNum.Int != nil, "n: %+v", gotNum)
	got := new(big.Rat).SetInt(gotNum.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(gotNum.Exp))), nil))
	if gotNum.Exp < 0 {
		got.Quo(got, scale)
	} else {
		got.Mul(got, scale)
	}
	want, _ := new(big.Rat).SetString(wantNum)
	check(got.Cmp(want) == 0, "n: got %s, expected %s", got.FloatString(9), wantNum)
	r.n = wantNum
	checkRow(r)

	rows, err = conn.Query(ctx, "SELECT "+columns+" FROM "+T+" WHERE id = $1", int32(2))
	ok(err, "select id=2")
	check(rows.Next(), "select id=2: no row (%v)", rows.Err())
	vals, err = rows.Values()
	ok(err, "values id=2")
	check(vals[0] == int32(2), "select id=2: id %v", vals[0])
	for i := 1; i < 10; i++ {
		check(vals[i] == nil, "select id=2: column %d: %v, expected NULL", i+1, vals[i])
	}
	rows.Close()
	ok(rows.Err(), "rows id=2")

	edgePgx(ctx, conn, T)

	for _, q := range []string{"SELEC 1", "SELEC $1::int"} {
		var args []interface{}
		if q != "SELEC 1" {
			args = []interface{}{1}
		}
		_, err = conn.Exec(ctx, q, args...)
		var pge *pgconn.PgError
		check(errors.As(err, &pge), "%s: expected a server error, got %v", q, err)
		check(pge.Code == "42601", "%s: SQLSTATE %s (%s), expected 42601", q, pge.Code, pge.Message)
	}
	var x int32
	ok(conn.QueryRow(ctx, "SELECT 40 + $1::int4", int32(2)).Scan(&x), "select after the syntax error")
	check(x == 42, "select after the syntax error: %d", x)

	for i := 0; i < 100; i++ {
		var got int32
		ok(conn.QueryRow(ctx, "SELECT id + $1 FROM "+T+" WHERE id = $2", int32(i), int32(1)).Scan(&got), fmt.Sprintf("loop %d", i))
		check(got == int32(1+i), "loop %d: got %d, expected %d", i, got, 1+i)
	}

	// A batch pipelines many Parse/Bind/Describe/Execute before one Sync.
	batch := &pgx.Batch{}
	for i := 0; i < 20; i++ {
		batch.Queue("SELECT id + $1 FROM "+T+" WHERE id = $2", int32(i), int32(1))
	}
	batch.Queue("SELECT t FROM "+T+" WHERE id = $1", int32(1))
	br := conn.SendBatch(ctx, batch)
	for i := 0; i < 20; i++ {
		var got int32
		ok(br.QueryRow().Scan(&got), fmt.Sprintf("batch query %d", i))
		check(got == int32(1+i), "batch query %d: got %d, expected %d", i, got, 1+i)
	}
	var bt string
	ok(br.QueryRow().Scan(&bt), "batch last query")
	check(bt == wantText, "batch last query: got %q", bt)
	ok(br.Close(), "batch close")

	// An error inside a transaction: 25P02 for every statement until ROLLBACK.
	ftx, err := conn.Begin(ctx)
	ok(err, "begin (failed transaction)")
	_, err = ftx.Exec(ctx, "SELEC 1")
	var fe *pgconn.PgError
	check(errors.As(err, &fe) && fe.Code == "42601", "syntax error in a transaction: %v", err)
	var one int32
	err = ftx.QueryRow(ctx, "SELECT id FROM "+T+" WHERE id = $1", int32(1)).Scan(&one)
	check(errors.As(err, &fe) && fe.Code == "25P02", "query in a failed transaction: %v, expected SQLSTATE 25P02", err)
	ok(ftx.Rollback(ctx), "rollback of the failed transaction")
	ok(conn.QueryRow(ctx, "SELECT id FROM "+T+" WHERE id = $1", int32(1)).Scan(&one), "query after the rollback")
	check(one == 1, "query after the rollback: %d", one)

	tx, err := conn.Begin(ctx)
	ok(err, "begin")
	_, err = tx.Exec(ctx, "INSERT INTO "+T+" (id, t) VALUES ($1, $2)", int32(3), "rolled back")
	ok(err, "insert in transaction")
	var cnt int64
	ok(tx.QueryRow(ctx, "SELECT count(*) FROM "+T+" WHERE id = $1", int32(3)).Scan(&cnt), "count in transaction")
	check(cnt == 1, "inserted row not visible inside its transaction")
	ok(tx.Rollback(ctx), "rollback")
	ok(conn.QueryRow(ctx, "SELECT count(*) FROM "+T+" WHERE id = $1", int32(3)).Scan(&cnt), "count after rollback")
	check(cnt == 0, "row still there after ROLLBACK")
	ok(conn.QueryRow(ctx, "SELECT count(*) FROM "+T).Scan(&cnt), "count")
	check(cnt == 2, "table has %d rows, expected 2", cnt)
	ok(conn.Close(ctx), "close")
	check(conn.IsClosed(), "connection not closed")
}

func abs(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}
