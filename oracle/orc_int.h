/* orc_int: the oracle's internals shared by its files (core, batching, inbox, backends). */
#ifndef ORC_INT_H
#define ORC_INT_H

#include "orc.h"

#include <pthread.h>
#include <stdatomic.h>

struct event;

#define ORC_MAX_IN_FLIGHT 16

/* One backing call: a read batch or a single write/peek/apply. Owned by the oracle
 * thread (kept on a free list); a backend holds it from start until orc_call_done. */
typedef struct orc_call {
    orc *o;
    orc_op op;
    uint64_t arg_ts; /* apply: the timestamp; write: the wall clock when started */
    uint64_t covers; /* read batch: the last ticket taken when the call started */
    orc_req *req;    /* write/peek/apply: the caller; NULL once failed at shutdown */
    uint64_t start_ns;
    struct orc_call *next;
    struct event *timer; /* local backend's test latency */
    uint64_t value;      /* local backend's test latency: the value taken at start */
} orc_call;

/* A backend's hooks, all run on the oracle thread. start() may finish the call at once
 * (calling orc_call_done before it returns). */
typedef struct orc_backend {
    bool (*can_start)(orc *o);
    void (*start)(orc *o, orc_call *c);
    void (*resize)(orc *o);                /* max_in_flight changed */
    void (*tick)(orc *o, uint64_t now_ns); /* every 100 ms */
    void (*free)(orc *o);                  /* after the thread stopped */
    void *state;
} orc_backend;

/* Stats: written only by the oracle thread (load + store, no read-modify-write),
 * read by orc_get_stats from any thread. */
typedef struct orc_counters {
    _Atomic uint64_t backing_calls, batches, batch_tickets, batch_max, max_reads_in_flight;
    _Atomic uint64_t reads, writes, peeks, applies, failed;
    _Atomic uint64_t wait_ns, backing_ns, reconnects, retries;
} orc_counters;

#define ORC_ST_ADD(field, v)                                                                       \
    atomic_store_explicit(&(field), atomic_load_explicit(&(field), memory_order_relaxed) + (v),    \
                          memory_order_relaxed)

/* One oracle. Config and atomics are shared; "oracle thread" fields are touched only by
 * the oracle thread; the submission queue is guarded by sub_mu. */
struct orc {
    orc_config cfg; /* strings below are our copies */
    char *url, *data_dir, *timeline;
    bool shared; /* another process may write the timeline: no atomic fast path */
    _Atomic uint64_t read_ts;
    _Atomic bool force_fast;
    _Atomic int max_in_flight;
    orc_backend be;
    orc_counters st;

    pthread_t thread;
    bool thread_started;
    struct event_base *base;
    int wake_fd;
    struct event *wake_ev, *tick_ev;

    pthread_mutex_t sub_mu;
    orc_req *sub_head, *sub_tail;
    bool stopping, resized;

    pthread_mutex_t inbox_mu; /* guards the inbox list and fast_reads_retired */
    orc_inbox *inboxes;
    uint64_t fast_reads_retired;

    /* oracle thread */
    orc_req *wait_head, *wait_tail; /* read_ts callers in ticket order */
    orc_req *ops_head, *ops_tail;   /* write/peek/apply waiting for a backing call */
    uint64_t tickets_taken, started_up_to, completed_up_to;
    orc_call *reads_in_flight;
    int n_reads_in_flight;
    orc_call *ops_in_flight;
    orc_call *free_calls;
    bool pumping, repump;
    char last_err[200]; /* the backend's latest failure, for timeout messages */
};

uint64_t orc_now_ns(void);
uint64_t orc_wall_ms(orc *o);
/* Raises the atomic to at least v; returns its value afterwards. */
uint64_t orc_raise_read_ts(orc *o, uint64_t v);

/* orc_batch.c (oracle thread) */
void orc_enqueue(orc *o, orc_req *r);
void orc_pump(orc *o);
/* A backing call finished. retry: the failure was transient (lost connection), so its
 * callers wait for another backing call until their deadline. */
void orc_call_done(orc *o, orc_call *c, bool ok, uint64_t value, const char *err, bool retry);
void orc_expire(orc *o, uint64_t now_ns);
void orc_fail_all(orc *o, const char *err);
void orc_calls_free(orc *o);

/* orc_notify.c: hands a finished request to its caller's thread (or runs its callback
 * here when it has no inbox: the blocking conveniences). */
void orc_deliver(orc *o, orc_req *r, bool ok, uint64_t ts, const char *err);
uint64_t orc_inbox_fast_reads(orc *o);
/* At close: inboxes freed later must not touch the oracle. */
void orc_inboxes_detach(orc *o);

/* backends */
bool orc_local_init(orc *o, char *err, size_t errlen);
bool orc_pg_init(orc *o, char *err, size_t errlen);

#endif
