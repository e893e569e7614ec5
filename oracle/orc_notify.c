/* orc_notify: per-caller-thread inboxes: answers cross from the oracle thread to the
 * caller's event_base through a mutex-guarded list and an eventfd, never by blocking. */
#include "orc_inbox.h"
#include "orc_int.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* One caller thread's delivery queue. Created and freed on that thread; the list is
 * guarded by mu (the oracle thread appends, the owner takes); fast_reads is written only
 * by the owner. */
struct orc_inbox {
    orc *o;
    struct event_base *base;
    int fd;
    struct event *ev;
    pthread_mutex_t mu;
    orc_req *head, *tail;
    _Atomic uint64_t fast_reads;
    orc_inbox *next; /* in o->inboxes, under o->inbox_mu */
};

static void inbox_push(orc_inbox *in, orc_req *r);

/* Runs on the owner's thread: answer every request delivered since the last wakeup. */
static void on_inbox(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    uint64_t cnt;
    ssize_t n = read(fd, &cnt, sizeof cnt);
    (void)n;
    orc_inbox_drain(arg);
}

void orc_inbox_drain(orc_inbox *in)
{
    pthread_mutex_lock(&in->mu);
    orc_req *list = in->head;
    in->head = in->tail = NULL;
    pthread_mutex_unlock(&in->mu);
    for (orc_req *r = list, *next; r; r = next) {
        next = r->next; /* the callback may reuse r at once */
        r->cb(r->arg, r->ok, r->ok ? r->ts : 0, r->ok ? NULL : r->err);
    }
}

orc_inbox *orc_inbox_new(orc *o, struct event_base *base)
{
    orc_inbox *in = calloc(1, sizeof *in);
    if (!in) return NULL;
    in->o = o;
    in->base = base;
    in->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (in->fd < 0) {
        free(in);
        return NULL;
    }
    in->ev = event_new(base, in->fd, EV_READ | EV_PERSIST, on_inbox, in);
    if (!in->ev || event_add(in->ev, NULL) != 0) {
        if (in->ev) event_free(in->ev);
        close(in->fd);
        free(in);
        return NULL;
    }
    pthread_mutex_init(&in->mu, NULL);
    pthread_mutex_lock(&o->inbox_mu);
    in->next = o->inboxes;
    o->inboxes = in;
    pthread_mutex_unlock(&o->inbox_mu);
    return in;
}

void orc_inbox_free(orc_inbox *in)
{
    if (!in) return;
    orc *o = in->o;
    if (!o) goto release; /* the oracle was closed first and forgot us */
    pthread_mutex_lock(&o->inbox_mu);
    for (orc_inbox **p = &o->inboxes; *p; p = &(*p)->next)
        if (*p == in) {
            *p = in->next;
            break;
        }
    o->fast_reads_retired += atomic_load(&in->fast_reads);
    pthread_mutex_unlock(&o->inbox_mu);
release:
    event_free(in->ev);
    close(in->fd);
    pthread_mutex_destroy(&in->mu);
    free(in);
}

void orc_inboxes_detach(orc *o)
{
    pthread_mutex_lock(&o->inbox_mu);
    for (orc_inbox *in = o->inboxes; in; in = in->next)
        in->o = NULL;
    o->inboxes = NULL;
    pthread_mutex_unlock(&o->inbox_mu);
}

uint64_t orc_inbox_fast_reads(orc *o)
{
    pthread_mutex_lock(&o->inbox_mu);
    uint64_t n = o->fast_reads_retired;
    for (orc_inbox *in = o->inboxes; in; in = in->next)
        n += atomic_load_explicit(&in->fast_reads, memory_order_relaxed);
    pthread_mutex_unlock(&o->inbox_mu);
    return n;
}

void orc_deliver(orc *o, orc_req *r, bool ok, uint64_t ts, const char *err)
{
    uint64_t now = orc_now_ns();
    ORC_ST_ADD(o->st.wait_ns, now - r->submit_ns);
    if (!ok)
        ORC_ST_ADD(o->st.failed, 1);
    else if (r->op == ORC_OP_READ)
        ORC_ST_ADD(o->st.reads, 1);
    else if (r->op == ORC_OP_WRITE)
        ORC_ST_ADD(o->st.writes, 1);
    else if (r->op == ORC_OP_PEEK)
        ORC_ST_ADD(o->st.peeks, 1);
    else
        ORC_ST_ADD(o->st.applies, 1);
    r->ok = ok;
    r->ts = ts;
    snprintf(r->err, sizeof r->err, "%s", err ? err : "unknown error");
    r->next = NULL;
    orc_inbox *in = r->inbox;
    if (!in) {
        r->cb(r->arg, ok, ok ? ts : 0, ok ? NULL : r->err);
        return;
    }
    inbox_push(in, r);
}

void orc_inbox_post(orc_inbox *in, orc_req *r, orc_cb cb, void *arg, bool ok, uint64_t ts,
                    const char *err)
{
    r->cb = cb;
    r->arg = arg;
    r->op = ORC_OP_READ; /* not an oracle call: counted nowhere */
    r->ok = ok;
    r->ts = ts;
    snprintf(r->err, sizeof r->err, "%s", err ? err : "unknown error");
    r->next = NULL;
    r->inbox = in;
    inbox_push(in, r);
}

static void inbox_push(orc_inbox *in, orc_req *r)
{
    pthread_mutex_lock(&in->mu);
    bool was_empty = in->head == NULL;
    if (in->tail)
        in->tail->next = r;
    else
        in->head = r;
    in->tail = r;
    pthread_mutex_unlock(&in->mu);
    /* The owner drains the whole list after reading the eventfd: one wakeup suffices. */
    if (was_empty) {
        uint64_t one = 1;
        ssize_t n = write(in->fd, &one, sizeof one);
        (void)n;
    }
}

bool orc_read_ts_atomic(orc *o, orc_inbox *in, uint64_t *ts)
{
    /* The safety rule: with a shared backend another process may have committed a write
     * this process never saw, so the atomic is not a linearizable read timestamp. */
    if (!orc_read_ts_fast_safe(o) && !atomic_load_explicit(&o->force_fast, memory_order_relaxed))
        return false;
    *ts = atomic_load_explicit(&o->read_ts, memory_order_acquire);
    if (in)
        atomic_store_explicit(&in->fast_reads,
                              atomic_load_explicit(&in->fast_reads, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    return true;
}
