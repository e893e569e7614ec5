/* The PostgreSQL oracle backend against a private PostgreSQL 15 started here: contracts,
 * the batching stress, killed connections, a database that goes away and comes back, and
 * the atomic fast path's safety rule with two oracle instances on one table. */
#include "unit/orc_test_util.h"

static tu_pg pg;

static orc *open_pg(const char *timeline, uint32_t timeout_ms, char *err)
{
    orc_config cfg = orc_config_default();
    cfg.url = pg.url;
    cfg.timeline = timeline;
    cfg.clock_ms = tu_clock;
    cfg.timeout_ms = timeout_ms;
    cfg.backoff_max_ms = 200;
    orc *o = orc_open(&cfg, err, 256);
    if (!o) fprintf(stderr, "orc_open: %s\n", err);
    return o;
}

static void test_contracts(void)
{
    char err[256];
    orc *o = open_pg("contracts", 10000, err);
    CHECK(o != NULL);
    if (!o) return;
    tu_contracts(o);
    /* The row holds what the oracle handed out. */
    uint64_t p, ts;
    CHECK(orc_call_wait(o, ORC_OP_PEEK, 0, &p, err, sizeof err));
    CHECK_INT(tu_pg_exec(&pg, "SELECT write_ts FROM timestamp_oracle WHERE timeline = "
                              "'contracts'"),
              p);
    CHECK_INT(tu_pg_exec(&pg, "SELECT read_ts FROM timestamp_oracle WHERE timeline = "
                              "'contracts'"),
              orc_read_ts_current(o));
    /* Shared backend: the atomic is no read timestamp. */
    CHECK(!orc_read_ts_fast_safe(o));
    CHECK(!orc_read_ts_atomic(o, NULL, &ts));
    orc_close(o);
}

static void test_stress(void)
{
    char err[256];
    orc *o = open_pg("stress", 10000, err);
    CHECK(o != NULL);
    if (!o) return;
    CHECK_INT(tu_stress(o, 4, 16, 100, 10), 0);
    orc_stats st;
    orc_get_stats(o, &st);
    printf("stress: %llu reads in %llu batches (max %llu per batch, max %llu in flight)\n",
           (unsigned long long)st.reads, (unsigned long long)st.batches,
           (unsigned long long)st.batch_max, (unsigned long long)st.max_reads_in_flight);
    CHECK_INT(st.batch_tickets, st.reads);
    CHECK(st.batches < st.reads);
    CHECK(st.max_reads_in_flight <= 3);
    CHECK_INT(st.failed, 0);
    orc_close(o);
}

static _Atomic bool stress_done;
static _Atomic uint64_t stress_violations;
static orc *stress_orc;

static void *stress_main(void *arg)
{
    (void)arg;
    atomic_store(&stress_violations, tu_stress(stress_orc, 2, 16, 400, 10));
    atomic_store(&stress_done, true);
    return NULL;
}

/* pg_terminate_backend on the pool, idle and with calls in flight: calls are retried on
 * new connections and every answer still keeps the contracts. */
