/* test_ini: dbbench-format job files parse as dbbench reads them; bad input names its line. */
#include <stdlib.h>

#include "bench_ini.h"
#include "bench_url.h"
#include "test_util.h"

static void test_log_style_file(void)
{
    /* the shape used throughout the pgwire optimization log */
    const char *text = "duration=20s\n\n[64 connections]\nquery=select * from t\nconcurrency=64\n";
    bench_config c;
    char err[256] = "";
    CHECK(bench_ini_parse(text, &c, err, sizeof(err)));
    CHECK(c.duration_s == 20.0);
    CHECK_U64(c.njobs, 1);
    if (c.njobs == 1) {
        CHECK(strcmp(c.jobs[0].name, "64 connections") == 0);
        CHECK(strcmp(c.jobs[0].query, "select * from t") == 0);
        CHECK_U64(c.jobs[0].concurrency, 64);
        CHECK_U64(c.jobs[0].count, 0);
        CHECK(c.jobs[0].rate == 0);
    }
    bench_config_free(&c);
}

static void test_full_featured_file(void)
{
    const char *text = "; a comment\n"
                       "# another comment\n"
                       "duration=1m30s\n"
                       "error=40P01\n"
                       "[setup]\n"
                       "query=create table a (x int)\n"
                       "query=insert into a \\\n"
                       "   values (1)\n"
                       "[teardown]\n"
                       "query=drop table a\n"
                       "[reader]\n"
                       "query = select x from a \n"
                       "queue-depth=3\n"
                       "count=500\n"
                       "[ticker]\n"
                       "query=select 1\n"
                       "rate=2.5\n"
                       "batch-size=4\n"
                       "start=2s\n"
                       "stop=500ms\n";
    bench_config c;
    char err[256] = "";
    bool ok = bench_ini_parse(text, &c, err, sizeof(err));
    /* stop (0.5s) before start (2s) is rejected */
    CHECK(!ok);
    CHECK_CONTAINS(err, "stop must come after start");
    char *fixed = strdup(text);
    char *p = strstr(fixed, "stop=500ms");
    memcpy(p, "stop=5000s", 10);
    ok = bench_ini_parse(fixed, &c, err, sizeof(err));
    free(fixed);
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(c.duration_s == 90.0);
    CHECK_U64(c.naccepted, 1);
    CHECK_U64(c.nsetup, 2);
    CHECK_U64(c.nteardown, 1);
    CHECK(strcmp(c.setup[1], "insert into a  values (1)") == 0);
    CHECK_U64(c.njobs, 2);
    CHECK(strcmp(c.jobs[0].query, "select x from a") == 0);
    CHECK_U64(c.jobs[0].concurrency, 3);
    CHECK_U64(c.jobs[0].count, 500);
    CHECK(c.jobs[1].rate == 2.5);
    CHECK_U64(c.jobs[1].batch_size, 4);
    CHECK_U64(c.jobs[1].concurrency, 4); /* a rate job gets one connection per batch slot */
    CHECK(c.jobs[1].start_s == 2.0);
    CHECK(c.jobs[1].stop_s == 5000.0);
    bench_config_free(&c);
}

static void test_defaults(void)
{
    bench_config c;
    char err[256];
    CHECK(bench_ini_parse("[hello world]\nquery=select 'hello world'\n", &c, err, sizeof(err)));
    CHECK(c.duration_s == 0);
    CHECK_U64(c.jobs[0].concurrency, 1);
    bench_config_free(&c);
}

static void expect_error(const char *text, const char *needle)
{
    bench_config c;
    char err[256] = "";
    bool ok = bench_ini_parse(text, &c, err, sizeof(err));
    CHECK(!ok);
    if (!ok)
        CHECK_CONTAINS(err, needle);
    else
        bench_config_free(&c);
}

