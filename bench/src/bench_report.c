/* bench_report: formats results; latencies are printed in adaptive units, JSON in microseconds. */
#include "bench_report.h"

#include <string.h>

static const char *fmt_ns(char *buf, size_t n, double ns)
{
    if (ns < 0)
        snprintf(buf, n, "-");
    else if (ns < 1e6)
        snprintf(buf, n, "%.1fus", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, n, "%.2fms", ns / 1e6);
    else
        snprintf(buf, n, "%.3fs", ns / 1e9);
    return buf;
}

static void hist_row(FILE *f, const char *label, const bench_hist *h)
{
    char a[24], b[24], c[24], d[24];
    if (h->count == 0) {
        fprintf(f, "  %-12s %8s\n", label, "-");
        return;
    }
    fprintf(f, "  %-12s %9s %9s %9s %9s  (n=%llu)\n", label,
            fmt_ns(a, sizeof(a), bench_hist_mean(h)),
            fmt_ns(b, sizeof(b), (double)bench_hist_percentile(h, 50)),
            fmt_ns(c, sizeof(c), (double)bench_hist_percentile(h, 99)),
            fmt_ns(d, sizeof(d), (double)h->max), (unsigned long long)h->count);
}

static void errors_text(FILE *f, const char *what, const bench_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        fprintf(f, "  %s: %s x %llu  %s\n", what, e->v[i].sqlstate,
                (unsigned long long)e->v[i].count, e->v[i].message);
}