static void test_kill_reconnect(void)
{
    char err[256];
    orc *o = open_pg("kill", 10000, err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t w, a, r;
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w, err, sizeof err));
    orc_stats st0;
    orc_get_stats(o, &st0);
    CHECK(tu_pg_kill_clients(&pg) >= 1);
    CHECK(orc_call_wait(o, ORC_OP_APPLY, w, &a, err, sizeof err));
    CHECK(orc_call_wait(o, ORC_OP_READ, 0, &r, err, sizeof err));
    CHECK(r >= w);

    /* Deterministically in flight: a write_ts blocked on a row lock when its backend is
     * terminated is retried on a new connection and answered once the lock is gone. */
    PGconn *locker = PQconnectdb(pg.url);
    PQclear(PQexec(locker, "BEGIN"));
    PQclear(PQexec(locker, "SELECT 1 FROM timestamp_oracle WHERE timeline = 'kill' FOR UPDATE"));
    struct event_base *base = event_base_new();
    orc_inbox *in = orc_inbox_new(o, base);
    orc_req req;
    tu_answer ans;
    memset(&ans, 0, sizeof ans);
    orc_write_ts(o, in, &req, tu_cb, &ans);
    long long blocked = 0;
    for (int i = 0; i < 500 && blocked < 1; i++) /* bounded: until the write waits */
        blocked = tu_pg_exec(&pg, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type "
                                  "= 'Lock' AND query LIKE 'INSERT INTO timestamp_oracle%'");
    CHECK_INT(blocked, 1);
    orc_get_stats(o, &st0);
    CHECK_INT(tu_pg_exec(&pg, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE wait_event_type = 'Lock' AND query LIKE "
                              "'INSERT INTO timestamp_oracle%'"),
              1);
    /* Wait for the retry to block again, then let it through. */
    orc_stats mid;
    for (int i = 0; i < 500; i++) {
        orc_get_stats(o, &mid);
        if (mid.retries > st0.retries) break;
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK(mid.retries > st0.retries);
    event_base_loop(base, EVLOOP_NONBLOCK);
    CHECK(!ans.done); /* still waiting for the lock: nothing was guessed */
    PQclear(PQexec(locker, "COMMIT"));
    PQfinish(locker);
    while (!ans.done)
        event_base_loop(base, EVLOOP_ONCE);
    CHECK(ans.ok);
    CHECK(ans.ts > w);
    orc_inbox_free(in);
    event_base_free(base);

    stress_orc = o;
    atomic_store(&stress_done, false);
    pthread_t th;
    pthread_create(&th, NULL, stress_main, NULL);
    int kills = 0;
    while (!atomic_load(&stress_done)) {
        if (tu_pg_kill_clients(&pg) > 0) kills++;
        struct timespec ts = {0, 30 * 1000 * 1000}; /* pacing the kills */
        nanosleep(&ts, NULL);
    }
    pthread_join(th, NULL);
    CHECK_INT(atomic_load(&stress_violations), 0);
    orc_stats st;
    orc_get_stats(o, &st);
    printf("kill: %d kills, %llu reconnects, %llu retries, %llu failed\n", kills,
           (unsigned long long)st.reconnects, (unsigned long long)st.retries,
           (unsigned long long)st.failed);
    CHECK(kills > 0);
    CHECK(st.reconnects > st0.reconnects);
    CHECK(st.retries > 0);
    CHECK_INT(st.failed, 0);
    orc_close(o);
}

/* The database goes away: calls fail with an error (never a guessed timestamp); it comes
 * back: the pool reconnects and timestamps continue above the earlier ones. */
static void test_database_restart(void)
{
    char err[256];
    orc *o = open_pg("restart", 1500, err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t w1, w2, r, a;
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w1, err, sizeof err));
    CHECK(orc_call_wait(o, ORC_OP_APPLY, w1, &a, err, sizeof err));
    tu_pg_halt(&pg);
    err[0] = 0;
    CHECK(!orc_call_wait(o, ORC_OP_WRITE, 0, &w2, err, sizeof err));
    CHECK(strstr(err, "did not answer") != NULL);
    CHECK(!orc_call_wait(o, ORC_OP_READ, 0, &r, err, sizeof err));
    CHECK(tu_pg_start(&pg));
    /* Set the wall clock back: only the row keeps timestamps monotonic now. */
    atomic_store(&tu_fake_now, w1 - 3600 * 1000);
    CHECK(orc_call_wait(o, ORC_OP_READ, 0, &r, err, sizeof err));
    CHECK(r >= w1);
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w2, err, sizeof err));
    CHECK(w2 > w1);
    atomic_store(&tu_fake_now, 0);
    orc_stats st;
    orc_get_stats(o, &st);
    CHECK(st.failed >= 2);
    orc_close(o);
}

/* A statement that hangs (the row locked by another session) is abandoned after the
 * timeout and the call fails: the oracle never answers without the database's word.
 * Once the lock is gone, timestamps continue above everything handed out. */
static void test_hung_statement(void)
{
    char err[256];
    orc *o = open_pg("hung", 500, err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t w1, w2, r;
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w1, err, sizeof err));
    PGconn *locker = PQconnectdb(pg.url);
    PQclear(PQexec(locker, "BEGIN"));
    PGresult *res = PQexec(locker, "SELECT write_ts FROM timestamp_oracle WHERE timeline = "
                                   "'hung' FOR UPDATE");
    CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
    PQclear(res);
    err[0] = 0;
    w2 = 1;
    CHECK(!orc_call_wait(o, ORC_OP_WRITE, 0, &w2, err, sizeof err));
    CHECK_INT(w2, 0);
    CHECK(strstr(err, "timed out") != NULL);
    /* Reads take no row lock: they still work. */
    CHECK(orc_call_wait(o, ORC_OP_READ, 0, &r, err, sizeof err));
    PQclear(PQexec(locker, "COMMIT"));
    PQfinish(locker);
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w2, err, sizeof err));
    CHECK(w2 > w1);
    orc_close(o);
}

