/* orc_core: the oracle's thread, its submission queue, the public entry points and stats. */
#include "orc_int.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

orc_config orc_config_default(void)
{
    orc_config c;
    memset(&c, 0, sizeof c);
    c.timeline = "pgpeek";
    c.max_in_flight = 3;
    c.reserve_ms = 2000;
    c.timeout_ms = 10000;
    c.backoff_max_ms = 2000;
    return c;
}

uint64_t orc_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t orc_wall_ms(orc *o)
{
    if (o->cfg.clock_ms) return o->cfg.clock_ms(o->cfg.clock_arg);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t orc_raise_read_ts(orc *o, uint64_t v)
{
    uint64_t cur = atomic_load_explicit(&o->read_ts, memory_order_relaxed);
    while (cur < v && !atomic_compare_exchange_weak_explicit(
                          &o->read_ts, &cur, v, memory_order_release, memory_order_relaxed)) {
    }
    return cur < v ? v : cur;
}

static void wake(orc *o)
{
    uint64_t one = 1;
    /* Fails only when the counter would overflow, i.e. a wakeup is already pending. */
    ssize_t n = write(o->wake_fd, &one, sizeof one);
    (void)n;
}

/* Runs on the oracle thread: take everything submitted since the last wakeup. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    orc *o = arg;
    uint64_t cnt;
    ssize_t n = read(fd, &cnt, sizeof cnt);
    (void)n;
    pthread_mutex_lock(&o->sub_mu);
    orc_req *list = o->sub_head;
    o->sub_head = o->sub_tail = NULL;
    bool stopping = o->stopping, resized = o->resized;
    o->resized = false;
    pthread_mutex_unlock(&o->sub_mu);

    for (orc_req *r = list, *next; r; r = next) {
        next = r->next;
        orc_enqueue(o, r);
    }
    if (resized && o->be.resize) o->be.resize(o);
    if (stopping) {
        orc_fail_all(o, "timestamp oracle is shutting down");
        event_base_loopbreak(o->base);
        return;
    }
    orc_pump(o);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    orc *o = arg;
    uint64_t now = orc_now_ns();
    orc_expire(o, now);
    if (o->be.tick) o->be.tick(o, now);
    orc_pump(o);
}

static void *orc_thread(void *arg)
{
    orc *o = arg;
    event_base_dispatch(o->base);
    return NULL;
}

static void orc_free(orc *o)
{
    if (o->be.free) o->be.free(o);
    orc_calls_free(o);
    if (o->wake_ev) event_free(o->wake_ev);
    if (o->tick_ev) event_free(o->tick_ev);
    if (o->base) event_base_free(o->base);
    if (o->wake_fd >= 0) close(o->wake_fd);
    pthread_mutex_destroy(&o->sub_mu);
    pthread_mutex_destroy(&o->inbox_mu);
    free(o->url);
    free(o->data_dir);
    free(o->timeline);
    free(o);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

orc *orc_open(const orc_config *cfg, char *err, size_t errlen)
{
    orc *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->cfg = *cfg;
    o->wake_fd = -1;
    pthread_mutex_init(&o->sub_mu, NULL);
    pthread_mutex_init(&o->inbox_mu, NULL);
    o->url = dup_or_null(cfg->url && cfg->url[0] ? cfg->url : NULL);
    o->data_dir = dup_or_null(cfg->data_dir);
    o->timeline = strdup(cfg->timeline && cfg->timeline[0] ? cfg->timeline : "pgpeek");
    o->cfg.url = o->url;
    o->cfg.data_dir = o->data_dir;
    o->cfg.timeline = o->timeline;
    for (const char *c = o->timeline; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f) {
            snprintf(err, errlen,
                     "timestamp oracle timeline must not contain spaces or "
                     "control characters");
            orc_free(o);
            return NULL;
        }
    if (strlen(o->timeline) > 200) {
        snprintf(err, errlen, "timestamp oracle timeline is longer than 200 bytes");
        orc_free(o);
        return NULL;
    }
    if (o->cfg.timeout_ms == 0) o->cfg.timeout_ms = 10000;
    if (o->cfg.backoff_max_ms == 0) o->cfg.backoff_max_ms = 2000;
    if (o->cfg.reserve_ms == 0) o->cfg.reserve_ms = 2000;
    int mif = cfg->max_in_flight ? cfg->max_in_flight : 3;
    if (mif < 1 || mif > ORC_MAX_IN_FLIGHT) {
        snprintf(err, errlen, "oracle_max_in_flight must be between 1 and %d", ORC_MAX_IN_FLIGHT);
        orc_free(o);
        return NULL;
    }
    atomic_init(&o->max_in_flight, mif);

    o->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct event_config *ec = event_config_new();
    if (ec) event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
    o->base = ec ? event_base_new_with_config(ec) : NULL;
    if (ec) event_config_free(ec);
    if (o->wake_fd < 0 || !o->base) {
        snprintf(err, errlen, "oracle: cannot create its event loop: %s", strerror(errno));
        orc_free(o);
        return NULL;
    }
    o->wake_ev = event_new(o->base, o->wake_fd, EV_READ | EV_PERSIST, on_wake, o);
    o->tick_ev = event_new(o->base, -1, EV_PERSIST, on_tick, o);
    struct timeval tick = {0, 100000};
    if (!o->wake_ev || !o->tick_ev || event_add(o->wake_ev, NULL) != 0 ||
        event_add(o->tick_ev, &tick) != 0) {
        snprintf(err, errlen, "oracle: cannot register its events");
        orc_free(o);
        return NULL;
    }

    bool ok;
    if (o->url) {
        if (strncmp(o->url, "postgres://", 11) != 0 && strncmp(o->url, "postgresql://", 13) != 0) {
            snprintf(err, errlen,
                     "timestamp oracle URL must start with postgres:// or "
                     "postgresql://");
            orc_free(o);
            return NULL;
        }
        o->shared = true;
        ok = orc_pg_init(o, err, errlen);
    } else {
        ok = orc_local_init(o, err, errlen);
    }
    if (!ok) {
        orc_free(o);
        return NULL;
    }
    if (pthread_create(&o->thread, NULL, orc_thread, o) != 0) {
        snprintf(err, errlen, "oracle: cannot start its thread");
        orc_free(o);
        return NULL;
    }
    o->thread_started = true;
    pthread_setname_np(o->thread, "pgpeek-oracle");
    return o;
}

void orc_close(orc *o)
{
    if (!o) return;
    if (o->thread_started) {
        pthread_mutex_lock(&o->sub_mu);
        o->stopping = true;
        pthread_mutex_unlock(&o->sub_mu);
        wake(o);
        pthread_join(o->thread, NULL);
    }
    orc_inboxes_detach(o);
    orc_free(o);
}

static void submit(orc *o, orc_inbox *in, orc_req *req, orc_op op, uint64_t ts, orc_cb cb,
                   void *arg)
{
    req->cb = cb;
    req->arg = arg;
    req->op = op;
    req->ts = ts;
    req->ok = false;
    req->err[0] = 0;
    req->ticket = req->covers = 0;
    req->inbox = in;
    req->submit_ns = orc_now_ns();
    req->deadline_ns = req->submit_ns + (uint64_t)o->cfg.timeout_ms * 1000000u;
    req->next = NULL;
    pthread_mutex_lock(&o->sub_mu);
    bool was_empty = o->sub_head == NULL;
    if (o->sub_tail)
        o->sub_tail->next = req;
    else
        o->sub_head = req;
    o->sub_tail = req;
    pthread_mutex_unlock(&o->sub_mu);
    /* The oracle thread drains the whole queue after reading the eventfd, so a wakeup is
     * needed only for the first item. */
    if (was_empty) wake(o);
}

