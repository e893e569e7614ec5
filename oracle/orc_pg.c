/* orc_pg: the shared backend, a timeline kept in one row of a PostgreSQL or CockroachDB
 * table, driven by libpq's asynchronous API on the oracle thread's event loop. A pool of
 * connections (max_in_flight + 1, so a write never queues behind read batches); each
 * operation is one prepared single-row statement whose GREATEST keeps the row monotonic. */
#include "orc_int.h"

#include <event2/event.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_CONNS (ORC_MAX_IN_FLIGHT + 1)
#define PG_OID_INT8 20
#define PG_OID_TEXT 25

static const char *const setup_create =
    "CREATE TABLE IF NOT EXISTS timestamp_oracle (timeline text PRIMARY KEY, "
    "read_ts bigint NOT NULL, write_ts bigint NOT NULL)";
static const char *const setup_row = "INSERT INTO timestamp_oracle (timeline, read_ts, write_ts) "
                                     "VALUES ($1, 0, 0) ON CONFLICT (timeline) DO NOTHING";

/* One prepared statement per operation, indexed by orc_op. */
static const struct {
    const char *name, *sql;
    int nparams;
} stmts[] = {
    [ORC_OP_READ] = {"orc_read", "SELECT read_ts FROM timestamp_oracle WHERE timeline = $1", 1},
    [ORC_OP_WRITE] = {"orc_write",
                      "INSERT INTO timestamp_oracle AS t (timeline, read_ts, write_ts) "
                      "VALUES ($1, 0, $2) ON CONFLICT (timeline) DO UPDATE SET write_ts = "
                      "GREATEST(t.write_ts + 1, t.read_ts + 1, $2) RETURNING t.write_ts",
                      2},
    [ORC_OP_PEEK] = {"orc_peek", "SELECT write_ts FROM timestamp_oracle WHERE timeline = $1", 1},
    [ORC_OP_APPLY] = {"orc_apply",
                      "INSERT INTO timestamp_oracle AS t (timeline, read_ts, write_ts) "
                      "VALUES ($1, $2, $2) ON CONFLICT (timeline) DO UPDATE SET read_ts = "
                      "GREATEST(t.read_ts, $2) RETURNING t.read_ts",
                      2},
};
#define SETUP_STEPS (2 + 4)

typedef enum pc_state { PC_DOWN, PC_CONNECTING, PC_SETUP, PC_IDLE, PC_BUSY } pc_state;

/* One pooled connection; oracle thread only. */
typedef struct pg_conn {
    orc *o;
    PGconn *pq;
    pc_state st;
    bool opened;   /* part of the pool: reconnects after failures */
    bool flushing; /* PQflush left output: also wait for writability */
    evutil_socket_t fd;
    short what;
    struct event *ev;
    struct event *retry_ev;
    int fails;      /* consecutive failures: the backoff exponent */
    int step;       /* setup statement being run */
    uint64_t since; /* start of the current connect attempt or statement */
    orc_call *call; /* PC_BUSY */
    bool res_ok, res_have;
    uint64_t res_val;
    char res_err[200];
} pg_conn;

/* The backend's state; oracle thread only (after orc_pg_init). */
typedef struct orc_pg {
    pg_conn conns[PG_MAX_CONNS];
} orc_pg;

static void on_sock(evutil_socket_t fd, short what, void *arg);

static void watch(pg_conn *pc, short what, bool force)
{
    evutil_socket_t fd = pc->pq ? PQsocket(pc->pq) : -1;
    if (!force && pc->ev && pc->fd == fd && pc->what == what) return;
    if (pc->ev) {
        event_free(pc->ev);
        pc->ev = NULL;
    }
    pc->fd = fd;
    pc->what = what;
    if (fd < 0 || !what) return;
    pc->ev = event_new(pc->o->base, fd, what | EV_PERSIST, on_sock, pc);
    if (pc->ev) event_add(pc->ev, NULL);
}

static void copy_msg(char *dst, size_t n, const char *msg)
{
    snprintf(dst, n, "%s", msg && msg[0] ? msg : "connection lost");
    size_t len = strlen(dst);
    while (len && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
        dst[--len] = 0;
}

/* Every path that ends a connection comes here: close, schedule a reconnect with
 * backoff, and hand a call in flight back to the batching layer to retry (its result is
 * unknown; every operation is safe to repeat). */
static void pc_fail(pg_conn *pc, const char *why)
{
    orc *o = pc->o;
    char msg[200];
    copy_msg(msg, sizeof msg, why);
    watch(pc, 0, true);
    if (pc->pq) PQfinish(pc->pq);
    pc->pq = NULL;
    pc->st = PC_DOWN;
    pc->flushing = false;
    int shift = pc->fails < 10 ? pc->fails : 10;
    uint64_t ms = (uint64_t)10 << shift;
    if (ms > o->cfg.backoff_max_ms) ms = o->cfg.backoff_max_ms;
    pc->fails++;
    struct timeval tv = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000};
    evtimer_add(pc->retry_ev, &tv);
    orc_call *c = pc->call;
    pc->call = NULL;
    snprintf(o->last_err, sizeof o->last_err, "%s", msg);
    if (c) orc_call_done(o, c, false, 0, msg, true);
}

