/* bench_worker: one load thread: epoll loop, socket I/O, query scheduling and its own stats. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bench_internal.h"

#define DRAIN_NS 2000000000ull /* how long in-flight queries may take to finish after the end */
#define MAX_WAIT_MS 50         /* bounds how late a stop request is noticed */

static bool conn_stop_passed(const bench_worker *w, const bench_conn *c, uint64_t now)
{
    const job_plan *p = &w->run->plans[c->job];
    return p->stop_ns_off && now >= w->run->start_ns + p->stop_ns_off;
}

static void maybe_finish(bench_worker *w, bench_conn *c, uint64_t now)
{
    if (c->done) return;
    bool over = c->state == CS_DEAD;
    if (!over && c->inflight == 0 && c->state != CS_CONNECTING && c->state != CS_STARTUP &&
        c->state != CS_PREPARING)
        over = (c->quota && c->issued >= c->quota) || conn_stop_passed(w, c, now);
    if (over) {
        c->done = true;
        w->finished++;
    }
}

static void set_events(bench_worker *w, bench_conn *c, uint32_t mask)
{
    if (mask == c->evmask) return;
    struct epoll_event ev = {.events = mask, .data.ptr = c};
    epoll_ctl(w->epfd, c->evmask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev);
    c->evmask = mask;
}

static void conn_close(bench_worker *w, bench_conn *c)
{
    if (c->fd >= 0) close(c->fd); /* also leaves the epoll set */
    c->fd = -1;
    c->evmask = 0;
    c->want_out = false;
    c->in.len = c->in.off = 0;
    c->out.len = c->out.off = 0;
    w->inflight -= c->inflight;
    c->inflight = 0;
    c->head = 0;
    c->rows_cur = 0;
    c->query_failed = false;
    c->first_pending = false;
    bench_scram_free(&c->scram);
}

static bool in_handshake(const bench_conn *c)
{
    return c->state == CS_CONNECTING || c->state == CS_STARTUP || c->state == CS_PREPARING;
}

void bench_worker_conn_fail(bench_worker *w, bench_conn *c, const char *sqlstate, const char *msg,
                            uint64_t now)
{
    if (in_handshake(c)) {
        w->handshaking--;
        w->conns_failed++;
        bench_errors_add(&w->conn_errors, sqlstate, msg, 1);
    } else if (c->state == CS_READY) {
        /* One error for the lost connection; a FATAL message, if any, names it. */
        w->jobs[c->job].conns_lost++;
        if (c->query_failed)
            bench_errors_add(&w->jobs[c->job].errors, c->sqlstate, c->errmsg, 1);
        else
            bench_errors_add(&w->jobs[c->job].errors, sqlstate, msg, 1);
    }
    conn_close(w, c);
    c->state = CS_DEAD;
    maybe_finish(w, c, now);
}

/* Appends as many queries as the pipeline, the schedule and the quota allow. */
static void conn_pump(bench_worker *w, bench_conn *c, uint64_t now)
{
    const bench_run_state *run = w->run;
    const job_plan *p = &run->plans[c->job];
    uint32_t depth = run->o->pipeline;
    uint64_t job_start = run->start_ns + p->start_ns_off;
    while (c->state == CS_READY && c->inflight < depth && !w->stopping) {
        if (c->quota && c->issued >= c->quota) break;
        if (now < job_start || conn_stop_passed(w, c, now)) break;
        uint64_t intended;
        if (p->interval_ns) {
            if (c->next_due > now) break;
            intended = c->next_due;
            c->next_due += p->interval_ns;
        } else if (c->pending_since) {
            /* the query waited for (re)connecting: that wait is part of its latency */
            intended = c->pending_since > job_start ? c->pending_since : job_start;
            c->pending_since = 0;
        } else {
            intended = now;
        }
        bench_buf_append(&c->out, p->request.data, p->request.len);
        c->sent[c->head] = intended;
        c->head = c->head + 1 == depth ? 0 : c->head + 1;
        c->inflight++;
        c->issued++;
        w->inflight++;
        if (c->t_first_sent == 0) {
            c->t_first_sent = now;
            c->first_pending = true;
        }
    }
    maybe_finish(w, c, now);
}

