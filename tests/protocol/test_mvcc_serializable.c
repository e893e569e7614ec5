/* test_mvcc_serializable: transaction blocks are serializable, not only snapshot isolated.
 * Two blocks that each read what the other writes (write skew) cannot both commit: the
 * second COMMIT fails with 40001 and leaves nothing behind, through the simple protocol,
 * the fast path's cached plans and peek cache, and prepared statements alike. Blocks that
 * do not depend on each other, read-only blocks and insert-only blocks all commit. */
#include "protocol/pt_client.h"

static int port;

static PGconn *conn(void)
{
    PGconn *c = pt_pq_connect(port);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    return c;
}

static long scalar(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atol(PQgetvalue(r, 0, 0))
                                                                       : -999;
    if (v == -999) fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

/* The same through a prepared statement (Bind/Execute; the fast path's prepared side). */
static long scalar_prepared(PGconn *c, const char *name, const char *sql)
{
    PGresult *r = PQdescribePrepared(c, name);
    bool have = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!have) {
        r = PQprepare(c, name, sql, 0, NULL);
        CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
    }
    r = PQexecPrepared(c, name, 0, NULL, NULL, NULL, 0);
    long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atol(PQgetvalue(r, 0, 0))
                                                                       : -999;
    PQclear(r);
    return v;
}

static const char *oncall = "SELECT count(*) FROM doctors WHERE oncall";

/* Both doctors on call; each block sees two and takes one off: only one may commit. */
static void write_skew(PGconn *a, PGconn *b, bool prepared, bool warm)
{
    pt_pq_expect(a, "DELETE FROM doctors", "DELETE 2");
    pt_pq_expect(a, "INSERT INTO doctors VALUES ('alice', true), ('bob', true)", "INSERT 0 2");
    if (warm) /* the text is cached (fast path) and its rows kept (peek cache) */
        for (int i = 0; i < 3; i++) {
            CHECK_INT(prepared ? scalar_prepared(a, "q", oncall) : scalar(a, oncall), 2);
            CHECK_INT(prepared ? scalar_prepared(b, "q", oncall) : scalar(b, oncall), 2);
        }
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(b, "BEGIN", "BEGIN");
    CHECK_INT(prepared ? scalar_prepared(a, "q", oncall) : scalar(a, oncall), 2);
    CHECK_INT(prepared ? scalar_prepared(b, "q", oncall) : scalar(b, oncall), 2);
    pt_pq_expect(a, "UPDATE doctors SET oncall = false WHERE name = 'alice'", "UPDATE 1");
    pt_pq_expect(b, "UPDATE doctors SET oncall = false WHERE name = 'bob'", "UPDATE 1");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    pt_pq_expect(b, "COMMIT", "40001");
    /* b's change is gone, the connection is idle and usable, and a retry commits */
    CHECK_INT(PQtransactionStatus(b), PQTRANS_IDLE);
    CHECK_INT(scalar(b, oncall), 1);
    CHECK_INT(scalar(b, "SELECT count(*) FROM doctors WHERE name = 'bob' AND oncall"), 1);
    pt_pq_expect(b, "BEGIN", "BEGIN");
    CHECK_INT(scalar(b, oncall), 1);
    pt_pq_expect(b, "UPDATE doctors SET oncall = true WHERE name = 'alice'", "UPDATE 1");
    pt_pq_expect(b, "COMMIT", "COMMIT");
    CHECK_INT(scalar(a, oncall), 2);
}

static void test_write_skew(void)
{
    PGconn *a = conn(), *b = conn();
    pt_pq_expect(a, "CREATE TABLE doctors (name text PRIMARY KEY, oncall bool)", "CREATE TABLE");
    pt_pq_expect(a, "INSERT INTO doctors VALUES ('x', false), ('y', false)", "INSERT 0 2");
    write_skew(a, b, false, false);
    write_skew(a, b, false, true);
    write_skew(a, b, true, true);
    PQfinish(a);
    PQfinish(b);
}

static void test_independent_blocks_commit(void)
{
    PGconn *a = conn(), *b = conn(), *w = conn();
    pt_pq_expect(a, "CREATE TABLE ta (v int)", "CREATE TABLE");
    pt_pq_expect(a, "CREATE TABLE tb (v int)", "CREATE TABLE");
    pt_pq_expect(a, "CREATE TABLE tc (v int)", "CREATE TABLE");
    pt_pq_expect(a, "CREATE TABLE td (v int)", "CREATE TABLE");
    /* a reads ta and writes tb; b reads tc and writes td: no dependency */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(b, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT count(*) FROM ta"), 0);
    CHECK_INT(scalar(b, "SELECT count(*) FROM tc"), 0);
    pt_pq_expect(a, "INSERT INTO tb VALUES (1)", "INSERT 0 1");
    pt_pq_expect(b, "INSERT INTO td VALUES (1)", "INSERT 0 1");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    pt_pq_expect(b, "COMMIT", "COMMIT");
    /* insert-only blocks into one table read nothing: both commit */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(b, "BEGIN", "BEGIN");
    pt_pq_expect(a, "INSERT INTO ta VALUES (1)", "INSERT 0 1");
    pt_pq_expect(b, "INSERT INTO ta VALUES (2)", "INSERT 0 1");
    pt_pq_expect(b, "COMMIT", "COMMIT");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    CHECK_INT(scalar(w, "SELECT count(*) FROM ta"), 2);
    /* a read-only block commits whatever was written meanwhile, and reads repeatably */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT count(*) FROM ta"), 2);
    pt_pq_expect(w, "INSERT INTO ta VALUES (3)", "INSERT 0 1");
    CHECK_INT(scalar(a, "SELECT count(*) FROM ta"), 2);
    pt_pq_expect(a, "COMMIT", "COMMIT");
    /* a block whose read table is written by a statement outside any block after its
     * snapshot cannot commit a write that may depend on it */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT count(*) FROM ta"), 3);
    pt_pq_expect(w, "INSERT INTO ta VALUES (4)", "INSERT 0 1");
    pt_pq_expect(a, "INSERT INTO tb SELECT count(*) FROM ta", "INSERT 0 1");
    pt_pq_expect(a, "COMMIT", "40001");
    CHECK_INT(scalar(w, "SELECT count(*) FROM tb"), 1);
    /* ... but one that reads and writes alone commits */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(a, "INSERT INTO tb SELECT count(*) FROM ta", "INSERT 0 1");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    CHECK_INT(scalar(w, "SELECT max(v) FROM tb"), 4);
    PQfinish(a);
    PQfinish(b);
    PQfinish(w);
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PT_RUN(test_write_skew);
    PT_RUN(test_independent_blocks_commit);
    pgpeek_stop(s);
    return pt_finish();
}
