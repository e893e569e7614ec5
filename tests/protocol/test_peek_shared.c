/* test_peek_shared: the peek caches through the embedded server and libpq. One connection's
 * run serves another's (the shared cache), a commit to another table leaves a result
 * valid, a commit to its own table never lets an old result through, connections with
 * other output settings get their own bytes, and session-dependent queries are not
 * shared. The served-how metrics say which path answered. */
#include <stdlib.h>

#include "protocol/pt_client.h"

static int http;

static long long served(const char *how)
{
    char body[65536], name[128];
    if (pt_http_get(http, "/metrics", body, sizeof body) != 200) return -1;
    snprintf(name, sizeof name, "pgpeek_fastpath_served_total{served=\"%s\"}", how);
    return pt_metric(body, name);
}

/* The result as one string: rows by '|', columns by ','. */
static void result(PGconn *c, const char *sql, char *buf, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    size_t n = 0;
    buf[0] = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        snprintf(buf, cap, "error");
    }
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        for (int j = 0; j < PQnfields(r); j++)
            n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s",
                                  j   ? ","
                                  : i ? "|"
                                      : "",
                                  PQgetvalue(r, i, j));
    PQclear(r);
}

/* Runs sql on c and returns how many more times `how` served a query. */
static long long run_counted(PGconn *c, const char *sql, const char *how, char *buf, size_t cap)
{
    long long before = served(how);
    result(c, sql, buf, cap);
    return served(how) - before;
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    http = pgpeek_http_port(s);
    PGconn *a = pt_pq_connect(pgpeek_port(s)), *b = pt_pq_connect(pgpeek_port(s));
    CHECK(PQstatus(a) == CONNECTION_OK && PQstatus(b) == CONNECTION_OK);
    CHECK(pt_pq_run(a, "CREATE TABLE t (id int, f float8, name text)", false));
    CHECK(pt_pq_run(a, "CREATE TABLE u (x int)", false));
    char ins[8192];
    size_t n = (size_t)snprintf(ins, sizeof ins, "INSERT INTO t VALUES ");
    for (int i = 1; i <= 100; i++)
        n += (size_t)snprintf(ins + n, sizeof ins - n, "%s(%d, %d.0 / 3, 'n%d')", i > 1 ? ", " : "",
                              i, i, i);
    CHECK(pt_pq_run(a, ins, false));
    const char *q = "SELECT * FROM t";
    static char ra[16384], rb[16384], rc[16384];
    PGconn *c = pt_pq_connect(pgpeek_port(s));
    /* Each connection plans q once (a plan-cache miss is not counted as a hit), then a
     * commit to t makes every result so far stale. */
    result(a, q, ra, sizeof ra);
    result(b, q, rb, sizeof rb);
    result(c, q, rc, sizeof rc);
    CHECK(pt_pq_run(a, "UPDATE t SET name = 'n' || 1 WHERE id = 1", false));

    /* a's run is published; b copies it; then b has its own copy */
    CHECK(run_counted(a, q, "executor", ra, sizeof ra) == 1);
    CHECK(strstr(ra, "2,0.6666666666666666,n2") && strstr(ra, "1,0.3333333333333333,n1"));
    CHECK(run_counted(b, q, "peek_shared", rb, sizeof rb) == 1);
    CHECK_STR(rb, ra);
    CHECK(run_counted(b, q, "peek", rb, sizeof rb) == 1);
    CHECK_STR(rb, ra);

    /* a commit to another table: still valid, per connection and shared */
    CHECK(pt_pq_run(a, "INSERT INTO u VALUES (1)", false));
    CHECK(run_counted(a, q, "peek", rc, sizeof rc) == 1);
    CHECK_STR(rc, ra);
    CHECK(run_counted(c, q, "peek_shared", rc, sizeof rc) == 1);
    CHECK_STR(rc, ra);

    /* a commit to t: nobody gets the old rows, and the new ones are shared again */
    CHECK(pt_pq_run(c, "UPDATE t SET name = 'changed' WHERE id = 2", false));
    CHECK(run_counted(a, q, "executor", ra, sizeof ra) == 1);
    CHECK(strstr(ra, "2,0.6666666666666666,changed") != NULL);
    CHECK(run_counted(b, q, "peek_shared", rb, sizeof rb) == 1);
    CHECK_STR(rb, ra);
    CHECK(pt_pq_run(c, "DELETE FROM t WHERE id = 1", false));
    result(b, q, rb, sizeof rb);
    CHECK(strstr(rb, "2,0.6666666666666666,changed") && !strstr(rb, "1,0.3333333333333333"));
    result(c, q, rc, sizeof rc);
    CHECK_STR(rc, rb);

    /* other output settings: their own bytes, never the shortest-exact ones */
    CHECK(pt_pq_run(c, "SET extra_float_digits = 0", false));
    result(c, q, rc, sizeof rc); /* planned again under the new settings */
    CHECK(pt_pq_run(a, "UPDATE t SET name = 'again' WHERE id = 3", false));
    result(a, q, ra, sizeof ra);
    CHECK(strstr(ra, "|3,1,again") && strstr(ra, "2,0.6666666666666666,changed"));
    CHECK(run_counted(c, q, "executor", rc, sizeof rc) == 1);
    CHECK(strstr(rc, "|3,1,again") && strstr(rc, "2,0.666666666666667,changed"));

    /* a function call could depend on the session (current_user...): never shared */
    const char *who = "SELECT id, name FROM t WHERE length(name) > 0 AND id = 3";
    result(a, who, ra, sizeof ra);
    result(b, who, rb, sizeof rb);
    CHECK(pt_pq_run(a, "UPDATE t SET name = 'who' WHERE id = 3", false));
    CHECK(run_counted(a, who, "executor", ra, sizeof ra) == 1);
    CHECK(run_counted(b, who, "executor", rb, sizeof rb) == 1);
    CHECK_STR(rb, "3,who");

    /* off: the same query runs instead of copying */
    CHECK(pt_pq_run(b, "SET enable_shared_peek_cache = off", false));
    result(b, q, rb, sizeof rb);
    CHECK(pt_pq_run(c, "INSERT INTO t VALUES (500, NULL, 'x')", false));
    CHECK(run_counted(a, q, "executor", ra, sizeof ra) == 1);
    CHECK(run_counted(b, q, "executor", rb, sizeof rb) == 1);
    CHECK_STR(rb, ra);

    PQfinish(a);
    PQfinish(b);
    PQfinish(c);
    pgpeek_stop(s);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
