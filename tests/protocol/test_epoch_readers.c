/* test_epoch_readers: fast-path reads without db->lock (adapter/adp_epoch.h) while writers
 * change the rows they walk, through the embedded server and libpq. Run under ASan in
 * build-asan: a reader must never touch a row, row array or hash node that was freed.
 *
 * Writers move money between accounts (UPDATE: new versions, chains), delete an account and
 * insert it again in one transaction (a new version with no chain), insert and delete
 * extra empty accounts (the row array and the primary key's hash grow and are compacted),
 * and roll back inserts (aborted versions). Another connection creates and drops an index
 * (the catalog version moves under cached plans). Readers scan the whole table and look
 * accounts up by key, alone and in blocks: every account is always there exactly once, the
 * total never changes, and a block sees the same table twice. The fast path's metrics
 * show the reads were served without the lock. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "protocol/pt_client.h"

#define NACCT 100
#define EXTRA_BASE 100000 /* extra accounts hold no money, ids from here */
#define WRITERS 2
#define READERS 3 /* ids 3, 4, 5: plain, no peek cache, no fast path */
#define SECONDS 4

static int port;
static atomic_bool stop;

typedef struct worker {
    int id;
    long done, retries, bad;
} worker;

/* One transaction of a writer, as a single query string; st: its SQLSTATE or "". */
static void write_once(PGconn *c, int wid, unsigned *seed, long round, char st[6])
{
    char sql[512];
    int a = rand_r(seed) % NACCT, b = rand_r(seed) % NACCT, x = rand_r(seed) % 50;
    long extra = EXTRA_BASE + wid * 10000L + round % 256; /* this writer's own ids */
    switch (round % 5) {
    case 0:
    case 1:
        snprintf(sql, sizeof sql,
                 "BEGIN; UPDATE acct SET bal = bal - %d WHERE id = %d; "
                 "UPDATE acct SET bal = bal + %d WHERE id = %d; COMMIT",
                 x, a, x, b);
        break;
    case 2: /* the account moves to another key and a new row takes its own: no chain */
        snprintf(sql, sizeof sql,
                 "BEGIN; UPDATE acct SET id = -1 - id WHERE id = %d; "
                 "INSERT INTO acct SELECT -1 - id, bal FROM acct WHERE id = %d; "
                 "DELETE FROM acct WHERE id = %d; COMMIT",
                 a, -1 - a, -1 - a);
        break;
    case 3: /* an empty account comes again: the array and the hash grow and shrink */
        snprintf(sql, sizeof sql,
                 "BEGIN; DELETE FROM acct WHERE id = %ld; INSERT INTO acct VALUES (%ld, 0); "
                 "COMMIT",
                 extra, extra);
        break;
    default: /* aborted versions, one of them holding money */
        snprintf(sql, sizeof sql,
                 "BEGIN; INSERT INTO acct VALUES (%ld, 7); UPDATE acct SET bal = bal + 1000 "
                 "WHERE id = %d; ROLLBACK",
                 extra + 5000, a);
        break;
    }
    pt_pq_state(c, sql, st);
    char rb[6];
    if (st[0]) pt_pq_state(c, "ROLLBACK", rb);
}

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* ROLLBACK after a failed COMMIT warns that no transaction is open */
}

static void *writer(void *arg)
{
    worker *w = arg;
    PGconn *c = pt_pq_connect(port);
    PQsetNoticeProcessor(c, quiet, NULL);
    unsigned seed = 91u + (unsigned)w->id;
    char st[6];
    for (long round = 0; !atomic_load(&stop); round++) {
        char first[6];
        write_once(c, w->id, &seed, round, first);
        pt_pq_state(c, "SELECT 1", st); /* the connection is still usable */
        if (st[0]) w->bad++;
        if (first[0])
            w->retries++;
        else
            w->done++;
    }
    PQfinish(c);
    return NULL;
}

