/* bench_hist: log-linear histogram (exact below 128, then 128 sub-buckets per octave). */
#include "bench_hist.h"

#include <string.h>

void bench_hist_init(bench_hist *h)
{
    memset(h, 0, sizeof(*h));
    h->min = UINT64_MAX;
}

uint32_t bench_hist_bucket(uint64_t v)
{
    if (v < BENCH_HIST_SUB) return (uint32_t)v;
    uint32_t msb = 63u - (uint32_t)__builtin_clzll(v);
    if (msb >= BENCH_HIST_MAX_BITS) return BENCH_HIST_BUCKETS - 1;
    uint32_t shift = msb - BENCH_HIST_SUB_BITS;
    /* (v >> shift) lies in [SUB, 2*SUB): its low bits pick the sub-bucket. */
    return (shift + 1) * BENCH_HIST_SUB + (uint32_t)((v >> shift) - BENCH_HIST_SUB);
}

uint64_t bench_hist_bucket_low(uint32_t b)
{
    if (b < BENCH_HIST_SUB) return b;
    uint32_t shift = b / BENCH_HIST_SUB - 1;
    return ((uint64_t)BENCH_HIST_SUB + b % BENCH_HIST_SUB) << shift;
}

uint64_t bench_hist_bucket_high(uint32_t b)
{
    if (b < BENCH_HIST_SUB) return b;
    uint32_t shift = b / BENCH_HIST_SUB - 1;
    return bench_hist_bucket_low(b) + (((uint64_t)1 << shift) - 1);
}

void bench_hist_add(bench_hist *h, uint64_t v)
{
    h->buckets[bench_hist_bucket(v)]++;
    h->count++;
    h->sum += v;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
}

void bench_hist_merge(bench_hist *into, const bench_hist *from)
{
    if (from->count == 0) return;
    for (uint32_t i = 0; i < BENCH_HIST_BUCKETS; i++)
        into->buckets[i] += from->buckets[i];
    into->count += from->count;
    into->sum += from->sum;
    if (from->min < into->min) into->min = from->min;
    if (from->max > into->max) into->max = from->max;
}

uint64_t bench_hist_percentile(const bench_hist *h, double p)
{
    if (h->count == 0) return 0;
    if (p <= 0) return h->min;
    if (p >= 100) return h->max;
    /* Nearest rank: the smallest value with at least p% of samples at or below it. */
    double exact = p / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)exact;
    if ((double)rank < exact) rank++;
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < BENCH_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= rank) {
            /* Midpoint of the bucket, clamped to what was really observed. */
            uint64_t lo = bench_hist_bucket_low(i), hi = bench_hist_bucket_high(i);
            uint64_t v = lo + (hi - lo) / 2;
            if (v < h->min) v = h->min;
            if (v > h->max) v = h->max;
            return v;
        }
    }
    return h->max;
}

double bench_hist_mean(const bench_hist *h)
{
    return h->count ? (double)h->sum / (double)h->count : 0.0;
}
