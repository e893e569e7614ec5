/* test_placement: connections moving between workers (server/srv_balance.c). Sessions keep
 * their settings, prepared statements and open transaction across moves; queries and
 * writes running while connections are moved back and forth get right answers; the
 * balancer packs and spreads on made-up loads; a server stops cleanly with moves in
 * flight. The listener's own balancer is off (PGPEEK_PLACEMENT=spread), so every move here
 * is the test's. */
#include <pthread.h>

#include "protocol/pt_client.h"
#include "srv_balance.h"
#include "srv_server.h"
#include "srv_worker.h"

static int port;

static PGconn *conn(void)
{
    PGconn *c = pt_pq_connect(port);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    return c;
}

static int on(pgpeek_server *s, int i)
{
    return atomic_load(&s->workers[i].nconns);
}

/* Waits (bounded) until worker i holds want connections. */
static bool wait_count(pgpeek_server *s, int i, int want)
{
    for (int k = 0; k < 2000; k++) {
        if (on(s, i) == want) return true;
        usleep(1000);
    }
    fprintf(stderr, "worker %d holds %d connections, want %d\n", i, on(s, i), want);
    return false;
}

/* The first value of the first row of sql, into buf ("" on error). */
static const char *value(PGconn *c, const char *sql, char *buf, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    snprintf(buf, cap, "%s",
             PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return buf;
}

static const char *prepared(PGconn *c, int arg, char *buf, size_t cap)
{
    char a[16];
    snprintf(a, sizeof a, "%d", arg);
    const char *params[1] = {a};
    PGresult *r = PQexecPrepared(c, "plus", 1, params, NULL, NULL, 0);
    snprintf(buf, cap, "%s",
             PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    return buf;
}

#define NSESS 6

/* Each session's settings, prepared statement and open transaction survive two moves. */
static void test_session_moves(pgpeek_server *s)
{
    PGconn *c[NSESS];
    char sql[128], buf[64];
    PGconn *setup = conn();
    CHECK(pt_pq_run(setup, "CREATE TABLE m (k int4, v text)", false));
    PQfinish(setup);
    for (int i = 0; i < NSESS; i++) {
        c[i] = conn();
        snprintf(sql, sizeof sql, "SET application_name = 'sess%d'", i);
        CHECK(pt_pq_run(c[i], sql, false));
        PGresult *r = PQprepare(c[i], "plus", "SELECT $1::int4 + 1", 1, NULL);
        CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
    }
    CHECK(pt_pq_run(c[0], "BEGIN", false));
    CHECK(pt_pq_run(c[0], "INSERT INTO m VALUES (1, 'mine')", false));
    /* Round robin: half on each worker. Everything to worker 1, then everything to 0. */
    CHECK_INT(on(s, 0) + on(s, 1), NSESS);
    CHECK(on(s, 0) > 0 && on(s, 1) > 0);
    for (int round = 0; round < 2; round++) {
        int from = round == 0 ? 0 : 1, to = 1 - from;
        CHECK(srv_worker_shed(&s->workers[from], &s->workers[to], 100));
        CHECK(wait_count(s, to, NSESS));
        CHECK_INT(on(s, from), 0);
        for (int i = 0; i < NSESS; i++) {
            snprintf(sql, sizeof sql, "sess%d", i);
            CHECK_STR(value(c[i], "SHOW application_name", buf, sizeof buf), sql);
            CHECK_STR(prepared(c[i], 40 + i, buf, sizeof buf),
                      (snprintf(sql, sizeof sql, "%d", 41 + i), sql));
            /* Only the open transaction sees its own row. */
            CHECK_STR(value(c[i], "SELECT count(*) FROM m", buf, sizeof buf), i == 0 ? "1" : "0");
        }
        /* Moves happen between statements only: a session inside BEGIN moved too. */
    }
    CHECK(pt_pq_run(c[0], "COMMIT", false));
    CHECK_STR(value(c[3], "SELECT v FROM m WHERE k = 1", buf, sizeof buf), "mine");
    for (int i = 0; i < NSESS; i++)
        PQfinish(c[i]);
    CHECK(wait_count(s, 0, 0));
}

#define NLOAD 4
#define LOAD_QUERIES 1500

typedef struct load_arg {
    int index;
    int bad;  /* wrong answers or errors */
    int done; /* statements run */
} load_arg;

/* Reads, prepared reads and autocommit writes (which wait for their commit, so they are
 * sometimes pending when a move is asked) on one connection. */
static void *load_main(void *p)
{
    load_arg *a = p;
    PGconn *c = pt_pq_connect(port);
    if (PQstatus(c) != CONNECTION_OK) {
        a->bad++;
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQprepare(c, "plus", "SELECT $1::int4 + 1", 1, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) a->bad++;
    PQclear(r);
    char buf[64], want[32], sql[128];
    for (int q = 0; q < LOAD_QUERIES; q++) {
        switch (q % 3) {
        case 0:
            snprintf(want, sizeof want, "%d", q + 1);
            if (strcmp(prepared(c, q, buf, sizeof buf), want) != 0) a->bad++;
            break;
        case 1:
            snprintf(sql, sizeof sql, "INSERT INTO w VALUES (%d, %d)", a->index, q);
            if (!pt_pq_run(c, sql, false)) a->bad++;
            break;
        default:
            snprintf(sql, sizeof sql, "SELECT count(*) FROM w WHERE c = %d", a->index);
            snprintf(want, sizeof want, "%d", (q + 2) / 3);
            if (strcmp(value(c, sql, buf, sizeof buf), want) != 0) a->bad++;
        }
        __atomic_fetch_add(&a->done, 1, __ATOMIC_RELAXED);
    }
    PQfinish(c);
    return NULL;
}

/* Connections under load are moved back and forth all the while. */
static void test_moves_under_load(pgpeek_server *s)
{
    PGconn *setup = conn();
    CHECK(pt_pq_run(setup, "CREATE TABLE w (c int4, q int4)", false));
    PQfinish(setup);
    pthread_t t[NLOAD];
    load_arg args[NLOAD];
    for (int i = 0; i < NLOAD; i++) {
        args[i] = (load_arg){.index = i};
        CHECK_INT(pthread_create(&t[i], NULL, load_main, &args[i]), 0);
    }
    int moves_seen = 0, last0 = -1;
    for (int k = 0;; k++) {
        int done = 0;
        for (int i = 0; i < NLOAD; i++)
            done += __atomic_load_n(&args[i].done, __ATOMIC_RELAXED);
        if (done == NLOAD * LOAD_QUERIES) break;
        (void)srv_worker_shed(&s->workers[k % 2], &s->workers[1 - k % 2], 1);
        int now0 = on(s, 0);
        if (last0 >= 0 && now0 != last0) moves_seen++;
        last0 = now0;
        usleep(500);
    }
    for (int i = 0; i < NLOAD; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(args[i].bad, 0);
        CHECK_INT(args[i].done, LOAD_QUERIES);
    }
    /* The sheds did move connections while the load ran. */
    CHECK(moves_seen > 10);
    if (moves_seen <= 10) fprintf(stderr, "only %d moves seen\n", moves_seen);
    CHECK(wait_count(s, 0, 0) && wait_count(s, 1, 0));
}

/* One balancer period on a made-up load; the moves it asks for land within the pause (the
 * listener's real period is 250 ms). */
static void tick(srv_balance *b, const double *busy, double idle)
{
    srv_balance_decide(b, busy, 2, idle);
    usleep(2000);
}

/* Periods of one load until `active` workers take connections (at most 1000). */
static int ticks_until(srv_balance *b, int active, const double *busy, double idle)
{
    int n = 0;
    while (b->active != active && n < 1000) {
        tick(b, busy, idle);
        n++;
    }
    return n;
}

/* The balancer on made-up loads: packs a full machine, spreads again once CPU is idle. */
static void test_decisions(pgpeek_server *s)
{
    PGconn *c[NSESS];
    for (int i = 0; i < NSESS; i++)
        c[i] = conn();
    srv_balance b;
    CHECK(srv_balance_init(&b, s, true));
    CHECK_INT(b.active, 2);
    double light[2] = {0.2, 0.2}, heavy[2] = {0.8, 0.8}, bound[2] = {0.99, 0.0};
    /* Enough work for both workers: stays spread, idle CPU or not. */
    tick(&b, heavy, 0.0);
    tick(&b, heavy, 1.0);
    CHECK_INT(b.active, 2);
    /* Little work: one worker takes everything, idle CPU or not. */
    tick(&b, light, 0.9);
    CHECK_INT(b.active, 1);
    CHECK(wait_count(s, 0, NSESS));
    CHECK_INT(srv_balance_pick(&b), 0);
    CHECK_INT(srv_balance_pick(&b), 0);
    /* Past the calm ticks, a burst (one period bound by its CPU at a time) does not spread,
     * nor does idle CPU alone, nor a worker that never sleeps on a machine with no CPU
     * left idle (its client has the other)... */
    for (int i = 0; i < 30; i++) {
        tick(&b, i % 2 ? light : bound, 1.5);
        CHECK_INT(b.active, 1);
    }
    for (int i = 0; i < 10; i++) {
        tick(&b, bound, 0.1);
        CHECK_INT(b.active, 1);
    }
    /* ...a worker bound by its CPU for three periods in a row with a CPU idle does, evenly;
     * long after the pack, so the pack is not held against... */
    CHECK_INT(ticks_until(&b, 2, bound, 1.0), 3);
    CHECK(wait_count(s, 1, NSESS / 2));
    CHECK_INT(on(s, 0), NSESS / 2);
    CHECK(srv_balance_pick(&b) != srv_balance_pick(&b));
    /* ...and the next pack comes right after the calm ticks. */
    CHECK_INT(ticks_until(&b, 1, light, 0.0), 5);
    CHECK(wait_count(s, 0, NSESS));
    /* A spread soon after a pack means that pack was wrong: the same light load does not
     * pack again for a while (the hold counts down during the calm ticks too)... */
    CHECK_INT(ticks_until(&b, 2, bound, 1.0), 5);
    CHECK(wait_count(s, 1, NSESS / 2));
    CHECK_INT(ticks_until(&b, 1, light, 0.0), 40);
    CHECK(wait_count(s, 0, NSESS));
    /* ...and a second wrong pack holds packing twice as long. */
    CHECK_INT(ticks_until(&b, 2, bound, 1.0), 5);
    CHECK(wait_count(s, 1, NSESS / 2));
    CHECK_INT(ticks_until(&b, 1, light, 0.0), 80);
    CHECK(wait_count(s, 0, NSESS));
    srv_balance_free(&b);
    char buf[32];
    for (int i = 0; i < NSESS; i++) {
        CHECK_STR(value(c[i], "SELECT 1", buf, sizeof buf), "1");
        PQfinish(c[i]);
    }
    CHECK(wait_count(s, 0, 0) && wait_count(s, 1, 0));
}

/* Stopping while moves are in flight: every connection is told and closed. */
static void test_stop_with_moves(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PGconn *c[NSESS];
    for (int i = 0; i < NSESS; i++)
        c[i] = conn();
    /* Plenty of requests queued both ways, so that moves are still being posted while the
     * first worker stops (the stop must not free an inbox a move can still reach). */
    bool posted = true;
    for (int k = 0; k < 400; k++)
        posted &= srv_worker_shed(&s->workers[k % 2], &s->workers[1 - k % 2], 1);
    CHECK(posted);
    pgpeek_stop(s);
    for (int i = 0; i < NSESS; i++) {
        PGresult *r = PQexec(c[i], "SELECT 1");
        CHECK(PQresultStatus(r) != PGRES_TUPLES_OK);
        PQclear(r);
        PQfinish(c[i]);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    setenv("PGPEEK_PLACEMENT", "spread", 1);
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    CHECK_INT(s->nworkers, 2);
    test_session_moves(s);
    test_moves_under_load(s);
    test_decisions(s);
    pgpeek_stop(s);
    test_stop_with_moves();
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
