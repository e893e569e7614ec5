/* srv_worker: a worker thread with its own event_base, fed sockets through a queue. */
#ifndef SRV_WORKER_H
#define SRV_WORKER_H

#include <pthread.h>
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
    SRV_ITEM_CONN, /* adopt an accepted socket */
    SRV_ITEM_STOP, /* say goodbye to every client and leave the loop */
} srv_item_type;

/* A message to a worker; allocated by the sender, freed by the worker. */
typedef struct srv_item {
    srv_item_type type;
    int fd;
    uint64_t id;
    char peer[64];
    struct srv_item *next;
} srv_item;

/* Owned by the server. Everything but `lock`/`head`/`tail` (the queue, any thread) and
 * `stats` (read by the HTTP thread) belongs to the worker thread while it runs. */
struct srv_worker {
    pgpeek_server *server;
    int index;
    pthread_t thread;
    bool thread_started;
    struct event_base *base;
    int notify_fd; /* eventfd: the queue has items */
    struct event *notify_ev;
    struct event *reap_ev;  /* frees closed connections at a safe point */
    struct event *yield_ev; /* zero timer: resumes yielded connections after the next poll */
    pthread_mutex_t lock;
    bool lock_ready;
    srv_item *head;
    srv_item *tail;
    srv_item *stop_item; /* the worker's own STOP, owned here (never freed by the loop) */
    srv_conn *conns;     /* live connections (doubly linked) */
    srv_conn *reap;      /* closed, waiting to be freed */
    srv_conn *yielded;   /* stopped by their budget with complete input left */
    orc_inbox *inbox;    /* oracle answers and commit hand-backs arrive on its base */
    int npending;        /* connections with a statement waiting for a commit / timestamp */
    bool stopping;       /* STOP came: leave the loop once npending is 0 */
    pgw_stats stats;
};

/* Sets up the worker's event_base and queue, then starts its thread. */
bool srv_worker_start(srv_worker *w, pgpeek_server *s, int index, char *err, size_t errlen);
/* Listener thread: hands an accepted socket over. False (socket not taken) when out of
 * memory. */
bool srv_worker_notify_conn(srv_worker *w, int fd, uint64_t id, const char *peer);
/* Sends STOP and joins the thread; then frees everything. Safe on a partly started worker. */
void srv_worker_stop(srv_worker *w);

#endif
