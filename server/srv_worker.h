/* srv_worker: a worker thread with its own event_base, fed sockets through its inbox. */
#ifndef SRV_WORKER_H
#define SRV_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "orc.h"
#include "pgw_stats.h"

struct event_base;
struct event;
typedef struct pgpeek_server pgpeek_server;
typedef struct srv_conn srv_conn;
typedef struct srv_worker srv_worker;

typedef enum srv_item_type {
    SRV_ITEM_CONN,   /* adopt an accepted socket */
    SRV_ITEM_STOP,   /* say goodbye to every client and leave the loop */
    SRV_ITEM_SHED,   /* hand up to `count` idle connections over to worker `to` */
    SRV_ITEM_MOVE,   /* adopt `conn`, which another worker let go */
    SRV_ITEM_NOMOVE, /* the server stops: shed nothing any more, then tell `quiet` */
} srv_item_type;

/* Lives on the stack of the thread stopping the server while it waits for every worker to
 * stop moving connections. */
typedef struct srv_quiet {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int left; /* workers yet to answer */
} srv_quiet;

/* A message to a worker, posted to its inbox; allocated by the sender, freed by the
 * worker (except the worker's own STOP, and a MOVE, which is embedded in its connection). */
typedef struct srv_item {
    srv_item_type type;
    int fd;
    uint64_t id;
    char peer[64];
    srv_worker *to;   /* SHED */
    int count;        /* SHED */
    srv_conn *conn;   /* MOVE */
    srv_quiet *quiet; /* NOMOVE */
    srv_worker *w;
    orc_req post; /* its place in the worker's inbox */
} srv_item;

/* Owned by the server. Everything but `inbox` (any thread posts to it) and `stats` (read
 * by the HTTP thread) belongs to the worker thread while it runs. */
struct srv_worker {
    pgpeek_server *server;
    int index;
    pthread_t thread;
    bool thread_started;
    bool loop_done; /* the loop has ended: items still arriving are refused */
    struct event_base *base;
    struct event *reap_ev;  /* frees closed connections at a safe point */
    struct event *yield_ev; /* zero timer: resumes yielded connections after the next poll */
    srv_item *stop_item;    /* the worker's own STOP, owned here (never freed by the loop) */
    srv_conn *conns;        /* live connections (doubly linked) */
    srv_conn *reap;         /* closed, waiting to be freed */
    srv_conn *yielded;      /* stopped by their budget with complete input left */
    /* The worker's one mailbox: sockets from the listener, STOP, oracle answers and
     * sessions handed back by the commit thread all arrive through it, on its base. */
    orc_inbox *inbox;
    int npending;      /* connections with a statement waiting for a commit / timestamp */
    atomic_int nconns; /* live connections; written by the worker, read by the listener */
    bool stopping;     /* STOP came: leave the loop once npending is 0 */
    bool no_moves;     /* NOMOVE came: SHED requests are ignored */
    bool moves_closed; /* the stopping thread's: every worker answered NOMOVE */
    pgw_stats stats;
};

/* Sets up the worker's event_base and queue, then starts its thread. */
bool srv_worker_start(srv_worker *w, pgpeek_server *s, int index, char *err, size_t errlen);
/* Listener thread: hands an accepted socket over. False (socket not taken) when out of
 * memory. */
bool srv_worker_notify_conn(srv_worker *w, int fd, uint64_t id, const char *peer);
/* Sends STOP and joins the thread; then frees everything. Safe on a partly started worker. */
void srv_worker_stop(srv_worker *w);
/* Any thread: asks `from` to hand up to count of its idle connections over to `to`.
 * False when out of memory (nothing asked). */
bool srv_worker_shed(srv_worker *from, srv_worker *to, int count);
/* Worker thread of the connection's old worker: posts `move` (embedded in the connection,
 * which that worker has let go) to `to`. */
void srv_worker_post_move(srv_worker *to, srv_item *move);

#endif