static void flush(pg_conn *pc)
{
    int r = PQflush(pc->pq);
    if (r < 0) {
        pc_fail(pc, PQerrorMessage(pc->pq));
        return;
    }
    pc->flushing = r == 1;
    watch(pc, pc->flushing ? EV_READ | EV_WRITE : EV_READ, false);
}

static void setup_next(pg_conn *pc)
{
    orc *o = pc->o;
    const char *tl[1] = {o->timeline};
    int ok;
    if (pc->step == 0) {
        ok = PQsendQuery(pc->pq, setup_create);
    } else if (pc->step == 1) {
        ok = PQsendQueryParams(pc->pq, setup_row, 1, NULL, tl, NULL, NULL, 0);
    } else if (pc->step < SETUP_STEPS) {
        int op = pc->step - 2;
        Oid types[2] = {PG_OID_TEXT, PG_OID_INT8};
        ok = PQsendPrepare(pc->pq, stmts[op].name, stmts[op].sql, stmts[op].nparams, types);
    } else {
        pc->st = PC_IDLE;
        pc->fails = 0;
        ORC_ST_ADD(o->st.reconnects, 1);
        watch(pc, EV_READ, false);
        orc_pump(o);
        return;
    }
    pc->res_ok = true;
    pc->res_have = false;
    if (!ok) {
        pc_fail(pc, PQerrorMessage(pc->pq));
        return;
    }
    flush(pc);
}

static void statement_done(pg_conn *pc)
{
    if (pc->st == PC_SETUP) {
        if (!pc->res_ok) {
            pc_fail(pc, pc->res_err);
            return;
        }
        pc->step++;
        setup_next(pc);
        return;
    }
    /* PC_BUSY. An SQL error (say the table was dropped) also resets the connection: the
     * reconnect runs the setup again and the call is retried. */
    if (!pc->res_ok || !pc->res_have) {
        pc_fail(pc, pc->res_ok ? "timestamp_oracle row is missing" : pc->res_err);
        return;
    }
    orc_call *c = pc->call;
    pc->call = NULL;
    pc->st = PC_IDLE;
    orc_call_done(pc->o, c, true, pc->res_val, NULL, false);
}

static void take_result(pg_conn *pc, PGresult *res)
{
    ExecStatusType s = PQresultStatus(res);
    if (s == PGRES_TUPLES_OK) {
        if (PQntuples(res) == 1 && PQnfields(res) == 1 && !PQgetisnull(res, 0, 0)) {
            char *end;
            const char *v = PQgetvalue(res, 0, 0);
            unsigned long long x = strtoull(v, &end, 10);
            if (*end == 0 && v[0] != '-') {
                pc->res_have = true;
                pc->res_val = x;
            }
        }
    } else if (s != PGRES_COMMAND_OK) {
        if (pc->res_ok) copy_msg(pc->res_err, sizeof pc->res_err, PQresultErrorMessage(res));
        pc->res_ok = false;
    }
}

/* Drives a statement: flush what is left, read what arrived, take results until the
 * statement is complete. */
static void statement_io(pg_conn *pc, short what)
{
    if ((what & EV_WRITE) && pc->flushing) {
        flush(pc);
        if (pc->st == PC_DOWN) return;
    }
    if (what & EV_READ) {
        if (!PQconsumeInput(pc->pq)) {
            pc_fail(pc, PQerrorMessage(pc->pq));
            return;
        }
        if (pc->flushing) {
            flush(pc);
            if (pc->st == PC_DOWN) return;
        }
    }
    while (!PQisBusy(pc->pq)) {
        PGresult *res = PQgetResult(pc->pq);
        if (!res) {
            statement_done(pc);
            return;
        }
        take_result(pc, res);
        PQclear(res);
    }
}

static void on_sock(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    pg_conn *pc = arg;
    switch (pc->st) {
    case PC_CONNECTING: {
        PostgresPollingStatusType r = PQconnectPoll(pc->pq);
        if (r == PGRES_POLLING_FAILED) {
            pc_fail(pc, PQerrorMessage(pc->pq));
        } else if (r == PGRES_POLLING_OK) {
            if (PQsetnonblocking(pc->pq, 1) != 0) {
                pc_fail(pc, PQerrorMessage(pc->pq));
                return;
            }
            pc->st = PC_SETUP;
            pc->step = 0;
            setup_next(pc);
        } else {
            /* The socket may change between polls: always re-register. */
            watch(pc, r == PGRES_POLLING_READING ? EV_READ : EV_WRITE, true);
        }
        break;
    }
    case PC_SETUP:
    case PC_BUSY:
        statement_io(pc, what);
        break;
    case PC_IDLE:
        /* Nothing is expected while idle: this notices a terminated backend early. */
        if (!PQconsumeInput(pc->pq) || PQstatus(pc->pq) == CONNECTION_BAD) {
            pc_fail(pc, PQerrorMessage(pc->pq));
            return;
        }
        while (!PQisBusy(pc->pq)) {
            PGresult *res = PQgetResult(pc->pq);
            if (!res) break;
            PQclear(res);
        }
        break;
    case PC_DOWN:
        break;
    }
}