void bench_report_text(FILE *f, const bench_opts *o, const bench_result *r)
{
    char url[512];
    bench_url_display(&o->url, url, sizeof(url));
    fprintf(f, "pgpeek-bench %s  mode=%s pipeline=%u threads=%u%s\n", url, bench_mode_name(o->mode),
            o->pipeline, r->threads, r->interrupted ? "  (interrupted)" : "");
    fprintf(f, "connections: %u wanted, %llu opened, %llu failed", r->conns_total,
            (unsigned long long)r->conns_opened, (unsigned long long)r->conns_failed);
    if (o->force_pre_auth) fprintf(f, ", pre-auth took %.3fs", r->pre_auth_s);
    fprintf(f, "\n  %-12s %9s %9s %9s %9s\n", "", "avg", "p50", "p99", "max");
    hist_row(f, "connect", &r->connect);
    hist_row(f, "auth", &r->auth);
    hist_row(f, "first query", &r->first_query);
    hist_row(f, "to first row", &r->to_first_row);
    errors_text(f, "connection error", &r->conn_errors);
    fprintf(f, "\n%-20s %5s %10s %10s %9s %9s %9s %9s %9s %9s %7s\n", "job", "conns", "queries",
            "QPS", "avg", "p50", "p90", "p99", "p99.9", "max", "errors");
    for (size_t j = 0; j < r->njobs; j++) {
        const bench_job_result *jr = &r->jobs[j];
        const bench_hist *h = &jr->lat;
        char b[6][24];
        double none = h->count ? 0 : -1; /* no successful query: no latency to show */
        fprintf(f, "%-20.20s %5u %10llu %10.1f %9s %9s %9s %9s %9s %9s %7llu\n", jr->name,
                jr->conns, (unsigned long long)jr->queries, jr->qps,
                fmt_ns(b[0], 24, none < 0 ? none : bench_hist_mean(h)),
                fmt_ns(b[1], 24, none < 0 ? none : (double)bench_hist_percentile(h, 50)),
                fmt_ns(b[2], 24, none < 0 ? none : (double)bench_hist_percentile(h, 90)),
                fmt_ns(b[3], 24, none < 0 ? none : (double)bench_hist_percentile(h, 99)),
                fmt_ns(b[4], 24, none < 0 ? none : (double)bench_hist_percentile(h, 99.9)),
                fmt_ns(b[5], 24, none < 0 ? none : (double)h->max),
                (unsigned long long)bench_errors_total(&jr->errors));
        errors_text(f, "error", &jr->errors);
        if (jr->conns_lost)
            fprintf(f, "  connections lost: %llu\n", (unsigned long long)jr->conns_lost);
    }
    fprintf(f, "\nclient CPU: %.2f us/query (user %.3fs + sys %.3fs over %llu queries",
            r->cpu_us_per_query, r->cpu_user_s, r->cpu_sys_s,
            (unsigned long long)r->queries_measured);
    if (r->warmup_s > 0) fprintf(f, ", after %.1fs warm-up", r->warmup_s);
    fprintf(f, ")\n");
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_hist(FILE *f, const bench_hist *h)
{
    fprintf(f,
            "{\"count\": %llu, \"avg\": %.3f, \"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
            "\"p999\": %.3f, \"max\": %.3f}",
            (unsigned long long)h->count, bench_hist_mean(h) / 1e3,
            (double)bench_hist_percentile(h, 50) / 1e3, (double)bench_hist_percentile(h, 90) / 1e3,
            (double)bench_hist_percentile(h, 99) / 1e3,
            (double)bench_hist_percentile(h, 99.9) / 1e3, (double)h->max / 1e3);
}

static void json_errors(FILE *f, const bench_errors *e)
{
    fputc('[', f);
    for (size_t i = 0; i < e->n; i++) {
        fprintf(f, "%s{\"sqlstate\": ", i ? ", " : "");
        json_str(f, e->v[i].sqlstate);
        fprintf(f, ", \"count\": %llu, \"message\": ", (unsigned long long)e->v[i].count);
        json_str(f, e->v[i].message);
        fputc('}', f);
    }
    fputc(']', f);
}

bool bench_report_json(FILE *f, const bench_opts *o, const bench_result *r)
{
    char url[512];
    bench_url_display(&o->url, url, sizeof(url));
    fprintf(f, "{\n  \"tool\": \"pgpeek-bench\",\n  \"url\": ");
    json_str(f, url);
    fprintf(f,
            ",\n  \"mode\": \"%s\",\n  \"pipeline\": %u,\n  \"threads\": %u,\n"
            "  \"warmup_s\": %.3f,\n  \"elapsed_s\": %.3f,\n  \"interrupted\": %s,\n"
            "  \"client_cpu\": {\"user_s\": %.4f, \"sys_s\": %.4f, \"queries\": %llu, "
            "\"us_per_query\": %.3f},\n",
            bench_mode_name(o->mode), o->pipeline, r->threads, r->warmup_s, r->elapsed_s,
            r->interrupted ? "true" : "false", r->cpu_user_s, r->cpu_sys_s,
            (unsigned long long)r->queries_measured, r->cpu_us_per_query);
    fprintf(f,
            "  \"connections\": {\"wanted\": %u, \"opened\": %llu, \"failed\": %llu, "
            "\"pre_auth\": %s, \"pre_auth_s\": %.4f,\n    \"connect_us\": ",
            r->conns_total, (unsigned long long)r->conns_opened,
            (unsigned long long)r->conns_failed, o->force_pre_auth ? "true" : "false",
            r->pre_auth_s);
    json_hist(f, &r->connect);
    fprintf(f, ",\n    \"auth_us\": ");
    json_hist(f, &r->auth);
    fprintf(f, ",\n    \"first_query_us\": ");
    json_hist(f, &r->first_query);
    fprintf(f, ",\n    \"to_first_row_us\": ");
    json_hist(f, &r->to_first_row);
    fprintf(f, ",\n    \"errors\": ");
    json_errors(f, &r->conn_errors);
    fprintf(f, "},\n  \"jobs\": [");
    for (size_t j = 0; j < r->njobs; j++) {
        const bench_job_result *jr = &r->jobs[j];
        fprintf(f, "%s\n    {\"name\": ", j ? "," : "");
        json_str(f, jr->name);
        fprintf(f, ", \"query\": ");
        json_str(f, jr->query);
        fprintf(f,
                ", \"conns\": %u, \"queries\": %llu, \"rows\": %llu, \"errors_total\": %llu, "
                "\"conns_lost\": %llu, \"elapsed_s\": %.4f, \"qps\": %.2f,\n     \"latency_us\": ",
                jr->conns, (unsigned long long)jr->queries, (unsigned long long)jr->rows,
                (unsigned long long)bench_errors_total(&jr->errors),
                (unsigned long long)jr->conns_lost, jr->elapsed_s, jr->qps);
        json_hist(f, &jr->lat);
        fprintf(f, ",\n     \"errors\": ");
        json_errors(f, &jr->errors);
        fputc('}', f);
    }
    fprintf(f, "\n  ]\n}\n");
    return !ferror(f);
}
