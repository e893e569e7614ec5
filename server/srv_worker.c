/* srv_worker: worker threads, each looping on its own event_base; the listener reaches
 * them only through the item queue and its eventfd, as memcached's thread.c does. */
#include "srv_worker.h"

#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "pgw_log.h"
#include "srv_conn.h"
#include "srv_server.h"

static void push_item(srv_worker *w, srv_item *it)
{
    it->next = NULL;
    pthread_mutex_lock(&w->lock);
    if (w->tail)
        w->tail->next = it;
    else
        w->head = it;
    w->tail = it;
    pthread_mutex_unlock(&w->lock);
    uint64_t one = 1;
    /* An eventfd write only fails when the counter would overflow: a wakeup is pending
     * anyway then. */
    ssize_t n = write(w->notify_fd, &one, sizeof one);
    (void)n;
}

static srv_item *take_all(srv_worker *w)
{
    pthread_mutex_lock(&w->lock);
    srv_item *it = w->head;
    w->head = w->tail = NULL;
    pthread_mutex_unlock(&w->lock);
    return it;
}

static void notify_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    srv_worker *w = arg;
    uint64_t count;
    ssize_t n = read(fd, &count, sizeof count);
    (void)n;
    srv_item *it = take_all(w);
    while (it) {
        srv_item *next = it->next;
        if (it->type == SRV_ITEM_CONN) {
            if (!srv_conn_open(w, it->fd, it->id, it->peer))
                srv_log(w->server, PGPEEK_LOG_ERROR, "worker %d: out of memory for a connection",
                        w->index);
            free(it);
        } else {
            /* Commits in flight finish first: their clients hear how they ended. */
            w->stopping = true;
            srv_conn_goodbye_all(w);
            if (w->npending == 0) event_base_loopbreak(w->base);
        }
        it = next;
    }
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
    w->notify_fd = -1;
    w->lock_ready = true;
    pthread_mutex_init(&w->lock, NULL);
    struct event_config *ec = event_config_new();
    if (ec) {
        event_config_set_flag(ec, EVENT_BASE_FLAG_NOLOCK);
        w->base = event_base_new_with_config(ec);
        event_config_free(ec);
    }
    w->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* Allocated up front so that stopping never depends on malloc. */
    w->stop_item = calloc(1, sizeof *w->stop_item);
    if (w->stop_item) w->stop_item->type = SRV_ITEM_STOP;
    if (!w->base || w->notify_fd < 0 || !w->stop_item) {
        snprintf(err, errlen, "worker %d: cannot create its event loop: %s", index,
                 strerror(errno));
        return false;
    }
    w->notify_ev = event_new(w->base, w->notify_fd, EV_READ | EV_PERSIST, notify_cb, w);
    w->reap_ev = event_new(w->base, -1, 0, reap_cb, w);
    w->yield_ev = evtimer_new(w->base, yield_cb, w);
    if (!w->notify_ev || !w->reap_ev || !w->yield_ev || event_add(w->notify_ev, NULL) != 0) {
        snprintf(err, errlen, "worker %d: cannot create its events", index);
        return false;
    }
    /* Created before the thread starts, so pthread_create orders it before the loop runs. */
    w->inbox = orc_inbox_new(s->oracle, w->base);
    if (!w->inbox) {
        snprintf(err, errlen, "worker %d: cannot create its oracle inbox", index);
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
    srv_item *it = malloc(sizeof *it);
    if (!it) return false;
    it->type = SRV_ITEM_CONN;
    it->fd = fd;
    it->id = id;
    snprintf(it->peer, sizeof it->peer, "%s", peer);
    push_item(w, it);
    return true;
}

void srv_worker_stop(srv_worker *w)
{
    if (w->thread_started) {
        push_item(w, w->stop_item);
        pthread_join(w->thread, NULL);
        w->thread_started = false;
    }
    /* Sockets handed over but never adopted. */
    for (srv_item *it = take_all(w); it;) {
        srv_item *next = it->next;
        if (it->type == SRV_ITEM_CONN) {
            close(it->fd);
            free(it);
        }
        it = next;
    }
    free(w->stop_item);
    w->stop_item = NULL;
    /* The thread has left its loop: no oracle call of this worker is pending any more. */
    orc_inbox_free(w->inbox);
    w->inbox = NULL;
    if (w->notify_ev) event_free(w->notify_ev);
    if (w->reap_ev) event_free(w->reap_ev);
    if (w->yield_ev) event_free(w->yield_ev);
    if (w->base) event_base_free(w->base);
    if (w->notify_fd >= 0) close(w->notify_fd);
    w->notify_ev = w->reap_ev = w->yield_ev = NULL;
    w->base = NULL;
    w->notify_fd = -1;
    if (w->lock_ready) pthread_mutex_destroy(&w->lock);
    w->lock_ready = false;
}