static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static void pc_connect(pg_conn *pc)
{
    orc *o = pc->o;
    pc->opened = true;
    pc->since = orc_now_ns();
    pc->pq = PQconnectStart(o->url);
    if (!pc->pq) {
        pc_fail(pc, "out of memory");
        return;
    }
    if (PQstatus(pc->pq) == CONNECTION_BAD) {
        pc_fail(pc, PQerrorMessage(pc->pq));
        return;
    }
    PQsetNoticeProcessor(pc->pq, quiet_notice, NULL);
    pc->st = PC_CONNECTING;
    watch(pc, EV_WRITE, true);
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    pc_connect(arg);
}

static bool pg_can_start(orc *o)
{
    orc_pg *pg = o->be.state;
    for (int i = 0; i < PG_MAX_CONNS; i++)
        if (pg->conns[i].st == PC_IDLE) return true;
    return false;
}

static void pg_start(orc *o, orc_call *c)
{
    orc_pg *pg = o->be.state;
    pg_conn *pc = NULL;
    for (int i = 0; i < PG_MAX_CONNS && !pc; i++)
        if (pg->conns[i].st == PC_IDLE) pc = &pg->conns[i];
    if (!pc) abort(); /* the batching layer asked can_start first */
    if (c->op == ORC_OP_WRITE) c->arg_ts = orc_wall_ms(o);
    char num[24];
    snprintf(num, sizeof num, "%" PRIu64, c->arg_ts);
    const char *params[2] = {o->timeline, num};
    pc->call = c;
    pc->st = PC_BUSY;
    pc->since = orc_now_ns();
    pc->res_ok = true;
    pc->res_have = false;
    if (!PQsendQueryPrepared(pc->pq, stmts[c->op].name, stmts[c->op].nparams, params, NULL, NULL,
                             0)) {
        pc_fail(pc, PQerrorMessage(pc->pq));
        return;
    }
    flush(pc);
}

static void pg_resize(orc *o)
{
    orc_pg *pg = o->be.state;
    int n = atomic_load(&o->max_in_flight) + 1;
    for (int i = 0; i < n && i < PG_MAX_CONNS; i++)
        if (!pg->conns[i].opened) pc_connect(&pg->conns[i]);
}

/* A statement or connect attempt that hangs (a network partition, a stuck server) is
 * treated as a lost connection. */
static void pg_tick(orc *o, uint64_t now)
{
    orc_pg *pg = o->be.state;
    uint64_t limit = (uint64_t)o->cfg.timeout_ms * 1000000u;
    for (int i = 0; i < PG_MAX_CONNS; i++) {
        pg_conn *pc = &pg->conns[i];
        if (pc->st != PC_DOWN && pc->st != PC_IDLE && now - pc->since > limit)
            pc_fail(pc, "timestamp oracle statement timed out");
    }
}

static void pg_free(orc *o)
{
    orc_pg *pg = o->be.state;
    if (!pg) return;
    for (int i = 0; i < PG_MAX_CONNS; i++) {
        pg_conn *pc = &pg->conns[i];
        if (pc->ev) event_free(pc->ev);
        if (pc->retry_ev) event_free(pc->retry_ev);
        if (pc->pq) PQfinish(pc->pq);
    }
    free(pg);
}

bool orc_pg_init(orc *o, char *err, size_t errlen)
{
    /* A malformed URL fails the open instead of every call later. */
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(o->url, &perr);
    if (!opts) {
        copy_msg(err, errlen, perr ? perr : "out of memory");
        PQfreemem(perr);
        return false;
    }
    PQconninfoFree(opts);
    orc_pg *pg = calloc(1, sizeof *pg);
    if (!pg) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    o->be.state = pg;
    o->be.can_start = pg_can_start;
    o->be.start = pg_start;
    o->be.resize = pg_resize;
    o->be.tick = pg_tick;
    o->be.free = pg_free;
    for (int i = 0; i < PG_MAX_CONNS; i++) {
        pg_conn *pc = &pg->conns[i];
        pc->o = o;
        pc->fd = -1;
        pc->retry_ev = evtimer_new(o->base, on_retry, pc);
        if (!pc->retry_ev) {
            snprintf(err, errlen, "oracle: cannot create its timers");
            return false;
        }
    }
    /* The thread is not running yet: connecting from here is safe, it takes over. */
    pg_resize(o);
    return true;
}
