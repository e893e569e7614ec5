#!/usr/bin/env bash
# psql client test. psql 15 has no \bind, so "bound parameters" are psql variables
# (client-side quoting with :'var'); every value is checked in its text form, which is
# the type's own output format (t, ISO dates, +00 offsets, \x bytea...).
#   psql.sh        simple protocol: values, NULLs, errors, loop, rollback
#   psql.sh gdesc  column types with \gdesc: Parse + Describe of the query, then a query
#                  over (VALUES ...) with pg_catalog.format_type, all from psql itself
set -uo pipefail
GDESC=0
[ "${1:-}" = gdesc ] && GDESC=1
T=clients_psql
[ "$GDESC" = 1 ] && T=clients_psql_gdesc
NAME=psql
[ "$GDESC" = 1 ] && NAME=psql-gdesc
fail() { echo "$NAME: FAIL: $*" >&2; exit 1; }
PSQL=(psql -X -q -v ON_ERROR_STOP=1 --no-psqlrc)

# expect NAME EXPECTED ACTUAL
expect() {
  if [ "$2" != "$3" ]; then
    echo "$NAME: FAIL: $1" >&2
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /' >&2
    exit 1
  fi
}

out="$("${PSQL[@]}" 2>&1 <<SQL
DROP TABLE IF EXISTS $T;
CREATE TABLE $T (id int4, big int8, t text, v varchar(20), f float8, n numeric,
  b bool, d date, ts timestamptz, by bytea);
SQL
)" || fail "create table: $out"

simple_checks() {
# Values go through psql variables; NULL is written as the bare keyword.
out="$("${PSQL[@]}" \
  -v id=1 -v big=9007199254740993 -v t="it's héllo" -v v=abc -v f=2.718281828459045 \
  -v n=12345678901234567890.123456789 -v b=true -v d=2024-02-29 \
  -v ts='2024-02-29 12:34:56.789012+00' -v by='\x0001feff275c' 2>&1 <<SQL
INSERT INTO $T VALUES (:id, :big, :'t', :'v', :f, :n, :'b', :'d', :'ts', :'by');
INSERT INTO $T VALUES (:id + 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SQL
)" || fail "insert: $out"

out="$("${PSQL[@]}" --csv -v id=1 2>&1 <<SQL
SELECT id, big, t, v, f, n, b, d, ts, by FROM $T WHERE id = :id;
SELECT id, big IS NULL, t IS NULL, v IS NULL, f IS NULL, n IS NULL, b IS NULL,
  d IS NULL, ts IS NULL, by IS NULL FROM $T WHERE id = :id + 1;
SQL
)" || fail "select: $out"
expect "select values" 'id,big,t,v,f,n,b,d,ts,by
1,9007199254740993,it'"'"'s héllo,abc,2.718281828459045,12345678901234567890.123456789,t,2024-02-29,2024-02-29 12:34:56.789012+00,\x0001feff275c
id,?column?,?column?,?column?,?column?,?column?,?column?,?column?,?column?,?column?
2,t,t,t,t,t,t,t,t,t' "$out"

# Syntax error: SQLSTATE 42601, and the same session keeps working.
out="$(psql -X -q --no-psqlrc -tA 2>&1 <<'SQL'
\set VERBOSITY sqlstate
SELEC 1;
\echo state :LAST_ERROR_SQLSTATE
SELECT 40 + 2;
SQL
)"
expect "syntax error then SELECT" 'ERROR:  42601
state 42601
42' "$out"

# One parameterized query, 100 times in one session.
script=""
want=""
for i in $(seq 1 100); do
  script+="\\set k $i
SELECT id + :k FROM $T WHERE id = 1;
"
  want+="$((i + 1))
"
done
out="$(printf '%s' "$script" | "${PSQL[@]}" -tA 2>&1)" || fail "loop: $out"
expect "100 parameterized selects" "${want%$'\n'}" "$out"

# SQL-level prepared statements.
out="$("${PSQL[@]}" -tA 2>&1 <<SQL
PREPARE q1(int4) AS SELECT id + \$1 FROM $T WHERE id = 1;
EXECUTE q1(10);
EXECUTE q1(20);
PREPARE q2 AS SELECT t FROM $T WHERE id = \$1;
EXECUTE q2(1);
DEALLOCATE q1;
DEALLOCATE ALL;
PREPARE q1(int4) AS SELECT \$1 * 2;
EXECUTE q1(21);
DISCARD ALL;
SQL
)" || fail "PREPARE/EXECUTE/DEALLOCATE: $out"
expect "PREPARE/EXECUTE/DEALLOCATE/DISCARD ALL" "11
21
it's héllo
42" "$out"
out="$(psql -X -q --no-psqlrc -tA 2>&1 <<'SQL'
\set VERBOSITY sqlstate
PREPARE q1 AS SELECT 1;
DEALLOCATE q1;
EXECUTE q1;
\echo state :LAST_ERROR_SQLSTATE
DEALLOCATE nosuch;
\echo state :LAST_ERROR_SQLSTATE
SQL
)"
expect "EXECUTE and DEALLOCATE of a missing statement" 'ERROR:  26000
state 26000
ERROR:  26000
state 26000' "$out"

# BEGIN / INSERT / ROLLBACK leaves no row.
out="$("${PSQL[@]}" -tA -v id=3 2>&1 <<SQL
BEGIN;
INSERT INTO $T (id, t) VALUES (:id, 'rolled back');
SELECT count(*) FROM $T WHERE id = :id;
ROLLBACK;
SELECT count(*) FROM $T WHERE id = :id;
SELECT count(*) FROM $T;
SQL
)" || fail "rollback: $out"
expect "rollback (in-transaction count, after count, total)" '1
0
2' "$out"
}

gdesc_checks() {
out="$("${PSQL[@]}" -v id=1 2>&1 <<SQL
SELECT id, big, t, v, f, n, b, d, ts, by FROM $T WHERE id = :id \gdesc
SQL
)" || fail "gdesc: $out"
expect "column types (\\gdesc)" ' Column |           Type           
--------+--------------------------
 id     | integer
 big    | bigint
 t      | text
 v      | character varying(20)
 f      | double precision
 n      | numeric
 b      | boolean
 d      | date
 ts     | timestamp with time zone
 by     | bytea
(10 rows)' "$out"
}

if [ "$GDESC" = 1 ]; then gdesc_checks; else simple_checks; fi
echo "$NAME: all checks passed"
