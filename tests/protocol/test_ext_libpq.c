/* test_ext_libpq: prepared statements, binary results and pipeline mode through libpq,
 * checking every value and type OID; what drivers send at connect. */
#include <math.h>

#include "protocol/pt_client.h"

static int port;

static PGconn *conn(const char *extra)
{
    char ci[512];
    snprintf(ci, sizeof ci,
             "host=127.0.0.1 port=%d user=materialize dbname=materialize connect_timeout=10 "
             "sslmode=disable gssencmode=disable %s",
             port, extra ? extra : "");
    PGconn *c = PQconnectdb(ci);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    return c;
}

static void ok_cmd(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    PQclear(r);
}

static uint64_t be64(const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (unsigned char)p[i];
    return v;
}

#define NCOLS 13
static const char *cols_sql =
    "CREATE TABLE lt (b bool, i2 int2, i4 int4 PRIMARY KEY, i8 int8, f4 float4, f8 float8, "
    "n numeric(10,3), t text, v varchar(10), by bytea, d date, ts timestamp, tz timestamptz)";
static const uint32_t col_oids[NCOLS] = {16, 21,   23, 20,   700,  701, 1700,
                                         25, 1043, 17, 1082, 1114, 1184};
static const char *row1[NCOLS] = {"t",
                                  "-7",
                                  "1",
                                  "9000000000",
                                  "0.25",
                                  "0.1",
                                  "12.340",
                                  "héllo",
                                  "vv",
                                  "\\x00ff10",
                                  "2024-02-29",
                                  "2024-02-29 13:14:15.123456",
                                  "2024-02-29 13:14:15+00"};

