/* The batching layer under many threads: every read_ts answer is checked against its
 * ticket and against every apply_write and read that finished before the call began.
 * The local backend with test latency makes backing calls overlap and finish out of
 * order, answering with the value taken when they started. */
#include "unit/orc_test_util.h"

static orc *open_slow(int max_in_flight, uint32_t latency_us)
{
    char err[256];
    orc_config cfg = orc_config_default();
    cfg.clock_ms = tu_clock;
    cfg.max_in_flight = max_in_flight;
    cfg.test_latency_us = latency_us;
    orc *o = orc_open(&cfg, err, sizeof err);
    if (!o) fprintf(stderr, "orc_open: %s\n", err);
    return o;
}

static void run(int mif)
{
    orc *o = open_slow(mif, 2000);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t v = tu_stress(o, 4, 16, 300, 10);
    CHECK_INT(v, 0);
    orc_stats st;
    orc_get_stats(o, &st);
    printf("max_in_flight=%d: %llu reads in %llu batches (max %llu per batch, max %llu in "
           "flight), %llu writes, %llu applies\n",
           mif, (unsigned long long)st.reads, (unsigned long long)st.batches,
           (unsigned long long)st.batch_max, (unsigned long long)st.max_reads_in_flight,
           (unsigned long long)st.writes, (unsigned long long)st.applies);
    /* Every read was answered by exactly one batch, batches merged callers, and never
     * more than max_in_flight backing calls ran at once. */
    CHECK_INT(st.batch_tickets, st.reads);
    CHECK(st.batches < st.reads);
    CHECK(st.batch_max > 1);
    CHECK(st.max_reads_in_flight <= (uint64_t)mif);
    if (mif > 1) CHECK(st.max_reads_in_flight > 1);
    CHECK_INT(st.failed, 0);
    CHECK(st.backing_calls == st.batches + st.writes + st.applies + st.peeks);
    CHECK(st.wait_ns > 0 && st.backing_ns > 0);
    orc_close(o);
}

static void test_stress_in_flight_1(void)
{
    run(1);
}
static void test_stress_in_flight_3(void)
{
    run(3);
}

/* The runtime setter takes effect for later batches. */
static void test_set_max_in_flight(void)
{
    orc *o = open_slow(1, 3000);
    CHECK(o != NULL);
    if (!o) return;
    CHECK(orc_set_max_in_flight(o, 4));
    CHECK_INT(tu_stress(o, 2, 32, 100, 0), 0);
    orc_stats st;
    orc_get_stats(o, &st);
    CHECK(st.max_reads_in_flight > 1);
    CHECK(st.max_reads_in_flight <= 4);
    orc_close(o);
}

/* Closing fails what is still waiting, on the callers' threads, instead of hanging. */
static void on_closed(void *arg, bool ok, uint64_t ts, const char *err)
{
    (void)ts;
    int *n = arg;
    if (!ok && strstr(err, "shutting down")) (*n)++;
}

static void test_close_fails_waiting(void)
{
    orc *o = open_slow(1, 200000); /* 200 ms per backing call */
    CHECK(o != NULL);
    if (!o) return;
    struct event_base *base = event_base_new();
    orc_inbox *in = orc_inbox_new(o, base);
    orc_req reqs[8];
    int failed = 0;
    for (int i = 0; i < 8; i++)
        orc_write_ts(o, in, &reqs[i], on_closed, &failed);
    orc_close(o);
    while (event_base_loop(base, EVLOOP_NONBLOCK) == 0 && failed < 8) {
    }
    CHECK_INT(failed, 8);
    orc_inbox_free(in);
    event_base_free(base);
}

int main(void)
{
    PT_RUN(test_stress_in_flight_1);
    PT_RUN(test_stress_in_flight_3);
    PT_RUN(test_set_max_in_flight);
    PT_RUN(test_close_fails_waiting);
    return pt_finish();
}
