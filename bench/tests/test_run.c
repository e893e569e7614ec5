/* test_run: short count-based runs against a real server (embedded pgpeek when built with it,
 * otherwise a private PostgreSQL on a Unix socket, or BENCH_TEST_URL). No timing asserted. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_report.h"
#include "bench_run.h"
#include "test_util.h"
#ifdef BENCH_HAVE_EMBEDDED
#include "pgpeek.h"
static pgpeek_server *server;

#else
static char pg_dir[64];
#endif

static bool start_server(char *url, size_t n)
{
#ifdef BENCH_HAVE_EMBEDDED
    char err[256];
    pgpeek_config cfg = pgpeek_config_default();
    cfg.listen_port = 0;
    cfg.http_port = -1;
    cfg.data_dir = NULL;
    cfg.workers = 2;
    server = pgpeek_start(&cfg, err, sizeof(err));
    if (!server) {
        fprintf(stderr, "pgpeek_start: %s\n", err);
        return false;
    }
    snprintf(url, n, "postgres://materialize@127.0.0.1:%d/materialize", pgpeek_port(server));
    return true;
#else
    const char *env = getenv("BENCH_TEST_URL");
    if (env) {
        snprintf(url, n, "%s", env);
        return true;
    }
    snprintf(pg_dir, sizeof(pg_dir), "/tmp/bench_test_XXXXXX");
    if (!mkdtemp(pg_dir)) return false;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sh %s/pg_private.sh start %s", BENCH_TESTS_DIR, pg_dir);
    int rc = system(cmd);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
        rmdir(pg_dir);
        printf("SKIP: no PostgreSQL 15 and no embedded pgpeek\n");
        exit(77);
    }
    if (rc != 0) return false;
    /* a socket directory as host, percent-encoded as libpq takes it */
    snprintf(url, n, "postgres://postgres@%%2Ftmp%%2F%s:5432/postgres", pg_dir + 5);
    return true;
#endif
}

static void stop_server(void)
{
#ifdef BENCH_HAVE_EMBEDDED
    pgpeek_stop(server);
#else
    if (pg_dir[0]) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "sh %s/pg_private.sh stop %s", BENCH_TESTS_DIR, pg_dir);
        if (system(cmd) != 0) fprintf(stderr, "stopping the private PostgreSQL failed\n");
    }
#endif
}

static bench_opts base_opts(const bench_url *u)
{
    bench_opts o = {.url = *u, .mode = BENCH_MODE_SIMPLE, .threads = 1, .pipeline = 1};
    return o;
}

static bool run_one(const bench_opts *o, const char *sql, uint32_t conc, uint64_t count,
                    bench_result *r)
{
    bench_job_spec job = {.name = "t", .query = (char *)sql, .concurrency = conc, .count = count};
    bench_config cfg = {.jobs = &job, .njobs = 1};
    char err[256];
    bool ok = bench_run(&cfg, o, r, err, sizeof(err));
    if (!ok) fprintf(stderr, "bench_run: %s\n", err);
    return ok;
}

static void test_simple_count(const bench_url *u)
{
    bench_opts o = base_opts(u);
    bench_result r;
    CHECK(run_one(&o, "SELECT * FROM bench_t", 4, 200, &r));
    const bench_job_result *j = &r.jobs[0];
    CHECK_U64(j->queries, 200);
    CHECK_U64(j->rows, 200); /* one row per query */
    CHECK_U64(bench_errors_total(&j->errors), 0);
    CHECK_U64(j->lat.count, 200);
    CHECK(j->lat.min > 0);
    CHECK(bench_hist_percentile(&j->lat, 50) <= bench_hist_percentile(&j->lat, 99));
    CHECK(bench_hist_percentile(&j->lat, 99) <= j->lat.max);
    CHECK_U64(r.conns_opened, 4);
    CHECK_U64(r.conns_failed, 0);
    CHECK_U64(r.queries_measured, 200);
    CHECK(j->qps > 0);
    /* the JSON carries the same numbers */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(bench_report_json(f, &o, &r));
    fclose(f);
    CHECK_CONTAINS(buf, "\"queries\": 200,");
    CHECK_CONTAINS(buf, "\"rows\": 200,");
    free(buf);
    bench_result_free(&r);
}