static void test_prepared_values(void)
{
    PGconn *c = conn(NULL);
    ok_cmd(c, cols_sql);
    /* INSERT: parameter types inferred from the target columns */
    PGresult *r = PQprepare(
        c, "ins", "INSERT INTO lt VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)", 0, NULL);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    r = PQdescribePrepared(c, "ins");
    CHECK_INT(PQnparams(r), NCOLS);
    for (int i = 0; i < NCOLS && i < PQnparams(r); i++)
        CHECK_INT(PQparamtype(r, i), col_oids[i]);
    CHECK_INT(PQnfields(r), 0);
    PQclear(r);
    r = PQexecPrepared(c, "ins", NCOLS, row1, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    CHECK_STR(PQcmdStatus(r), "INSERT 0 1");
    PQclear(r);
    const char *row2[NCOLS] = {NULL, NULL, "2"}; /* the rest NULL */
    r = PQexecPrepared(c, "ins", NCOLS, row2, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);

    /* SELECT with a bound WHERE, text results: every value and type */
    r = PQprepare(c, "sel", "SELECT * FROM lt WHERE i4 = $1", 0, NULL);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    r = PQdescribePrepared(c, "sel");
    CHECK_INT(PQnparams(r), 1);
    CHECK_INT(PQparamtype(r, 0), 23);
    CHECK_INT(PQnfields(r), NCOLS);
    for (int i = 0; i < NCOLS && i < PQnfields(r); i++)
        CHECK_INT(PQftype(r, i), col_oids[i]);
    PQclear(r);
    const char *one[] = {"1"};
    r = PQexecPrepared(c, "sel", 1, one, NULL, NULL, 0);
    CHECK_INT(PQntuples(r), 1);
    for (int i = 0; i < NCOLS; i++) {
        CHECK_INT(PQftype(r, i), col_oids[i]);
        CHECK_STR(PQgetvalue(r, 0, i), row1[i]);
    }
    PQclear(r);
    const char *two[] = {"2"};
    r = PQexecPrepared(c, "sel", 1, two, NULL, NULL, 0);
    CHECK_INT(PQntuples(r), 1);
    for (int i = 0; i < NCOLS; i++)
        CHECK_INT(PQgetisnull(r, 0, i), i != 2);
    PQclear(r);

    /* binary results (resultFormat = 1) */
    r = PQexecPrepared(c, "sel", 1, one, NULL, NULL, 1);
    CHECK_INT(PQntuples(r), 1);
    for (int i = 0; i < NCOLS; i++)
        CHECK_INT(PQfformat(r, i), 1);
    CHECK_INT(PQgetlength(r, 0, 0), 1);
    CHECK_INT(PQgetvalue(r, 0, 0)[0], 1);
    CHECK_INT(PQgetlength(r, 0, 1), 2);
    CHECK_INT(((unsigned char)PQgetvalue(r, 0, 1)[0] << 8) | (unsigned char)PQgetvalue(r, 0, 1)[1],
              0xfff9);
    CHECK_INT(pt_get32(PQgetvalue(r, 0, 2)), 1);
    CHECK(be64(PQgetvalue(r, 0, 3)) == 9000000000ull);
    uint32_t f4bits = pt_get32(PQgetvalue(r, 0, 4));
    float f4;
    memcpy(&f4, &f4bits, 4);
    CHECK(f4 == 0.25f);
    uint64_t f8bits = be64(PQgetvalue(r, 0, 5));
    double f8;
    memcpy(&f8, &f8bits, 8);
    CHECK(f8 == 0.1);
    /* numeric 12.340: ndigits 2, weight 0, sign 0, dscale 3, digits 12, 3400 */
    CHECK_BYTES(PQgetvalue(r, 0, 6), (size_t)PQgetlength(r, 0, 6), "\0\2\0\0\0\0\0\3\0\x0c\x0d\x48",
                12);
    CHECK_BYTES(PQgetvalue(r, 0, 7), (size_t)PQgetlength(r, 0, 7), "h\xc3\xa9llo", 6);
    CHECK_BYTES(PQgetvalue(r, 0, 9), (size_t)PQgetlength(r, 0, 9), "\0\xff\x10", 3);
    CHECK_INT(pt_get32(PQgetvalue(r, 0, 10)), 8825); /* days from 2000-01-01 */
    CHECK(be64(PQgetvalue(r, 0, 11)) == 762527655123456ull);
    CHECK(be64(PQgetvalue(r, 0, 12)) == 762527655000000ull);
    PQclear(r);

    /* binary parameters: int4 in, per-column result formats */
    uint32_t be1 = htonl(1);
    const char *bv[] = {(const char *)&be1};
    int lens[] = {4}, fmts[] = {1};
    r = PQexecParams(c, "SELECT i4, t FROM lt WHERE i4 = $1", 1, NULL, bv, lens, fmts, 0);
    CHECK_INT(PQresultStatus(r), PGRES_TUPLES_OK);
    CHECK_INT(PQntuples(r), 1);
    CHECK_STR(PQgetvalue(r, 0, 1), "héllo");
    PQclear(r);
    /* a binary int4 of 8 bytes */
    char eight[8] = {0};
    const char *bad[] = {eight};
    int badlen[] = {8};
    r = PQexecParams(c, "SELECT i4 FROM lt WHERE i4 = $1", 1, NULL, bad, badlen, fmts, 0);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "22P03");
    PQclear(r);

    /* syntax error, and the connection still works */
    r = PQprepare(c, "", "SELEC 1", 0, NULL);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42601");
    PQclear(r);
    /* one parameterized query 100 times */
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "%d", i % 3);
        const char *p[] = {k};
        r = PQexecPrepared(c, "sel", 1, p, NULL, NULL, 0);
        CHECK_INT(PQntuples(r), (i % 3 == 1 || i % 3 == 2) ? 1 : 0);
        PQclear(r);
    }
    /* a cached INSERT plan still honours READ ONLY */
    ok_cmd(c, "BEGIN READ ONLY");
    const char *row4[NCOLS] = {NULL, NULL, "4"};
    r = PQexecPrepared(c, "ins", NCOLS, row4, NULL, NULL, 0);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "25006");
    CHECK_STR(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
              "cannot execute INSERT in a read-only transaction");
    PQclear(r);
    ok_cmd(c, "ROLLBACK");
    /* BEGIN / INSERT / ROLLBACK */
    ok_cmd(c, "BEGIN");
    const char *row3[NCOLS] = {NULL, NULL, "3"};
    r = PQexecPrepared(c, "ins", NCOLS, row3, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    ok_cmd(c, "ROLLBACK");
    const char *three[] = {"3"};
    r = PQexecPrepared(c, "sel", 1, three, NULL, NULL, 0);
    CHECK_INT(PQntuples(r), 0);
    PQclear(r);
    /* the table is made again: the cached plan is made again; a different result shape is
     * refused as PostgreSQL refuses it */
    ok_cmd(c, "DROP TABLE lt");
    ok_cmd(c, cols_sql);
    r = PQexecPrepared(c, "ins", NCOLS, row1, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    r = PQexecPrepared(c, "sel", 1, one, NULL, NULL, 0);
    CHECK_INT(PQntuples(r), 1);
    CHECK_STR(PQgetvalue(r, 0, 7), "héllo");
    PQclear(r);
    ok_cmd(c, "DROP TABLE lt");
    ok_cmd(c, "CREATE TABLE lt (i4 int4 PRIMARY KEY, x text)");
    r = PQexecPrepared(c, "sel", 1, one, NULL, NULL, 0);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "0A000");
    CHECK_STR(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
              "cached plan must not change result type");
    PQclear(r);
    ok_cmd(c, "DROP TABLE lt");
    r = PQexecPrepared(c, "sel", 1, one, NULL, NULL, 0);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42P01");
    PQclear(r);
    PQfinish(c);
}

