/* bench_run: plans the jobs, starts the workers, holds the clock, merges what they measured. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bench_internal.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *bench_mode_name(bench_mode m)
{
    return m == BENCH_MODE_SIMPLE ? "simple" : m == BENCH_MODE_EXTENDED ? "extended" : "prepared";
}

void bench_errors_add(bench_errors *e, const char *sqlstate, const char *message, uint64_t count)
{
    for (size_t i = 0; i < e->n; i++) {
        if (strcmp(e->v[i].sqlstate, sqlstate) == 0) {
            e->v[i].count += count;
            return;
        }
    }
    /* a new SQLSTATE: the only allocation on the error path */
    bench_err_entry *v = realloc(e->v, (e->n + 1) * sizeof(*v));
    if (!v) abort();
    e->v = v;
    snprintf(v[e->n].sqlstate, sizeof(v[e->n].sqlstate), "%s", sqlstate);
    snprintf(v[e->n].message, sizeof(v[e->n].message), "%s", message ? message : "");
    v[e->n].count = count;
    e->n++;
}

uint64_t bench_errors_total(const bench_errors *e)
{
    uint64_t t = 0;
    for (size_t i = 0; i < e->n; i++)
        t += e->v[i].count;
    return t;
}

uint64_t bench_errors_count(const bench_errors *e, const char *sqlstate)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->v[i].sqlstate, sqlstate) == 0) return e->v[i].count;
    return 0;
}

void bench_errors_free(bench_errors *e)
{
    free(e->v);
    e->v = NULL;
    e->n = 0;
}

static bool resolve(bench_run_state *run, const bench_url *u, char *err, size_t errlen)
{
    memset(&run->addr, 0, sizeof(run->addr));
    if (u->host[0] == '/') {
        struct sockaddr_un *sun = (struct sockaddr_un *)&run->addr;
        sun->sun_family = AF_UNIX;
        int n = snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/.s.PGSQL.%s", u->host, u->port);
        if (n < 0 || (size_t)n >= sizeof(sun->sun_path)) {
            snprintf(err, errlen, "socket path too long");
            return false;
        }
        run->addrlen = sizeof(*sun);
        return true;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    int rc = getaddrinfo(u->host, u->port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "cannot resolve %s:%s: %s", u->host, u->port, gai_strerror(rc));
        return false;
    }
    memcpy(&run->addr, res->ai_addr, res->ai_addrlen);
    run->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static void build_plan(job_plan *p, const bench_job_spec *s, const bench_opts *o)
{
    memset(p, 0, sizeof(*p));
    p->spec = s;
    p->conns = s->concurrency;
    if (o->max_active_conns && p->conns > o->max_active_conns) p->conns = o->max_active_conns;
    p->total = s->rate > 0 ? s->count * s->batch_size : s->count;
    if (p->total && p->total < p->conns) p->conns = (uint32_t)p->total;
    p->start_ns_off = (uint64_t)(s->start_s * 1e9);
    p->stop_ns_off = (uint64_t)(s->stop_s * 1e9);
    if (s->rate > 0) p->interval_ns = (uint64_t)(1e9 * p->conns / (s->rate * s->batch_size));
    if (s->rate > 0 && p->interval_ns == 0) p->interval_ns = 1;
    static const char stmt[] = "pgpeek_bench";
    switch (o->mode) {
    case BENCH_MODE_SIMPLE:
        bp_query(&p->request, s->query);
        break;
    case BENCH_MODE_EXTENDED: /* what libpq's PQsendQueryParams sends */
        bp_parse(&p->request, "", s->query);
        bp_bind(&p->request, "", "");
        bp_describe_portal(&p->request, "");
        bp_execute(&p->request, "");
        bp_sync(&p->request);
        break;
    case BENCH_MODE_PREPARED: /* PQprepare once, then PQsendQueryPrepared */
        bp_parse(&p->prepare, stmt, s->query);
        bp_sync(&p->prepare);
        bp_bind(&p->request, "", stmt);
        bp_describe_portal(&p->request, "");
        bp_execute(&p->request, "");
        bp_sync(&p->request);
        break;
    }
}

static double ru_seconds(const struct timeval *tv)
{
    return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void wait_until(bench_run_state *run, uint64_t deadline)
{
    for (;;) {
        uint64_t now = bench_now_ns();
        if (now >= deadline || atomic_load(&run->workers_done) == run->nworkers) return;
        if (run->o->stop && atomic_load(run->o->stop)) return;
        uint64_t step = deadline - now;
        if (step > 20000000ull) step = 20000000ull;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)step};
        nanosleep(&ts, NULL);
    }
}

