/* bench_report: the human table and the JSON document for one run. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench_run.h"

void bench_report_text(FILE *f, const bench_opts *o, const bench_result *r);
bool bench_report_json(FILE *f, const bench_opts *o, const bench_result *r);

#endif
