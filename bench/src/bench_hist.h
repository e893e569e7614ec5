/* bench_hist: log-linear latency histogram, fixed size, no allocation per sample. */
#ifndef BENCH_HIST_H
#define BENCH_HIST_H

#include <stdint.h>

/* Sub-buckets per power of two: 2^7 = 128 gives under 1% relative error. */
#define BENCH_HIST_SUB_BITS 7
#define BENCH_HIST_SUB (1u << BENCH_HIST_SUB_BITS)
/* Values up to 2^40 ns (about 18 minutes); larger values land in the last bucket. */
#define BENCH_HIST_MAX_BITS 40
#define BENCH_HIST_BUCKETS ((BENCH_HIST_MAX_BITS - BENCH_HIST_SUB_BITS + 1) * BENCH_HIST_SUB)

/* A histogram of nanosecond values; owned by one thread, merged after the run. */
typedef struct bench_hist {
    uint64_t count;
    uint64_t sum;
    uint64_t min;
    uint64_t max;
    uint64_t buckets[BENCH_HIST_BUCKETS];
} bench_hist;

void bench_hist_init(bench_hist *h);
void bench_hist_add(bench_hist *h, uint64_t value);
void bench_hist_merge(bench_hist *into, const bench_hist *from);
/* Nearest-rank percentile (p in 0..100); returns 0 for an empty histogram. */
uint64_t bench_hist_percentile(const bench_hist *h, double p);
double bench_hist_mean(const bench_hist *h);
/* Bucket helpers, exposed for tests. */
uint32_t bench_hist_bucket(uint64_t value);
uint64_t bench_hist_bucket_low(uint32_t bucket);
uint64_t bench_hist_bucket_high(uint32_t bucket);

#endif