static void enqueue_connect(bench_worker *w, bench_conn *c)
{
    if (c->in_queue) return;
    c->in_queue = true;
    w->queue[(w->qhead + w->qlen) % w->nconns] = c;
    w->qlen++;
}

static bool conn_flush(bench_worker *w, bench_conn *c, uint64_t now)
{
    while (c->out.off < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out.off, c->out.len - c->out.off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out.off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            c->want_out = true;
            set_events(w, c, EPOLLIN | EPOLLOUT);
            return true;
        } else {
            bench_worker_conn_fail(w, c, "08006", strerror(errno), now);
            return false;
        }
    }
    c->out.off = c->out.len = 0;
    if (c->want_out) {
        c->want_out = false;
        set_events(w, c, EPOLLIN);
    }
    return true;
}

static void send_startup(bench_worker *w, bench_conn *c, uint64_t now)
{
    const bench_url *u = &w->run->o->url;
    c->t_connected = now;
    c->state = CS_STARTUP;
    bp_startup(&c->out, u->user, u->dbname,
               u->application_name ? u->application_name : "pgpeek-bench");
    set_events(w, c, EPOLLIN);
    conn_flush(w, c, now);
}

static void conn_start(bench_worker *w, bench_conn *c, uint64_t now)
{
    const bench_run_state *run = w->run;
    int family = run->addr.ss_family;
    c->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* handshakes are rare: a fresh clock reading instead of the batch's keeps them exact */
    now = bench_now_ns();
    c->t_begin = now;
    c->t_first_sent = 0;
    c->state = CS_CONNECTING;
    w->handshaking++;
    if (c->fd < 0) {
        bench_worker_conn_fail(w, c, "08001", strerror(errno), now);
        return;
    }
    if (family != AF_UNIX) {
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (connect(c->fd, (const struct sockaddr *)&run->addr, run->addrlen) == 0) {
        send_startup(w, c, now);
    } else if (errno == EINPROGRESS) {
        set_events(w, c, EPOLLOUT);
    } else {
        bench_worker_conn_fail(w, c, "08001", strerror(errno), now);
    }
}

static void start_connects(bench_worker *w, uint64_t now)
{
    while (w->qlen > 0 && w->handshaking < w->handshake_limit) {
        bench_conn *c = w->queue[w->qhead];
        w->qhead = (w->qhead + 1) % w->nconns;
        w->qlen--;
        c->in_queue = false;
        if (c->state == CS_IDLE) conn_start(w, c, now);
    }
}

void bench_worker_first_answer(bench_worker *w, bench_conn *c, uint64_t now)
{
    c->first_pending = false;
    bench_hist_add(&w->first_query, now - c->t_first_sent);
    /* any wait between ready and the first send (the pre-auth barrier) is left out */
    bench_hist_add(&w->to_first_row, (c->t_ready - c->t_begin) + (now - c->t_first_sent));
}

void bench_worker_conn_ready(bench_worker *w, bench_conn *c, uint64_t now)
{
    c->t_ready = now;
    w->handshaking--;
    w->conns_opened++;
    bench_hist_add(&w->connect, c->t_connected - c->t_begin);
    bench_hist_add(&w->auth, now - c->t_connected);
    c->state = CS_READY;
    c->query_failed = false;
    if (w->running) conn_pump(w, c, now);
}

void bench_worker_query_done(bench_worker *w, bench_conn *c, uint64_t now)
{
    uint32_t depth = w->run->o->pipeline;
    uint32_t tail = (c->head + depth - c->inflight) % depth;
    uint64_t intended = c->sent[tail];
    c->inflight--;
    w->inflight--;
    if (c->first_pending) /* a query without rows: its completion is its first answer */
        bench_worker_first_answer(w, c, now);
    if (now >= w->record_from_ns) {
        worker_job *j = &w->jobs[c->job];
        if (c->query_failed) {
            bench_errors_add(&j->errors, c->sqlstate, c->errmsg, 1);
        } else {
            j->queries++;
            j->rows += c->rows_cur;
            bench_hist_add(&j->lat, now > intended ? now - intended : 0);
        }
        j->last_done_ns = now;
    }
    c->query_failed = false;
    c->rows_cur = 0;
    if (c->churn && c->inflight == 0 && !w->stopping && !(c->quota && c->issued >= c->quota)) {
        /* emulate a pool that may keep only max-idle-conns connections between queries */
        conn_close(w, c);
        c->state = CS_IDLE;
        c->pending_since = now;
        enqueue_connect(w, c);
        return;
    }
    conn_pump(w, c, now);
}

/* Parses every complete message in the input buffer; false when the connection went away. */
static bool conn_parse(bench_worker *w, bench_conn *c, uint64_t now)
{
    while (c->in.len - c->in.off >= 5) {
        const char *p = c->in.data + c->in.off;
        uint32_t len = bp_get_u32(p + 1);
        if (len < 4 || len > (1u << 30)) {
            bench_worker_conn_fail(w, c, "08P01", "bad message length", now);
            return false;
        }
        if (c->in.len - c->in.off < (size_t)len + 1) {
            bench_buf_compact(&c->in);
            bench_buf_reserve(&c->in, (size_t)len + 1);
            return true;
        }
        c->in.off += (size_t)len + 1;
        if (!bench_conn_message(w, c, p[0], p + 5, len - 4, now)) return false;
    }
    bench_buf_compact(&c->in);
    return true;
}

static void conn_read(bench_worker *w, bench_conn *c, uint64_t now)
{
    for (;;) {
        bench_buf_reserve(&c->in, 16384);
        size_t room = c->in.cap - c->in.len;
        ssize_t n = recv(c->fd, c->in.data + c->in.len, room, 0);
        if (n > 0) {
            c->in.len += (size_t)n;
            if (!conn_parse(w, c, now)) return;
            if ((size_t)n < room) return; /* drained: skip the recv that would only say EAGAIN */
        } else if (n == 0) {
            bench_worker_conn_fail(w, c, "08006", "server closed the connection", now);
            return;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            bench_worker_conn_fail(w, c, "08006", strerror(errno), now);
            return;
        }
    }
}

static void on_event(bench_worker *w, bench_conn *c, uint32_t ev, uint64_t now)
{
    if (c->state == CS_CONNECTING) {
        now = bench_now_ns();
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
        if (err) {
            bench_worker_conn_fail(w, c, "08001", strerror(err), now);
            return;
        }
        send_startup(w, c, now);
        return;
    }
    if (c->fd < 0) return;
    if ((ev & EPOLLOUT) && !conn_flush(w, c, now)) return;
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) conn_read(w, c, now);
    if (c->fd >= 0 && c->out.len > c->out.off) conn_flush(w, c, now);
}

