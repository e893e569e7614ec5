/* pgw_conn: the connection state machine after framing: dispatch, errors, simple query. */
#include "pgw_conn.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pgw_be_write.h"
#include "pgw_conn_int.h"
#include "pgw_frame.h"
#include "pgw_log.h"

/* Messages handled per call before yielding, so one pipelining client cannot starve the
 * other connections of its worker. */
#define PGW_CONN_BUDGET 256

const char *pgw_conn_state_name(pgw_conn_state s)
{
    switch (s) {
#define PGW_X(name)                                                                                \
    case PGW_CONN_##name:                                                                          \
        return #name;
        PGW_CONN_STATES(PGW_X)
#undef PGW_X
    }
    return "?";
}

void pgw_conn_init(pgw_conn *c, const pgw_conn_env *env, pgw_stats *stats, const char *ident)
{
    memset(c, 0, sizeof *c);
    pgw_buf_init(&c->in);
    pgw_buf_init(&c->out);
    c->state = PGW_CONN_STARTUP;
    c->env = env;
    c->stats = stats;
    snprintf(c->ident, sizeof c->ident, "%s", ident);
}

void pgw_conn_destroy(pgw_conn *c)
{
    if (c->session) adp_session_free(c->session);
    c->session = NULL;
    if (c->admitted && c->env->release) c->env->release(c->env->ctx, c);
    c->admitted = false;
    pgw_buf_free(&c->in);
    pgw_buf_free(&c->out);
}

void pgw_conn_set_state(pgw_conn *c, pgw_conn_state s)
{
    /* Only STARTUP -> READY and anything -> CLOSING exist. */
    assert(s == PGW_CONN_CLOSING || (c->state == PGW_CONN_STARTUP && s == PGW_CONN_READY));
    pgw_log(c, PGPEEK_LOG_DEBUG, "state %s -> %s", pgw_conn_state_name(c->state),
            pgw_conn_state_name(s));
    c->state = s;
}

void pgw_conn_report(pgw_conn *c, const char *severity, const pgw_error *e)
{
    pgw_error copy = *e;
    snprintf(copy.severity, sizeof copy.severity, "%s", severity);
    pgw_be_write_error(&c->out, &copy);
    bool fatal = strcmp(severity, "FATAL") == 0;
    pgw_log(c, fatal ? PGPEEK_LOG_INFO : PGPEEK_LOG_DEBUG, "%s %s: %s", severity, copy.sqlstate,
            copy.message);
    if (fatal && c->state != PGW_CONN_CLOSING) pgw_conn_set_state(c, PGW_CONN_CLOSING);
}

void pgw_conn_error(pgw_conn *c, const char *severity, const char *sqlstate, const char *fmt, ...)
{
    pgw_error e;
    va_list ap;
    va_start(ap, fmt);
    pgw_verrorf(&e, sqlstate, fmt, ap);
    va_end(ap);
    pgw_conn_report(c, severity, &e);
}

void pgw_conn_shutdown(pgw_conn *c)
{
    if (c->state == PGW_CONN_CLOSING) return;
    pgw_conn_error(c, "FATAL", "57P01", "terminating connection due to administrator command");
}

static char txn_status(const pgw_conn *c)
{
    return c->session ? adp_session_txn_status(c->session) : 'I';
}

static void handle_query(pgw_conn *c, const pgw_msg *m)
{
    pgw_reader r;
    pgw_error err;
    const char *sql;
    size_t len;
    size_t mark = c->out.len;
    pgw_reader_init(&r, m);
    if (!pgw_read_cstr(&r, &sql, &len, &err) || !pgw_read_end(&r, &err)) {
        pgw_conn_report(c, "ERROR", &err);
        pgw_stat_add(&c->stats->queries_error, 1);
    } else if (adp_session_simple_query(c->session, sql, len, &c->out)) {
        if (pgw_conn_check_pending(c, 'Q', mark)) return; /* counted when it finishes */
        pgw_stat_add(&c->stats->queries_ok, 1);
    } else {
        pgw_stat_add(&c->stats->queries_error, 1);
    }
    pgw_be_write_ready_for_query(&c->out, txn_status(c));
}

bool pgw_conn_check_pending(pgw_conn *c, char msg, size_t mark)
{
    if (!c->session || adp_session_pending(c->session) == ADP_PEND_NONE) return false;
    c->pending = true;
    c->pend_msg = msg;
    c->pend_mark = mark;
    return true;
}