void orc_read_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg)
{
    submit(o, in, req, ORC_OP_READ, 0, cb, arg);
}

void orc_write_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg)
{
    submit(o, in, req, ORC_OP_WRITE, 0, cb, arg);
}

void orc_peek_write_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg)
{
    submit(o, in, req, ORC_OP_PEEK, 0, cb, arg);
}

void orc_apply_write(orc *o, orc_inbox *in, orc_req *req, uint64_t ts, orc_cb cb, void *arg)
{
    submit(o, in, req, ORC_OP_APPLY, ts, cb, arg);
}

bool orc_read_ts_fast_safe(const orc *o)
{
    return !o->shared;
}

bool orc_read_ts_strict(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg, uint64_t *ts)
{
    if (orc_read_ts_atomic(o, in, ts)) return true;
    orc_read_ts(o, in, req, cb, arg);
    return false;
}

uint64_t orc_read_ts_current(const orc *o)
{
    return atomic_load_explicit(&((orc *)o)->read_ts, memory_order_acquire);
}

bool orc_set_max_in_flight(orc *o, int n)
{
    if (n < 1 || n > ORC_MAX_IN_FLIGHT) return false;
    atomic_store(&o->max_in_flight, n);
    pthread_mutex_lock(&o->sub_mu);
    o->resized = true;
    pthread_mutex_unlock(&o->sub_mu);
    wake(o);
    return true;
}

