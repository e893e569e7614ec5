/* The batching layer's benchmark against the PostgreSQL backend: N closed-loop read_ts
 * callers (spread over caller threads, each with its own event_base and inbox) for each
 * oracle_max_in_flight. As a ctest it runs a short smoke (two points) and checks the
 * accounting; `test_orc_bench --bench [--seconds S] [--url URL]` prints the full table
 * (bench/oracle runs that). */
#include "unit/orc_test_util.h"

#define BENCH_THREADS 2
#define BENCH_HIST_US 100000 /* wait histogram: 1 us buckets up to 100 ms, the rest in the last */

typedef struct bench_thread bench_thread;

/* One closed-loop read_ts caller. */
typedef struct bench_caller {
    bench_thread *t;
    orc_req req;
    uint64_t issued_ns;
} bench_caller;

/* One caller thread; its counters are its own until joined. */
struct bench_thread {
    orc *o;
    pthread_t th;
    struct event_base *base;
    orc_inbox *in;
    bench_caller *callers;
    int ncallers, active;
    uint64_t calls, failed, wait_ns, wait_max_ns;
    uint32_t *hist;
};

static _Atomic bool bench_stop;
static tu_pg pg;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void bench_issue(bench_caller *c);

static void bench_cb(void *arg, bool ok, uint64_t ts, const char *err)
{
    (void)ts;
    bench_caller *c = arg;
    bench_thread *t = c->t;
    uint64_t w = mono_ns() - c->issued_ns;
    if (ok) {
        t->calls++;
        t->wait_ns += w;
        if (w > t->wait_max_ns) t->wait_max_ns = w;
        uint64_t us = w / 1000;
        t->hist[us < BENCH_HIST_US ? us : BENCH_HIST_US]++;
    } else {
        if (t->failed++ == 0) fprintf(stderr, "read_ts failed: %s\n", err);
    }
    if (atomic_load_explicit(&bench_stop, memory_order_relaxed)) {
        if (--t->active == 0) event_base_loopbreak(t->base);
        return;
    }
    bench_issue(c);
}

static void bench_issue(bench_caller *c)
{
    c->issued_ns = mono_ns();
    orc_read_ts(c->t->o, c->t->in, &c->req, bench_cb, c);
}

static void *bench_main(void *arg)
{
    bench_thread *t = arg;
    t->active = t->ncallers;
    for (int i = 0; i < t->ncallers; i++)
        bench_issue(&t->callers[i]);
    event_base_dispatch(t->base);
    return NULL;
}

typedef struct bench_point {
    int mif, callers;
    double secs, calls_per_s, wait_ms, wait_p50_ms, wait_p99_ms, wait_max_ms, backing_ms, per_batch;
    uint64_t calls, failed, batches, tickets, max_in_flight;
} bench_point;

static void bench_run(orc *o, int callers, double secs, bench_point *p)
{
    bench_thread ts[BENCH_THREADS];
    memset(ts, 0, sizeof ts);
    atomic_store(&bench_stop, false);
    orc_stats s0, s1;
    orc_get_stats(o, &s0);
    uint64_t t0 = mono_ns();
    int nthreads = 0;
    for (int i = 0; i < BENCH_THREADS; i++) {
        bench_thread *t = &ts[i];
        t->ncallers = callers / BENCH_THREADS + (i < callers % BENCH_THREADS);
        if (!t->ncallers) continue;
        t->o = o;
        t->base = event_base_new();
        t->in = orc_inbox_new(o, t->base);
        t->callers = calloc((size_t)t->ncallers, sizeof *t->callers);
        t->hist = calloc(BENCH_HIST_US + 1, sizeof *t->hist);
        for (int j = 0; j < t->ncallers; j++)
            t->callers[j].t = t;
        pthread_create(&t->th, NULL, bench_main, t);
        nthreads++;
    }
    struct timespec d = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    nanosleep(&d, NULL); /* the measuring interval */
    atomic_store(&bench_stop, true);
    memset(p, 0, sizeof *p);
    uint32_t *hist = calloc(BENCH_HIST_US + 1, sizeof *hist);
    for (int i = 0; i < BENCH_THREADS; i++) {
        bench_thread *t = &ts[i];
        if (!t->ncallers) continue;
        pthread_join(t->th, NULL);
        p->calls += t->calls;
        p->failed += t->failed;
        p->wait_ms += (double)t->wait_ns / 1e6;
        if ((double)t->wait_max_ns / 1e6 > p->wait_max_ms)
            p->wait_max_ms = (double)t->wait_max_ns / 1e6;
        for (int b = 0; b <= BENCH_HIST_US; b++)
            hist[b] += t->hist[b];
        orc_inbox_free(t->in);
        event_base_free(t->base);
        free(t->callers);
        free(t->hist);
    }
    uint64_t seen = 0, p50 = (p->calls + 1) / 2, p99 = p->calls - p->calls / 100;
    for (int b = 0; b <= BENCH_HIST_US && p->calls; b++) {
        if (seen < p50 && seen + hist[b] >= p50) p->wait_p50_ms = (b + 1) / 1000.0;
        if (seen < p99 && seen + hist[b] >= p99) p->wait_p99_ms = (b + 1) / 1000.0;
        seen += hist[b];
    }
    free(hist);
    uint64_t t1 = mono_ns();
    orc_get_stats(o, &s1);
    p->callers = callers;
    p->mif = orc_max_in_flight(o);
    p->secs = (double)(t1 - t0) / 1e9;
    p->calls_per_s = (double)p->calls / p->secs;
    p->wait_ms = p->calls ? p->wait_ms / (double)p->calls : 0;
    p->batches = s1.batches - s0.batches;
    p->tickets = s1.batch_tickets - s0.batch_tickets;
    p->backing_ms = p->batches ? (double)(s1.backing_ns - s0.backing_ns) / 1e6 /
                                     (double)(s1.backing_calls - s0.backing_calls)
                               : 0;
    p->per_batch = p->batches ? (double)p->tickets / (double)p->batches : 0;
    p->max_in_flight = s1.max_reads_in_flight;
}

