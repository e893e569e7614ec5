/* test_hist: histogram percentiles against a sorted array of the same values. */
#include <stdint.h>
#include <stdlib.h>

#include "bench_hist.h"
#include "test_util.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t nearest_rank(const uint64_t *sorted, size_t n, double p)
{
    double exact = p / 100.0 * (double)n;
    size_t rank = (size_t)exact;
    if ((double)rank < exact) rank++;
    if (rank == 0) rank = 1;
    return sorted[rank - 1];
}

/* Within the bucket width: 1/128 relative, exact below 128. */
static int close_enough(uint64_t got, uint64_t want)
{
    uint64_t diff = got > want ? got - want : want - got;
    return diff <= want / BENCH_HIST_SUB + 1;
}

static void check_against_sorted(uint64_t *v, size_t n)
{
    bench_hist *h = malloc(sizeof(*h));
    bench_hist_init(h);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        bench_hist_add(h, v[i]);
        sum += v[i];
    }
    qsort(v, n, sizeof(*v), cmp_u64);
    CHECK_U64(h->count, n);
    CHECK_U64(h->min, v[0]);
    CHECK_U64(h->max, v[n - 1]);
    CHECK_U64(h->sum, sum);
    static const double ps[] = {1, 10, 50, 90, 99, 99.9, 99.99};
    for (size_t i = 0; i < sizeof(ps) / sizeof(*ps); i++) {
        uint64_t got = bench_hist_percentile(h, ps[i]), want = nearest_rank(v, n, ps[i]);
        if (!close_enough(got, want))
            fprintf(stderr, "p%g: got %llu want %llu\n", ps[i], (unsigned long long)got,
                    (unsigned long long)want);
        CHECK(close_enough(got, want));
    }
    CHECK_U64(bench_hist_percentile(h, 100), v[n - 1]);
    CHECK_U64(bench_hist_percentile(h, 0), v[0]);
    free(h);
}

static void test_known_small(void)
{
    /* exact region: 1..100 once each; p50 is 50, p90 is 90, p99 is 99 */
    bench_hist *h = malloc(sizeof(*h));
    bench_hist_init(h);
    for (uint64_t i = 1; i <= 100; i++)
        bench_hist_add(h, i);
    CHECK_U64(bench_hist_percentile(h, 50), 50);
    CHECK_U64(bench_hist_percentile(h, 90), 90);
    CHECK_U64(bench_hist_percentile(h, 99), 99);
    CHECK_U64(bench_hist_percentile(h, 99.9), 100);
    CHECK(bench_hist_mean(h) == 50.5);
    bench_hist_init(h);
    CHECK_U64(bench_hist_percentile(h, 50), 0);
    free(h);
}

static void test_random_latencies(void)
{
    /* log-uniform values from 1us to 1s, the range query latencies live in */
    size_t n = 200000;
    uint64_t *v = malloc(n * sizeof(*v));
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int octave = (int)(x % 20);
        v[i] = 1000 + ((x >> 8) % (1000ull << octave));
    }
    check_against_sorted(v, n);
    free(v);
}

static void test_skewed(void)
{
    /* 99% fast, 1% slow: p99 must land on the fast side, p99.9 on the slow side */
    size_t n = 10000;
    uint64_t *v = malloc(n * sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = i % 100 == 0 ? 50000000 + i : 40000 + i;
    check_against_sorted(v, n);
    free(v);
}

static void test_buckets(void)
{
    uint64_t samples[] = {0, 1, 127, 128, 129, 255, 256, 1000, 123456789, 1ull << 39};
    for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
        uint32_t b = bench_hist_bucket(samples[i]);
        CHECK(b < BENCH_HIST_BUCKETS);
        CHECK(bench_hist_bucket_low(b) <= samples[i] && samples[i] <= bench_hist_bucket_high(b));
    }
    /* buckets tile the range without gaps */
    for (uint32_t b = 1; b < BENCH_HIST_BUCKETS; b++)
        if (bench_hist_bucket_low(b) != bench_hist_bucket_high(b - 1) + 1) {
            CHECK(!"gap between buckets");
            break;
        }
    CHECK_U64(bench_hist_bucket(UINT64_MAX), BENCH_HIST_BUCKETS - 1);
}

static void test_merge(void)
{
    bench_hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *all = malloc(sizeof(*all));
    bench_hist_init(a);
    bench_hist_init(b);
    bench_hist_init(all);
    for (uint64_t i = 0; i < 1000; i++) {
        bench_hist_add(i % 3 ? a : b, i * 997);
        bench_hist_add(all, i * 997);
    }
    bench_hist_merge(a, b);
    CHECK_U64(a->count, all->count);
    CHECK_U64(a->sum, all->sum);
    CHECK_U64(a->min, all->min);
    CHECK_U64(a->max, all->max);
    CHECK_U64(bench_hist_percentile(a, 99), bench_hist_percentile(all, 99));
    CHECK(memcmp(a->buckets, all->buckets, sizeof(a->buckets)) == 0);
    free(a);
    free(b);
    free(all);
}

int main(void)
{
    test_known_small();
    test_random_latencies();
    test_skewed();
    test_buckets();
    test_merge();
    return t_finish();
}
