/* adp_fastpath_stats: fast-path counters and the server-time histogram, one block per
 * thread (no shared write per query), summed when /metrics is scraped. Time is read with
 * the TSC where there is one (a few cycles; a clock_gettime pair would be a good part of a
 * hit's cost), scaled to nanoseconds by a factor measured once per process. */
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "adp_fastpath.h"
#include "pgw_stats.h"

/* bucket k < NBUCKETS-1: under 2^(k+MIN_SHIFT) ns (256 ns .. 16.8 ms); the last: the rest */
#define MIN_SHIFT 8
#define NBUCKETS 18

/* One thread's counters: written by that thread only (relaxed load + store), read by the
 * scraper. Registered once per thread, never freed (threads are few and long-lived). */
typedef struct fp_stats {
    _Atomic uint64_t hits, misses, fallbacks[ADP_FP_R_COUNT_], served[ADP_FP_S_COUNT_];
    _Atomic uint64_t hist[NBUCKETS];
    _Atomic uint64_t ns_sum;
    struct fp_stats *next;
} fp_stats;

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static fp_stats *registry;
static uint64_t ns_per_tick_q16 = 1u << 16; /* set under registry_mu before any use */
static _Thread_local fp_stats *mine;

static const char *reason_labels[ADP_FP_R_COUNT_] = {
#define ADP_FP_X(id, label) label,
    ADP_FP_REASONS(ADP_FP_X)
#undef ADP_FP_X
};
static const char *served_labels[ADP_FP_S_COUNT_] = {
#define ADP_FP_X(id, label) label,
    ADP_FP_SERVED(ADP_FP_X)
#undef ADP_FP_X
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t adp_fp_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return mono_ns();
#endif
}

static fp_stats *my_stats(void)
{
    if (mine) return mine;
    fp_stats *st = calloc(1, sizeof *st);
    if (!st) abort();
    pthread_mutex_lock(&registry_mu);
#if defined(__x86_64__) || defined(__i386__)
    if (!registry) {
        /* once per process: the TSC against the monotonic clock over 2 ms */
        uint64_t t0 = adp_fp_ticks(), n0 = mono_ns(), n1;
        while ((n1 = mono_ns()) - n0 < 2000000)
            ;
        uint64_t dt = adp_fp_ticks() - t0;
        if (dt) ns_per_tick_q16 = ((n1 - n0) << 16) / dt;
    }
#endif
    st->next = registry;
    registry = st;
    pthread_mutex_unlock(&registry_mu);
    mine = st;
    return st;
}

void adp_fp_count_hit(uint64_t start_ticks, adp_fp_served how)
{
    fp_stats *st = my_stats();
    uint64_t ns = ((adp_fp_ticks() - start_ticks) * ns_per_tick_q16) >> 16;
    uint64_t q = ns >> MIN_SHIFT;
    int k = q ? 64 - __builtin_clzll(q) : 0; /* ns < 2^(k+MIN_SHIFT) */
    if (k >= NBUCKETS) k = NBUCKETS - 1;
    pgw_stat_add(&st->hits, 1);
    pgw_stat_add(&st->served[how], 1);
    pgw_stat_add(&st->hist[k], 1);
    pgw_stat_add(&st->ns_sum, ns);
}

void adp_fp_count_miss(void)
{
    pgw_stat_add(&my_stats()->misses, 1);
}

void adp_fp_count_fallback(adp_fp_reason r)
{
    pgw_stat_add(&my_stats()->fallbacks[r], 1);
}

/* The counters of every thread added up. Stack value of the scraper. */
typedef struct fp_sum {
    adp_fp_totals t;
    uint64_t hist[NBUCKETS];
    uint64_t ns_sum;
} fp_sum;

static void sum_all(fp_sum *s)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&registry_mu);
    for (fp_stats *st = registry; st; st = st->next) {
        s->t.hits += pgw_stat_get(&st->hits);
        s->t.misses += pgw_stat_get(&st->misses);
        for (int i = 0; i < ADP_FP_R_COUNT_; i++)
            s->t.fallbacks[i] += pgw_stat_get(&st->fallbacks[i]);
        for (int i = 0; i < ADP_FP_S_COUNT_; i++)
            s->t.served[i] += pgw_stat_get(&st->served[i]);
        for (int i = 0; i < NBUCKETS; i++)
            s->hist[i] += pgw_stat_get(&st->hist[i]);
        s->ns_sum += pgw_stat_get(&st->ns_sum);
    }
    pthread_mutex_unlock(&registry_mu);
}

void adp_fp_totals_get(adp_fp_totals *t)
{
    fp_sum s;
    sum_all(&s);
    *t = s.t;
}

static void line(pgw_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(pgw_buf *out, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pgw_buf_put_str(out, buf);
}

void adp_fastpath_metrics(pgw_buf *out)
{
    fp_sum s;
    sum_all(&s);
    line(out,
         "# HELP pgpeek_fastpath_hits_total Queries answered from the plan cache.\n"
         "# TYPE pgpeek_fastpath_hits_total counter\n"
         "pgpeek_fastpath_hits_total %" PRIu64 "\n",
         s.t.hits);
    line(out, "# HELP pgpeek_fastpath_served_total Plan-cache hits by how they were served.\n"
              "# TYPE pgpeek_fastpath_served_total counter\n");
    for (int i = 0; i < ADP_FP_S_COUNT_; i++)
        line(out, "pgpeek_fastpath_served_total{served=\"%s\"} %" PRIu64 "\n", served_labels[i],
             s.t.served[i]);
    line(out,
         "# HELP pgpeek_fastpath_misses_total Query texts planned into the plan cache.\n"
         "# TYPE pgpeek_fastpath_misses_total counter\n"
         "pgpeek_fastpath_misses_total %" PRIu64 "\n",
         s.t.misses);
    line(out, "# HELP pgpeek_fastpath_fallbacks_total Queries the fast path left to the normal "
              "path, by reason.\n# TYPE pgpeek_fastpath_fallbacks_total counter\n");
    for (int i = 0; i < ADP_FP_R_COUNT_; i++)
        line(out, "pgpeek_fastpath_fallbacks_total{reason=\"%s\"} %" PRIu64 "\n", reason_labels[i],
             s.t.fallbacks[i]);
    line(out, "# HELP pgpeek_fastpath_query_seconds Server time per plan-cache hit.\n"
              "# TYPE pgpeek_fastpath_query_seconds histogram\n");
    uint64_t cum = 0;
    for (int k = 0; k < NBUCKETS - 1; k++) {
        cum += s.hist[k];
        double le = (double)(1ull << (k + MIN_SHIFT)) / 1e9;
        line(out, "pgpeek_fastpath_query_seconds_bucket{le=\"%.9g\"} %" PRIu64 "\n", le, cum);
    }
    cum += s.hist[NBUCKETS - 1];
    line(out, "pgpeek_fastpath_query_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
    line(out, "pgpeek_fastpath_query_seconds_sum %.9f\n", (double)s.ns_sum / 1e9);
    line(out, "pgpeek_fastpath_query_seconds_count %" PRIu64 "\n", cum);
}