/* Fails handshakes older than the connect timeout; scans at most every 100 ms. */
static void expire_handshakes(bench_worker *w, uint64_t now)
{
    if (w->handshaking == 0 || now < w->next_timeout_scan) return;
    w->next_timeout_scan = now + 100000000ull;
    double t = w->run->o->connect_timeout_s > 0 ? w->run->o->connect_timeout_s : 10.0;
    uint64_t limit = (uint64_t)(t * 1e9);
    for (size_t i = 0; i < w->nconns; i++) {
        bench_conn *c = w->conns[i];
        if (in_handshake(c) && now - c->t_begin > limit)
            bench_worker_conn_fail(w, c, "08001", "timeout while connecting or authenticating",
                                   now);
    }
}

static uint64_t poll_once(bench_worker *w, uint64_t timeout_ns)
{
    struct epoll_event evs[256];
    int ms = (int)((timeout_ns + 999999) / 1000000);
    if (ms > MAX_WAIT_MS) ms = MAX_WAIT_MS;
    int n = epoll_wait(w->epfd, evs, 256, ms);
    uint64_t now = bench_now_ns();
    for (int i = 0; i < n; i++)
        on_event(w, evs[i].data.ptr, evs[i].events, now);
    expire_handshakes(w, now);
    return now;
}

