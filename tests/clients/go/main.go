// Go client tests: `clienttest libpq` (database/sql with lib/pq) and `clienttest pgx`
// (pgx v4's native interface). Built in GOPATH mode against Debian's packaged sources
// (run.sh: GO111MODULE=off GOPATH=/usr/share/gocode), so no network is needed.
// Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.
package main

import (
	"bytes"
	"fmt"
	"os"
	"time"
)

const columns = "id, big, t, v, f, n, b, d, ts, by"
const createSQL = "CREATE TABLE %s (id int4, big int8, t text, v varchar(20), f float8, " +
	"n numeric, b bool, d date, ts timestamptz, by bytea)"

var (
	wantBig   int64 = 9007199254740993 // 2^53 + 1: lost if anything goes through a double
	wantText        = "it's héllo"
	wantVar         = "abc"
	wantFloat       = 2.718281828459045
	wantNum         = "12345678901234567890.123456789"
	wantDate        = time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	wantTS          = time.Date(2024, 2, 29, 12, 34, 56, 789012000, time.UTC)
	wantBytes       = []byte{0x00, 0x01, 0xfe, 0xff, 0x27, 0x5c}
	// Type OIDs of the result columns.
	wantOIDs = []uint32{23, 20, 25, 1043, 701, 1700, 16, 1082, 1184, 17}
)

type failure string

func check(cond bool, format string, args ...interface{}) {
	if !cond {
		panic(failure(fmt.Sprintf(format, args...)))
	}
}

func ok(err error, what string) {
	if err != nil {
		panic(failure(fmt.Sprintf("%s: %v", what, err)))
	}
}

// row is what both drivers scan the id=1 row into.
type row struct {
	id   int32
	big  int64
	t, v string
	f    float64
	n    string
	b    bool
	d    time.Time
	ts   time.Time
	by   []byte
}

func checkRow(r row) {
	check(r.id == 1, "id: got %d, expected 1", r.id)
	check(r.big == wantBig, "big: got %d, expected %d", r.big, wantBig)
	check(r.t == wantText, "t: got %q, expected %q", r.t, wantText)
	check(r.v == wantVar, "v: got %q, expected %q", r.v, wantVar)
	check(r.f == wantFloat, "f: got %v, expected %v", r.f, wantFloat)
	check(r.n == wantNum, "n: got %q, expected %q", r.n, wantNum)
	check(r.b, "b: got false, expected true")
	check(r.d.Equal(wantDate), "d: got %v, expected %v", r.d, wantDate)
	check(r.ts.Equal(wantTS), "ts: got %v, expected %v", r.ts, wantTS)
	check(bytes.Equal(r.by, wantBytes), "by: got %x, expected %x", r.by, wantBytes)
}

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "libpq" && os.Args[1] != "pgx") {
		fmt.Fprintln(os.Stderr, "usage: clienttest libpq|pgx")
		os.Exit(2)
	}
	name := "go-" + os.Args[1]
	defer func() {
		if r := recover(); r != nil {
			if f, isFail := r.(failure); isFail {
				fmt.Fprintf(os.Stderr, "%s: FAIL: %s\n", name, string(f))
			} else {
				fmt.Fprintf(os.Stderr, "%s: FAIL: panic: %v\n", name, r)
			}
			os.Exit(1)
		}
	}()
	if os.Args[1] == "libpq" {
		runLibpq()
	} else {
		runPgx()
	}
	fmt.Printf("%s: all checks passed\n", name)
}