static void *ddl(void *arg)
{
    worker *w = arg;
    PGconn *c = pt_pq_connect(port);
    char st[6];
    while (!atomic_load(&stop)) {
        pt_pq_state(c, "CREATE INDEX acct_bal ON acct (bal)", st);
        if (!st[0]) pt_pq_state(c, "DROP INDEX acct_bal", st);
        /* key lookups on kv go through this index's hash while it exists */
        if (!st[0]) pt_pq_state(c, "CREATE UNIQUE INDEX kv_k ON kv (k)", st);
        if (!st[0]) pt_pq_state(c, "DROP INDEX kv_k", st);
        if (st[0] && strcmp(st, "40001") != 0) w->bad++;
        w->done++;
    }
    PQfinish(c);
    return NULL;
}

/* Checks a full scan: every account once, extra ones empty, the total intact. */
static bool scan_ok(PGresult *r, long long *sum_out)
{
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQnfields(r) != 2) return false;
    static _Thread_local unsigned char seen[NACCT];
    memset(seen, 0, sizeof seen);
    long long sum = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        long id = atol(PQgetvalue(r, i, 0));
        long long bal = atoll(PQgetvalue(r, i, 1));
        if (id >= EXTRA_BASE) {
            if (bal != 0) return false;
            continue;
        }
        if (id < 0 || id >= NACCT || seen[id]++) return false;
        sum += bal;
    }
    for (int i = 0; i < NACCT; i++)
        if (!seen[i]) return false;
    *sum_out = sum;
    return sum == (long long)NACCT * 100;
}

static void *reader(void *arg)
{
    worker *w = arg;
    PGconn *c = pt_pq_connect(port);
    char st[6];
    /* one reader sees every run through the executor, none from the peek cache; another
     * runs everything through the normal path (also lock-free: adapter/adp_read.h) */
    if (w->id % 3 == 1) pt_pq_state(c, "SET enable_peek_cache = off", st);
    if (w->id % 3 == 2) pt_pq_state(c, "SET enable_fast_path = off", st);
    unsigned seed = 7u + (unsigned)w->id;
    while (!atomic_load(&stop)) {
        long long sum;
        PGresult *r = PQexec(c, "SELECT id, bal FROM acct");
        if (!scan_ok(r, &sum)) w->bad++;
        PQclear(r);
        /* by key, extended protocol: the primary key's hash, then maybe a scan */
        for (int k = 0; k < 8; k++) {
            char id[16];
            snprintf(id, sizeof id, "%d", rand_r(&seed) % NACCT);
            const char *pv[1] = {id};
            r = PQexecParams(c, "SELECT id, bal FROM acct WHERE id = $1", 1, NULL, pv, NULL, NULL,
                             0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
                strcmp(PQgetvalue(r, 0, 0), id) != 0)
                w->bad++;
            PQclear(r);
        }
        /* a key of a table whose unique index comes and goes: always its one row */
        for (int k = 0; k < 4; k++) {
            char key[16];
            snprintf(key, sizeof key, "%d", rand_r(&seed) % 50);
            const char *pv[1] = {key};
            r = PQexecParams(c, "SELECT v FROM kv WHERE k = $1", 1, NULL, pv, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
                atoi(PQgetvalue(r, 0, 0)) != 2 * atoi(key))
                w->bad++;
            PQclear(r);
        }
        /* the normal executor: an aggregate, a range on the index the DDL connection keeps
         * creating and dropping, the primary key in order */
        r = PQexec(c, "SELECT count(*), sum(bal) FROM acct");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || atoll(PQgetvalue(r, 0, 0)) < NACCT ||
            atoll(PQgetvalue(r, 0, 1)) != (long long)NACCT * 100)
            w->bad++;
        PQclear(r);
        r = PQexec(c, "SELECT sum(bal) FROM acct WHERE bal > -100000000");
        if (PQresultStatus(r) != PGRES_TUPLES_OK ||
            atoll(PQgetvalue(r, 0, 0)) != (long long)NACCT * 100)
            w->bad++;
        PQclear(r);
        r = PQexec(c, "SELECT id FROM acct ORDER BY id LIMIT 3");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 3 ||
            strcmp(PQgetvalue(r, 0, 0), "0") != 0 || strcmp(PQgetvalue(r, 2, 0), "2") != 0)
            w->bad++;
        PQclear(r);
        /* a block reads one snapshot: the same rows twice */
        pt_pq_state(c, "BEGIN", st);
        PGresult *a = PQexec(c, "SELECT id, bal FROM acct");
        PGresult *b = PQexec(c, "SELECT id, bal FROM acct");
        long long s2;
        bool same = scan_ok(a, &sum) && scan_ok(b, &s2) && PQntuples(a) == PQntuples(b);
        for (int i = 0; same && i < PQntuples(a); i++)
            same = strcmp(PQgetvalue(a, i, 0), PQgetvalue(b, i, 0)) == 0 &&
                   strcmp(PQgetvalue(a, i, 1), PQgetvalue(b, i, 1)) == 0;
        if (!same) w->bad++;
        PQclear(a);
        PQclear(b);
        pt_pq_state(c, "COMMIT", st);
        w->done++;
    }
    PQfinish(c);
    return NULL;
}

