/* srv_metrics: counters are written by their worker only; the scraper sums them. */
#include "srv_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "srv_server.h"
#include "srv_worker.h"

void srv_metrics_sum(const pgpeek_server *s, srv_metrics *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < s->nworkers; i++) {
        const pgw_stats *st = &s->workers[i].stats;
        /* closed before opened: opened only grows, so open never goes negative. */
        uint64_t closed = pgw_stat_get(&st->conns_closed);
        uint64_t opened = pgw_stat_get(&st->conns_opened);
        m->connections_open += opened - closed;
        m->connections_total += opened;
        m->queries_ok += pgw_stat_get(&st->queries_ok);
        m->queries_error += pgw_stat_get(&st->queries_error);
        m->bytes_received += pgw_stat_get(&st->bytes_received);
        m->bytes_sent += pgw_stat_get(&st->bytes_sent);
    }
}

static void metric(pgw_buf *out, const char *name, const char *type, const char *help,
                   const char *labels, uint64_t value, bool header)
{
    char line[512];
    if (header) {
        snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
        pgw_buf_put_str(out, line);
    }
    snprintf(line, sizeof line, "%s%s %" PRIu64 "\n", name, labels, value);
    pgw_buf_put_str(out, line);
}

void srv_metrics_render(const srv_metrics *m, pgw_buf *out)
{
    metric(out, "pgpeek_connections_open", "gauge", "Client connections currently open.", "",
           m->connections_open, true);
    metric(out, "pgpeek_connections_total", "counter", "Client connections accepted.", "",
           m->connections_total, true);
    metric(out, "pgpeek_queries_total", "counter", "Simple queries by outcome.", "{outcome=\"ok\"}",
           m->queries_ok, true);
    metric(out, "pgpeek_queries_total", "counter", "", "{outcome=\"error\"}", m->queries_error,
           false);
    metric(out, "pgpeek_bytes_received_total", "counter", "Bytes received from clients.", "",
           m->bytes_received, true);
    metric(out, "pgpeek_bytes_sent_total", "counter", "Bytes sent to clients.", "", m->bytes_sent,
           true);
}
