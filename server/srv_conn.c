/* srv_conn: socket I/O for one client: one recv and one send per batch, EV_WRITE only for
 * leftovers, backpressure, and freeing at a safe point. */
#include "srv_conn.h"

#include <errno.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pgw_conn_move.h"
#include "pgw_log.h"
#include "srv_server.h"
#include "srv_worker.h"

#define SRV_RECV_CHUNK (16 * 1024)
/* Stop handling input while this much output waits; resume below half of it. */
#define SRV_OUT_HIGH (1024 * 1024)
/* Do not read more while this much complete input waits to be handled. */
#define SRV_IN_BACKLOG (256 * 1024)
/* Buffers grown past this are released when empty. */
#define SRV_BUF_KEEP (1024 * 1024)
/* A closing connection gets this long to take its last bytes. */
#define SRV_LINGER_SECS 5
/* And a new one this long to finish its startup (PostgreSQL's authentication_timeout). */
#define SRV_STARTUP_SECS 60

static const struct timeval startup_timeout = {SRV_STARTUP_SECS, 0};

static void conn_cb(evutil_socket_t fd, short what, void *arg);

/* Re-registers the event when the interest changes (or when forced, to change timeouts). */
static void set_interest(srv_conn *c, short flags, const struct timeval *timeout, bool force)
{
    if (flags == c->ev_flags && !force) return;
    event_del(c->ev);
    event_assign(c->ev, c->w->base, c->fd, flags | EV_PERSIST, conn_cb, c);
    if (flags || timeout) event_add(c->ev, timeout);
    c->ev_flags = flags;
}

/* Takes c out of its worker's list of connections (closing, or moving away). */
static void unlink_conn(srv_worker *w, srv_conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    atomic_fetch_sub_explicit(&w->nconns, 1, memory_order_relaxed);
}

/* Unlinks the connection and queues it for the reap event. */
static void conn_close(srv_conn *c)
{
    if (c->closed) return;
    c->closed = true;
    event_del(c->ev);
    srv_worker *w = c->w;
    if (c->yielded) {
        for (srv_conn **p = &w->yielded; *p; p = &(*p)->yield_next) {
            if (*p == c) {
                *p = c->yield_next;
                break;
            }
        }
        c->yielded = false;
    }
    unlink_conn(w, c);
    c->next = w->reap;
    c->prev = NULL;
    w->reap = c;
    event_active(w->reap_ev, EV_READ, 0);
}

/* One send of everything pending. False when the peer is gone. */
static bool conn_flush(srv_conn *c)
{
    pgw_buf *out = &c->pc.out;
    /* A pending statement's output is not true yet (its commit may fail): none leaves. */
    if (pgw_conn_is_pending(&c->pc)) return true;
    c->send_blocked = false;
    if (out->len == 0) return true;
    if (out->failed) {
        pgw_log(&c->pc, PGPEEK_LOG_ERROR, "out of memory for output");
        return false;
    }
    ssize_t n = send(c->fd, out->data, out->len, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->send_blocked = true;
            return true;
        }
        pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "send: %s", strerror(errno));
        return false;
    }
    pgw_stat_add(&c->w->stats.bytes_sent, (uint64_t)n);
    pgw_buf_consume(out, (size_t)n);
    if (out->len > 0)
        c->send_blocked = true;
    else if (out->cap > SRV_BUF_KEEP)
        pgw_buf_free(out);
    return true;
}

typedef enum recv_result { RECV_OK, RECV_EOF, RECV_FAILED } recv_result;

/* One recv. */
static recv_result conn_recv(srv_conn *c)
{
    pgw_buf *in = &c->pc.in;
    size_t want = SRV_RECV_CHUNK;
    if (c->pc.in_need > in->len && c->pc.in_need - in->len > want) want = c->pc.in_need - in->len;
    if (!pgw_buf_reserve(in, want)) {
        pgw_log(&c->pc, PGPEEK_LOG_ERROR, "out of memory for input");
        return RECV_FAILED;
    }
    ssize_t n = recv(c->fd, in->data + in->len, in->cap - in->len, 0);
    if (n > 0) {
        in->len += (size_t)n;
        pgw_stat_add(&c->w->stats.bytes_received, (uint64_t)n);
        return RECV_OK;
    }
    if (n == 0) return RECV_EOF;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return RECV_OK;
    pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "recv: %s", strerror(errno));
    return RECV_FAILED;
}