/* A server that is not there: calls fail with libpq's reason after the timeout. */
static void test_unreachable(void)
{
    char err[256], url[300];
    snprintf(url, sizeof url, "postgresql://postgres@/postgres?host=%s/nonexistent&port=5432",
             pg.dir);
    orc_config cfg = orc_config_default();
    cfg.url = url;
    cfg.timeout_ms = 300;
    cfg.backoff_max_ms = 50;
    orc *o = orc_open(&cfg, err, sizeof err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t ts = 7;
    err[0] = 0;
    CHECK(!orc_call_wait(o, ORC_OP_WRITE, 0, &ts, err, sizeof err));
    CHECK_INT(ts, 0);
    CHECK(strstr(err, "did not answer within 300 ms") != NULL);
    CHECK(strstr(err, "nonexistent") != NULL); /* libpq's message names the socket */
    orc_close(o);
}

static bool strict_read(orc *o, orc_inbox *in, struct event_base *base, uint64_t *ts)
{
    orc_req req;
    tu_answer ans;
    memset(&ans, 0, sizeof ans);
    if (orc_read_ts_strict(o, in, &req, tu_cb, &ans, ts)) return true;
    while (!ans.done)
        event_base_loop(base, EVLOOP_ONCE);
    *ts = ans.ts;
    return ans.ok;
}

/* Two oracle instances on one table stand for two pgpeek processes. After B's
 * apply_write(x) returns, A's next strict serializable read timestamp must be >= x. With
 * A's atomic fast path forced on (the test-only switch), it is not: the rule matters. */
static void test_safety_rule(void)
{
    char err[256];
    orc *a = open_pg("safety", 10000, err);
    orc *b = open_pg("safety", 10000, err);
    CHECK(a != NULL && b != NULL);
    if (!a || !b) {
        orc_close(a);
        orc_close(b);
        return;
    }
    struct event_base *base = event_base_new();
    orc_inbox *ina = orc_inbox_new(a, base), *inb = orc_inbox_new(b, base);
    uint64_t x, got, ack;
    CHECK(strict_read(a, ina, base, &got)); /* A has seen the timeline once */
    for (int i = 0; i < 5; i++) {
        CHECK(tu_async(b, inb, base, ORC_OP_WRITE, 0, &x));
        CHECK(tu_async(b, inb, base, ORC_OP_APPLY, x, &ack));
        CHECK(strict_read(a, ina, base, &got));
        CHECK(got >= x);
    }
    orc_stats st;
    orc_get_stats(a, &st);
    CHECK_INT(st.fast_reads, 0);

    orc_test_force_fast_path(a, true);
    int broken = 0;
    for (int i = 0; i < 5; i++) {
        CHECK(tu_async(b, inb, base, ORC_OP_WRITE, 0, &x));
        CHECK(tu_async(b, inb, base, ORC_OP_APPLY, x, &ack));
        CHECK(strict_read(a, ina, base, &got));
        if (got < x) broken++;
    }
    /* Every forced read missed B's acknowledged write. */
    CHECK_INT(broken, 5);
    orc_get_stats(a, &st);
    CHECK_INT(st.fast_reads, 5);
    orc_test_force_fast_path(a, false);
    CHECK(strict_read(a, ina, base, &got));
    CHECK(got >= x);

    orc_inbox_free(ina);
    orc_inbox_free(inb);
    event_base_free(base);
    orc_close(a);
    orc_close(b);
}

int main(void)
{
    if (!tu_pg_init(&pg)) {
        fprintf(stderr, "FAIL: the PostgreSQL backend tests need a private PostgreSQL 15\n");
        CHECK(false);
        tu_pg_stop(&pg);
        return pt_finish();
    }
    PT_RUN(test_contracts);
    PT_RUN(test_stress);
    PT_RUN(test_kill_reconnect);
    PT_RUN(test_safety_rule);
    PT_RUN(test_database_restart);
    PT_RUN(test_hung_statement);
    PT_RUN(test_unreachable);
    tu_pg_stop(&pg);
    return pt_finish();
}
