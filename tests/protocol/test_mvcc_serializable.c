/* test_mvcc_serializable: transaction blocks are serializable, not only snapshot isolated.
 * Two blocks that each read what the other writes (write skew) cannot both commit: the
 * second COMMIT fails with 40001 and leaves nothing behind, through the simple protocol,
 * the fast path's cached plans and peek cache, and prepared statements alike. Blocks that
 * do not depend on each other, read-only blocks and insert-only blocks all commit, and
 * blocks reading and writing different keys of one table commit too. */
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

/* Reads by unique key depend on that key's rows only: blocks that move money between
 * different accounts of one table both commit; the same reads and writes on one account,
 * a key read that a concurrent insert makes stale (a phantom), and write skew through
 * keys still fail. Through the simple protocol, the fast path and prepared statements. */
static void test_key_reads(void)
{
    PGconn *a = conn(), *b = conn(), *w = conn();
    pt_pq_expect(a, "CREATE TABLE acct (id int PRIMARY KEY, bal int)", "CREATE TABLE");
    pt_pq_expect(a, "INSERT INTO acct VALUES (1, 100), (2, 100), (3, 100), (4, 100)", "INSERT 0 4");
    for (int round = 0; round < 3; round++) { /* cold, then cached (fast path) texts */
        /* a: 1 -> 2, b: 3 -> 4, each reading its own accounts by key: both commit */
        pt_pq_expect(a, "BEGIN", "BEGIN");
        pt_pq_expect(b, "BEGIN", "BEGIN");
        CHECK(scalar(a, "SELECT bal FROM acct WHERE id = 1") >= 0);
        CHECK(scalar(b, "SELECT bal FROM acct WHERE id = 3") >= 0);
        pt_pq_expect(a, "UPDATE acct SET bal = bal - 10 WHERE id = 1", "UPDATE 1");
        pt_pq_expect(b, "UPDATE acct SET bal = bal - 10 WHERE id = 3", "UPDATE 1");
        pt_pq_expect(a, "UPDATE acct SET bal = bal + 10 WHERE id = 2", "UPDATE 1");
        pt_pq_expect(b, "UPDATE acct SET bal = bal + 10 WHERE id = 4", "UPDATE 1");
        pt_pq_expect(a, "COMMIT", "COMMIT");
        pt_pq_expect(b, "COMMIT", "COMMIT");
    }
    CHECK_INT(scalar(w, "SELECT sum(bal) FROM acct"), 400);
    CHECK_INT(scalar(w, "SELECT bal FROM acct WHERE id = 2"), 130);
    /* prepared statements read by key too (prepared outside the block: describing a
     * missing statement inside it would abort the block) */
    CHECK_INT(scalar_prepared(a, "k1", "SELECT bal FROM acct WHERE id = 1"), 70);
    CHECK_INT(scalar_prepared(b, "k3", "SELECT bal FROM acct WHERE id = 3"), 70);
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(b, "BEGIN", "BEGIN");
    CHECK_INT(scalar_prepared(a, "k1", "SELECT bal FROM acct WHERE id = 1"), 70);
    CHECK_INT(scalar_prepared(b, "k3", "SELECT bal FROM acct WHERE id = 3"), 70);
    pt_pq_expect(a, "UPDATE acct SET bal = bal + 1 WHERE id = 1", "UPDATE 1");
    pt_pq_expect(b, "UPDATE acct SET bal = bal + 1 WHERE id = 3", "UPDATE 1");
    pt_pq_expect(b, "COMMIT", "COMMIT");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    /* write skew through keys: a reads 2 and writes 1, b reads 1 and writes 2 */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(b, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT bal FROM acct WHERE id = 2"), 130);
    CHECK_INT(scalar(b, "SELECT bal FROM acct WHERE id = 1"), 71);
    pt_pq_expect(a, "UPDATE acct SET bal = 0 WHERE id = 1", "UPDATE 1");
    pt_pq_expect(b, "UPDATE acct SET bal = 0 WHERE id = 2", "UPDATE 1");
    pt_pq_expect(a, "COMMIT", "COMMIT");
    pt_pq_expect(b, "COMMIT", "40001");
    CHECK_INT(scalar(w, "SELECT bal FROM acct WHERE id = 2"), 130);
    /* a phantom: a finds no account 9, b creates it; a's write may depend on its absence */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT count(*) FROM acct WHERE id = 9"), 0);
    pt_pq_expect(b, "INSERT INTO acct VALUES (9, 5)", "INSERT 0 1");
    pt_pq_expect(a, "UPDATE acct SET bal = bal + 1 WHERE id = 4", "UPDATE 1");
    pt_pq_expect(a, "COMMIT", "40001");
    /* a scan still depends on every row */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    CHECK(scalar(a, "SELECT sum(bal) FROM acct") > 0);
    pt_pq_expect(b, "UPDATE acct SET bal = bal + 1 WHERE id = 9", "UPDATE 1");
    pt_pq_expect(a, "UPDATE acct SET bal = bal + 1 WHERE id = 4", "UPDATE 1");
    pt_pq_expect(a, "COMMIT", "40001");
    /* DDL on the table conflicts with every key read */
    pt_pq_expect(a, "BEGIN", "BEGIN");
    CHECK_INT(scalar(a, "SELECT bal FROM acct WHERE id = 3"), 71);
    pt_pq_expect(b, "CREATE TABLE other (x int)", "CREATE TABLE");
    pt_pq_expect(b, "TRUNCATE acct", "TRUNCATE TABLE");
    pt_pq_expect(a, "INSERT INTO other VALUES (1)", "INSERT 0 1");
    pt_pq_expect(a, "COMMIT", "40001");
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
    PT_RUN(test_key_reads);
    pgpeek_stop(s);
    return pt_finish();
}
