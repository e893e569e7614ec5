/* Adapter SQL: transaction blocks, failed blocks, implicit transactions of multi-statement
 * strings, settings (SET/SHOW/RESET, ParameterStatus) and startup parameters. */
#include <stdarg.h>

#include "unit/test_adp_sql_util.h"

#define ABORTED                                                                                    \
    "E ERROR 25P02 current transaction is aborted, commands ignored until end of transaction "     \
    "block"

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *s = adp_session_new(db);
    adp_session *o = adp_session_new(db);
    EXPECT(s, "CREATE TABLE tx (a int PRIMARY KEY)", "C CREATE TABLE [I]");
    EXPECT(s, "BEGIN", "C BEGIN [T]");
    EXPECT(s, "INSERT INTO tx VALUES (1), (2)", "C INSERT 0 2 [T]");
    EXPECT(s, "SELECT count(*) FROM tx", "T count:20:-1 | D 2 | C SELECT 1 [T]");
    EXPECT(s, "BEGIN", "N WARNING 25001 there is already a transaction in progress | C BEGIN [T]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(s, "SELECT count(*) FROM tx", "T count:20:-1 | D 0 | C SELECT 1 [I]");
    EXPECT(s, "COMMIT", "N WARNING 25P01 there is no transaction in progress | C COMMIT [I]");
    EXPECT(s, "ROLLBACK", "N WARNING 25P01 there is no transaction in progress | C ROLLBACK [I]");

    /* a failed block */
    EXPECT(s, "START TRANSACTION", "C START TRANSACTION [T]");
    EXPECT(s, "INSERT INTO tx VALUES (1)", "C INSERT 0 1 [T]");
    EXPECT(s, "INSERT INTO tx VALUES (1)",
           "E ERROR 23505 duplicate key value violates unique constraint \"tx_pkey\" "
           "detail=Key (a)=(1) already exists. [E]");
    EXPECT(s, "SELECT 1", ABORTED " [E]");
    EXPECT(s, "SELECT * FORM", "E ERROR 42601 syntax error at or near \"FORM\" @10 [E]");
    EXPECT(s, "COMMIT", "C ROLLBACK [I]");
    EXPECT(s, "SELECT count(*) FROM tx", "T count:20:-1 | D 0 | C SELECT 1 [I]");
    EXPECT(s, "BEGIN; SELECT 1/0; SELECT 2", "C BEGIN | E ERROR 22012 division by zero [E]");
    EXPECT(s, "SELECT 2; ROLLBACK", ABORTED " [E]");
    EXPECT(s, "ROLLBACK; SELECT 2", "C ROLLBACK | T ?column?:23:-1 | D 2 | C SELECT 1 [I]");

    /* committed block is durable for other sessions; DDL rolls back too */
    EXPECT(s, "BEGIN; INSERT INTO tx VALUES (7); COMMIT", "C BEGIN | C INSERT 0 1 | C COMMIT [I]");
    EXPECT(o, "SELECT a FROM tx", "T a:23:-1 | D 7 | C SELECT 1 [I]");
    EXPECT(s, "BEGIN; CREATE TABLE tmp (x int); INSERT INTO tmp VALUES (1); DROP TABLE tx",
           "C BEGIN | C CREATE TABLE | C INSERT 0 1 | C DROP TABLE [T]");
    EXPECT(s, "SELECT * FROM tx", "E ERROR 42P01 relation \"tx\" does not exist @15 [E]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(s, "SELECT a FROM tx", "T a:23:-1 | D 7 | C SELECT 1 [I]");
    EXPECT(s, "SELECT * FROM tmp", "E ERROR 42P01 relation \"tmp\" does not exist @15 [I]");
    EXPECT(s, "BEGIN; UPDATE tx SET a = 8; DELETE FROM tx; ROLLBACK; SELECT a FROM tx",
           "C BEGIN | C UPDATE 1 | C DELETE 1 | C ROLLBACK | T a:23:-1 | D 7 | C SELECT 1 [I]");

    /* an index created in a rolled-back block is gone */
    EXPECT(s, "CREATE TABLE ix (a int)", "C CREATE TABLE [I]");
    EXPECT(s, "BEGIN; CREATE UNIQUE INDEX ix_a ON ix (a); INSERT INTO ix VALUES (1)",
           "C BEGIN | C CREATE INDEX | C INSERT 0 1 [T]");
    EXPECT(s, "INSERT INTO ix VALUES (1)",
           "E ERROR 23505 duplicate key value violates unique constraint \"ix_a\" detail=Key "
           "(a)=(1) already exists. [E]");
    EXPECT(s,
           "ROLLBACK; INSERT INTO ix VALUES (1), (1); CREATE INDEX ix_a ON ix (a); DROP TABLE ix",
           "C ROLLBACK | C INSERT 0 2 | C CREATE INDEX | C DROP TABLE [I]");

    /* DROP INDEX, undone by ROLLBACK */
    EXPECT(s, "CREATE TABLE di (a int PRIMARY KEY, c int); CREATE UNIQUE INDEX di_c ON di (c)",
           "C CREATE TABLE | C CREATE INDEX [I]");
    EXPECT(s, "BEGIN; DROP INDEX di_c; INSERT INTO di VALUES (1, 1), (2, 1); ROLLBACK",
           "C BEGIN | C DROP INDEX | C INSERT 0 2 | C ROLLBACK [I]");
    EXPECT(s, "INSERT INTO di VALUES (1, 1), (2, 1)",
           "E ERROR 23505 duplicate key value violates unique constraint \"di_c\" detail=Key "
           "(c)=(1) already exists. [I]");
    EXPECT(
        s, "DROP INDEX di_pkey",
        "E ERROR 2BP01 cannot drop index di_pkey because constraint di_pkey on table di requires "
        "it hint=You can drop constraint di_pkey on table di instead. [I]");
    EXPECT(s, "DROP TABLE di_c",
           "E ERROR 42809 \"di_c\" is not a table hint=Use DROP INDEX to remove an index. [I]");
    EXPECT(s, "DROP INDEX IF EXISTS nosuch, di_c; DROP TABLE di",
           "N NOTICE 00000 index \"nosuch\" does not exist, skipping | C DROP INDEX | C DROP TABLE "
           "[I]");

    /* TRUNCATE rolls back like DELETE */
    EXPECT(s, "BEGIN; TRUNCATE tx; SELECT count(*) FROM tx; ROLLBACK; SELECT count(*) FROM tx",
           "C BEGIN | C TRUNCATE TABLE | T count:20:-1 | D 0 | C SELECT 1 | C ROLLBACK | "
           "T count:20:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(s, "TRUNCATE nosuch", "E ERROR 42P01 relation \"nosuch\" does not exist [I]");

    /* read-only blocks */
    EXPECT(s, "BEGIN READ ONLY; INSERT INTO tx VALUES (50)",
           "C BEGIN | E ERROR 25006 cannot execute INSERT in a read-only transaction [E]");
    EXPECT(s, "ROLLBACK; BEGIN; SET TRANSACTION READ ONLY; SELECT count(*) FROM tx; DROP TABLE tx",
           "C ROLLBACK | C BEGIN | C SET | T count:20:-1 | D 1 | C SELECT 1 | E ERROR 25006 cannot "
           "execute DROP TABLE in a read-only transaction [E]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(s, "BEGIN READ WRITE; DELETE FROM tx WHERE a = 0; COMMIT",
           "C BEGIN | C DELETE 0 | C COMMIT [I]");

    /* unique keys follow rollbacks */
    EXPECT(s, "BEGIN; DELETE FROM tx; INSERT INTO tx VALUES (7); ROLLBACK",
           "C BEGIN | C DELETE 1 | C INSERT 0 1 | C ROLLBACK [I]");
    EXPECT(s, "INSERT INTO tx VALUES (7)",
           "E ERROR 23505 duplicate key value violates unique constraint \"tx_pkey\" "
           "detail=Key (a)=(7) already exists. [I]");
    EXPECT(s, "BEGIN; INSERT INTO tx VALUES (100); UPDATE tx SET a = 101 WHERE a = 100; ROLLBACK",
           "C BEGIN | C INSERT 0 1 | C UPDATE 1 | C ROLLBACK [I]");
    EXPECT(s, "INSERT INTO tx VALUES (100), (101); DELETE FROM tx WHERE a >= 100",
           "C INSERT 0 2 | C DELETE 2 [I]");
    EXPECT(s, "UPDATE tx SET a = a + 1", "C UPDATE 1 [I]");
    EXPECT(s, "UPDATE tx SET a = a - 1", "C UPDATE 1 [I]");

    /* implicit transactions of multi-statement strings */
    EXPECT(s, "INSERT INTO tx VALUES (1); INSERT INTO tx VALUES (1)",
           "C INSERT 0 1 | E ERROR 23505 duplicate key value violates unique constraint "
           "\"tx_pkey\" detail=Key (a)=(1) already exists. [I]");
    EXPECT(s, "SELECT count(*) FROM tx", "T count:20:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(s, "INSERT INTO tx VALUES (1); COMMIT; INSERT INTO tx VALUES (1)",
           "C INSERT 0 1 | N WARNING 25P01 there is no transaction in progress | C COMMIT | "
           "E ERROR 23505 duplicate key value violates unique constraint \"tx_pkey\" "
           "detail=Key (a)=(1) already exists. [I]");
    EXPECT(s, "INSERT INTO tx VALUES (3); ROLLBACK; INSERT INTO tx VALUES (4)",
           "C INSERT 0 1 | N WARNING 25P01 there is no transaction in progress | C ROLLBACK | "
           "C INSERT 0 1 [I]");
    EXPECT(s, "SELECT a FROM tx ORDER BY a", "T a:23:-1 | D 1 | D 4 | D 7 | C SELECT 3 [I]");
    EXPECT(s, "INSERT INTO tx VALUES (5); BEGIN; INSERT INTO tx VALUES (6)",
           "C INSERT 0 1 | C BEGIN | C INSERT 0 1 [T]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(s, "SELECT a FROM tx ORDER BY a", "T a:23:-1 | D 1 | D 4 | D 7 | C SELECT 3 [I]");

    /* settings */
    EXPECT(s, "SHOW timezone", "T TimeZone:25:-1 | D UTC | C SHOW [I]");
    EXPECT(s, "SET application_name = 'app'", "C SET | S application_name=app [I]");
    EXPECT(s, "SHOW application_name", "T application_name:25:-1 | D app | C SHOW [I]");
    EXPECT(s, "SET extra_float_digits = 3", "C SET [I]");
    EXPECT(s, "SET extra_float_digits = 10",
           "E ERROR 22023 10 is outside the valid range for parameter \"extra_float_digits\" (-15 "
           ".. 3) [I]");
    EXPECT(s, "SET datestyle = 'iso, mdy'", "C SET [I]");
    EXPECT(s, "SET datestyle = 'foo'",
           "E ERROR 22023 invalid value for parameter \"DateStyle\": \"foo\" detail=Unrecognized "
           "key word: \"foo\". [I]");
    EXPECT(s, "SET foo = 1", "E ERROR 42704 unrecognized configuration parameter \"foo\" [I]");
    EXPECT(s, "SHOW foo", "E ERROR 42704 unrecognized configuration parameter \"foo\" [I]");
    EXPECT(s, "SET server_version = '1'",
           "E ERROR 55P02 parameter \"server_version\" cannot be changed [I]");
    EXPECT(s, "SET client_encoding = 'foo'",
           "E ERROR 22023 invalid value for parameter \"client_encoding\": \"foo\" [I]");
    EXPECT(s, "SET search_path = public, foo", "C SET [I]");
    EXPECT(s, "SHOW search_path", "T search_path:25:-1 | D public, foo | C SHOW [I]");
    EXPECT(s, "BEGIN; SET application_name = 'in'; ROLLBACK", "C BEGIN | C SET | C ROLLBACK [I]");
    EXPECT(s, "SET application_name = 'x'; SELECT 1/0",
           "C SET | E ERROR 22012 division by zero [I]");
    EXPECT(s, "RESET application_name", "C RESET | S application_name= [I]");
    EXPECT(s, "SET LOCAL application_name = 'l'",
           "N WARNING 25P01 SET LOCAL can only be used in transaction blocks | C SET [I]");
    EXPECT(s, "BEGIN; SET LOCAL application_name = 'l'; SHOW application_name",
           "C BEGIN | C SET | T application_name:25:-1 | D l | C SHOW | S application_name=l [T]");
    EXPECT(s, "COMMIT", "C COMMIT | S application_name= [I]");
    EXPECT(s, "INSERT INTO tx VALUES (10), (11); INSERT INTO tx DEFAULT VALUES",
           "C INSERT 0 2 | E ERROR 23502 null value in column \"a\" of relation \"tx\" violates "
           "not-null constraint detail=Failing row contains (null). [I]");
    EXPECT(s, "INSERT INTO tx VALUES (10), (11, 12)",
           "E ERROR 42601 VALUES lists must all be the same length @30 [I]");
    EXPECT(s, "SET application_name = 'p'; DISCARD ALL",
           "C SET | E ERROR 25001 DISCARD ALL cannot run inside a transaction block [I]");
    EXPECT(s, "SET application_name = 'p'", "C SET | S application_name=p [I]");
    EXPECT(s, "DISCARD ALL", "C DISCARD ALL | S application_name= [I]");
    EXPECT(s, "SET ROLE x", "E ERROR 0A000 SET ROLE is not supported [I]");
    EXPECT(s, "SET TIME ZONE 'utc'", "C SET [I]");
    EXPECT(s, "SET TIME ZONE 'Foo/Bar'",
           "E ERROR 22023 invalid value for parameter \"TimeZone\": \"Foo/Bar\" [I]");

    /* startup parameters */
    adp_session *u = adp_session_new(db);
    pgw_error e;
    if (adp_session_startup_param(u, "database", "other", &e) || strcmp(e.sqlstate, "3D000") != 0 ||
        strcmp(e.message, "database \"other\" does not exist") != 0)
        t_failed++, fprintf(stderr, "database startup param not refused\n");
    else
        t_passed++;
    if (adp_session_startup_param(u, "nonsense", "1", &e) || strcmp(e.sqlstate, "42704") != 0)
        t_failed++, fprintf(stderr, "unknown startup param not refused\n");
    else
        t_passed++;
    if (!adp_session_startup_param(u, "user", "alice", &e) ||
        !adp_session_startup_param(u, "application_name", "psql", &e) ||
        !adp_session_startup_param(u, "options", "-c extra_float_digits=2", &e))
        t_failed++, fprintf(stderr, "startup params refused: %s\n", e.message);
    else
        t_passed++;
    pgw_buf b;
    pgw_buf_init(&b);
    adp_session_report_params(u, &b);
    char *r = render(&b);
    if (!strstr(r, "S session_authorization=alice") ||
        !strstr(r, "S server_version=15.0 (pgpeek ") || !strstr(r, "S application_name=psql") ||
        !strstr(r, "S client_encoding=UTF8") || !strstr(r, "S DateStyle=ISO, MDY") ||
        !strstr(r, "S TimeZone=UTC") || !strstr(r, "S integer_datetimes=on") ||
        !strstr(r, "S standard_conforming_strings=on"))
        t_failed++, fprintf(stderr, "report params: %s\n", r);
    else
        t_passed++;
    free(r);
    pgw_buf_free(&b);
    EXPECT(u, "SELECT current_user, session_user",
           "T current_user:19:-1,session_user:19:-1 | D alice,alice | C SELECT 1 [I]");
    EXPECT(u, "SET application_name = 'x'; RESET application_name", "C SET | C RESET [I]");
    EXPECT(u, "SHOW extra_float_digits", "T extra_float_digits:25:-1 | D 2 | C SHOW [I]");
    adp_session_free(u);

    /* an open block is rolled back when the session ends */
    EXPECT(o, "BEGIN; DELETE FROM tx", "C BEGIN | C DELETE 3 [T]");
    adp_session_free(o);
    EXPECT(s, "SELECT count(*) FROM tx", "T count:20:-1 | D 3 | C SELECT 1 [I]");
    adp_session_free(s);
    adp_db_close(db);
    return finish();
}