/* A closing connection: send what is left, then close; give the client a few seconds. */
static void drive_closing(srv_conn *c)
{
    if (!conn_flush(c) || c->pc.out.len == 0) {
        conn_close(c);
        return;
    }
    struct timeval linger = {SRV_LINGER_SECS, 0};
    set_interest(c, EV_WRITE, &linger, true);
}

/* A statement of c waits (commit or read timestamp): send nothing, handle nothing, and
 * read only while the input is below the backlog (to notice the client going away);
 * srv_conn_resumed drives it again. */
static void wait_pending(srv_conn *c)
{
    if (!c->waiting) {
        c->waiting = true;
        c->w->npending++;
    }
    short flags = !c->eof_seen && c->pc.in.len < SRV_IN_BACKLOG ? EV_READ : 0;
    set_interest(c, flags, NULL, c->startup_timer);
    c->startup_timer = false;
}

/* The client half-closed: as PostgreSQL would, answer every complete message it sent
 * before, then close once the replies are out. The input is bounded (no reads happen past
 * the backlog), so handling it all at once is bounded too. */
static void drive_eof(srv_conn *c)
{
    pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "client closed the connection");
    c->eof_seen = true;
    pgw_conn_result r = PGW_CONN_WAIT;
    while (c->pc.state != PGW_CONN_CLOSING &&
           (r = pgw_conn_process(&c->pc, SIZE_MAX)) == PGW_CONN_YIELD)
        ;
    if (c->pc.state != PGW_CONN_CLOSING && r == PGW_CONN_PENDING) {
        wait_pending(c); /* the rest once the statement is done */
        return;
    }
    if (c->pc.state != PGW_CONN_CLOSING) pgw_conn_set_state(&c->pc, PGW_CONN_CLOSING);
    drive_closing(c);
}

/* Comes back to a connection that used up its budget only after the worker polled again,
 * so that its neighbours (and new sockets) get their turn first. An event_active here would
 * not do: libevent runs newly activated events before it polls again. */
static void yield(srv_conn *c)
{
    srv_worker *w = c->w;
    if (!c->yielded) {
        c->yielded = true;
        c->yield_next = w->yielded;
        w->yielded = c;
    }
    static const struct timeval now = {0, 0};
    if (!evtimer_pending(w->yield_ev, NULL)) evtimer_add(w->yield_ev, &now);
}

static void drive(srv_conn *c);

/* Handles buffered input, flushes, and registers the interest that follows. */
static void drive(srv_conn *c)
{
    pgw_conn_result r = PGW_CONN_WAIT;
    if (c->pc.out.len < SRV_OUT_HIGH / 2) c->paused = false;
    if (!c->paused) {
        r = pgw_conn_process(&c->pc, SRV_OUT_HIGH);
        if (c->pc.in.len == 0 && c->pc.in.cap > SRV_BUF_KEEP) pgw_buf_free(&c->pc.in);
    }
    if (r == PGW_CONN_CLOSE) {
        drive_closing(c);
        return;
    }
    if (r == PGW_CONN_PENDING) {
        wait_pending(c);
        return;
    }
    if (!c->send_blocked && !conn_flush(c)) {
        conn_close(c);
        return;
    }
    if (c->pc.out.len >= SRV_OUT_HIGH) c->paused = true;
    short flags = 0;
    if (c->pc.out.len > 0) flags |= EV_WRITE;
    if (!c->paused) flags |= EV_READ;
    /* The startup deadline stays armed until the session is ready, then goes. */
    bool starting = c->pc.state == PGW_CONN_STARTUP;
    bool deadline_done = c->startup_timer && !starting;
    c->startup_timer = starting;
    set_interest(c, flags, starting ? &startup_timeout : NULL, deadline_done);
    if (r == PGW_CONN_YIELD && !c->paused) yield(c);
}