static long long served(int http, const char *how)
{
    char body[65536], name[128];
    if (pt_http_get(http, "/metrics", body, sizeof body) != 200) return -1;
    snprintf(name, sizeof name, "pgpeek_fastpath_served_total{served=\"%s\"}", how);
    return pt_metric(body, name);
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PGconn *c = pt_pq_connect(port);
    char st[6];
    pt_pq_state(c, "CREATE TABLE acct (id int PRIMARY KEY, bal int)", st);
    CHECK(!st[0]);
    pt_pq_state(c, "CREATE TABLE kv (k int, v int)", st);
    CHECK(!st[0]);
    for (int i = 0; i < 50; i++) {
        char ins[64];
        snprintf(ins, sizeof ins, "INSERT INTO kv VALUES (%d, %d)", i, 2 * i);
        pt_pq_state(c, ins, st);
    }
    char sql[64];
    for (int i = 0; i < NACCT; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO acct VALUES (%d, 100)", i);
        pt_pq_state(c, sql, st);
        CHECK(!st[0]);
    }
    long long lockfree0 = served(pgpeek_http_port(s), "executor");
    enum { N = WRITERS + 1 + READERS };
    pthread_t th[N];
    worker wk[N] = {0};
    for (int i = 0; i < N; i++) {
        wk[i].id = i;
        pthread_create(&th[i], NULL, i < WRITERS ? writer : i == WRITERS ? ddl : reader, &wk[i]);
    }
    uint64_t end = pt_now_ns() + (uint64_t)SECONDS * 1000000000u;
    while (pt_now_ns() < end)
        usleep(50000); /* the test's own duration, not a wait for the server */
    atomic_store(&stop, true);
    long bad = 0, writes = 0, retries = 0, reads = 0, ddls = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        bad += wk[i].bad;
        if (i < WRITERS) {
            writes += wk[i].done;
            retries += wk[i].retries;
        } else if (i == WRITERS)
            ddls += wk[i].done;
        else
            reads += wk[i].done;
    }
    long long lockfree = served(pgpeek_http_port(s), "executor") - lockfree0;
    printf("%ld writes (%ld refused), %ld index create/drop rounds, %ld read rounds, %lld "
           "lock-free reads, "
           "%ld bad\n",
           writes, retries, ddls, reads, lockfree, bad);
    CHECK(bad == 0);
    CHECK(writes > 20);
    CHECK(reads > 10);
    CHECK(lockfree >= reads); /* most scans and key lookups went without the lock */
    long long sum;
    PGresult *r = PQexec(c, "SELECT id, bal FROM acct");
    CHECK(scan_ok(r, &sum));
    PQclear(r);
    PQfinish(c);
    pgpeek_stop(s);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