static void test_pre_auth_pipeline_threads(const bench_url *u)
{
    bench_opts o = base_opts(u);
    o.force_pre_auth = true;
    o.pipeline = 4;
    o.threads = 2;
    o.connect_parallelism = 2;
    bench_result r;
    CHECK(run_one(&o, "SELECT * FROM bench_t", 4, 200, &r));
    CHECK_U64(r.jobs[0].queries, 200);
    CHECK_U64(r.jobs[0].rows, 200);
    CHECK_U64(r.connect.count, 4);
    CHECK_U64(r.auth.count, 4);
    CHECK_U64(r.first_query.count, 4);
    CHECK_U64(r.threads, 2);
    bench_result_free(&r);
}

static void test_errors_by_sqlstate(const bench_url *u)
{
    bench_opts o = base_opts(u);
    bench_result r;
    CHECK(run_one(&o, "SELECT * FROM bench_no_such_table", 2, 20, &r));
    CHECK_U64(r.jobs[0].queries, 0);
    CHECK_U64(bench_errors_count(&r.jobs[0].errors, "42P01"), 20);
    CHECK_U64(r.jobs[0].lat.count, 0);
    bench_result_free(&r);
}

static void test_extended_modes(const bench_url *u)
{
    for (int m = BENCH_MODE_EXTENDED; m <= BENCH_MODE_PREPARED; m++) {
        bench_opts o = base_opts(u);
        o.mode = (bench_mode)m;
        o.pipeline = 2;
        bench_result r;
        CHECK(run_one(&o, "SELECT * FROM bench_t", 3, 90, &r));
        CHECK_U64(r.jobs[0].queries, 90);
        CHECK_U64(r.jobs[0].rows, 90);
        CHECK_U64(bench_errors_total(&r.jobs[0].errors), 0);
        bench_result_free(&r);
    }
}

static void test_rate_and_churn(const bench_url *u)
{
    bench_opts o = base_opts(u);
    bench_job_spec job = {.name = "tick",
                          .query = "SELECT * FROM bench_t",
                          .concurrency = 2,
                          .count = 5,
                          .rate = 100,
                          .batch_size = 2};
    bench_config cfg = {.jobs = &job, .njobs = 1};
    bench_result r;
    char err[256];
    CHECK(bench_run(&cfg, &o, &r, err, sizeof(err)));
    CHECK_U64(r.jobs[0].queries, 10); /* 5 batches of 2 */
    bench_result_free(&r);

    o.max_idle_conns = 1; /* the second connection reconnects for every query */
    CHECK(run_one(&o, "SELECT * FROM bench_t", 2, 40, &r));
    CHECK_U64(r.jobs[0].queries, 40);
    CHECK(r.conns_opened > 2);
    bench_result_free(&r);
}

static atomic_int stop_flag;

static void *press_ctrl_c(void *arg)
{
    (void)arg;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000000};
    nanosleep(&ts, NULL);
    atomic_store(&stop_flag, 1);
    return NULL;
}

static void test_stop_flag(const bench_url *u)
{
    /* no count, no duration: only the stop flag (Ctrl-C) ends this run */
    bench_opts o = base_opts(u);
    o.stop = &stop_flag;
    pthread_t t;
    pthread_create(&t, NULL, press_ctrl_c, NULL);
    bench_result r;
    CHECK(run_one(&o, "SELECT * FROM bench_t", 2, 0, &r));
    pthread_join(t, NULL);
    CHECK(r.interrupted);
    CHECK(r.jobs[0].queries > 0);
    CHECK_U64(r.jobs[0].lat.count, r.jobs[0].queries);
    bench_result_free(&r);
}

