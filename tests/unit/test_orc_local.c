/* The local oracle backend: contracts, durability of the reserved range, restarts,
 * a wall clock that steps backwards, the atomic fast path and configuration errors. */
#include "unit/orc_test_util.h"

#include <inttypes.h>

static char dir[64];

static orc *open_local(const char *data_dir, char *err)
{
    orc_config cfg = orc_config_default();
    cfg.data_dir = data_dir;
    cfg.clock_ms = tu_clock;
    orc *o = orc_open(&cfg, err, 256);
    if (!o) fprintf(stderr, "orc_open: %s\n", err);
    return o;
}

/* The bound persisted in the state file, or 0 when there is none. */
static uint64_t file_bound(void)
{
    char path[128], line[128];
    snprintf(path, sizeof path, "%s/timestamp_oracle", dir);
    FILE *f = fopen(path, "r");
    uint64_t b = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        sscanf(line, "bound %" SCNu64, &b);
    fclose(f);
    return b;
}

static void test_contracts_memory(void)
{
    char err[256];
    orc *o = open_local(NULL, err);
    CHECK(o != NULL);
    if (!o) return;
    tu_contracts(o);
    orc_close(o);
}

static void test_contracts_dir(void)
{
    char err[256];
    orc *o = open_local(dir, err);
    CHECK(o != NULL);
    if (!o) return;
    tu_contracts(o);
    orc_close(o);
}

/* Ranges are reserved ahead: the file's bound covers every write_ts handed out, and it is
 * rewritten only when a write_ts would pass it. */
static void test_reserve(void)
{
    char err[256], path[128];
    snprintf(path, sizeof path, "%s/timestamp_oracle", dir);
    unlink(path);
    uint64_t t0 = tu_real_ms();
    atomic_store(&tu_fake_now, t0);
    orc *o = open_local(dir, err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t w = 0, first_bound = 0;
    int rewrites = 0;
    /* The open reserved the first range already. */
    uint64_t prev_bound = file_bound();
    CHECK_INT(prev_bound, t0 + 2000);
    for (int i = 0; i < 200; i++) {
        if (i == 100) atomic_store(&tu_fake_now, t0 + 10 * 1000); /* past the reserve */
        CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w, err, sizeof err));
        uint64_t b = file_bound();
        if (b < w) {
            fprintf(stderr, "write_ts %" PRIu64 " handed out above the durable bound %" PRIu64 "\n",
                    w, b);
            CHECK(b >= w);
        }
        if (b != prev_bound) rewrites++;
        if (i == 0) first_bound = b;
        prev_bound = b;
    }
    CHECK(first_bound >= t0);
    CHECK_INT(rewrites, 1); /* the clock jump only; not 200 syncs */
    orc_close(o);
    atomic_store(&tu_fake_now, 0);
}

/* Reopening the same data directory resumes above everything handed out, also when the
 * wall clock has stepped backwards meanwhile. */
static void test_restart(void)
{
    char err[256];
    uint64_t now = tu_real_ms();
    atomic_store(&tu_fake_now, now);
    orc *o = open_local(dir, err);
    CHECK(o != NULL);
    if (!o) return;
    uint64_t w1, r1, a;
    CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w1, err, sizeof err));
    CHECK(orc_call_wait(o, ORC_OP_APPLY, w1, &a, err, sizeof err));
    CHECK(orc_call_wait(o, ORC_OP_READ, 0, &r1, err, sizeof err));
    CHECK(r1 >= w1);
    orc_close(o);

    for (int round = 0; round < 3; round++) {
        atomic_store(&tu_fake_now, now - 3600 * 1000 * (uint64_t)(round + 1));
        o = open_local(dir, err);
        CHECK(o != NULL);
        if (!o) return;
        uint64_t r, w, p;
        CHECK(orc_read_ts_current(o) >= w1);
        CHECK(orc_call_wait(o, ORC_OP_READ, 0, &r, err, sizeof err));
        CHECK(r >= w1);
        CHECK(r >= r1);
        CHECK(orc_call_wait(o, ORC_OP_PEEK, 0, &p, err, sizeof err));
        CHECK(p >= w1);
        CHECK(orc_call_wait(o, ORC_OP_WRITE, 0, &w, err, sizeof err));
        CHECK(w > w1);
        CHECK(w > r);
        CHECK(orc_call_wait(o, ORC_OP_APPLY, w, &a, err, sizeof err));
        w1 = w;
        r1 = r;
        orc_close(o);
    }
    atomic_store(&tu_fake_now, 0);
}

