/* bench_run: runs a job file against one server and collects per-job results. */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench_hist.h"
#include "bench_ini.h"
#include "bench_url.h"

typedef enum bench_mode { BENCH_MODE_SIMPLE, BENCH_MODE_EXTENDED, BENCH_MODE_PREPARED } bench_mode;

/* Run options; owned by the caller, read-only while a run is in progress. */
typedef struct bench_opts {
    bench_url url;
    bench_mode mode;
    uint32_t threads;
    uint32_t pipeline;            /* queries in flight per connection */
    uint32_t max_active_conns;    /* 0 = no cap on a job's connections */
    uint32_t max_idle_conns;      /* 0 = keep all; connections beyond it reconnect per query */
    uint32_t connect_parallelism; /* handshakes in flight at once, over all threads */
    bool force_pre_auth;
    double connect_timeout_s; /* a handshake taking longer fails with 08001; 0 = 10 s */
    double warmup_s;
    double duration_s; /* > 0 overrides the job file's duration */
    atomic_int *stop;  /* becomes nonzero to stop early (Ctrl-C); may be NULL */
} bench_opts;

/* Errors seen, by SQLSTATE, with the first message for each. Owned by its result. */
typedef struct bench_err_entry {
    char sqlstate[6];
    uint64_t count;
    char message[160];
} bench_err_entry;

typedef struct bench_errors {
    bench_err_entry *v;
    size_t n;
} bench_errors;

void bench_errors_add(bench_errors *e, const char *sqlstate, const char *message, uint64_t count);
uint64_t bench_errors_total(const bench_errors *e);
uint64_t bench_errors_count(const bench_errors *e, const char *sqlstate);
void bench_errors_free(bench_errors *e);

/* Merged figures for one job; owned by bench_result. Latencies are in nanoseconds and
 * cover successful queries completed after the warm-up. */
typedef struct bench_job_result {
    const char *name;
    const char *query;
    uint32_t conns;
    uint64_t queries; /* successful */
    uint64_t rows;
    uint64_t conns_lost;
    bench_errors errors;
    bench_hist lat;
    double elapsed_s;
    double qps;
} bench_job_result;

/* Everything a run measured; filled by bench_run, freed by bench_result_free. */
typedef struct bench_result {
    size_t njobs;
    bench_job_result *jobs;
    uint32_t threads;
    uint32_t conns_total;
    uint64_t conns_opened; /* including reconnects */
    uint64_t conns_failed;
    bench_errors conn_errors; /* failures while connecting or authenticating */
    bench_hist connect;       /* socket() to TCP connected */
    bench_hist auth;          /* connected to ReadyForQuery (plus Parse in prepared mode) */
    bench_hist first_query;   /* first query sent to its first row (or completion) */
    bench_hist to_first_row;  /* connect + auth + first query: what a new client waits */
    double pre_auth_s;        /* opening every connection before the clock (-force-pre-auth) */
    double elapsed_s;         /* clock start to end of the run, warm-up included */
    double warmup_s;
    double cpu_user_s; /* this process, over the measured window */
    double cpu_sys_s;
    double cpu_us_per_query;
    uint64_t queries_measured; /* successful + failed, all jobs, after warm-up */
    bool interrupted;
} bench_result;

/* Runs every job of cfg concurrently. False (err filled) only when the run could not start;
 * query and connection errors are counted in the result instead. */
bool bench_run(const bench_config *cfg, const bench_opts *o, bench_result *r, char *err,
               size_t errlen);
/* Runs each query once, in order, on one connection; fails on the first error. */
bool bench_exec_each(const bench_opts *o, char *const *queries, size_t n, char *err, size_t errlen);
void bench_result_free(bench_result *r);
const char *bench_mode_name(bench_mode m);
uint64_t bench_now_ns(void);

#endif
