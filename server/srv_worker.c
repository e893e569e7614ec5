/* srv_worker: worker threads, each looping on its own event_base; the listener reaches
 * them only through the worker's inbox (a mutex-guarded list plus an eventfd, as
 * memcached's thread.c does), the same one oracle answers and commit hand-backs use. */
#include "srv_worker.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "orc_inbox.h"
#include "pgw_log.h"
#include "srv_conn.h"
#include "srv_server.h"

static void on_item(void *arg, bool ok, uint64_t ts, const char *err);

/* As many workers as the server may start (srv_server.c caps them at 256). */
#define SRV_MAX_QUIET 256

static void push_item(srv_worker *w, srv_item *it)
{
    it->w = w;
    orc_inbox_post(w->inbox, &it->post, on_item, it, true, 0, NULL);
}

/* Runs on the worker's thread (or on the stopping thread, draining what came too late). */
static void on_item(void *arg, bool ok, uint64_t ts, const char *err)
{
    (void)ok;
    (void)ts;
    (void)err;
    srv_item *it = arg;
    srv_worker *w = it->w;
    if (it->type == SRV_ITEM_STOP) {
        if (w->loop_done) return;
        /* Commits in flight finish first: their clients hear how they ended. */
        w->stopping = true;
        srv_conn_goodbye_all(w);
        if (w->npending == 0) event_base_loopbreak(w->base);
        return;
    }
    if (it->type == SRV_ITEM_MOVE) {
        srv_conn_adopt(w, it->conn); /* `it` lives in the connection */
        return;
    }
    if (it->type == SRV_ITEM_SHED) {
        if (!w->no_moves && !w->stopping && !w->loop_done) srv_conn_shed(w, it->to, it->count);
        free(it);
        return;
    }
    if (it->type == SRV_ITEM_NOMOVE) {
        w->no_moves = true;
        srv_quiet *q = it->quiet; /* `it` lives on the stopping thread's stack */
        pthread_mutex_lock(&q->mu);
        if (--q->left == 0) pthread_cond_signal(&q->cv);
        pthread_mutex_unlock(&q->mu);
        return;
    }
    if (w->stopping || w->loop_done) {
        close(it->fd); /* handed over while the worker stopped: never adopted */
    } else if (!srv_conn_open(w, it->fd, it->id, it->peer)) {
        srv_log(w->server, PGPEEK_LOG_ERROR, "worker %d: out of memory for a connection", w->index);
    }
    free(it);
}

static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    srv_conn_reap(arg);
}

static void yield_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    srv_conn_resume_yielded(arg);
}

static void *worker_main(void *arg)
{
    srv_worker *w = arg;
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    event_base_dispatch(w->base);
    w->stopping = true;
    srv_conn_goodbye_all(w);
    /* A session in the commit thread's or the oracle's hands is not ours to free. */
    while (w->npending > 0)
        event_base_loop(w->base, EVLOOP_ONCE);
    srv_conn_reap(w);
    return NULL;
}

bool srv_worker_start(srv_worker *w, pgpeek_server *s, int index, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->server = s;
    w->index = index;
    struct event_config *ec = event_config_new();
    if (ec) {
        event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
        w->base = event_base_new_with_config(ec);
        event_config_free(ec);
    }
    /* Allocated up front so that stopping never depends on malloc. */
    w->stop_item = calloc(1, sizeof *w->stop_item);
    if (w->stop_item) w->stop_item->type = SRV_ITEM_STOP;
    if (!w->base || !w->stop_item) {
        snprintf(err, errlen, "worker %d: cannot create its event loop: %s", index,
                 strerror(errno));
        return false;
    }
    w->reap_ev = event_new(w->base, -1, 0, reap_cb, w);
    w->yield_ev = evtimer_new(w->base, yield_cb, w);
    if (!w->reap_ev || !w->yield_ev) {
        snprintf(err, errlen, "worker %d: cannot create its events", index);
        return false;
    }
    /* Created before the thread starts, so pthread_create orders it before the loop runs. */
    w->inbox = orc_inbox_new(s->oracle, w->base);
    if (!w->inbox) {
        snprintf(err, errlen, "worker %d: cannot create its inbox", index);
        return false;
    }
    int rc = pthread_create(&w->thread, NULL, worker_main, w);
    if (rc != 0) {
        snprintf(err, errlen, "worker %d: cannot start its thread: %s", index, strerror(rc));
        return false;
    }
    w->thread_started = true;
    return true;
}

bool srv_worker_notify_conn(srv_worker *w, int fd, uint64_t id, const char *peer)
{
    srv_item *it = calloc(1, sizeof *it);
    if (!it) return false;
    it->type = SRV_ITEM_CONN;
    it->fd = fd;
    it->id = id;
    snprintf(it->peer, sizeof it->peer, "%s", peer);
    push_item(w, it);
    return true;
}

bool srv_worker_shed(srv_worker *from, srv_worker *to, int count)
{
    srv_item *it = calloc(1, sizeof *it);
    if (!it) return false;
    it->type = SRV_ITEM_SHED;
    it->to = to;
    it->count = count;
    push_item(from, it);
    return true;
}

void srv_worker_post_move(srv_worker *to, srv_item *move)
{
    move->type = SRV_ITEM_MOVE;
    push_item(to, move);
}

/* Before the first worker stops: every worker stops shedding, and once all have said so,
 * every MOVE ever posted is in some inbox that is drained before it is freed. Without
 * this, a worker still running could post a connection to one already gone. */
static void close_moves(pgpeek_server *s)
{
    srv_quiet q = {.left = 0};
    pthread_mutex_init(&q.mu, NULL);
    pthread_cond_init(&q.cv, NULL);
    srv_item items[SRV_MAX_QUIET];
    int n = 0;
    for (int i = 0; i < s->nworkers; i++) {
        srv_worker *w = &s->workers[i];
        w->moves_closed = true;
        if (!w->thread_started || n == SRV_MAX_QUIET) continue;
        items[n] = (srv_item){.type = SRV_ITEM_NOMOVE, .quiet = &q};
        pthread_mutex_lock(&q.mu);
        q.left++;
        pthread_mutex_unlock(&q.mu);
        push_item(w, &items[n++]);
    }
    pthread_mutex_lock(&q.mu);
    while (q.left > 0)
        pthread_cond_wait(&q.cv, &q.mu);
    pthread_mutex_unlock(&q.mu);
    pthread_mutex_destroy(&q.mu);
    pthread_cond_destroy(&q.cv);
}

void srv_worker_stop(srv_worker *w)
{
    if (!w->moves_closed && w->server) close_moves(w->server);
    if (w->thread_started) {
        push_item(w, w->stop_item);
        pthread_join(w->thread, NULL);
        w->thread_started = false;
    }
    /* The loop is over: sockets handed over but never adopted are closed. No session of
     * this worker waits for anything any more. */
    w->loop_done = true;
    if (w->inbox) orc_inbox_drain(w->inbox);
    free(w->stop_item);
    w->stop_item = NULL;
    orc_inbox_free(w->inbox);
    w->inbox = NULL;
    if (w->reap_ev) event_free(w->reap_ev);
    if (w->yield_ev) event_free(w->yield_ev);
    if (w->base) event_base_free(w->base);
    w->reap_ev = w->yield_ev = NULL;
    w->base = NULL;
}
