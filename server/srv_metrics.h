/* srv_metrics: summing the per-worker counters into Prometheus text. */
#ifndef SRV_METRICS_H
#define SRV_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "orc.h"
#include "pgw_buf.h"

typedef struct pgpeek_server pgpeek_server;

/* A snapshot summed over workers (each counter read once, relaxed); plain data owned by the
 * scraper's stack. */
typedef struct srv_metrics {
    uint64_t connections_open;
    uint64_t connections_total;
    uint64_t queries_ok;
    uint64_t queries_error;
    uint64_t bytes_received;
    uint64_t bytes_sent;
    uint64_t commit_groups; /* commit thread: groups (one write timestamp each) */
    uint64_t commits;       /* transactions committed through it */
    bool has_oracle;
    orc_stats oracle;
} srv_metrics;

void srv_metrics_sum(const pgpeek_server *s, srv_metrics *m);
/* Appends the Prometheus text exposition of m. */
void srv_metrics_render(const srv_metrics *m, pgw_buf *out);

#endif