static void test_errors(void)
{
    expect_error("[j]\nquery-log-file=query.log\n", "query-log-file is not supported");
    expect_error("[j]\nquery=select 1\nquery-results-file=/tmp/x\n", "line 3");
    expect_error("duration=20\n[j]\nquery=select 1\n", "line 1: bad duration");
    expect_error("duration=20s\n", "no jobs");
    expect_error("[j]\nconcurrency=4\n", "no query provided");
    expect_error("[j]\nquery=select 1\nquery=select 2\n", "only one query");
    expect_error("[j]\nquery=select 1\nconcurrency=-1\n", "bad concurrency");
    expect_error("[j]\nquery=select 1\nconcurrency=0\n", "bad concurrency");
    expect_error("[j]\nquery=select 1\nbatch-size=3\n", "batch-size with rate");
    expect_error("[j]\nquery=select 1\nrate=fast\n", "bad rate");
    expect_error("[j]\nquery=select 1\nbogus=1\n", "unknown option 'bogus'");
    expect_error("[j\nquery=select 1\n", "unterminated section");
    expect_error("[j]\nquery=select 1\n[j]\nquery=select 2\n", "duplicate job");
    expect_error("[setup]\ncount=3\n[j]\nquery=select 1\n", "takes only query=");
    expect_error("[j]\nselect 1\n", "expected key=value");
    expect_error("wat=1\n[j]\nquery=select 1\n", "unknown global option");
}

static void test_durations(void)
{
    double s;
    CHECK(bench_parse_duration("10s", &s) && s == 10);
    CHECK(bench_parse_duration("1m30s", &s) && s == 90);
    CHECK(bench_parse_duration("250ms", &s) && s == 0.25);
    CHECK(bench_parse_duration("1.5h", &s) && s == 5400);
    CHECK(bench_parse_duration("0", &s) && s == 0);
    CHECK(!bench_parse_duration("10", &s));
    CHECK(!bench_parse_duration("10x", &s));
    CHECK(!bench_parse_duration("", &s));
}

static void test_job_files_in_repo(void)
{
    /* every job file shipped in bench/jobs must parse */
    static const char *const files[] = {"select_star.ini", "select_star_1conn.ini"};
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        char path[512], err[512];
        snprintf(path, sizeof(path), "%s/%s", BENCH_JOBS_DIR, files[i]);
        bench_config c;
        bool ok = bench_ini_load(path, &c, err, sizeof(err));
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "%s\n", err);
            continue;
        }
        CHECK(c.njobs >= 1 && c.duration_s > 0);
        bench_config_free(&c);
    }
    bench_config c;
    char err[512];
    CHECK(!bench_ini_load("/nonexistent/job.ini", &c, err, sizeof(err)));
}

static void test_urls(void)
{
    bench_url u;
    char err[256];
    CHECK(
        bench_url_parse("postgres://materialize@localhost:6875/materialize", &u, err, sizeof(err)));
    CHECK(strcmp(u.user, "materialize") == 0 && u.password == NULL);
    CHECK(strcmp(u.host, "localhost") == 0 && strcmp(u.port, "6875") == 0);
    CHECK(strcmp(u.dbname, "materialize") == 0);
    bench_url_free(&u);
    CHECK(bench_url_parse("postgresql://us%40er:p%3Ass@[::1]:5433/db?application_name=x%20y", &u,
                          err, sizeof(err)));
    CHECK(strcmp(u.user, "us@er") == 0 && strcmp(u.password, "p:ss") == 0);
    CHECK(strcmp(u.host, "::1") == 0 && strcmp(u.port, "5433") == 0);
    CHECK(strcmp(u.application_name, "x y") == 0);
    char shown[256];
    bench_url_display(&u, shown, sizeof(shown));
    CHECK(strstr(shown, "p:ss") == NULL);
    bench_url_free(&u);
    CHECK(bench_url_parse("postgres://bob@/db", &u, err, sizeof(err)));
    CHECK(strcmp(u.host, "127.0.0.1") == 0 && strcmp(u.port, "5432") == 0);
    bench_url_free(&u);
    CHECK(!bench_url_parse("mysql://x@y/z", &u, err, sizeof(err)));
    CHECK(!bench_url_parse("postgres://x@y:99999/z", &u, err, sizeof(err)));
    CHECK(!bench_url_parse("postgres://x%zz@y/z", &u, err, sizeof(err)));
}

int main(void)
{
    test_log_style_file();
    test_full_featured_file();
    test_defaults();
    test_errors();
    test_durations();
    test_job_files_in_repo();
    test_urls();
    return t_finish();
}
