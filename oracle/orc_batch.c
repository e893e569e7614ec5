/* orc_batch: the batching layer. read_ts callers take tickets; up to max_in_flight backing
 * calls run at once, each covering every ticket taken before it started; a caller is
 * answered only by a call that started after its ticket, and "completed up to" only grows.
 * Single operations (write, peek, apply) get one backing call each. Oracle thread only. */
#include "orc_int.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>

static void push_back(orc_req **head, orc_req **tail, orc_req *r)
{
    r->next = NULL;
    if (*tail)
        (*tail)->next = r;
    else
        *head = r;
    *tail = r;
}

static orc_req *pop_front(orc_req **head, orc_req **tail)
{
    orc_req *r = *head;
    *head = r->next;
    if (!*head) *tail = NULL;
    r->next = NULL;
    return r;
}

static void call_unlink(orc_call **list, orc_call *c)
{
    for (orc_call **p = list; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    c->next = NULL;
}

static orc_call *call_get(orc *o)
{
    orc_call *c = o->free_calls;
    if (c) {
        o->free_calls = c->next;
    } else {
        c = calloc(1, sizeof *c);
        if (!c) abort(); /* a few dozen bytes, bounded by the pool: treat as fatal */
    }
    c->o = o;
    c->next = NULL;
    c->req = NULL;
    c->covers = c->arg_ts = c->value = 0;
    return c;
}

static void call_put(orc *o, orc_call *c)
{
    c->next = o->free_calls;
    o->free_calls = c;
}

static void free_list(orc_call *c)
{
    while (c) {
        orc_call *next = c->next;
        if (c->timer) event_free(c->timer);
        free(c);
        c = next;
    }
}

void orc_calls_free(orc *o)
{
    free_list(o->free_calls);
    free_list(o->reads_in_flight);
    free_list(o->ops_in_flight);
    o->free_calls = o->reads_in_flight = o->ops_in_flight = NULL;
}

void orc_enqueue(orc *o, orc_req *r)
{
    if (r->op == ORC_OP_READ) {
        /* Taken on the oracle thread, i.e. after the call began: a backing call started
         * after this point also started after the caller's call began. */
        r->ticket = ++o->tickets_taken;
        push_back(&o->wait_head, &o->wait_tail, r);
    } else {
        push_back(&o->ops_head, &o->ops_tail, r);
    }
}

void orc_pump(orc *o)
{
    if (o->pumping) {
        o->repump = true; /* a backend finished a call inside start(): loop again below */
        return;
    }
    o->pumping = true;
    do {
        o->repump = false;
        while (o->ops_head && o->be.can_start(o)) {
            orc_req *r = pop_front(&o->ops_head, &o->ops_tail);
            orc_call *c = call_get(o);
            c->op = r->op;
            c->req = r;
            c->arg_ts = r->op == ORC_OP_APPLY ? r->ts : 0;
            c->start_ns = orc_now_ns();
            c->next = o->ops_in_flight;
            o->ops_in_flight = c;
            o->be.start(o, c);
        }
        int mif = atomic_load_explicit(&o->max_in_flight, memory_order_relaxed);
        while (o->wait_tail && o->wait_tail->ticket > o->started_up_to &&
               o->n_reads_in_flight < mif && o->be.can_start(o)) {
            orc_call *c = call_get(o);
            c->op = ORC_OP_READ;
            c->covers = o->tickets_taken;
            o->started_up_to = c->covers;
            c->start_ns = orc_now_ns();
            c->next = o->reads_in_flight;
            o->reads_in_flight = c;
            o->n_reads_in_flight++;
            if ((uint64_t)o->n_reads_in_flight >
                atomic_load_explicit(&o->st.max_reads_in_flight, memory_order_relaxed))
                atomic_store_explicit(&o->st.max_reads_in_flight, (uint64_t)o->n_reads_in_flight,
                                      memory_order_relaxed);
            o->be.start(o, c);
        }
    } while (o->repump);
    o->pumping = false;
}

static void read_done(orc *o, orc_call *c, bool ok, uint64_t value, const char *err, bool retry)
{
    call_unlink(&o->reads_in_flight, c);
    o->n_reads_in_flight--;
    if (ok) {
        /* Answer with the atomic after raising it: a batch that finishes late with an older
         * value must not hand a later caller less than an earlier caller already saw. */
        uint64_t ts = orc_raise_read_ts(o, value);
        /* Counters first: a caller may read stats as soon as its callback has run. */
        uint64_t n = 0;
        for (orc_req *r = o->wait_head; r && r->ticket <= c->covers; r = r->next)
            n++;
        ORC_ST_ADD(o->st.batches, 1);
        ORC_ST_ADD(o->st.batch_tickets, n);
        if (n > atomic_load_explicit(&o->st.batch_max, memory_order_relaxed))
            atomic_store_explicit(&o->st.batch_max, n, memory_order_relaxed);
        if (c->covers > o->completed_up_to) o->completed_up_to = c->covers;
        while (o->wait_head && o->wait_head->ticket <= c->covers) {
            orc_req *r = pop_front(&o->wait_head, &o->wait_tail);
            r->covers = c->covers;
            orc_deliver(o, r, true, ts, NULL);
        }
        return;
    }
    if (retry) {
        /* Its tickets are uncovered again unless a call still in flight covers them. */
        ORC_ST_ADD(o->st.retries, 1);
        uint64_t up = o->completed_up_to;
        for (orc_call *f = o->reads_in_flight; f; f = f->next)
            if (f->covers > up) up = f->covers;
        o->started_up_to = up;
        return;
    }
    while (o->wait_head && o->wait_head->ticket <= c->covers)
        orc_deliver(o, pop_front(&o->wait_head, &o->wait_tail), false, 0, err);
}

void orc_call_done(orc *o, orc_call *c, bool ok, uint64_t value, const char *err, bool retry)
{
    ORC_ST_ADD(o->st.backing_calls, 1);
    ORC_ST_ADD(o->st.backing_ns, orc_now_ns() - c->start_ns);
    if (!ok && err) snprintf(o->last_err, sizeof o->last_err, "%s", err);
    if (c->op == ORC_OP_READ) {
        read_done(o, c, ok, value, err, retry);
    } else {
        call_unlink(&o->ops_in_flight, c);
        orc_req *r = c->req;
        if (!r) {
            /* failed at shutdown already */
        } else if (ok) {
            if (r->op == ORC_OP_APPLY) orc_raise_read_ts(o, value > r->ts ? value : r->ts);
            orc_deliver(o, r, true, value, NULL);
        } else if (retry && orc_now_ns() < r->deadline_ns) {
            /* Every operation is safe to repeat: write_ts only skips a value, apply and
             * the reads are idempotent. Never guess an answer. */
            ORC_ST_ADD(o->st.retries, 1);
            r->next = o->ops_head;
            o->ops_head = r;
            if (!o->ops_tail) o->ops_tail = r;
        } else {
            orc_deliver(o, r, false, 0, err);
        }
    }
    call_put(o, c);
    orc_pump(o);
}

static void expire_list(orc *o, orc_req **head, orc_req **tail, uint64_t now, const char *msg)
{
    orc_req *keep_head = NULL, *keep_tail = NULL;
    while (*head) {
        orc_req *r = pop_front(head, tail);
        if (r->deadline_ns <= now)
            orc_deliver(o, r, false, 0, msg);
        else
            push_back(&keep_head, &keep_tail, r);
    }
    *head = keep_head;
    *tail = keep_tail;
}

void orc_expire(orc *o, uint64_t now_ns)
{
    if ((!o->wait_head || o->wait_head->deadline_ns > now_ns) && !o->ops_head) return;
    char msg[256];
    snprintf(msg, sizeof msg, "timestamp oracle did not answer within %u ms%s%s", o->cfg.timeout_ms,
             o->last_err[0] ? ": " : "", o->last_err);
    expire_list(o, &o->wait_head, &o->wait_tail, now_ns, msg);
    expire_list(o, &o->ops_head, &o->ops_tail, now_ns, msg);
}

void orc_fail_all(orc *o, const char *err)
{
    while (o->wait_head)
        orc_deliver(o, pop_front(&o->wait_head, &o->wait_tail), false, 0, err);
    while (o->ops_head)
        orc_deliver(o, pop_front(&o->ops_head, &o->ops_tail), false, 0, err);
    for (orc_call *c = o->ops_in_flight; c; c = c->next)
        if (c->req) {
            orc_deliver(o, c->req, false, 0, err);
            c->req = NULL;
        }
}
