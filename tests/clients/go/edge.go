package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgtype"
	"github.com/jackc/pgx/v4"
)

// Edge values through pgx's binary formats: limits, signed zero, infinities, NaN,
// dates and times on both sides of 2000-01-01 (the binary epoch), numeric weights and
// scales, empty and long text and bytea. One value per column per row; the id is 100+k.
var (
	edgeInts   = []int32{0, -1, math.MaxInt32, math.MinInt32}
	edgeBigs   = []int64{0, -1, math.MaxInt64, math.MinInt64}
	edgeFloats = []float64{0, math.Copysign(0, -1), 1e308, 5e-324, -2.5, math.Inf(1), math.Inf(-1), math.NaN()}
	edgeNums   = []string{"0", "-1.5", "0.0001", "0.00000000000000000001", "1.000", "10000", "0.1",
		"123456789012345678901234567890", "-99999999.99999999", "NaN"}
	edgeDates = []time.Time{date(2000, 1, 1), date(1999, 12, 31), date(1970, 1, 1), date(1, 1, 1), date(9999, 12, 31)}
	edgeTS    = []time.Time{
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 6, 15, 1, 2, 3, 4000, time.UTC),
		time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC),
	}
	edgeTexts = []string{"", strings.Repeat("x", 10000), "emoji \U0001F418 and \u00e9\u00e8", "tab\tnewline\nquote' backslash\\"}
	edgeBytes = [][]byte{{}, allBytes(), {0}}
)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// numeric parses a decimal string ("NaN" too, which pgtype's Set does not take).
func numeric(s string) pgtype.Numeric {
	if s == "NaN" {
		return pgtype.Numeric{NaN: true, Status: pgtype.Present}
	}
	var n pgtype.Numeric
	ok(n.Set(s), "numeric "+s)
	return n
}

// ratOf is a numeric's exact value (ok false for NaN).
func ratOf(n pgtype.Numeric) (*big.Rat, bool) {
	if n.NaN {
		return nil, false
	}
	r := new(big.Rat).SetInt(n.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(n.Exp))), nil))
	if n.Exp < 0 {
		r.Quo(r, scale)
	} else {
		r.Mul(r, scale)
	}
	return r, true
}

func edgePgx(ctx context.Context, conn *pgx.Conn, T string) {
	TE := T + "_edge"
	_, err := conn.Exec(ctx, "DROP TABLE IF EXISTS "+TE)
	ok(err, "drop edge table")
	_, err = conn.Exec(ctx, "CREATE TABLE "+TE+" (id int4, i int4, big int8, f float8, n numeric, d date, ts timestamptz, t text, by bytea)")
	ok(err, "create edge table")
	rows := len(edgeNums)
	for k := 0; k < rows; k++ {
		args := []interface{}{int32(100 + k), nil, nil, nil, nil, nil, nil, nil, nil}
		if k < len(edgeInts) {
			args[1] = edgeInts[k]
		}
		if k < len(edgeBigs) {
			args[2] = edgeBigs[k]
		}
		if k < len(edgeFloats) {
			args[3] = edgeFloats[k]
		}
		n := numeric(edgeNums[k])
		args[4] = &n
		if k < len(edgeDates) {
			args[5] = edgeDates[k]
		}
		if k < len(edgeTS) {
			args[6] = edgeTS[k]
		}
		if k < len(edgeTexts) {
			args[7] = edgeTexts[k]
		}
		if k < len(edgeBytes) {
			args[8] = edgeBytes[k]
		}
		_, err = conn.Exec(ctx, "INSERT INTO "+TE+" (id, i, big, f, n, d, ts, t, by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", args...)
		ok(err, fmt.Sprintf("edge insert row %d", k))
	}
	for k := 0; k < rows; k++ {
		var (
			id          int32
			i           pgtype.Int4
			bg          pgtype.Int8
			f           pgtype.Float8
			n           pgtype.Numeric
			ts          pgtype.Timestamptz
			dd          pgtype.Date
			t           pgtype.Text
			by          pgtype.Bytea
			where       = fmt.Sprintf("edge row %d", k)
			wantPresent = func(has bool, s pgtype.Status, col string) bool {
				check(has == (s == pgtype.Present), "%s: column %s: status %v, expected present=%v", where, col, s, has)
				return has
			}
		)
		err = conn.QueryRow(ctx, "SELECT id, i, big, f, n, d, ts, t, by FROM "+TE+" WHERE id = $1", int32(100+k)).Scan(
			&id, &i, &bg, &f, &n, &dd, &ts, &t, &by)
		ok(err, where)
		check(id == int32(100+k), "%s: id %d", where, id)
		if wantPresent(k < len(edgeInts), i.Status, "i") {
			check(i.Int == edgeInts[k], "%s: i: got %d, expected %d", where, i.Int, edgeInts[k])
		}
		if wantPresent(k < len(edgeBigs), bg.Status, "big") {
			check(bg.Int == edgeBigs[k], "%s: big: got %d, expected %d", where, bg.Int, edgeBigs[k])
		}
		if wantPresent(k < len(edgeFloats), f.Status, "f") {
			w := edgeFloats[k]
			same := (math.IsNaN(w) && math.IsNaN(f.Float)) || (w == f.Float && math.Signbit(w) == math.Signbit(f.Float))
			check(same, "%s: f: got %v, expected %v", where, f.Float, w)
		}
		if wantPresent(true, n.Status, "n") {
			wr, wok := ratOf(numeric(edgeNums[k]))
			gr, gok := ratOf(n)
			check(wok == gok && (!wok || wr.Cmp(gr) == 0), "%s: n: got %+v, expected %s", where, n, edgeNums[k])
		}
		if wantPresent(k < len(edgeDates), dd.Status, "d") {
			check(dd.InfinityModifier == pgtype.None && dd.Time.Equal(edgeDates[k]), "%s: d: got %v, expected %v", where, dd.Time, edgeDates[k])
		}
		if wantPresent(k < len(edgeTS), ts.Status, "ts") {
			check(ts.Time.Equal(edgeTS[k]), "%s: ts: got %v, expected %v", where, ts.Time, edgeTS[k])
		}
		if wantPresent(k < len(edgeTexts), t.Status, "t") {
			check(t.String == edgeTexts[k], "%s: t: got %.60q, expected %.60q", where, t.String, edgeTexts[k])
		}
		if wantPresent(k < len(edgeBytes), by.Status, "by") {
			check(bytes.Equal(by.Bytes, edgeBytes[k]), "%s: by: got %x, expected %x", where, by.Bytes, edgeBytes[k])
		}
	}
}