static void print_header(void)
{
    printf("%-13s %7s %10s %9s %9s %9s %9s %11s %9s %6s\n", "max_in_flight", "callers", "calls/s",
           "wait_avg", "wait_p50", "wait_p99", "wait_max", "backing_avg", "per_batch", "failed");
}

static void print_point(const bench_point *p)
{
    printf("%-13d %7d %10.0f %9.3f %9.3f %9.3f %9.3f %11.3f %9.2f %6llu\n", p->mif, p->callers,
           p->calls_per_s, p->wait_ms, p->wait_p50_ms, p->wait_p99_ms, p->wait_max_ms,
           p->backing_ms, p->per_batch, (unsigned long long)p->failed);
    fflush(stdout);
}

static orc *bench_open(const char *url, int mif)
{
    char err[256];
    orc_config cfg = orc_config_default();
    cfg.url = url;
    cfg.timeline = "bench";
    cfg.max_in_flight = mif;
    orc *o = orc_open(&cfg, err, sizeof err);
    if (!o) {
        fprintf(stderr, "orc_open: %s\n", err);
        return NULL;
    }
    /* Wait for the pool: a blocking call returns once a connection is up. */
    uint64_t ts;
    if (!orc_call_wait(o, ORC_OP_READ, 0, &ts, err, sizeof err)) {
        fprintf(stderr, "oracle not ready: %s\n", err);
        orc_close(o);
        return NULL;
    }
    return o;
}

static int full_bench(const char *url, double secs)
{
    static const int mifs[] = {1, 2, 3, 4};
    static const int callers[] = {1, 4, 16, 64, 128};
    printf("oracle batching layer, PostgreSQL backend, %d caller threads, %.1f s per point\n",
           BENCH_THREADS, secs);
    printf("times in ms. wait = a caller's submit -> its callback on its own event loop "
           "(p50/p99 to 1 us); backing = one statement's round trip on the oracle thread; "
           "per_batch = callers answered per backing call\n");
    print_header();
    for (size_t i = 0; i < sizeof mifs / sizeof mifs[0]; i++) {
        orc *o = bench_open(url, mifs[i]);
        if (!o) return 1;
        for (size_t j = 0; j < sizeof callers / sizeof callers[0]; j++) {
            bench_point p;
            bench_run(o, callers[j], secs, &p);
            print_point(&p);
        }
        orc_close(o);
    }
    return 0;
}

static void smoke(void)
{
    orc *o = bench_open(pg.url, 2);
    CHECK(o != NULL);
    if (!o) return;
    print_header();
    bench_point p1, p16;
    bench_run(o, 1, 0.2, &p1);
    print_point(&p1);
    bench_run(o, 16, 0.2, &p16);
    print_point(&p16);
    CHECK(p1.calls > 0 && p16.calls > 0);
    CHECK(p16.wait_p50_ms > 0 && p16.wait_p50_ms <= p16.wait_p99_ms);
    CHECK(p16.wait_p99_ms <= p16.wait_max_ms + 0.001);
    CHECK_INT(p1.failed + p16.failed, 0);
    /* One caller: one batch per call (give or take the warm-up read). */
    CHECK(p1.batches >= p1.calls);
    CHECK(p1.per_batch <= 1.0);
    /* Sixteen callers: batches merge callers and stay within max_in_flight. */
    CHECK(p16.per_batch > 1.0);
    CHECK(p16.batches < p16.calls);
    CHECK(p16.max_in_flight <= 2);
    orc_close(o);
}

int main(int argc, char **argv)
{
    bool bench = false;
    double secs = 1.5;
    const char *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0)
            bench = true;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            secs = atof(argv[++i]);
        else if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            url = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--bench [--seconds S] [--url postgres://...]]\n", argv[0]);
            return 2;
        }
    }
    if (url) return full_bench(url, secs);
    if (!tu_pg_init(&pg)) {
        fprintf(stderr, "FAIL: the oracle bench needs a private PostgreSQL 15\n");
        CHECK(false);
        tu_pg_stop(&pg);
        return pt_finish();
    }
    int rc;
    if (bench) {
        rc = full_bench(pg.url, secs);
    } else {
        smoke();
        rc = pt_finish();
    }
    tu_pg_stop(&pg);
    return rc;
}
