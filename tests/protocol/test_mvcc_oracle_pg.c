/* test_mvcc_oracle_pg: strict serializable reads with the shared oracle backend, through
 * the embedded server and a private PostgreSQL 15. Reads take their timestamp from the
 * oracle's batching layer (the connection waits for it without blocking its worker), never
 * from the atomic; `serializable` never asks; a block asks once, for its first statement;
 * and the linearizability checker passes on single-row registers. */
#include "unit/orc_test_util.h"

#include "protocol/pt_client.h"

static tu_pg pg;
static int port;
static pgpeek_server *srv;

static PGconn *conn(void)
{
    return pt_pq_connect(port);
}

#include "protocol/mvcc_lz.h"

static long long metric(const char *name)
{
    char body[16384];
    if (pt_http_get(pgpeek_http_port(srv), "/metrics", body, sizeof body) != 200) return -1;
    return pt_metric(body, name);
}

#define READS "pgpeek_oracle_calls_total{op=\"read\"}"

static long long value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long long v =
        PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

static void test_reads_ask_the_oracle(void)
{
    PGconn *c = conn();
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    CHECK(pt_pq_run(c, "CREATE TABLE t (k int PRIMARY KEY, v int)", false));
    CHECK(pt_pq_run(c, "INSERT INTO t VALUES (1, 1)", false));
    long long r0 = metric(READS);
    /* strict serializable (the default): one oracle read per statement that reads */
    for (int i = 0; i < 5; i++)
        CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 1);
    CHECK_INT(metric(READS) - r0, 5);
    /* the extended protocol too */
    r0 = metric(READS);
    const char *k = "1";
    PGresult *r = PQexecParams(c, "SELECT v FROM t WHERE k = $1", 1, NULL, &k, NULL, NULL, 0);
    CHECK_STR(PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?", "1");
    PQclear(r);
    CHECK_INT(metric(READS) - r0, 1);
    /* a block asks for its first statement only, and reads there for the rest */
    r0 = metric(READS);
    CHECK(pt_pq_run(c, "BEGIN", false));
    CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 1);
    CHECK(pt_pq_run(c, "UPDATE t SET v = 2 WHERE k = 1", false));
    CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 2);
    CHECK(pt_pq_run(c, "COMMIT", false));
    CHECK_INT(metric(READS) - r0, 1);
    /* an autocommit write reads the newest local state: no oracle read */
    r0 = metric(READS);
    CHECK(pt_pq_run(c, "UPDATE t SET v = v + 1 WHERE k = 1", false));
    CHECK_INT(metric(READS) - r0, 0);
    /* read your own write: the next read's timestamp covers the acknowledged commit */
    CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 3);
    CHECK_INT(value(c, "UPDATE t SET v = v + 1 WHERE k = 1; SELECT v FROM t WHERE k = 1"), 4);
    /* serializable never calls the oracle */
    CHECK(pt_pq_run(c, "SET transaction_isolation = 'serializable'", false));
    r0 = metric(READS);
    for (int i = 0; i < 5; i++)
        CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 4);
    CHECK_INT(metric(READS) - r0, 0);
    CHECK(pt_pq_run(c, "SET transaction_isolation = 'strict serializable'", false));
    /* the atomic fast path is never taken with the shared backend */
    CHECK_INT(metric("pgpeek_oracle_fast_reads_total"), 0);
    PQfinish(c);
}

/* Several connections pipelining reads and writes: every answer in order, each read at a
 * timestamp from the oracle. */
static void test_pipelined_reads(void)
{
    int fd = pt_connect(port);
    char types[64];
    CHECK(pt_startup(fd, types, sizeof types));
    char buf[4096];
    size_t n = 0;
    n += pt_query_msg(buf + n, sizeof buf - n, "SELECT v FROM t WHERE k = 1");
    n += pt_query_msg(buf + n, sizeof buf - n, "UPDATE t SET v = 10 WHERE k = 1");
    n += pt_query_msg(buf + n, sizeof buf - n, "SELECT v FROM t WHERE k = 1");
    n += pt_query_msg(buf + n, sizeof buf - n, "SELECT 1/0 FROM t");
    n += pt_query_msg(buf + n, sizeof buf - n, "SELECT count(*) FROM t");
    CHECK(pt_send(fd, buf, n));
    int rows;
    pt_err e;
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_INT(rows, 1);
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_INT(rows, 0);
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_INT(rows, 1);
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_STR(e.sqlstate, "22012");
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_INT(rows, 1);
    close(fd);
    PGconn *c = conn();
    CHECK_INT(value(c, "SELECT v FROM t WHERE k = 1"), 10);
    PQfinish(c);
}

/* The oracle's database goes away: a read waits for its timestamp without blocking its
 * worker (serializable sessions on the same workers go on), then fails with 58000 once
 * the oracle gives up; the connection stays usable and reads again once it is back. */
static void test_oracle_down(void)
{
    PGconn *w = conn();
    PGconn *others[3];
    for (int i = 0; i < 3; i++) {
        others[i] = conn();
        CHECK(pt_pq_run(others[i], "SET transaction_isolation = 'serializable'", false));
    }
    tu_pg_halt(&pg);
    CHECK(PQsendQuery(w, "SELECT v FROM t WHERE k = 1"));
    uint64_t t0 = pt_now_ns();
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < 3; i++)
            CHECK_INT(value(others[i], "SELECT v FROM t WHERE k = 1"), 10);
    uint64_t others_ns = pt_now_ns() - t0;
    PGresult *r = PQgetResult(w);
    CHECK_INT(PQresultStatus(r), PGRES_FATAL_ERROR);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "58000");
    PQclear(r);
    while ((r = PQgetResult(w)))
        PQclear(r);
    uint64_t waited_ns = pt_now_ns() - t0;
    /* the others finished while the read still waited for the oracle */
    CHECK(others_ns < waited_ns);
    CHECK(tu_pg_start(&pg));
    long long v = -1;
    for (int i = 0; i < 100 && v != 10; i++) /* the pool reconnects with backoff */
        v = value(w, "SELECT v FROM t WHERE k = 1");
    CHECK_INT(v, 10);
    printf("oracle down: the others took %.1f ms, the read failed after %.1f s\n",
           (double)others_ns / 1e6, (double)waited_ns / 1e9);
    for (int i = 0; i < 3; i++)
        PQfinish(others[i]);
    PQfinish(w);
}

int main(void)
{
    if (!tu_pg_init(&pg)) {
        fprintf(stderr, "FAIL: the shared-backend tests need a private PostgreSQL 15\n");
        CHECK(false);
        tu_pg_stop(&pg);
        return pt_finish();
    }
    pgpeek_config cfg = pt_config();
    cfg.timestamp_oracle_url = pg.url;
    srv = pt_start(&cfg);
    port = pgpeek_port(srv);
    test_reads_ask_the_oracle();
    test_pipelined_reads();
    test_linearizable_registers();
    test_oracle_down();
    long long reads = metric(READS);
    CHECK(reads > 0);
    CHECK_INT(metric("pgpeek_oracle_fast_reads_total"), 0);
    printf("oracle: %lld reads, %lld batches\n", reads, metric("pgpeek_oracle_batches_total"));
    pgpeek_stop(srv);
    tu_pg_stop(&pg);
    return pt_finish();
}