static void test_job_file(const bench_url *u)
{
    /* a dbbench-style file: setup, two jobs at once (one of them twice as wide), teardown */
    const char *text = "; two jobs at once\n"
                       "[setup]\n"
                       "query=CREATE TABLE bench_j (a int4)\n"
                       "query=INSERT INTO bench_j VALUES (1), (2), (3)\n"
                       "[teardown]\n"
                       "query=DROP TABLE bench_j\n"
                       "[filtered]\n"
                       "query=SELECT a FROM bench_j WHERE a > 1\n"
                       "concurrency=2\n"
                       "count=60\n"
                       "[counted]\n"
                       "query=SELECT count(*) FROM bench_j\n"
                       "count=7\n";
    bench_config cfg;
    char err[256];
    bool ok = bench_ini_parse(text, &cfg, err, sizeof(err));
    CHECK(ok);
    if (!ok) return;
    bench_opts o = base_opts(u);
    o.threads = 2;
    CHECK(bench_exec_each(&o, cfg.setup, cfg.nsetup, err, sizeof(err)));
    bench_result r;
    CHECK(bench_run(&cfg, &o, &r, err, sizeof(err)));
    CHECK_U64(r.njobs, 2);
    CHECK_U64(r.jobs[0].queries, 60);
    CHECK_U64(r.jobs[0].rows, 120); /* two rows match */
    CHECK_U64(r.jobs[0].conns, 2);
    CHECK_U64(r.jobs[1].queries, 7);
    CHECK_U64(r.jobs[1].rows, 7);
    CHECK_U64(r.conns_opened, 3);
    bench_result_free(&r);
    CHECK(bench_exec_each(&o, cfg.teardown, cfg.nteardown, err, sizeof(err)));
    /* the teardown really ran: the table is gone */
    char *again[] = {"SELECT a FROM bench_j"};
    CHECK(!bench_exec_each(&o, again, 1, err, sizeof(err)));
    CHECK_CONTAINS(err, "42P01");
    bench_config_free(&cfg);
}

static void test_connection_refused(void)
{
    /* nothing listens on a socket in a directory that does not exist */
    bench_url u;
    char err[256];
    CHECK(bench_url_parse("postgres://x@%2Fnonexistent-bench-dir:5432/x", &u, err, sizeof(err)));
    bench_opts o = base_opts(&u);
    bench_result r;
    CHECK(run_one(&o, "SELECT 1", 3, 3, &r));
    CHECK_U64(r.conns_opened, 0);
    CHECK_U64(r.conns_failed, 3);
    CHECK_U64(bench_errors_count(&r.conn_errors, "08001"), 3);
    bench_result_free(&r);
    bench_url_free(&u);
}

static void test_silent_server(void)
{
    /* the kernel accepts into the backlog, nobody ever answers the StartupMessage */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 8) == 0 &&
          getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    char text[128], err[256];
    snprintf(text, sizeof(text), "postgres://x@127.0.0.1:%d/x", ntohs(sa.sin_port));
    bench_url u;
    CHECK(bench_url_parse(text, &u, err, sizeof(err)));
    bench_opts o = base_opts(&u);
    o.force_pre_auth = true;
    o.connect_timeout_s = 0.3;
    bench_result r;
    CHECK(run_one(&o, "SELECT 1", 2, 2, &r));
    CHECK_U64(r.conns_failed, 2);
    CHECK_U64(bench_errors_count(&r.conn_errors, "08001"), 2);
    CHECK_U64(r.jobs[0].queries, 0);
    bench_result_free(&r);
    bench_url_free(&u);
    close(fd);
}

int main(void)
{
    char url_text[256], err[256];
    if (!start_server(url_text, sizeof(url_text))) {
        fprintf(stderr, "cannot start a server\n");
        return 1;
    }
    bench_url u;
    CHECK(bench_url_parse(url_text, &u, err, sizeof(err)));
    bench_opts o = base_opts(&u);
    char *setup[] = {"CREATE TABLE bench_t (id text, value int4)",
                     "INSERT INTO bench_t VALUES ('hello', 42)"};
    bool ok = bench_exec_each(&o, setup, 2, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "setup: %s\n", err);
    } else {
        test_simple_count(&u);
        test_pre_auth_pipeline_threads(&u);
        test_errors_by_sqlstate(&u);
        test_extended_modes(&u);
        test_rate_and_churn(&u);
        test_stop_flag(&u);
        test_job_file(&u);
        char *drop[] = {"DROP TABLE bench_t"};
        CHECK(bench_exec_each(&o, drop, 1, err, sizeof(err)));
    }
    test_connection_refused();
    test_silent_server();
    bench_url_free(&u);
    stop_server();
    return t_finish();
}