static void merge(bench_run_state *run, bench_result *r)
{
    bench_hist_init(&r->connect);
    bench_hist_init(&r->auth);
    bench_hist_init(&r->first_query);
    bench_hist_init(&r->to_first_row);
    r->njobs = run->nplans;
    r->jobs = calloc(run->nplans, sizeof(*r->jobs));
    if (!r->jobs) abort();
    for (size_t j = 0; j < run->nplans; j++) {
        bench_job_result *jr = &r->jobs[j];
        const job_plan *p = &run->plans[j];
        jr->name = p->spec->name;
        jr->query = p->spec->query;
        jr->conns = p->conns;
        bench_hist_init(&jr->lat);
        uint64_t last = 0;
        for (uint32_t t = 0; t < run->nworkers; t++) {
            worker_job *wj = &run->workers[t].jobs[j];
            jr->queries += wj->queries;
            jr->rows += wj->rows;
            jr->conns_lost += wj->conns_lost;
            bench_hist_merge(&jr->lat, &wj->lat);
            for (size_t e = 0; e < wj->errors.n; e++)
                bench_errors_add(&jr->errors, wj->errors.v[e].sqlstate, wj->errors.v[e].message,
                                 wj->errors.v[e].count);
            if (wj->last_done_ns > last) last = wj->last_done_ns;
        }
        uint64_t from = run->start_ns + p->start_ns_off;
        if (run->record_from_ns > from) from = run->record_from_ns;
        jr->elapsed_s = last > from ? (double)(last - from) / 1e9 : 0;
        jr->qps = jr->elapsed_s > 0 ? (double)jr->queries / jr->elapsed_s : 0;
        r->queries_measured += jr->queries + bench_errors_total(&jr->errors);
    }
    for (uint32_t t = 0; t < run->nworkers; t++) {
        bench_worker *w = &run->workers[t];
        bench_hist_merge(&r->connect, &w->connect);
        bench_hist_merge(&r->auth, &w->auth);
        bench_hist_merge(&r->first_query, &w->first_query);
        bench_hist_merge(&r->to_first_row, &w->to_first_row);
        r->conns_opened += w->conns_opened;
        r->conns_failed += w->conns_failed;
        for (size_t e = 0; e < w->conn_errors.n; e++)
            bench_errors_add(&r->conn_errors, w->conn_errors.v[e].sqlstate,
                             w->conn_errors.v[e].message, w->conn_errors.v[e].count);
    }
}

static void free_run(bench_run_state *run, bench_conn **conns, size_t nconns)
{
    for (size_t i = 0; i < nconns; i++) {
        bench_buf_free(&conns[i]->in);
        bench_buf_free(&conns[i]->out);
        free(conns[i]->sent);
        free(conns[i]);
    }
    free(conns);
    for (uint32_t t = 0; t < run->nworkers; t++) {
        bench_worker *w = &run->workers[t];
        if (w->epfd >= 0) close(w->epfd);
        for (size_t j = 0; w->jobs && j < run->nplans; j++)
            bench_errors_free(&w->jobs[j].errors);
        bench_errors_free(&w->conn_errors);
        free(w->jobs);
        free(w->conns);
        free(w->queue);
    }
    free(run->workers);
    for (size_t j = 0; j < run->nplans; j++) {
        bench_buf_free(&run->plans[j].request);
        bench_buf_free(&run->plans[j].prepare);
    }
    free(run->plans);
    pthread_mutex_destroy(&run->mu);
    pthread_cond_destroy(&run->cv);
}

