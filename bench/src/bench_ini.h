/* bench_ini: dbbench-compatible job files (global options, [setup], [teardown], jobs). */
#ifndef BENCH_INI_H
#define BENCH_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One [job] section; owned by its bench_config, read-only once parsed. */
typedef struct bench_job_spec {
    char *name;
    char *query;
    uint32_t concurrency; /* connections (dbbench: queue-depth) */
    uint64_t count;       /* total invocations (rate jobs: batches); 0 = unlimited */
    double rate;          /* batches per second; 0 = closed loop */
    uint32_t batch_size;  /* queries per batch (rate jobs only) */
    double start_s;       /* offset from the start of the run */
    double stop_s;        /* 0 = until the end of the run */
} bench_job_spec;

/* A parsed job file; owned by the caller (bench_config_free), single-threaded. */
typedef struct bench_config {
    double duration_s; /* 0 = until every count is reached or Ctrl-C */
    char **setup;
    size_t nsetup;
    char **teardown;
    size_t nteardown;
    char **accepted_errors; /* dbbench `error=`: kept for the report, still counted */
    size_t naccepted;
    bench_job_spec *jobs;
    size_t njobs;
} bench_config;

/* Parses job-file text. On failure fills err (with the line number) and returns false. */
bool bench_ini_parse(const char *text, bench_config *cfg, char *err, size_t errlen);
bool bench_ini_load(const char *path, bench_config *cfg, char *err, size_t errlen);
void bench_config_free(bench_config *cfg);
/* Go-style durations as dbbench takes them: "10s", "1m30s", "250ms", "1.5h". */
bool bench_parse_duration(const char *s, double *seconds);

#endif
