/* pgpeek-bench: dbbench-compatible load generator speaking the PostgreSQL protocol itself. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_report.h"

static atomic_int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    atomic_store(&stop_flag, 1);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: pgpeek-bench [flags] JOBFILE.ini\n"
               "       pgpeek-bench [flags] -query SQL [-concurrency N] [-count N] [-duration D]\n"
               "flags (dbbench names; -flag value or -flag=value):\n"
               "  -url postgres://user:pass@host:port/db   (host may be a socket directory)\n"
               "  -max-active-conns N    cap on a job's connections (0 = concurrency)\n"
               "  -max-idle-conns N      connections beyond N reconnect for every query "
               "(0 = keep all;\n"
               "                         note: dbbench's own default is 100)\n"
               "  -force-pre-auth        open and authenticate all connections before the clock\n"
               "  -connect-parallelism N handshakes in flight at once (default 32)\n"
               "  -connect-timeout D     a handshake taking longer fails (default 10s)\n"
               "  -mode simple|extended|prepared   (default simple)\n"
               "  -pipeline N            queries in flight per connection (default 1)\n"
               "  -threads N             load threads (default 1)\n"
               "  -warmup D              seconds (or 2s, 500ms) run but not measured\n"
               "  -duration D            overrides the job file's duration\n"
               "  -json FILE             also write the report as JSON\n"
               "  -driver postgres       accepted for dbbench compatibility\n");
}

static bool parse_seconds(const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end != v && *end == '\0' && d >= 0) {
        *out = d;
        return true;
    }
    return bench_parse_duration(v, out);
}

static bool parse_uint(const char *v, uint32_t *out, uint32_t min)
{
    char *end;
    unsigned long x = strtoul(v, &end, 10);
    if (end == v || *end != '\0' || x < min || x > 1000000) return false;
    *out = (uint32_t)x;
    return true;
}

/* Command-line state; main's stack. */
typedef struct cli {
    const char *url, *json, *job_file, *query;
    uint32_t concurrency;
    unsigned long long count;
} cli;

static bool apply_flag(cli *c, bench_opts *o, const char *name, const char *v)
{
    if (strcmp(name, "url") == 0)
        c->url = v;
    else if (strcmp(name, "json") == 0)
        c->json = v;
    else if (strcmp(name, "query") == 0)
        c->query = v;
    else if (strcmp(name, "concurrency") == 0)
        return parse_uint(v, &c->concurrency, 1);
    else if (strcmp(name, "count") == 0)
        c->count = strtoull(v, NULL, 10);
    else if (strcmp(name, "driver") == 0)
        return strcmp(v, "postgres") == 0;
    else if (strcmp(name, "max-active-conns") == 0)
        return parse_uint(v, &o->max_active_conns, 0);
    else if (strcmp(name, "max-idle-conns") == 0)
        return parse_uint(v, &o->max_idle_conns, 0);
    else if (strcmp(name, "connect-parallelism") == 0)
        return parse_uint(v, &o->connect_parallelism, 1);
    else if (strcmp(name, "connect-timeout") == 0)
        return parse_seconds(v, &o->connect_timeout_s);
    else if (strcmp(name, "pipeline") == 0)
        return parse_uint(v, &o->pipeline, 1);
    else if (strcmp(name, "threads") == 0)
        return parse_uint(v, &o->threads, 1);
    else if (strcmp(name, "warmup") == 0)
        return parse_seconds(v, &o->warmup_s);
    else if (strcmp(name, "duration") == 0)
        return parse_seconds(v, &o->duration_s);
    else if (strcmp(name, "force-pre-auth") == 0)
        o->force_pre_auth = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
    else if (strcmp(name, "mode") == 0) {
        if (strcmp(v, "simple") == 0)
            o->mode = BENCH_MODE_SIMPLE;
        else if (strcmp(v, "extended") == 0)
            o->mode = BENCH_MODE_EXTENDED;
        else if (strcmp(v, "prepared") == 0)
            o->mode = BENCH_MODE_PREPARED;
        else
            return false;
    } else {
        return false;
    }
    return true;
}