static void test_pipeline(void)
{
    PGconn *c = conn(NULL);
    ok_cmd(c, "CREATE TABLE pl (id int4 PRIMARY KEY, v text)");
    CHECK_INT(PQenterPipelineMode(c), 1);
    for (int i = 1; i <= 3; i++) {
        char k[8];
        snprintf(k, sizeof k, "%d", i);
        const char *p[] = {k, k};
        CHECK_INT(PQsendQueryParams(c, "INSERT INTO pl VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0),
                  1);
    }
    CHECK_INT(PQsendQueryParams(c, "SELECT count(*), max(v) FROM pl", 0, NULL, NULL, NULL, NULL, 1),
              1);
    CHECK_INT(PQpipelineSync(c), 1);
    /* second batch: an error in the middle aborts the rest of it */
    const char *dup[] = {"1", "x"};
    CHECK_INT(PQsendQueryParams(c, "INSERT INTO pl VALUES ($1, $2)", 2, NULL, dup, NULL, NULL, 0),
              1);
    CHECK_INT(PQsendQueryParams(c, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0), 1);
    CHECK_INT(PQpipelineSync(c), 1);
    CHECK_INT(PQsendQueryParams(c, "SELECT count(*) FROM pl", 0, NULL, NULL, NULL, NULL, 0), 1);
    CHECK_INT(PQpipelineSync(c), 1);
    int expect[] = {PGRES_COMMAND_OK,       PGRES_COMMAND_OK,    PGRES_COMMAND_OK,
                    PGRES_TUPLES_OK,        PGRES_PIPELINE_SYNC, PGRES_FATAL_ERROR,
                    PGRES_PIPELINE_ABORTED, PGRES_PIPELINE_SYNC, PGRES_TUPLES_OK,
                    PGRES_PIPELINE_SYNC};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        PGresult *r = PQgetResult(c);
        CHECK(r != NULL);
        if (!r) break;
        CHECK_INT(PQresultStatus(r), expect[i]);
        if (i == 3) {
            CHECK_INT(PQftype(r, 0), 20);
            CHECK(be64(PQgetvalue(r, 0, 0)) == 3);
            CHECK_STR(PQgetvalue(r, 0, 1), "3");
        }
        if (i == 5) CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23505");
        if (i == 8) CHECK_STR(PQgetvalue(r, 0, 0), "3");
        PQclear(r);
        if (expect[i] != PGRES_PIPELINE_SYNC) {
            r = PQgetResult(c); /* NULL ends each query's results */
            CHECK(r == NULL);
            PQclear(r);
        }
    }
    CHECK_INT(PQexitPipelineMode(c), 1);
    ok_cmd(c, "DROP TABLE pl");
    PQfinish(c);
}