void srv_conn_resume_yielded(srv_worker *w)
{
    srv_conn *c = w->yielded;
    w->yielded = NULL;
    while (c) {
        srv_conn *next = c->yield_next;
        c->yielded = false;
        if (!c->closed && c->pc.state != PGW_CONN_CLOSING) drive(c);
        c = next;
    }
}

static bool startup_expired(srv_conn *c)
{
    struct timeval now;
    event_base_gettimeofday_cached(c->w->base, &now);
    return now.tv_sec - c->accepted_at >= SRV_STARTUP_SECS;
}

static void conn_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    srv_conn *c = arg;
    if (c->closed) return;
    if (c->pc.state == PGW_CONN_CLOSING) {
        if (what & EV_TIMEOUT) {
            pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "closing: client did not take its last bytes");
            conn_close(c);
            return;
        }
        drive_closing(c);
        return;
    }
    /* A persistent event's timeout restarts on every activation, so the deadline itself is
     * checked against the accept time: a client dribbling bytes cannot stretch it. */
    if (c->pc.state == PGW_CONN_STARTUP && ((what & EV_TIMEOUT) || startup_expired(c))) {
        pgw_log(&c->pc, PGPEEK_LOG_INFO, "startup not completed in %d seconds", SRV_STARTUP_SECS);
        conn_close(c);
        return;
    }
    if ((what & EV_WRITE) && !conn_flush(c)) {
        conn_close(c);
        return;
    }
    bool backlog = c->pc.in.len >= SRV_IN_BACKLOG && c->pc.in.len >= c->pc.in_need;
    if ((what & EV_READ) && !c->paused && !backlog) {
        recv_result r = conn_recv(c);
        if (r == RECV_FAILED) {
            conn_close(c);
            return;
        }
        if (r == RECV_EOF) {
            if (pgw_conn_is_pending(&c->pc)) {
                c->eof_seen = true; /* answered once the statement is done */
                wait_pending(c);
                return;
            }
            drive_eof(c);
            return;
        }
    }
    drive(c);
}

static void conn_free(srv_conn *c)
{
    pgw_conn_destroy(&c->pc);
    pgw_stat_add(&c->w->stats.conns_closed, 1);
    free(c);
}

/* The pending statement of c is done (on c's worker, from its inbox): go on where it
 * stopped, or finish what happened meanwhile (closed, half-closed, server stopping). */
static void srv_conn_resumed(pgw_conn *pc)
{
    srv_conn *c = (srv_conn *)pc;
    srv_worker *w = c->w;
    if (c->waiting) {
        c->waiting = false;
        w->npending--;
    }
    if (c->zombie) {
        conn_free(c);
    } else if (c->closed) {
        /* on the reap list: freed there, now that nobody else holds the session */
    } else if (c->goodbye) {
        srv_conn_goodbye(c);
    } else if (c->eof_seen) {
        drive_eof(c);
    } else {
        drive(c);
    }
    if (w->stopping && w->npending == 0) event_base_loopbreak(w->base);
}

void srv_conn_goodbye_all(srv_worker *w)
{
    for (srv_conn *c = w->conns, *next; c; c = next) {
        next = c->next;
        if (pgw_conn_is_pending(&c->pc))
            c->goodbye = true;
        else
            srv_conn_goodbye(c); /* unlinks it */
    }
    srv_conn_reap(w);
}

static void link_conn(srv_worker *w, srv_conn *c)
{
    c->prev = NULL;
    c->next = w->conns;
    if (w->conns) w->conns->prev = c;
    w->conns = c;
    atomic_fetch_add_explicit(&w->nconns, 1, memory_order_relaxed);
}