int orc_max_in_flight(const orc *o)
{
    return atomic_load(&((orc *)o)->max_in_flight);
}

void orc_test_force_fast_path(orc *o, bool on)
{
    atomic_store(&o->force_fast, on);
}

/* The blocking convenience: the callback runs on the oracle thread (no inbox). */
typedef struct orc_waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done, ok;
    uint64_t ts;
    char err[256];
} orc_waiter;

static void waiter_cb(void *arg, bool ok, uint64_t ts, const char *err)
{
    orc_waiter *w = arg;
    pthread_mutex_lock(&w->mu);
    w->ok = ok;
    w->ts = ts;
    if (!ok) snprintf(w->err, sizeof w->err, "%s", err ? err : "unknown error");
    w->done = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

bool orc_call_wait(orc *o, orc_op op, uint64_t arg_ts, uint64_t *ts, char *err, size_t errlen)
{
    orc_waiter w;
    memset(&w, 0, sizeof w);
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    orc_req req;
    submit(o, NULL, &req, op, arg_ts, waiter_cb, &w);
    pthread_mutex_lock(&w.mu);
    while (!w.done)
        pthread_cond_wait(&w.cv, &w.mu);
    pthread_mutex_unlock(&w.mu);
    pthread_mutex_destroy(&w.mu);
    pthread_cond_destroy(&w.cv);
    if (ts) *ts = w.ts;
    if (!w.ok && err) snprintf(err, errlen, "%s", w.err);
    return w.ok;
}

#define LOAD(f) atomic_load_explicit(&o->st.f, memory_order_relaxed)

void orc_get_stats(orc *o, orc_stats *st)
{
    memset(st, 0, sizeof *st);
    st->backing_calls = LOAD(backing_calls);
    st->batches = LOAD(batches);
    st->batch_tickets = LOAD(batch_tickets);
    st->batch_max = LOAD(batch_max);
    st->max_reads_in_flight = LOAD(max_reads_in_flight);
    st->reads = LOAD(reads);
    st->writes = LOAD(writes);
    st->peeks = LOAD(peeks);
    st->applies = LOAD(applies);
    st->failed = LOAD(failed);
    st->wait_ns = LOAD(wait_ns);
    st->backing_ns = LOAD(backing_ns);
    st->reconnects = LOAD(reconnects);
    st->retries = LOAD(retries);
    st->fast_reads = orc_inbox_fast_reads(o);
    st->read_ts = orc_read_ts_current(o);
}
