/* bench_ini: line-oriented parser for dbbench job files. */
#include "bench_ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum section_kind { SEC_GLOBAL, SEC_SETUP, SEC_TEARDOWN, SEC_JOB };

/* Parser state for one bench_ini_parse call; stack-owned. */
typedef struct ini_state {
    bench_config *cfg;
    enum section_kind kind;
    bench_job_spec *job;
    bool job_has_concurrency;
    bool job_has_batch;
    int line;
    char *err;
    size_t errlen;
} ini_state;

static bool fail(ini_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(ini_state *st, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(st->err, st->errlen, "line %d: %s", st->line, msg);
    return false;
}

bool bench_parse_duration(const char *s, double *seconds)
{
    double total = 0;
    const char *p = s;
    if (*p == '\0') return false;
    if (strcmp(p, "0") == 0) {
        *seconds = 0;
        return true;
    }
    while (*p) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || v < 0) return false;
        p = end;
        double unit;
        if (strncmp(p, "ns", 2) == 0) {
            unit = 1e-9;
            p += 2;
        } else if (strncmp(p, "us", 2) == 0) {
            unit = 1e-6;
            p += 2;
        } else if (strncmp(p, "ms", 2) == 0) {
            unit = 1e-3;
            p += 2;
        } else if (*p == 's') {
            unit = 1;
            p++;
        } else if (*p == 'm') {
            unit = 60;
            p++;
        } else if (*p == 'h') {
            unit = 3600;
            p++;
        } else {
            return false; /* Go requires a unit on every non-zero number */
        }
        total += v * unit;
    }
    *seconds = total;
    return true;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static bool push_str(char ***arr, size_t *n, const char *v)
{
    char **grown = realloc(*arr, (*n + 1) * sizeof(**arr));
    if (!grown) return false;
    *arr = grown;
    grown[*n] = strdup(v);
    if (!grown[*n]) return false;
    (*n)++;
    return true;
}

static bool parse_u64(const char *v, uint64_t *out)
{
    if (!isdigit((unsigned char)*v)) return false;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end != '\0' || errno != 0) return false;
    *out = x;
    return true;
}

static bool start_section(ini_state *st, const char *name)
{
    if (*name == '\0') return fail(st, "empty section name");
    if (strcmp(name, "setup") == 0 || strcmp(name, "teardown") == 0) {
        st->kind = name[0] == 's' ? SEC_SETUP : SEC_TEARDOWN;
        st->job = NULL;
        return true;
    }
    if (strcmp(name, "global") == 0)
        return fail(st, "[global] is reserved; put global options before the first section");
    for (size_t i = 0; i < st->cfg->njobs; i++)
        if (strcmp(st->cfg->jobs[i].name, name) == 0) return fail(st, "duplicate job [%s]", name);
    bench_job_spec *jobs = realloc(st->cfg->jobs, (st->cfg->njobs + 1) * sizeof(*jobs));
    if (!jobs) return fail(st, "out of memory");
    st->cfg->jobs = jobs;
    st->job = &jobs[st->cfg->njobs++];
    memset(st->job, 0, sizeof(*st->job));
    st->job->name = strdup(name);
    st->kind = SEC_JOB;
    st->job_has_concurrency = false;
    st->job_has_batch = false;
    return st->job->name != NULL || fail(st, "out of memory");
}

static const char *const unsupported_keys[] = {
    "query-log-file",   "query-file",         "query-args-file",
    "query-args-delim", "query-results-file", "multi-query-mode",
};

static bool job_option(ini_state *st, const char *key, const char *v)
{
    bench_job_spec *j = st->job;
    for (size_t i = 0; i < sizeof(unsupported_keys) / sizeof(*unsupported_keys); i++)
        if (strcmp(key, unsupported_keys[i]) == 0)
            return fail(st, "job [%s]: %s is not supported by pgpeek-bench", j->name, key);
    if (strcmp(key, "query") == 0) {
        if (j->query) return fail(st, "job [%s]: must have only one query", j->name);
        if (*v == '\0') return fail(st, "job [%s]: empty query", j->name);
        j->query = strdup(v);
        return j->query != NULL || fail(st, "out of memory");
    }
    uint64_t n;
    if (strcmp(key, "concurrency") == 0 || strcmp(key, "queue-depth") == 0) {
        if (!parse_u64(v, &n) || n == 0 || n > 100000)
            return fail(st, "job [%s]: bad %s '%s'", j->name, key, v);
        j->concurrency = (uint32_t)n;
        st->job_has_concurrency = true;
        return true;
    }
    if (strcmp(key, "count") == 0) {
        if (!parse_u64(v, &n)) return fail(st, "job [%s]: bad count '%s'", j->name, v);
        j->count = n;
        return true;
    }
    if (strcmp(key, "batch-size") == 0) {
        if (!parse_u64(v, &n) || n == 0 || n > 100000)
            return fail(st, "job [%s]: bad batch-size '%s'", j->name, v);
        j->batch_size = (uint32_t)n;
        st->job_has_batch = true;
        return true;
    }
    if (strcmp(key, "rate") == 0) {
        char *end;
        errno = 0;
        double r = strtod(v, &end);
        if (end == v || *end != '\0' || errno != 0 || r < 0)
            return fail(st, "job [%s]: bad rate '%s'", j->name, v);
        j->rate = r;
        return true;
    }
    if (strcmp(key, "start") == 0 || strcmp(key, "stop") == 0) {
        double s;
        if (!bench_parse_duration(v, &s))
            return fail(st, "job [%s]: bad %s duration '%s'", j->name, key, v);
        *(key[2] == 'a' ? &j->start_s : &j->stop_s) = s;
        return true;
    }
    return fail(st, "job [%s]: unknown option '%s'", j->name, key);
}