static const char *one_value(PGconn *c, const char *sql, char *buf, size_t cap)
{
    /* through the extended protocol, as drivers send it */
    PGresult *r = PQexecParams(c, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    snprintf(buf, cap, "%s", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "?");
    PQclear(r);
    return buf;
}

static void test_connect_queries(void)
{
    /* JDBC sends these as startup parameters */
    PGconn *c = conn("options='-c extra_float_digits=3' application_name='PostgreSQL JDBC Driver'");
    char v[128];
    CHECK_STR(one_value(c, "SHOW extra_float_digits", v, sizeof v), "3");
    CHECK_STR(one_value(c, "SHOW application_name", v, sizeof v), "PostgreSQL JDBC Driver");
    CHECK_STR(one_value(c, "SELECT 0.1::float8 + 0.2::float8", v, sizeof v), "0.30000000000000004");
    CHECK_STR(one_value(c, "SELECT 1::float8 / 3", v, sizeof v), "0.3333333333333333");
    CHECK_STR(one_value(c, "SELECT 0.1::float4", v, sizeof v), "0.1");
    PGresult *r;
    const char *cmds[] = {"SET extra_float_digits = 3", "SET application_name = 'x'",
                          "SET datestyle = 'ISO'", "BEGIN READ WRITE", "COMMIT"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        r = PQexecParams(c, cmds[i], 0, NULL, NULL, NULL, NULL, 0);
        CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
    }
    CHECK_STR(PQparameterStatus(c, "application_name"), "x");
    /* SHOW through Parse/Describe answers what the simple protocol answers */
    PGresult *sh = PQexec(c, "SHOW transaction_isolation");
    CHECK_INT(PQntuples(sh), 1);
    CHECK(strlen(PQgetvalue(sh, 0, 0)) > 0);
    CHECK_STR(one_value(c, "SHOW transaction_isolation", v, sizeof v), PQgetvalue(sh, 0, 0));
    PQclear(sh);
    CHECK_STR(one_value(c, "SELECT 1", v, sizeof v), "1");
    CHECK_STR(one_value(c, "select current_schema()", v, sizeof v), "public");
    r = PQexecParams(c, "select current_schema()", 0, NULL, NULL, NULL, NULL, 0);
    CHECK_INT(PQftype(r, 0), 19);
    PQclear(r);
    /* postgres.js's array-type query, simple and extended */
    const char *q = "select b.oid, b.typarray from pg_catalog.pg_type a left join "
                    "pg_catalog.pg_type b on b.oid = a.typelem where a.typcategory = 'A' group "
                    "by b.oid, b.typarray order by b.oid";
    for (int ext = 0; ext < 2; ext++) {
        r = ext ? PQexecParams(c, q, 0, NULL, NULL, NULL, NULL, 0) : PQexec(c, q);
        CHECK_INT(PQntuples(r), 13);
        CHECK_INT(PQftype(r, 0), 26);
        if (PQntuples(r) == 13) {
            CHECK_STR(PQgetvalue(r, 8, 0), "1043");
            CHECK_STR(PQgetvalue(r, 8, 1), "1015");
        }
        PQclear(r);
    }
    /* SQL PREPARE and psql-style describe */
    ok_cmd(c, "PREPARE pq (int8, text) AS SELECT $1 + 1 AS n, $2 AS s");
    r = PQexec(c, "EXECUTE pq(41, 'x')");
    CHECK_STR(PQgetvalue(r, 0, 0), "42");
    CHECK_INT(PQftype(r, 0), 20);
    CHECK_STR(PQgetvalue(r, 0, 1), "x");
    PQclear(r);
    r = PQdescribePrepared(c, "pq");
    CHECK_INT(PQnparams(r), 2);
    CHECK_INT(PQparamtype(r, 0), 20);
    CHECK_INT(PQparamtype(r, 1), 25);
    PQclear(r);
    ok_cmd(c, "DEALLOCATE PREPARE pq");
    r = PQexec(c, "EXECUTE pq(1, 'y')");
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "26000");
    PQclear(r);
    PQfinish(c);
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PT_RUN(test_prepared_values);
    PT_RUN(test_pipeline);
    PT_RUN(test_connect_queries);
    pgpeek_stop(s);
    return pt_finish();
}