static int parse_args(int argc, char **argv, cli *c, bench_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (c->job_file) {
                fprintf(stderr, "pgpeek-bench: only one job file\n");
                return 2;
            }
            c->job_file = a;
            continue;
        }
        const char *name = a + (a[1] == '-' ? 2 : 1);
        if (strcmp(name, "h") == 0 || strcmp(name, "help") == 0) {
            usage(stdout);
            return 0;
        }
        char key[64];
        const char *eq = strchr(name, '='), *v;
        size_t klen = eq ? (size_t)(eq - name) : strlen(name);
        if (klen >= sizeof(key)) {
            fprintf(stderr, "pgpeek-bench: unknown flag %s\n", a);
            return 2;
        }
        memcpy(key, name, klen);
        key[klen] = '\0';
        if (eq)
            v = eq + 1;
        else if (strcmp(key, "force-pre-auth") == 0)
            v = "true";
        else if (i + 1 < argc)
            v = argv[++i];
        else {
            fprintf(stderr, "pgpeek-bench: flag -%s needs a value\n", key);
            return 2;
        }
        if (!apply_flag(c, o, key, v)) {
            fprintf(stderr, "pgpeek-bench: bad flag -%s %s\n", key, v);
            usage(stderr);
            return 2;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    bench_opts o = {.mode = BENCH_MODE_SIMPLE, .threads = 1, .pipeline = 1, .stop = &stop_flag};
    cli c = {.url = "postgres://127.0.0.1:5432/", .concurrency = 1};
    int rc = parse_args(argc, argv, &c, &o);
    if (rc >= 0) return rc;
    if (!c.job_file == !c.query) {
        fprintf(stderr, "pgpeek-bench: give either a job file or -query\n");
        usage(stderr);
        return 2;
    }
    char err[512];
    bench_config cfg;
    bench_job_spec adhoc = {.name = "query", .concurrency = c.concurrency, .count = c.count};
    if (c.query) {
        adhoc.query = (char *)c.query;
        memset(&cfg, 0, sizeof(cfg));
        cfg.jobs = &adhoc;
        cfg.njobs = 1;
    } else if (!bench_ini_load(c.job_file, &cfg, err, sizeof(err))) {
        fprintf(stderr, "pgpeek-bench: %s\n", err);
        return 2;
    }
    if (!bench_url_parse(c.url, &o.url, err, sizeof(err))) {
        fprintf(stderr, "pgpeek-bench: %s\n", err);
        return 2;
    }
    /* one descriptor per connection: take the hard limit rather than stop at 1024 */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    rc = 0;
    if (cfg.nsetup && !bench_exec_each(&o, cfg.setup, cfg.nsetup, err, sizeof(err))) {
        fprintf(stderr, "pgpeek-bench: setup failed: %s\n", err);
        rc = 1;
    }
    bench_result r;
    if (rc == 0 && !bench_run(&cfg, &o, &r, err, sizeof(err))) {
        fprintf(stderr, "pgpeek-bench: %s\n", err);
        rc = 1;
    } else if (rc == 0) {
        bench_report_text(stdout, &o, &r);
        if (c.json) {
            FILE *f = fopen(c.json, "w");
            if (!f || !bench_report_json(f, &o, &r)) {
                fprintf(stderr, "pgpeek-bench: cannot write %s\n", c.json);
                rc = 1;
            }
            if (f && fclose(f) != 0) rc = 1;
        }
        if (r.conns_opened == 0) rc = 1; /* nothing could connect: make scripts notice */
        bench_result_free(&r);
    }
    if (cfg.nteardown && !bench_exec_each(&o, cfg.teardown, cfg.nteardown, err, sizeof(err))) {
        fprintf(stderr, "pgpeek-bench: teardown failed: %s\n", err);
        rc = 1;
    }
    bench_url_free(&o.url);
    if (!c.query) bench_config_free(&cfg);
    return rc;
}
