/* Adapter SQL: type resolution PostgreSQL 15 does per construct: || with a non-text operand
 * (anytextcat casts it to text), CASE/COALESCE/GREATEST/LEAST/IN (select_common_type, not
 * the = operator's rules), and query text that is not UTF-8. Expected values are
 * PostgreSQL's. */
#include <stdarg.h>

#include "unit/test_adp_sql_util.h"

static void test_concat(adp_session *s)
{
    EXPECT(s, "SELECT 'a' || true, 'x' || 1, 1 || 'x', 'a' || false, true || 'a'::varchar",
           "T ?column?:25:-1,?column?:25:-1,?column?:25:-1,?column?:25:-1,?column?:25:-1 | D "
           "atrue,x1,1x,afalse,truea | C SELECT 1 [I]");
    EXPECT(
        s,
        "SELECT 'x' || 1.50, 'x' || 1e300::float8, 'x' || 0.1::float4, 'x' || '2024-01-01'::date",
        "T ?column?:25:-1,?column?:25:-1,?column?:25:-1,?column?:25:-1 | D "
        "x1.50,x1e+300,x0.1,x2024-01-01 | C SELECT 1 [I]");
    EXPECT(s, "SELECT null || 1, 'x'::varchar(2) || 5, 'a' || 'b'",
           "T ?column?:25:-1,?column?:25:-1,?column?:25:-1 | D ~,x5,ab | C SELECT 1 [I]");
    /* bytea || bytea is byteacat; an untyped literal joins it as bytea */
    EXPECT(s,
           "SELECT '\\x01'::bytea || '\\x02'::bytea, 'a' || '\\x01'::bytea, 'a'::text || "
           "'\\x01'::bytea",
           "T ?column?:17:-1,?column?:17:-1,?column?:25:-1 | D \\x0102,\\x6101,a\\x01 | C SELECT 1 "
           "[I]");
    EXPECT(s, "SELECT 1 || 2",
           "E ERROR 42883 operator does not exist: integer || integer @10 hint=No operator "
           "matches the given name and argument types. You might need to add explicit type "
           "casts. [I]");
    EXPECT(s, "CREATE TABLE ct (b bool, i int4)", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO ct VALUES (true, 7), (NULL, NULL)", "C INSERT 0 2 [I]");
    EXPECT(s, "SELECT 'v=' || b || ',' || i FROM ct",
           "T ?column?:25:-1 | D v=true,7 | D ~ | C SELECT 2 [I]");
    EXPECT(s, "DROP TABLE ct", "C DROP TABLE [I]");
}

static void test_common_types(adp_session *s)
{
    /* int and real give real (an operator would give double precision) */
    EXPECT(s,
           "SELECT coalesce(0.1::real, 1), coalesce(1, 0.1::real), case when false then 1 else "
           "0.1::real end, greatest(0.1::real, 0), least(1, 0.1::real, 2::int8)",
           "T coalesce:700:-1,coalesce:700:-1,case:700:-1,greatest:700:-1,least:700:-1 | D "
           "0.1,1,0.1,0.1,0.1 | C SELECT 1 [I]");
    EXPECT(s,
           "SELECT 0.1::real IN (0.1, 1), 0.1::real IN (0.1), 0.1::real = 0.1, 1 IN (1.5::real, 2)",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:16:-1 | D t,f,f,f | C SELECT 1 "
           "[I]");
    /* the ELSE result is considered first, and reported first */
    EXPECT(s, "SELECT CASE WHEN true THEN 1 ELSE 'x'::text END",
           "E ERROR 42804 CASE types text and integer cannot be matched @28 [I]");
    EXPECT(s,
           "SELECT CASE WHEN true THEN 'a'::varchar ELSE 'b'::text END, coalesce('a'::varchar, "
           "'b'::text)",
           "T case:25:-1,coalesce:1043:-1 | D a,a | C SELECT 1 [I]");
    EXPECT(s, "SELECT COALESCE(1, 'x'::text)",
           "E ERROR 42804 COALESCE types integer and text cannot be matched @20 [I]");
    EXPECT(s, "SELECT greatest(1, now())",
           "E ERROR 42804 GREATEST types integer and timestamp with time zone cannot be matched "
           "@20 [I]");
    /* typmods survive only when all agree, or when the planner's folding leaves one
     * branch (CASE WHEN true: PostgreSQL describes the planned expression) */
    EXPECT(s,
           "SELECT coalesce('a'::varchar(3), 'b'::varchar(3)), coalesce('a'::varchar(3), 'b'), "
           "case when true then 'a'::varchar(3) else 'bb'::varchar(4) end",
           "T coalesce:1043:7,coalesce:1043:7,case:1043:7 | D a,a,a | C SELECT 1 [I]");
    /* IN: no common type for the list means one = per item (and its error) */
    EXPECT(s, "SELECT 1 IN ('1'::text, 2)",
           "E ERROR 42883 operator does not exist: integer = text @10 hint=No operator matches "
           "the given name and argument types. You might need to add explicit type casts. [I]");
    EXPECT(s, "SELECT 1 IN ('1', 2), 3 NOT IN (1, NULL), 2 IN (NULL, 2)",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1 | D t,~,t | C SELECT 1 [I]");
    EXPECT(s, "CREATE TABLE it (id int, r real, n numeric)", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO it VALUES (1, 0.1, 1.5), (2, 2, 2), (3, NULL, NULL)",
           "C INSERT 0 3 [I]");
    EXPECT(s, "SELECT id FROM it WHERE r IN (0.1, 1) ORDER BY id",
           "T id:23:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(s, "SELECT id FROM it WHERE r IN (0.1) ORDER BY id", "T id:23:-1 | C SELECT 0 [I]");
    /* items with columns compare with = on their own */
    EXPECT(s, "SELECT id FROM it WHERE r IN (id, 0.1, 5) ORDER BY id",
           "T id:23:-1 | D 1 | D 2 | C SELECT 2 [I]");
    EXPECT(s, "SELECT id FROM it WHERE id NOT IN (1, NULL) ORDER BY id",
           "T id:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT id, greatest(r, id, n) FROM it ORDER BY id",
           "T id:23:-1,greatest:700:-1 | D 1,1.5 | D 2,2 | D 3,3 | C SELECT 3 [I]");
    EXPECT(s, "DROP TABLE it", "C DROP TABLE [I]");
}

static void test_utf8(adp_session *s)
{
    EXPECT(s, "SELECT 'a\xff'",
           "E ERROR 22021 invalid byte sequence for encoding \"UTF8\": 0xff [I]");
    EXPECT(s, "SELECT 1; SELECT '\xe2\x82'",
           "E ERROR 22021 invalid byte sequence for encoding \"UTF8\": 0xe2 0x82 0x27 [I]");
    /* a failed block stays failed; valid text after it still parses */
    EXPECT(s, "BEGIN", "C BEGIN [T]");
    EXPECT(s, "SELECT '\xc3('",
           "E ERROR 22021 invalid byte sequence for encoding \"UTF8\": 0xc3 0x28 [E]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(s, "SELECT '\xc3\xa9'", "T ?column?:25:-1 | D \xc3\xa9 | C SELECT 1 [I]");
}

/* GROUP BY the primary key: the table's other columns may appear bare */
static void test_group_pk(adp_session *s)
{
    EXPECT(s, "CREATE TABLE fd (id int4 PRIMARY KEY, name text UNIQUE, qty int2)",
           "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO fd VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)",
           "C INSERT 0 3 [I]");
    EXPECT(s, "SELECT name, qty * 2, count(*) FROM fd GROUP BY id HAVING qty > 1 ORDER BY name",
           "T name:25:-1,?column?:23:-1,count:20:-1 | D three,6,1 | D two,4,1 | C SELECT 2 [I]");
    EXPECT(s, "SELECT qty FROM fd GROUP BY name",
           "E ERROR 42803 column \"fd.qty\" must appear in the GROUP BY clause or be used in an "
           "aggregate function @8 [I]");
    EXPECT(s, "DROP TABLE fd", "C DROP TABLE [I]");
}

/* found by tools/difffuzz.py against PostgreSQL */
static void test_fuzz_finds(adp_session *s)
{
    EXPECT(s,
           "SELECT round(1), round(2.5::int4), round(1234.5678, -2), round(-1250, -2), round(99.5, "
           "-2)",
           "T round:701:-1,round:701:-1,round:1700:-1,round:1700:-1,round:1700:-1 | D "
           "1,3,1200,-1300,100 | C SELECT 1 [I]");
    EXPECT(s,
           "SELECT length('\\x0102'::bytea), octet_length('abc'::bytea), octet_length('\xc3\xa9')",
           "T length:23:-1,octet_length:23:-1,octet_length:23:-1 | D 2,3,2 | C SELECT 1 [I]");
    EXPECT(s,
           "SELECT CASE WHEN false THEN 2147483648::int4 ELSE 1 END, coalesce(1, 2147483648::int4)",
           "T case:23:-1,coalesce:23:-1 | D 1,1 | C SELECT 1 [I]");
    EXPECT(s, "SELECT least(2147483648::int4, true)",
           "E ERROR 42804 LEAST types integer and boolean cannot be matched @32 [I]");
    EXPECT(s, "SELECT 2147483648::int4", "E ERROR 22003 integer out of range [I]");
    EXPECT(s, "SELECT 1 NOT IN (1::int8, '2024-01-01'::date)",
           "E ERROR 42883 operator does not exist: integer <> date @10 hint=No operator matches "
           "the given name and argument types. You might need to add explicit type casts. [I]");
    EXPECT(s, "SELECT nullif(1::int2, 2), nullif(0.3::float4, 2::float8), nullif(1, 2.5)",
           "T nullif:21:-1,nullif:700:-1,nullif:1700:-1 | D 1,0.3,1 | C SELECT 1 [I]");
    /* settled before running: no division happens */
    EXPECT(s, "CREATE TABLE nf (i int4)", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO nf VALUES (0)", "C INSERT 0 1 [I]");
    EXPECT(s,
           "SELECT nullif(round(null::float8), i % i), CASE WHEN null THEN 1 / i ELSE 2 END, "
           "coalesce(null, 3, 1 / i), (i / i) || null::text FROM nf",
           "T nullif:701:-1,case:23:-1,coalesce:23:-1,?column?:25:-1 | D ~,2,3,~ | C SELECT 1 [I]");
    EXPECT(s, "SELECT 1 / i FROM nf", "E ERROR 22012 division by zero [I]");
    EXPECT(s, "SELECT nullif(0.1::float4, 1::int8), nullif(1.5::numeric, 1::float4)",
           "T nullif:700:-1,nullif:701:-1 | D 0.1,1.5 | C SELECT 1 [I]");
    EXPECT(s, "SELECT '2024-03-10t'::timestamp",
           "E ERROR 22007 invalid input syntax for type timestamp: \"2024-03-10t\" @8 [I]");
    EXPECT(s, "SELECT substr('\\x0102030405'::bytea, 2, 2), substring('\\x0102'::bytea, -1, 3)",
           "T substr:17:-1,substring:17:-1 | D \\x0203,\\x01 | C SELECT 1 [I]");
    /* aggregates: min/max(varchar) are text, ties take the newer value, float sums start
     * from their first value */
    EXPECT(s, "CREATE TABLE ag (v varchar(5), n numeric, f float8)", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO ag VALUES ('b', 0.0, '-0'), ('a', 0.000, '-0')", "C INSERT 0 2 [I]");
    EXPECT(s, "SELECT max(v), min(v), max(n), min(n), sum(f), max(-1 * -2147483648::int2) FROM ag",
           "E ERROR 22003 smallint out of range [I]");
    EXPECT(s, "SELECT max(v), min(v), max(n), min(n), sum(f) FROM ag",
           "T max:25:-1,min:25:-1,max:1700:-1,min:1700:-1,sum:701:-1 | D b,a,0.000,0.000,-0 | C "
           "SELECT 1 [I]");
    EXPECT(s, "DROP TABLE ag", "C DROP TABLE [I]");
    /* LIKE stays polynomial: this took minutes before (each % retried every split) */
    EXPECT(s, "SELECT repeat('a', 100000) LIKE '%a%a%a%a%a%a%a%a%a%a%b', 'abc' LIKE 'a%c'",
           "T ?column?:16:-1,?column?:16:-1 | D f,t | C SELECT 1 [I]");
    EXPECT(s, "SELECT 'abc'::bytea LIKE 'a_c', '\\xc3a9'::bytea LIKE '_', 'abc' LIKE 'a%'::bytea",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1 | D t,f,t | C SELECT 1 [I]");
    /* a result past PostgreSQL's 1 GB string buffer is its 54000, not an allocation */
    EXPECT(s, "SELECT length(replace(repeat('a', 11000000), 'a', repeat('b', 100)))",
           "E ERROR 54000 out of memory detail=Cannot enlarge string buffer containing "
           "1073741800 bytes by 100 more bytes. [I]");
    EXPECT(s, "SELECT replace('abcabc', 'bc', '-'), replace('aaa', 'a', '')",
           "T replace:25:-1,replace:25:-1 | D a-a-, | C SELECT 1 [I]");
    EXPECT(
        s,
        "SELECT round('-Infinity'::numeric), round('Infinity'::numeric, 2), round('NaN'::numeric, "
        "-3)",
        "T round:1700:-1,round:1700:-1,round:1700:-1 | D -Infinity,Infinity,NaN | C SELECT 1 [I]");
    /* every argument of a strict function is computed; stable casts are not folded */
    EXPECT(s, "SELECT substr(CASE WHEN i = 0 THEN NULL ELSE 'x' END, 10 / i) FROM nf",
           "E ERROR 22012 division by zero [I]");
    EXPECT(s,
           "SELECT 3 IN (2.5, ('2000-02-29 00:00:00.5-05'::timestamptz || 'abc')::float8, "
           "10::int2 % 0::int2)",
           "E ERROR 22012 division by zero [I]");
    EXPECT(s, "DELETE FROM nf", "C DELETE 1 [I]");
    /* constants are computed when planning: after analysis errors, before any row */
    EXPECT(s, "SELECT 1 / 0, nosuch FROM nf",
           "E ERROR 42703 column \"nosuch\" does not exist @15 [I]");
    EXPECT(s, "SELECT CASE WHEN i > 0 THEN 1 / 0 ELSE 1 END FROM nf",
           "E ERROR 22012 division by zero [I]");
    EXPECT(s, "SELECT i FROM nf WHERE false AND 1 / 0 = 1", "T i:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT 2 + 3 * 4, 'a' || 'b' || 3",
           "T ?column?:23:-1,?column?:25:-1 | D 14,ab3 | C SELECT 1 [I]");
    EXPECT(s, "DROP TABLE nf", "C DROP TABLE [I]");
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *s = adp_session_new(db);
    test_concat(s);
    test_common_types(s);
    test_utf8(s);
    test_group_pk(s);
    test_fuzz_finds(s);
    adp_session_free(s);
    adp_db_close(db);
    return finish();
}