static void test_damaged_state(void)
{
    char err[256], path[128];
    snprintf(path, sizeof path, "%s/timestamp_oracle", dir);
    FILE *f = fopen(path, "w");
    fputs("pgpeek timestamp oracle 1\ntimeline pgpeek\nbou", f);
    fclose(f);
    orc_config cfg = orc_config_default();
    cfg.data_dir = dir;
    orc *o = orc_open(&cfg, err, sizeof err);
    CHECK(o == NULL);
    CHECK(o == NULL && strstr(err, "damaged") != NULL);
    orc_close(o);

    f = fopen(path, "w");
    fputs("pgpeek timestamp oracle 1\ntimeline other\nbound 5\n", f);
    fclose(f);
    o = orc_open(&cfg, err, sizeof err);
    CHECK(o == NULL && strstr(err, "timeline") != NULL);
    orc_close(o);
    unlink(path);
}

static void test_fast_path(void)
{
    char err[256];
    orc *o = open_local(NULL, err);
    CHECK(o != NULL);
    if (!o) return;
    struct event_base *base = event_base_new();
    orc_inbox *in = orc_inbox_new(o, base);
    CHECK(orc_read_ts_fast_safe(o));
    uint64_t w, a, ts = 0;
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w));
    CHECK(tu_async(o, in, base, ORC_OP_APPLY, w, &a));
    orc_req req;
    tu_answer ans = {0};
    /* Local backend: answered at once from the atomic, no callback. */
    CHECK(orc_read_ts_strict(o, in, &req, tu_cb, &ans, &ts));
    CHECK(ts >= w);
    CHECK(orc_read_ts_atomic(o, in, &ts));
    CHECK(ts >= w);
    event_base_loop(base, EVLOOP_NONBLOCK);
    CHECK(!ans.done);
    orc_stats st;
    orc_get_stats(o, &st);
    CHECK_INT(st.fast_reads, 2);
    CHECK_INT(st.writes, 1);
    CHECK_INT(st.applies, 1);
    CHECK(st.read_ts >= w);
    orc_inbox_free(in);
    orc_get_stats(o, &st);
    CHECK_INT(st.fast_reads, 2); /* kept after the inbox is gone */
    event_base_free(base);
    orc_close(o);
}

static void test_config_errors(void)
{
    char err[256];
    orc_config cfg = orc_config_default();
    cfg.url = "mysql://x";
    CHECK(orc_open(&cfg, err, sizeof err) == NULL);
    CHECK(strstr(err, "postgres://") != NULL);
    cfg = orc_config_default();
    cfg.timeline = "has space";
    CHECK(orc_open(&cfg, err, sizeof err) == NULL);
    CHECK(strstr(err, "timeline") != NULL);
    cfg.timeline = NULL;
    cfg.data_dir = "/proc/no_such_dir";
    CHECK(orc_open(&cfg, err, sizeof err) == NULL);
    CHECK(strstr(err, "/proc/no_such_dir") != NULL);
    cfg.data_dir = NULL;
    cfg.url = "postgres://host/db?bogus_option=1";
    CHECK(orc_open(&cfg, err, sizeof err) == NULL);
    CHECK(strstr(err, "bogus_option") != NULL);
    cfg = orc_config_default();
    cfg.max_in_flight = 17;
    CHECK(orc_open(&cfg, err, sizeof err) == NULL);
    cfg.max_in_flight = 0; /* the default */
    orc *o = orc_open(&cfg, err, sizeof err);
    CHECK(o != NULL);
    if (!o) return;
    CHECK_INT(orc_max_in_flight(o), 3);
    CHECK(!orc_set_max_in_flight(o, 0));
    CHECK(!orc_set_max_in_flight(o, 17));
    CHECK(orc_set_max_in_flight(o, 4));
    CHECK_INT(orc_max_in_flight(o), 4);
    orc_close(o);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/orc_local_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    PT_RUN(test_contracts_memory);
    PT_RUN(test_contracts_dir);
    PT_RUN(test_reserve);
    PT_RUN(test_restart);
    PT_RUN(test_damaged_state);
    PT_RUN(test_fast_path);
    PT_RUN(test_config_errors);
    nftw(dir, tu_rm, 16, FTW_DEPTH | FTW_PHYS);
    return pt_finish();
}
