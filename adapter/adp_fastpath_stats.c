/* adp_fastpath_stats: fast-path counters and the server-time histogram, one block per
 * thread (no shared write per query), summed when /metrics is scraped. Time is read with
 * the TSC where there is one (a few cycles; a clock_gettime pair would be most of a hit's
 * cost) and converted to seconds at scrape time. */
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

#define NBUCKETS 40 /* bucket k: at most 2^k ticks; the last one takes the rest */

/* One thread's counters: written by that thread only (relaxed load + store), read by the
 * scraper. Registered once per thread, never freed (threads are few and long-lived). */
typedef struct fp_stats {
    _Atomic uint64_t hits, misses, fallbacks[ADP_FP_R_COUNT_];
    _Atomic uint64_t hist[NBUCKETS];
    _Atomic uint64_t ticks_sum;
    struct fp_stats *next;
} fp_stats;

static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static fp_stats *registry;
static uint64_t calib_ticks, calib_ns; /* under registry_mu: the first registration */
static _Thread_local fp_stats *mine;

static const char *reason_labels[ADP_FP_R_COUNT_] = {
#define ADP_FP_X(id, label) label,
    ADP_FP_REASONS(ADP_FP_X)
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
    if (!registry) {
        calib_ticks = adp_fp_ticks();
        calib_ns = mono_ns();
    }
    st->next = registry;
    registry = st;
    pthread_mutex_unlock(&registry_mu);
    mine = st;
    return st;
}

void adp_fp_count_hit(uint64_t start_ticks)
{
    fp_stats *st = my_stats();
    uint64_t d = adp_fp_ticks() - start_ticks;
    int k = d ? 64 - __builtin_clzll(d) : 0; /* smallest k with d <= 2^k - 1 < 2^k */
    if (k >= NBUCKETS) k = NBUCKETS - 1;
    pgw_stat_add(&st->hits, 1);
    pgw_stat_add(&st->hist[k], 1);
    pgw_stat_add(&st->ticks_sum, d);
}

void adp_fp_count_miss(void)
{
    pgw_stat_add(&my_stats()->misses, 1);
}

void adp_fp_count_fallback(adp_fp_reason r)
{
    pgw_stat_add(&my_stats()->fallbacks[r], 1);
}

typedef struct fp_sum {
    adp_fp_totals t;
    uint64_t hist[NBUCKETS];
    uint64_t ticks_sum;
    double ns_per_tick;
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
        for (int i = 0; i < NBUCKETS; i++)
            s->hist[i] += pgw_stat_get(&st->hist[i]);
        s->ticks_sum += pgw_stat_get(&st->ticks_sum);
    }
    uint64_t t0 = calib_ticks, n0 = calib_ns;
    bool any = registry != NULL;
    pthread_mutex_unlock(&registry_mu);
    uint64_t dt = adp_fp_ticks() - t0, dn = mono_ns() - n0;
    /* too short a window to calibrate: assume the usual 1-3 GHz as 1 tick per ns */
    s->ns_per_tick = any && dn > 1000000 && dt ? (double)dn / (double)dt : 1.0;
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
        /* bucket k holds d < 2^k ticks */
        double le = (double)(1ull << k) * s.ns_per_tick / 1e9;
        if (k >= 6)
            line(out, "pgpeek_fastpath_query_seconds_bucket{le=\"%.9g\"} %" PRIu64 "\n", le, cum);
    }
    cum += s.hist[NBUCKETS - 1];
    line(out, "pgpeek_fastpath_query_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
    line(out, "pgpeek_fastpath_query_seconds_sum %.9f\n",
         (double)s.ticks_sum * s.ns_per_tick / 1e9);
    line(out, "pgpeek_fastpath_query_seconds_count %" PRIu64 "\n", cum);
}