bool srv_conn_open(srv_worker *w, int fd, uint64_t id, const char *peer)
{
    srv_conn *c = calloc(1, sizeof *c);
    struct event *ev = c ? event_new(w->base, fd, EV_READ | EV_PERSIST, conn_cb, c) : NULL;
    if (!ev || event_add(ev, &startup_timeout) != 0) {
        if (ev) event_free(ev);
        free(c);
        close(fd);
        return false;
    }
    char ident[128];
    snprintf(ident, sizeof ident, "conn %llu %s", (unsigned long long)id, peer);
    pgw_conn_init(&c->pc, &w->server->env, &w->stats, ident);
    c->pc.oracle = w->server->oracle;
    c->pc.inbox = w->inbox;
    c->pc.on_resume = srv_conn_resumed;
    c->w = w;
    c->fd = fd;
    c->ev = ev;
    c->ev_flags = EV_READ;
    c->startup_timer = true;
    struct timeval now;
    event_base_gettimeofday_cached(w->base, &now);
    c->accepted_at = now.tv_sec;
    link_conn(w, c);
    pgw_stat_add(&w->stats.conns_opened, 1);
    pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "accepted on worker %d", w->index);
    return true;
}

void srv_conn_goodbye(srv_conn *c)
{
    pgw_conn_shutdown(&c->pc);
    (void)conn_flush(c);
    conn_close(c);
}

/* Reads whatever the client already sent, so that close() does not answer it with a
 * reset that could destroy our last message before the client reads it. */
static void drain_input(int fd)
{
    char sink[4096];
    for (int i = 0; i < 64; i++)
        if (recv(fd, sink, sizeof sink, MSG_DONTWAIT) <= 0) break;
}

/* Between statements, nothing buffered, no deadline or timer of ours on it: nothing of the
 * connection but its socket and session, so it can change threads. */
static bool conn_movable(const srv_conn *c)
{
    return !c->closed && !c->waiting && !c->yielded && !c->paused && !c->send_blocked &&
           !c->eof_seen && !c->goodbye && !c->startup_timer && pgw_conn_movable(&c->pc);
}

void srv_conn_shed(srv_worker *w, srv_worker *to, int count)
{
    for (srv_conn *c = w->conns, *next; c && count > 0; c = next) {
        next = c->next;
        if (!conn_movable(c)) continue;
        event_free(c->ev);
        c->ev = NULL;
        unlink_conn(w, c);
        c->move.conn = c;
        srv_worker_post_move(to, &c->move);
        count--;
    }
}

/* A moved connection that no loop will drive: goodbye, a last send, close, free. */
static void goodbye_unlinked(srv_conn *c)
{
    pgw_conn_shutdown(&c->pc);
    (void)conn_flush(c);
    shutdown(c->fd, SHUT_WR);
    drain_input(c->fd);
    close(c->fd);
    pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "closed");
    conn_free(c);
}

void srv_conn_adopt(srv_worker *w, srv_conn *c)
{
    c->w = w;
    pgw_conn_rehome(&c->pc, &w->stats, w->inbox);
    if (w->loop_done) {
        /* came after this worker's loop ended: the server is stopping */
        goodbye_unlinked(c);
        return;
    }
    c->ev = event_new(w->base, c->fd, EV_READ | EV_PERSIST, conn_cb, c);
    if (!c->ev || event_add(c->ev, NULL) != 0) {
        srv_log(w->server, PGPEEK_LOG_ERROR, "worker %d: out of memory adopting a connection",
                w->index);
        if (c->ev) event_free(c->ev);
        c->ev = NULL;
        goodbye_unlinked(c);
        return;
    }
    c->ev_flags = EV_READ;
    link_conn(w, c);
    if (w->stopping) srv_conn_goodbye(c); /* unlinks it */
    /* Input that arrived meanwhile waits in the socket: the level-triggered event sees it. */
}

void srv_conn_reap(srv_worker *w)
{
    while (w->reap) {
        srv_conn *c = w->reap;
        w->reap = c->next;
        event_free(c->ev);
        shutdown(c->fd, SHUT_WR);
        drain_input(c->fd);
        close(c->fd);
        pgw_log(&c->pc, PGPEEK_LOG_DEBUG, "closed");
        if (pgw_conn_is_pending(&c->pc)) {
            /* its session is in the commit thread's or the oracle's hands: freed when it
             * comes back (srv_conn_resumed) */
            c->zombie = true;
            continue;
        }
        conn_free(c);
    }
}
