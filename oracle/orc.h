/* orc: the timestamp oracle. Which timestamp a read or a write gets (DESIGN.md "Time").
 *
 * Contracts (timestamps are u64 milliseconds since the epoch on one timeline):
 *  - write_ts() > every earlier read_ts() and write_ts(), and >= the wall clock;
 *  - peek_write_ts() is the last write timestamp, not advanced;
 *  - read_ts() >= every apply_write(ts) that finished before the call began, and < every
 *    later write_ts();
 *  - apply_write(ts): every later read_ts() is >= ts.
 *
 * Every operation is asynchronous: the caller passes an orc_inbox bound to ITS OWN
 * event_base and gets its answer through a callback run on that base's thread. An
 * oracle runs one thread of its own (own event_base) with the batching layer and the
 * backend (local file, or PostgreSQL/CockroachDB through libpq's async API). */
#ifndef ORC_H
#define ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;

typedef struct orc orc;
typedef struct orc_inbox orc_inbox;

/* Called on the inbox's event_base thread. ok=false: err says why and ts is 0; nothing
 * was handed out that the caller may rely on. */
typedef void (*orc_cb)(void *arg, bool ok, uint64_t ts, const char *err);

typedef enum orc_op { ORC_OP_READ, ORC_OP_WRITE, ORC_OP_PEEK, ORC_OP_APPLY } orc_op;

/* One call in flight. Owned by the caller (embed it in a connection or a commit group;
 * no allocation per call); it must stay alive and untouched until its callback has
 * run. Fields below "private" belong to the oracle until then. */
typedef struct orc_req {
    orc_cb cb;
    void *arg;
    /* Read-only for the caller after the callback: the ticket this read took and the
     * last ticket covered by the backing call that answered it (covers >= ticket, which
     * is the batching layer's promise: the call started after the ticket was taken). */
    uint64_t ticket;
    uint64_t covers;
    /* private */
    orc_op op;
    bool ok;
    uint64_t ts;
    uint64_t submit_ns;
    uint64_t deadline_ns;
    orc_inbox *inbox;
    struct orc_req *next;
    char err[128];
} orc_req;

/* Filled by the caller (start from orc_config_default()); orc_open copies the strings. */
typedef struct orc_config {
    /* NULL or "" = local backend; "postgres://..." / "postgresql://..." = shared backend. */
    const char *url;
    /* Local backend: state file directory; NULL = purely in memory. */
    const char *data_dir;
    const char *timeline;    /* default "pgpeek" */
    int max_in_flight;       /* read_ts backing calls at once; default 3 */
    uint32_t reserve_ms;     /* local: write_ts range persisted ahead; default 2000 */
    uint32_t timeout_ms;     /* a call fails after this long without an answer; default 10000 */
    uint32_t backoff_max_ms; /* shared: reconnect backoff cap; default 2000 */
    /* Wall clock in ms since the epoch; NULL = CLOCK_REALTIME. Injectable for tests. */
    uint64_t (*clock_ms)(void *arg);
    void *clock_arg;
    /* TEST ONLY: the local backend completes each backing call after a random delay up to
     * this many microseconds, with the value taken when the call started (the most stale
     * answer a real backend may give), so calls overlap and finish out of order. */
    uint32_t test_latency_us;
} orc_config;

orc_config orc_config_default(void);

/* Opens the backend and starts the oracle thread. The local backend loads (or creates)
 * its state file before returning; the shared backend connects in the background (calls
 * wait for it, up to timeout_ms). NULL with a message in err on failure. */
orc *orc_open(const orc_config *cfg, char *err, size_t errlen);
/* Fails every call still waiting, stops the thread and frees everything. Inboxes may be
 * freed before or after (on their own threads), not concurrently; no call may be issued
 * concurrently. */
void orc_close(orc *o);

/* The per-caller-thread delivery queue: create it once on the thread that runs `base`
 * (a worker), pass it to every call from that thread, free it there once no call of it is
 * pending. Wakes its base through an eventfd, never by blocking. */
orc_inbox *orc_inbox_new(orc *o, struct event_base *base);
void orc_inbox_free(orc_inbox *in);

/* The four operations. req is filled and owned by the oracle until cb(arg, ...) runs on
 * in's base. read_ts goes through the batching layer. */
void orc_read_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg);
void orc_write_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg);
void orc_peek_write_ts(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg);
/* The atomic read timestamp is raised to ts before cb runs. */
void orc_apply_write(orc *o, orc_inbox *in, orc_req *req, uint64_t ts, orc_cb cb, void *arg);

/* True when loading the atomic read timestamp is a linearizable read timestamp: only when
 * this process is the only writer of the timeline (the local backend). */
bool orc_read_ts_fast_safe(const orc *o);
/* The atomic fast path: true with *ts when orc_read_ts_fast_safe (or the test switch);
 * false otherwise, and the caller must use orc_read_ts. Counts a fast-path read in `in`
 * (per-thread counter, no shared write). */
bool orc_read_ts_atomic(orc *o, orc_inbox *in, uint64_t *ts);
/* A strict serializable read timestamp: answered at once from the atomic when that is
 * safe (returns true with *ts; cb never runs), else through the batching layer (returns
 * false; cb runs later). Serializable reads do not call the oracle at all. */
bool orc_read_ts_strict(orc *o, orc_inbox *in, orc_req *req, orc_cb cb, void *arg, uint64_t *ts);
/* The atomic's current value, for diagnostics and the serializable path's bookkeeping. */
uint64_t orc_read_ts_current(const orc *o);

/* Runtime setting (flag / ALTER SYSTEM SET oracle_max_in_flight); 1..16. */
bool orc_set_max_in_flight(orc *o, int n);
int orc_max_in_flight(const orc *o);

/* TEST ONLY: make orc_read_ts_atomic answer even when unsafe, so a test can show the
 * safety rule matters. Never called by the server. */
void orc_test_force_fast_path(orc *o, bool on);

/* Blocking conveniences for threads that may block (commit thread, tests, tools). They
 * must not be called from an event loop that an inbox of this oracle delivers to. */
bool orc_call_wait(orc *o, orc_op op, uint64_t arg_ts, uint64_t *ts, char *err, size_t errlen);

typedef struct orc_stats {
    uint64_t backing_calls;                 /* every backend statement / local step, all ops */
    uint64_t batches;                       /* backing calls made for read_ts */
    uint64_t batch_tickets;                 /* read_ts callers answered by batches (sum) */
    uint64_t batch_max;                     /* most callers answered by one batch */
    uint64_t max_reads_in_flight;           /* most read batches in flight at once */
    uint64_t reads, writes, peeks, applies; /* calls answered, by op */
    uint64_t failed;                        /* calls answered with an error */
    uint64_t wait_ns;                       /* sum over answered calls: submit -> answer posted */
    uint64_t backing_ns;                    /* sum over backing calls: start -> result */
    uint64_t fast_reads;                    /* orc_read_ts_atomic successes, all inboxes */
    uint64_t reconnects;                    /* shared backend: connections (re)established */
    uint64_t retries;                       /* backing calls retried after a lost connection */
    uint64_t read_ts;                       /* the atomic */
} orc_stats;

void orc_get_stats(orc *o, orc_stats *st);

#endif