static bool handle_option(ini_state *st, char *key, char *v)
{
    switch (st->kind) {
    case SEC_GLOBAL:
        if (strcmp(key, "duration") == 0) {
            if (!bench_parse_duration(v, &st->cfg->duration_s))
                return fail(st, "bad duration '%s' (use e.g. 10s, 1m30s)", v);
            return true;
        }
        if (strcmp(key, "error") == 0)
            return push_str(&st->cfg->accepted_errors, &st->cfg->naccepted, v) ||
                   fail(st, "out of memory");
        return fail(st, "unknown global option '%s'", key);
    case SEC_SETUP:
    case SEC_TEARDOWN:
        if (strcmp(key, "query") != 0)
            return fail(st, "[%s] takes only query=, not '%s'",
                        st->kind == SEC_SETUP ? "setup" : "teardown", key);
        if (st->kind == SEC_SETUP)
            return push_str(&st->cfg->setup, &st->cfg->nsetup, v) || fail(st, "out of memory");
        return push_str(&st->cfg->teardown, &st->cfg->nteardown, v) || fail(st, "out of memory");
    case SEC_JOB:
        return job_option(st, key, v);
    }
    return false;
}

/* Applies dbbench's defaults and its rules on which options combine. */
static bool finish_job(ini_state *st, bench_job_spec *j)
{
    if (!j->query) return fail(st, "job [%s]: no query provided", j->name);
    if (j->rate == 0 && j->batch_size > 0)
        return fail(st, "job [%s]: can only specify batch-size with rate", j->name);
    if (j->rate > 0 && j->batch_size == 0) j->batch_size = 1;
    if (j->concurrency == 0) j->concurrency = j->rate > 0 ? j->batch_size : 1;
    if (j->stop_s > 0 && j->stop_s <= j->start_s)
        return fail(st, "job [%s]: stop must come after start", j->name);
    return true;
}

bool bench_ini_parse(const char *text, bench_config *cfg, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof(*cfg));
    ini_state st = {.cfg = cfg, .kind = SEC_GLOBAL, .err = err, .errlen = errlen};
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = true;
    char *save = NULL;
    char *logical = NULL; /* a line joined over trailing backslashes */
    int line_no = 0, logical_start = 0;
    for (char *raw = copy; ok && raw; raw = save) {
        char *nl = strchr(raw, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = '\0';
        line_no++;
        char *line = trim(raw);
        size_t n = strlen(line);
        bool cont = n > 0 && line[n - 1] == '\\';
        if (cont) line[n - 1] = '\0';
        if (logical) {
            size_t a = strlen(logical), b = strlen(line);
            char *joined = realloc(logical, a + b + 2);
            if (!joined) {
                ok = fail(&st, "out of memory");
                break;
            }
            logical = joined;
            logical[a] = ' ';
            memcpy(logical + a + 1, line, b + 1);
        } else {
            logical_start = line_no;
            logical = strdup(line);
            if (!logical) {
                ok = fail(&st, "out of memory");
                break;
            }
        }
        if (cont && save) continue;
        st.line = logical_start;
        char *l = trim(logical);
        if (*l == '\0' || *l == ';' || *l == '#') {
            /* blank or comment */
        } else if (*l == '[') {
            char *close = strrchr(l, ']');
            if (!close || close[1] != '\0') {
                ok = fail(&st, "unterminated section header");
            } else {
                *close = '\0';
                if (st.kind == SEC_JOB) ok = finish_job(&st, st.job);
                ok = ok && start_section(&st, trim(l + 1));
            }
        } else {
            char *eq = strchr(l, '=');
            if (!eq) {
                ok = fail(&st, "expected key=value, got '%s'", l);
            } else {
                *eq = '\0';
                char *key = trim(l), *v = trim(eq + 1);
                ok = *key ? handle_option(&st, key, v) : fail(&st, "empty key");
            }
        }
        free(logical);
        logical = NULL;
    }
    free(logical);
    if (ok && st.kind == SEC_JOB) {
        st.line = line_no;
        ok = finish_job(&st, st.job);
    }
    if (ok && cfg->njobs == 0) {
        st.line = line_no;
        ok = fail(&st, "no jobs defined");
    }
    free(copy);
    if (!ok) bench_config_free(cfg);
    return ok;
}

bool bench_ini_load(const char *path, bench_config *cfg, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    bool read_err = ferror(f);
    fclose(f);
    if (!buf || read_err) {
        free(buf);
        snprintf(err, errlen, "%s: read failed", path);
        return false;
    }
    buf[len] = '\0';
    char inner[512];
    bool ok = bench_ini_parse(buf, cfg, inner, sizeof(inner));
    if (!ok) snprintf(err, errlen, "%s: %s", path, inner);
    free(buf);
    return ok;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void bench_config_free(bench_config *cfg)
{
    free_strs(cfg->setup, cfg->nsetup);
    free_strs(cfg->teardown, cfg->nteardown);
    free_strs(cfg->accepted_errors, cfg->naccepted);
    for (size_t i = 0; i < cfg->njobs; i++) {
        free(cfg->jobs[i].name);
        free(cfg->jobs[i].query);
    }
    free(cfg->jobs);
    memset(cfg, 0, sizeof(*cfg));
}
