/* Adapter SQL: tables: CREATE/DROP, INSERT/UPDATE/DELETE, constraints, SELECT over a
 * table with WHERE, GROUP BY, aggregates, ORDER BY, LIMIT. */
#include <stdarg.h>

#include "unit/test_adp_sql_util.h"

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *s = adp_session_new(db);
    EXPECT(s, "CREATE TABLE t (id text, value int4)", "C CREATE TABLE [I]");
    EXPECT(s, "CREATE TABLE t (x int)", "E ERROR 42P07 relation \"t\" already exists [I]");
    EXPECT(s, "CREATE TABLE IF NOT EXISTS t (x int)",
           "N NOTICE 42P07 relation \"t\" already exists, skipping | C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO t VALUES ('hello', 42)", "C INSERT 0 1 [I]");
    EXPECT(s, "SELECT * FROM t", "T id:25:-1,value:23:-1 | D hello,42 | C SELECT 1 [I]");
    EXPECT(s, "INSERT INTO t (value) VALUES (1), (2), (NULL) RETURNING value, id",
           "T value:23:-1,id:25:-1 | D 1,~ | D 2,~ | D ~,~ | C INSERT 0 3 [I]");
    EXPECT(s, "INSERT INTO t VALUES (1, 'x')",
           "E ERROR 22P02 invalid input syntax for type integer: \"x\" @26 [I]");
    EXPECT(s, "INSERT INTO t VALUES ('a', 'b'::text)",
           "E ERROR 42804 column \"value\" is of type integer but expression is of type text @28 "
           "hint=You will need to rewrite or cast the expression. [I]");
    EXPECT(s, "INSERT INTO t (nope) VALUES (1)",
           "E ERROR 42703 column \"nope\" of relation \"t\" does not exist @16 [I]");
    EXPECT(s, "INSERT INTO t VALUES ('a', 1, 2)",
           "E ERROR 42601 INSERT has more expressions than target columns @31 [I]");
    EXPECT(s, "SELECT count(*), count(id), sum(value), min(value), max(id), avg(value) FROM t",
           "T count:20:-1,count:20:-1,sum:20:-1,min:23:-1,max:25:-1,avg:1700:-1 | "
           "D 4,1,45,1,hello,15.0000000000000000 | C SELECT 1 [I]");
    EXPECT(s, "SELECT value FROM t ORDER BY value DESC",
           "T value:23:-1 | D ~ | D 42 | D 2 | D 1 | C SELECT 4 [I]");
    EXPECT(s, "SELECT value FROM t ORDER BY 1 NULLS FIRST LIMIT 2 OFFSET 1",
           "T value:23:-1 | D 1 | D 2 | C SELECT 2 [I]");
    EXPECT(s, "SELECT value AS v FROM t WHERE value > 1 ORDER BY v",
           "T v:23:-1 | D 2 | D 42 | C SELECT 2 [I]");
    EXPECT(s, "SELECT x.value + 1 FROM t AS x WHERE x.id IS NULL AND value < 2",
           "T ?column?:23:-1 | D 2 | C SELECT 1 [I]");
    EXPECT(s, "SELECT t.value FROM t x",
           "E ERROR 42P01 invalid reference to FROM-clause entry for table \"t\" @8 "
           "hint=Perhaps you meant to reference the table alias \"x\". [I]");
    EXPECT(s, "SELECT y.value FROM t x",
           "E ERROR 42P01 missing FROM-clause entry for table \"y\" @8 [I]");
    EXPECT(s, "SELECT id, count(*) FROM t GROUP BY id ORDER BY id",
           "T id:25:-1,count:20:-1 | D hello,1 | D ~,3 | C SELECT 2 [I]");
    EXPECT(s, "SELECT id, value FROM t GROUP BY id",
           "E ERROR 42803 column \"t.value\" must appear in the GROUP BY clause or be used in an "
           "aggregate function @12 [I]");
    EXPECT(s, "SELECT id, sum(value) FROM t GROUP BY 1 HAVING sum(value) > 5",
           "T id:25:-1,sum:20:-1 | D hello,42 | C SELECT 1 [I]");
    EXPECT(s, "SELECT count(DISTINCT id), count(DISTINCT value), sum(DISTINCT value % 2) FROM t",
           "T count:20:-1,count:20:-1,sum:20:-1 | D 1,3,1 | C SELECT 1 [I]");
    EXPECT(s, "SELECT DISTINCT id FROM t ORDER BY id",
           "T id:25:-1 | D hello | D ~ | C SELECT 2 [I]");
    EXPECT(s, "SELECT DISTINCT id FROM t ORDER BY value",
           "E ERROR 42P10 for SELECT DISTINCT, ORDER BY expressions must appear in select list @36 "
           "[I]");
    EXPECT(s, "SELECT count(*) FROM t WHERE false", "T count:20:-1 | D 0 | C SELECT 1 [I]");
    EXPECT(s, "SELECT sum(value) FROM t WHERE false", "T sum:20:-1 | D ~ | C SELECT 1 [I]");
    EXPECT(s, "SELECT * FROM t WHERE count(*) > 1",
           "E ERROR 42803 aggregate functions are not allowed in WHERE @23 [I]");
    EXPECT(s, "SELECT * FROM t WHERE value",
           "E ERROR 42804 argument of WHERE must be type boolean, not type integer @23 [I]");
    EXPECT(s, "UPDATE t SET value = value * 10 WHERE value < 3", "C UPDATE 2 [I]");
    EXPECT(s, "SELECT value FROM t", "T value:23:-1 | D 42 | D ~ | D 10 | D 20 | C SELECT 4 [I]");
    EXPECT(s, "DELETE FROM t WHERE value IS NULL RETURNING *",
           "T id:25:-1,value:23:-1 | D ~,~ | C DELETE 1 [I]");
    EXPECT(s, "DELETE FROM t WHERE value = 10", "C DELETE 1 [I]");
    EXPECT(s, "SELECT count(*) FROM t", "T count:20:-1 | D 2 | C SELECT 1 [I]");

    /* constraints */
    EXPECT(
        s,
        "CREATE TABLE k (id int PRIMARY KEY, name varchar(5) NOT NULL DEFAULT 'n', u int UNIQUE)",
        "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO k (id) VALUES (1)", "C INSERT 0 1 [I]");
    EXPECT(s, "SELECT * FROM k", "T id:23:-1,name:1043:9,u:23:-1 | D 1,n,~ | C SELECT 1 [I]");
    EXPECT(s, "INSERT INTO k VALUES (2, 'b', 5), (1, 'c', 6)",
           "E ERROR 23505 duplicate key value violates unique constraint \"k_pkey\" "
           "detail=Key (id)=(1) already exists. [I]");
    EXPECT(s, "SELECT count(*) FROM k", "T count:20:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(s, "INSERT INTO k VALUES (3, NULL, 1)",
           "E ERROR 23502 null value in column \"name\" of relation \"k\" violates not-null "
           "constraint detail=Failing row contains (3, null, 1). [I]");
    EXPECT(s, "INSERT INTO k VALUES (NULL, 'a', 1)",
           "E ERROR 23502 null value in column \"id\" of relation \"k\" violates not-null "
           "constraint detail=Failing row contains (null, a, 1). [I]");
    EXPECT(s, "INSERT INTO k VALUES (2, 'abcdef', 1)",
           "E ERROR 22001 value too long for type character varying(5) [I]");
    EXPECT(s, "INSERT INTO k VALUES (2, DEFAULT, 7), (3, 'x', NULL), (4, 'y', NULL)",
           "C INSERT 0 3 [I]");
    EXPECT(s, "UPDATE k SET u = 7 WHERE id = 3",
           "E ERROR 23505 duplicate key value violates unique constraint \"k_u_key\" "
           "detail=Key (u)=(7) already exists. [I]");
    EXPECT(s, "CREATE TABLE k2 (a int, b text, PRIMARY KEY (a, b))", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO k2 VALUES (1, 'x'), (1, 'y'), (1, 'x')",
           "E ERROR 23505 duplicate key value violates unique constraint \"k2_pkey\" "
           "detail=Key (a, b)=(1, x) already exists. [I]");
    EXPECT(s, "CREATE UNIQUE INDEX k_name ON k (name)",
           "E ERROR 23505 could not create unique index \"k_name\" detail=Key (name)=(n) is "
           "duplicated. [I]");
    EXPECT(s, "CREATE UNIQUE INDEX k_name ON k (id, name)", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE INDEX k_name ON k (u)",
           "E ERROR 42P07 relation \"k_name\" already exists [I]");
    EXPECT(s, "CREATE INDEX ON k (u)", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE DEFAULT INDEX ON k", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE DEFAULT INDEX IN CLUSTER quickstart ON k;", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE DEFAULT INDEX ON nope", "E ERROR 42P01 relation \"nope\" does not exist [I]");
    /* key lookups (col = const on a unique index) give what a scan gives */
    EXPECT(s, "SELECT id, u FROM k WHERE id = 3", "T id:23:-1,u:23:-1 | D 3,~ | C SELECT 1 [I]");
    EXPECT(s, "SELECT id FROM k WHERE 4 = id AND name = 'y'", "T id:23:-1 | D 4 | C SELECT 1 [I]");
    EXPECT(s, "SELECT id FROM k WHERE id = 4 AND name = 'x'", "T id:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT id FROM k WHERE id = 99", "T id:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT id FROM k WHERE u = 7", "T id:23:-1 | D 2 | C SELECT 1 [I]");
    EXPECT(s, "DROP TABLE k, k2", "C DROP TABLE [I]");
    EXPECT(s, "DROP TABLE k", "E ERROR 42P01 table \"k\" does not exist [I]");
    EXPECT(s, "DROP TABLE IF EXISTS k",
           "N NOTICE 00000 table \"k\" does not exist, skipping | C DROP TABLE [I]");
    EXPECT(s, "SELECT * FROM t, t", "E ERROR 0A000 joins are not supported [I]");
    EXPECT(s, "SELECT * FROM pg_catalog.pg_class",
           "E ERROR 0A000 system catalog \"pg_catalog.pg_class\" is not supported @15 [I]");
    EXPECT(s, "CREATE TABLE s1 (a int PRIMARY KEY, b text DEFAULT 'd')", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO s1 SELECT 1, 'one'", "C INSERT 0 1 [I]");
    EXPECT(s, "INSERT INTO s1 (a) SELECT a + 1 FROM s1 RETURNING *",
           "T a:23:-1,b:25:-1 | D 2,d | C INSERT 0 1 [I]");
    EXPECT(s, "INSERT INTO s1 SELECT a FROM s1",
           "E ERROR 23505 duplicate key value violates unique constraint \"s1_pkey\" "
           "detail=Key (a)=(1) already exists. [I]");
    EXPECT(s, "INSERT INTO s1 SELECT '3', 'x', 'y'",
           "E ERROR 42601 INSERT has more expressions than target columns @33 [I]");
    EXPECT(s, "SELECT count(*) FROM s1", "T count:20:-1 | D 2 | C SELECT 1 [I]");
    EXPECT(s, "CREATE TABLE s2 AS SELECT a, b::varchar(4) AS v, a * 2 AS d FROM s1 ORDER BY a DESC",
           "C SELECT 2 [I]");
    EXPECT(s, "SELECT * FROM s2",
           "T a:23:-1,v:1043:8,d:23:-1 | D 2,d,4 | D 1,one,2 | C SELECT 2 [I]");
    EXPECT(s, "CREATE TABLE s3 (x) AS SELECT 1 WITH NO DATA; SELECT * FROM s3",
           "C CREATE TABLE AS | T x:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "CREATE TABLE s4 AS SELECT 1, 2",
           "E ERROR 42701 column \"?column?\" specified more than once [I]");
    EXPECT(s, "CREATE TABLE f (x float8, d date)", "C CREATE TABLE [I]");
    EXPECT(s, "INSERT INTO f VALUES (1e308, '2000-02-28'), (1e308, '2000-02-29')",
           "C INSERT 0 2 [I]");
    EXPECT(s, "SELECT sum(x) FROM f", "E ERROR 22003 value out of range: overflow [I]");
    EXPECT(s, "SELECT d + 1, d - 1, d - '2000-01-01'::date FROM f ORDER BY d DESC",
           "T ?column?:1082:-1,?column?:1082:-1,?column?:23:-1 | D 2000-03-01,2000-02-28,59 | "
           "D 2000-02-29,2000-02-27,58 | C SELECT 2 [I]");
    adp_session_free(s);
    adp_db_close(db);
    return finish();
}
