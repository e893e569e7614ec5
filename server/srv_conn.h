/* srv_conn: a client socket driven by plain libevent events and our own buffers. */
#ifndef SRV_CONN_H
#define SRV_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "pgw_conn.h"
#include "srv_cancel.h"
#include "srv_worker.h"

struct event;
typedef struct srv_worker srv_worker;
typedef struct srv_conn srv_conn;

/* Owned by its worker thread, which alone touches it; freed only from the worker's reap
 * event, never inside the connection's own callback. pc comes first so a pgw_conn* handed
 * to the server's hooks converts back. */
struct srv_conn {
    pgw_conn pc;
    srv_worker *w;
    int fd;
    struct event *ev;
    short ev_flags;      /* the interest currently registered */
    bool paused;         /* output past the high mark: not handling input */
    bool send_blocked;   /* the last send hit EAGAIN */
    bool closed;         /* on the reap list */
    bool startup_timer;  /* the event carries the startup deadline */
    int64_t accepted_at; /* seconds, for the startup deadline */
    srv_cancel_key key;
    bool waiting;  /* a statement is pending (counted in the worker's npending) */
    bool eof_seen; /* the client half-closed while a statement was pending */
    bool goodbye;  /* the server stops: say goodbye once the pending statement is done */
    bool zombie;   /* reaped while pending: socket gone, freed when the statement is done */
    bool yielded;  /* on the worker's yielded list */
    struct srv_conn *yield_next;
    struct srv_conn *prev;
    struct srv_conn *next;
    srv_item move; /* carries it to another worker (srv_conn_shed) */
};

/* Worker thread: adopts an accepted socket. False when out of memory (fd closed). */
bool srv_conn_open(srv_worker *w, int fd, uint64_t id, const char *peer);
/* Worker thread, server stop: FATAL 57P01, a last flush, close. */
void srv_conn_goodbye(srv_conn *c);
/* Worker thread: handles the input of connections that yielded to their neighbours. */
void srv_conn_resume_yielded(srv_worker *w);
/* Worker thread, server stop: says goodbye to every connection; those with a pending
 * statement get it once the statement is done (w->npending counts them). */
void srv_conn_goodbye_all(srv_worker *w);
/* Worker thread of w: lets go of up to count connections that are between statements with
 * nothing buffered, and posts them to `to`. */
void srv_conn_shed(srv_worker *w, srv_worker *to, int count);
/* Worker thread of w: takes over a connection another worker let go (or, once w's loop is
 * over, closes it). */
void srv_conn_adopt(srv_worker *w, srv_conn *c);
/* Worker thread: frees connections on the reap list. */
void srv_conn_reap(srv_worker *w);

#endif