void pgw_conn_resume(void *arg)
{
    pgw_conn *c = arg;
    pgw_error err;
    bool read_ts = adp_session_pending(c->session) == ADP_PEND_READ_TS;
    bool ok = adp_session_finish(c->session, &err);
    c->pending = false;
    /* A statement that waited for its read timestamp has not run: its message is still at
     * the front of `in` and runs again when the connection is driven. */
    if (!read_ts) {
        if (!ok) {
            /* the commit failed: what the statement said is not true, its error replaces it */
            c->out.len = c->pend_mark;
            c->out.msg_start = SIZE_MAX;
            pgw_conn_report(c, "ERROR", &err);
            adp_session_report_changed(c->session, &c->out); /* settings rolled back */
        }
        if (c->pend_msg == 'Q' || c->pend_msg == 'S')
            pgw_be_write_ready_for_query(&c->out, txn_status(c));
        else if (!ok)
            c->ignore_till_sync = true; /* Execute: skip to Sync as after any error */
        if (c->pend_msg != 'S')
            pgw_stat_add(ok ? &c->stats->queries_ok : &c->stats->queries_error, 1);
    }
    if (c->on_resume) c->on_resume(c);
}

static void handle_message(pgw_conn *c, const pgw_msg *m)
{
    switch (m->type) {
    case 'Q':
        if (!c->ignore_till_sync) handle_query(c, m);
        return;
    case 'X':
        pgw_log(c, PGPEEK_LOG_DEBUG, "terminate");
        pgw_conn_set_state(c, PGW_CONN_CLOSING);
        return;
    case 'S':
    case 'H':
    case 'P':
    case 'B':
    case 'E':
    case 'D':
    case 'C':
        pgw_conn_handle_ext(c, m);
        return;
    case 'F':
        if (c->ignore_till_sync) return;
        pgw_conn_error(c, "ERROR", "0A000", "function call protocol is not supported");
        pgw_be_write_ready_for_query(&c->out, txn_status(c));
        return;
    case 'd':
    case 'c':
    case 'f':
        /* COPY messages outside COPY are ignored, as PostgreSQL does. */
        return;
    default:
        pgw_conn_error(c, "FATAL", "08P01", "invalid frontend message type %d",
                       (int)(unsigned char)m->type);
        return;
    }
}

pgw_conn_result pgw_conn_process(pgw_conn *c, size_t out_high_mark)
{
    size_t pos = 0;
    int budget = PGW_CONN_BUDGET;
    pgw_conn_result result = PGW_CONN_WAIT;
    if (c->pending) return PGW_CONN_PENDING;
    c->in_need = 0;
    while (c->state != PGW_CONN_CLOSING) {
        pgw_msg m;
        pgw_error err;
        size_t need = 0;
        const char *p = c->in.data + pos;
        size_t avail = c->in.len - pos;
        pgw_frame_status st =
            c->state == PGW_CONN_STARTUP
                ? pgw_frame_startup(p, avail, &m, &need, &err)
                : pgw_frame_message(p, avail, c->env->max_message_size, &m, &need, &err);
        if (st == PGW_FRAME_NEED_MORE) {
            c->in_need = need;
            break;
        }
        if (st == PGW_FRAME_BAD) {
            if (c->state == PGW_CONN_STARTUP) {
                /* PostgreSQL answers a bad startup length with silence: log and close. */
                pgw_log(c, PGPEEK_LOG_INFO, "%s", err.message);
                pgw_conn_set_state(c, PGW_CONN_CLOSING);
            } else {
                pgw_conn_report(c, "FATAL", &err);
            }
            break;
        }
        /* A chained write holds the commit queue until its Sync is handled: no yielding
         * before that (the Sync is known to be here). */
        bool must_go_on = c->session && adp_session_chain_held(c->session);
        if ((budget-- <= 0 || c->out.len >= out_high_mark) && !must_go_on) {
            result = PGW_CONN_YIELD;
            break;
        }
        pos += m.total;
        c->sync_next = c->in.len - pos >= 5 && c->in.data[pos] == 'S';
        if (c->state == PGW_CONN_STARTUP)
            pgw_conn_handle_startup(c, &m);
        else
            handle_message(c, &m);
        if (c->pending) {
            /* waiting for a read timestamp: the message has not run and runs again */
            if (adp_session_pending(c->session) == ADP_PEND_READ_TS) pos -= m.total;
            result = PGW_CONN_PENDING;
            break;
        }
    }
    pgw_buf_consume(&c->in, pos);
    if (c->state == PGW_CONN_CLOSING) {
        pgw_buf_reset(&c->in);
        return PGW_CONN_CLOSE;
    }
    return result;
}