static bool stop_requested(const bench_worker *w)
{
    atomic_int *s = w->run->o->stop;
    return s && atomic_load_explicit(s, memory_order_relaxed);
}

/* Opens and authenticates every connection before the clock starts (-force-pre-auth). */
static void pre_auth(bench_worker *w)
{
    for (size_t i = 0; i < w->nconns; i++)
        enqueue_connect(w, w->conns[i]);
    uint64_t now = bench_now_ns();
    while (!stop_requested(w)) {
        start_connects(w, now);
        if (w->qlen == 0 && w->handshaking == 0) break;
        now = poll_once(w, MAX_WAIT_MS * 1000000ull);
    }
}

/* Timed jobs (rate, start, stop): sends what is due, returns the next wake-up. */
static uint64_t run_timers(bench_worker *w, uint64_t now)
{
    uint64_t next = now + MAX_WAIT_MS * 1000000ull;
    for (size_t i = 0; i < w->nconns; i++) {
        bench_conn *c = w->conns[i];
        if (c->done || c->state != CS_READY) continue;
        conn_pump(w, c, now);
        if (c->out.len > c->out.off) conn_flush(w, c, now);
        const job_plan *p = &w->run->plans[c->job];
        uint64_t start = w->run->start_ns + p->start_ns_off;
        uint64_t due = now < start ? start : (p->interval_ns ? c->next_due : next);
        if (p->stop_ns_off && w->run->start_ns + p->stop_ns_off < due)
            due = w->run->start_ns + p->stop_ns_off;
        if (due < next) next = due;
    }
    return next;
}

static void run_loop(bench_worker *w)
{
    const bench_run_state *run = w->run;
    uint64_t now = bench_now_ns(), drain_until = 0;
    for (size_t i = 0; i < w->nconns; i++) {
        bench_conn *c = w->conns[i];
        const job_plan *p = &run->plans[c->job];
        c->next_due = run->start_ns + p->start_ns_off;
        if (p->interval_ns || p->start_ns_off || p->stop_ns_off) w->timed = true;
        if (c->state == CS_READY) {
            conn_pump(w, c, now);
            conn_flush(w, c, now);
        } else if (c->state == CS_IDLE) {
            c->pending_since = run->start_ns;
            enqueue_connect(w, c);
        } else {
            maybe_finish(w, c, now);
        }
    }
    for (;;) {
        if (!w->stopping && (stop_requested(w) || (run->end_ns && now >= run->end_ns))) {
            w->stopping = true;
            drain_until = now + DRAIN_NS;
        }
        if (w->stopping && (w->inflight == 0 || now >= drain_until)) break;
        if (w->finished == w->nconns) break;
        start_connects(w, now);
        uint64_t next = now + MAX_WAIT_MS * 1000000ull;
        if (w->timed && !w->stopping) next = run_timers(w, now);
        if (run->end_ns && !w->stopping && run->end_ns < next) next = run->end_ns;
        now = poll_once(w, next > now ? next - now : 0);
    }
}

void *bench_worker_main(void *arg)
{
    bench_worker *w = arg;
    bench_run_state *run = w->run;
    if (run->o->force_pre_auth) pre_auth(w);
    pthread_mutex_lock(&run->mu);
    run->workers_ready++;
    pthread_cond_broadcast(&run->cv);
    while (run->phase != PHASE_RUN)
        pthread_cond_wait(&run->cv, &run->mu);
    w->record_from_ns = run->record_from_ns;
    w->end_ns = run->end_ns;
    w->running = true;
    pthread_mutex_unlock(&run->mu);
    run_loop(w);
    for (size_t i = 0; i < w->nconns; i++) {
        bench_conn *c = w->conns[i];
        if (c->fd >= 0 && c->state == CS_READY) {
            c->out.len = c->out.off = 0;
            bp_terminate(&c->out);
            (void)!send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
        }
        conn_close(w, c);
    }
    atomic_fetch_add(&run->workers_done, 1);
    return NULL;
}