bool bench_run(const bench_config *cfg, const bench_opts *o, bench_result *r, char *err,
               size_t errlen)
{
    memset(r, 0, sizeof(*r));
    bench_run_state run;
    memset(&run, 0, sizeof(run));
    run.o = o;
    if (o->pipeline == 0 || o->threads == 0) {
        snprintf(err, errlen, "pipeline and threads must be at least 1");
        return false;
    }
    if (!resolve(&run, &o->url, err, errlen)) return false;
    pthread_mutex_init(&run.mu, NULL);
    pthread_cond_init(&run.cv, NULL);
    run.nplans = cfg->njobs;
    run.plans = calloc(cfg->njobs, sizeof(*run.plans));
    size_t nconns = 0;
    for (size_t j = 0; j < cfg->njobs; j++) {
        build_plan(&run.plans[j], &cfg->jobs[j], o);
        nconns += run.plans[j].conns;
    }
    run.nworkers = o->threads < nconns ? o->threads : (uint32_t)(nconns ? nconns : 1);
    run.workers = calloc(run.nworkers, sizeof(*run.workers));
    bench_conn **conns = calloc(nconns ? nconns : 1, sizeof(*conns));
    if (!run.plans || !run.workers || !conns) abort();
    for (uint32_t t = 0; t < run.nworkers; t++) {
        bench_worker *w = &run.workers[t];
        w->run = &run;
        w->epfd = epoll_create1(EPOLL_CLOEXEC);
        w->conns = calloc(nconns / run.nworkers + 1, sizeof(*w->conns));
        w->queue = calloc(nconns / run.nworkers + 1, sizeof(*w->queue));
        w->jobs = calloc(run.nplans ? run.nplans : 1, sizeof(*w->jobs));
        if (w->epfd < 0 || !w->conns || !w->queue || !w->jobs) abort();
        uint32_t par = o->connect_parallelism ? o->connect_parallelism : 32;
        w->handshake_limit = par / run.nworkers ? par / run.nworkers : 1;
        for (size_t j = 0; j < run.nplans; j++)
            bench_hist_init(&w->jobs[j].lat);
        bench_hist_init(&w->connect);
        bench_hist_init(&w->auth);
        bench_hist_init(&w->first_query);
        bench_hist_init(&w->to_first_row);
    }
    size_t g = 0;
    for (size_t j = 0; j < run.nplans; j++) {
        const job_plan *p = &run.plans[j];
        for (uint32_t k = 0; k < p->conns; k++, g++) {
            bench_conn *c = calloc(1, sizeof(*c));
            if (!c || !(c->sent = calloc(o->pipeline, sizeof(*c->sent)))) abort();
            c->fd = -1;
            c->job = (uint32_t)j;
            if (p->total) c->quota = p->total / p->conns + (k < p->total % p->conns ? 1 : 0);
            c->churn = o->max_idle_conns && g >= o->max_idle_conns;
            conns[g] = c;
            bench_worker *w = &run.workers[g % run.nworkers];
            w->conns[w->nconns++] = c;
        }
    }
    r->threads = run.nworkers;
    r->conns_total = (uint32_t)nconns;
    r->warmup_s = o->warmup_s;
    uint64_t t0 = bench_now_ns();
    uint32_t started = 0;
    for (; started < run.nworkers; started++) {
        if (pthread_create(&run.workers[started].thread, NULL, bench_worker_main,
                           &run.workers[started]) != 0)
            break;
    }
    pthread_mutex_lock(&run.mu);
    while (run.workers_ready < started && !(o->stop && atomic_load(o->stop))) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&run.cv, &run.mu, &ts);
    }
    run.start_ns = bench_now_ns();
    r->pre_auth_s = o->force_pre_auth ? (double)(run.start_ns - t0) / 1e9 : 0;
    run.record_from_ns = run.start_ns + (uint64_t)(o->warmup_s * 1e9);
    double duration = o->duration_s > 0 ? o->duration_s : cfg->duration_s;
    run.end_ns = duration > 0 ? run.record_from_ns + (uint64_t)(duration * 1e9) : 0;
    run.phase = PHASE_RUN;
    pthread_cond_broadcast(&run.cv);
    pthread_mutex_unlock(&run.mu);

    struct rusage ru0, ru1;
    wait_until(&run, run.record_from_ns);
    getrusage(RUSAGE_SELF, &ru0);
    for (uint32_t t = 0; t < started; t++)
        pthread_join(run.workers[t].thread, NULL);
    getrusage(RUSAGE_SELF, &ru1);
    r->elapsed_s = (double)(bench_now_ns() - run.start_ns) / 1e9;
    r->cpu_user_s = ru_seconds(&ru1.ru_utime) - ru_seconds(&ru0.ru_utime);
    r->cpu_sys_s = ru_seconds(&ru1.ru_stime) - ru_seconds(&ru0.ru_stime);
    r->interrupted = o->stop && atomic_load(o->stop);
    merge(&run, r);
    if (r->queries_measured)
        r->cpu_us_per_query = (r->cpu_user_s + r->cpu_sys_s) * 1e6 / (double)r->queries_measured;
    free_run(&run, conns, nconns);
    if (started < run.nworkers) {
        snprintf(err, errlen, "cannot start threads: %s", strerror(errno));
        return false;
    }
    return true;
}

void bench_result_free(bench_result *r)
{
    for (size_t j = 0; j < r->njobs; j++)
        bench_errors_free(&r->jobs[j].errors);
    free(r->jobs);
    bench_errors_free(&r->conn_errors);
    memset(r, 0, sizeof(*r));
}

bool bench_exec_each(const bench_opts *o, char *const *queries, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        bench_job_spec job = {.name = "setup", .query = queries[i], .concurrency = 1, .count = 1};
        bench_config cfg = {.jobs = &job, .njobs = 1};
        bench_opts one = *o;
        one.mode = BENCH_MODE_SIMPLE;
        one.threads = 1;
        one.pipeline = 1;
        one.max_idle_conns = 0;
        one.max_active_conns = 0;
        one.warmup_s = 0;
        one.duration_s = 0;
        one.force_pre_auth = false;
        bench_result r;
        if (!bench_run(&cfg, &one, &r, err, errlen)) return false;
        bool ok = r.jobs[0].queries == 1;
        if (!ok) {
            const bench_errors *e = r.conn_errors.n ? &r.conn_errors : &r.jobs[0].errors;
            snprintf(err, errlen, "%s: %s %s", queries[i], e->n ? e->v[0].sqlstate : "",
                     e->n ? e->v[0].message : "no result");
        }
        bench_result_free(&r);
        if (!ok) return false;
    }
    return true;
}
