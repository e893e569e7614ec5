/* test_index_concurrent: index lookups while other connections change indexed keys, through
 * the embedded server and libpq (run under ASan in build-asan: the index structures must
 * never keep a freed row). Writers move money between accounts in transactions and move
 * accounts between groups; readers sum through index ranges (the group index and the
 * primary key), alone and in blocks: totals and counts never change. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "protocol/pt_client.h"

#define NACCT 200
#define NGROUP 10
#define WRITERS 2
#define READERS 2
#define ROUNDS 300

static int port;
static atomic_int writers_left;

static PGconn *conn(void)
{
    return pt_pq_connect(port);
}

/* A query returning one row of integers; false when it failed. */
static bool ints(PGconn *c, const char *sql, long long *v, int n)
{
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == n;
    if (!ok) fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    for (int i = 0; ok && i < n; i++)
        v[i] = atoll(PQgetvalue(r, 0, i));
    PQclear(r);
    return ok;
}

typedef struct worker {
    int id;
    long done, retries, bad;
} worker;

static void *writer(void *arg)
{
    worker *w = arg;
    PGconn *c = conn();
    unsigned seed = 77u + (unsigned)w->id;
    char sql[256], st[6];
    for (int i = 0; i < ROUNDS; i++) {
        int a = rand_r(&seed) % NACCT, b = rand_r(&seed) % NACCT, x = rand_r(&seed) % 50;
        if (i % 4 == 3) { /* an account changes group: its index key moves */
            snprintf(sql, sizeof sql, "UPDATE acct SET grp = (grp + 1) %% %d WHERE id = %d", NGROUP,
                     a);
            pt_pq_state(c, sql, st);
        } else {
            snprintf(sql, sizeof sql,
                     "BEGIN; UPDATE acct SET bal = bal - %d WHERE id = %d; "
                     "UPDATE acct SET bal = bal + %d WHERE id = %d; COMMIT",
                     x, a, x, b);
            pt_pq_state(c, sql, st);
            if (st[0]) pt_pq_state(c, "ROLLBACK", st);
        }
        if (st[0])
            w->retries++;
        else
            w->done++;
    }
    PQfinish(c);
    atomic_fetch_sub(&writers_left, 1);
    return NULL;
}

static void *reader(void *arg)
{
    worker *w = arg;
    PGconn *c = conn();
    char st[6];
    while (atomic_load(&writers_left) > 0 || w->done < 20) {
        long long v[2], lo[2], hi[2];
        /* one statement: a range over the group index */
        if (ints(c, "SELECT count(*), sum(bal) FROM acct WHERE grp BETWEEN 0 AND 9", v, 2) &&
            (v[0] != NACCT || v[1] != NACCT * 100))
            w->bad++;
        /* a block: two halves of the primary key and of the groups at one snapshot */
        pt_pq_state(c, "BEGIN", st);
        bool ok = ints(c, "SELECT count(*), sum(bal) FROM acct WHERE id < 100", lo, 2) &&
                  ints(c, "SELECT count(*), sum(bal) FROM acct WHERE id >= 100", hi, 2);
        if (ok && (lo[0] + hi[0] != NACCT || lo[1] + hi[1] != NACCT * 100)) w->bad++;
        ok = ints(c, "SELECT count(*), sum(bal) FROM acct WHERE grp <= 4 AND bal > -100000", lo,
                  2) &&
             ints(c, "SELECT count(*), sum(bal) FROM acct WHERE grp > 4", hi, 2);
        if (ok && (lo[0] + hi[0] != NACCT || lo[1] + hi[1] != NACCT * 100)) w->bad++;
        pt_pq_state(c, "COMMIT", st);
        w->done++;
    }
    PQfinish(c);
    return NULL;
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PGconn *c = conn();
    char st[6];
    pt_pq_state(c, "CREATE TABLE acct (id int PRIMARY KEY, grp int, bal int)", st);
    CHECK(!st[0]);
    pt_pq_state(c, "CREATE INDEX acct_grp ON acct (grp, bal)", st);
    CHECK(!st[0]);
    char sql[64];
    for (int i = 0; i < NACCT; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO acct VALUES (%d, %d, 100)", i, i % NGROUP);
        pt_pq_state(c, sql, st);
    }
    atomic_store(&writers_left, WRITERS);
    pthread_t th[WRITERS + READERS];
    worker wk[WRITERS + READERS] = {0};
    for (int i = 0; i < WRITERS + READERS; i++) {
        wk[i].id = i;
        pthread_create(&th[i], NULL, i < WRITERS ? writer : reader, &wk[i]);
    }
    long bad = 0, reads = 0, writes = 0;
    for (int i = 0; i < WRITERS + READERS; i++) {
        pthread_join(th[i], NULL);
        bad += wk[i].bad;
        if (i < WRITERS)
            writes += wk[i].done;
        else
            reads += wk[i].done;
    }
    CHECK(bad == 0);
    CHECK(writes > ROUNDS / 2);
    CHECK(reads > 0);
    long long v[2];
    CHECK(ints(c, "SELECT count(*), sum(bal) FROM acct WHERE grp >= 0", v, 2) && v[0] == NACCT &&
          v[1] == NACCT * 100);
    /* the index path and a scan (bal has no index) agree on every group */
    for (int g = 0; g < NGROUP; g++) {
        long long a[2], b[2];
        snprintf(sql, sizeof sql, "SELECT count(*), sum(bal) FROM acct WHERE grp = %d", g);
        bool ok1 = ints(c, sql, a, 2);
        snprintf(sql, sizeof sql, "SELECT count(*), sum(bal) FROM acct WHERE grp + 0 = %d", g);
        CHECK(ok1 && ints(c, sql, b, 2) && a[0] == b[0] && a[1] == b[1]);
    }
    /* EXPLAIN through the extended protocol, with a parameter */
    const char *pv[1] = {"7"};
    PGresult *r = PQexecParams(c, "EXPLAIN SELECT * FROM acct WHERE grp = $1 AND bal > 0", 1, NULL,
                               pv, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 2 && PQnfields(r) == 1 &&
          strcmp(PQfname(r, 0), "QUERY PLAN") == 0 &&
          strcmp(PQgetvalue(r, 0, 0), "Index Scan using acct_grp on acct") == 0 &&
          strcmp(PQgetvalue(r, 1, 0), "  Index Cond: ((grp = $1) AND (bal > 0))") == 0);
    PQclear(r);
    r = PQprepare(c, "ex", "EXPLAIN SELECT * FROM acct WHERE id = 3", 0, NULL);
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);
    PQclear(r);
    r = PQdescribePrepared(c, "ex");
    CHECK(PQresultStatus(r) == PGRES_COMMAND_OK && PQnfields(r) == 1 && PQftype(r, 0) == 25);
    PQclear(r);
    r = PQexecPrepared(c, "ex", 0, NULL, NULL, NULL, 0);
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 2 &&
          strcmp(PQgetvalue(r, 0, 0), "Index Scan using acct_pkey on acct") == 0);
    PQclear(r);
    printf("%ld writes, %ld read rounds\n", writes, reads);
    PQfinish(c);
    pgpeek_stop(s);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
