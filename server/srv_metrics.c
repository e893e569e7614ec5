/* srv_metrics: counters are written by their worker only; the scraper sums them. */
#include "srv_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "adp_commit.h"
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
    if (s->db) adp_commit_stats(s->db, &m->commit_groups, &m->commits);
    if (s->oracle) {
        m->has_oracle = true;
        orc_get_stats(s->oracle, &m->oracle);
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
    metric(out, "pgpeek_commit_groups_total", "counter",
           "Commit groups (one oracle write timestamp each).", "", m->commit_groups, true);
    metric(out, "pgpeek_commits_total", "counter", "Transactions committed by the commit thread.",
           "", m->commits, true);
    if (!m->has_oracle) return;
    const orc_stats *o = &m->oracle;
    metric(out, "pgpeek_oracle_calls_total", "counter", "Timestamp oracle calls answered, by op.",
           "{op=\"read\"}", o->reads, true);
    metric(out, "pgpeek_oracle_calls_total", "", "", "{op=\"write\"}", o->writes, false);
    metric(out, "pgpeek_oracle_calls_total", "", "", "{op=\"peek\"}", o->peeks, false);
    metric(out, "pgpeek_oracle_calls_total", "", "", "{op=\"apply\"}", o->applies, false);
    metric(out, "pgpeek_oracle_failed_total", "counter", "Oracle calls answered with an error.", "",
           o->failed, true);
    metric(out, "pgpeek_oracle_fast_reads_total", "counter",
           "Read timestamps taken from the atomic (no oracle round trip).", "", o->fast_reads,
           true);
    metric(out, "pgpeek_oracle_backing_calls_total", "counter",
           "Backend statements or local steps, all ops.", "", o->backing_calls, true);
    metric(out, "pgpeek_oracle_batches_total", "counter", "Backing calls made for read_ts.", "",
           o->batches, true);
    metric(out, "pgpeek_oracle_batch_tickets_total", "counter",
           "read_ts callers answered by batches.", "", o->batch_tickets, true);
    metric(out, "pgpeek_oracle_batch_max", "gauge", "Most callers answered by one batch.", "",
           o->batch_max, true);
    /* Waiting much longer than backing calls take is queueing (max_in_flight too low). */
    metric(out, "pgpeek_oracle_wait_nanoseconds_total", "counter",
           "Time oracle callers waited, submit to answer.", "", o->wait_ns, true);
    metric(out, "pgpeek_oracle_backing_nanoseconds_total", "counter",
           "Time the oracle's backing calls took.", "", o->backing_ns, true);
    metric(out, "pgpeek_oracle_reconnects_total", "counter", "Shared backend connections made.", "",
           o->reconnects, true);
    metric(out, "pgpeek_oracle_retries_total", "counter", "Backing calls retried.", "", o->retries,
           true);
    metric(out, "pgpeek_oracle_read_ts", "gauge", "The atomic read timestamp (ms since epoch).", "",
           o->read_ts, true);
}
