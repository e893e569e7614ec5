/* adp_session: a client session: startup parameters, the simple-query loop and
 * PostgreSQL's transaction-block state machine (explicit and implicit blocks). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_cert.h"
#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_fastpath.h"
#include "adp_system.h"
#include "adp_tzcache.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

adp_session *adp_session_new(adp_db *db)
{
    adp_session *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->db = db;
    adp_arena_init(&s->arena);
    adp_settings_init(&s->settings);
    adp_system_apply(db, &s->settings);
    snprintf(s->user, sizeof s->user, "materialize");
    snprintf(s->database, sizeof s->database, "materialize");
    snprintf(s->settings.v[ADP_SET_SESSION_AUTHORIZATION], ADP_SETTING_MAX, "%s", s->user);
    s->boot = s->settings;
    s->reported = s->settings;
    adp_session_sync_fmt(s);
    return s;
}

void adp_session_free(adp_session *s)
{
    if (!s) return;
    adp_readts_done(s);
    adp_txn_rollback(s);
    adp_ext_free(s);
    adp_parse_cache_free(s);
    adp_fastpath_free(s);
    adp_cert_free(s);
    adp_reader_free(s->db, s->reader);
    adp_tzcache_release(s->fmt.zone);
    free(s->undo);
    adp_arena_free(&s->arena);
    free(s);
}

void adp_session_save_settings(adp_session *s)
{
    if (!s->txn_settings_saved) {
        s->txn_start = s->settings;
        s->txn_settings_saved = true;
    }
}

void adp_session_sync_fmt(adp_session *s)
{
    s->settings_dirty = true;
    s->settings_gen++;
    s->fmt.extra_float_digits = atoi(s->settings.v[ADP_SET_EXTRA_FLOAT_DIGITS]);
    s->fmt.datestyle_iso_mdy = true;
    /* the setting holds a value adp_setting_set accepted, so this finds it cached */
    const adp_tz *zone = NULL;
    int32_t east = 0;
    char display[ADP_SETTING_MAX];
    pgw_error err;
    if (!adp_tzcache_resolve(s->settings.v[ADP_SET_TIMEZONE], &zone, &east, display, sizeof display,
                             &err))
        zone = NULL, east = 0;
    adp_tzcache_release(s->fmt.zone);
    s->fmt.zone = zone;
    s->fmt.tz_offset_secs = east;
}

/* `options` carries "-c name=value" (or "--name=value") pairs separated by spaces. */
static bool startup_options(adp_session *s, const char *opts, pgw_error *err)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", opts);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (strcmp(tok, "-c") == 0 && !(tok = strtok_r(NULL, " \t", &save))) break;
        if (strncmp(tok, "-c", 2) == 0)
            tok += 2;
        else if (strncmp(tok, "--", 2) == 0)
            tok += 2;
        char *eq = strchr(tok, '=');
        if (!eq) return pgw_errorf(err, "42601", "invalid command-line argument: %s", tok);
        *eq = 0;
        for (char *q = tok; *q; q++)
            if (*q == '-') *q = '_';
        if (!adp_session_startup_param(s, tok, eq + 1, err)) return false;
    }
    return true;
}

bool adp_session_startup_param(adp_session *s, const char *name, const char *value, pgw_error *err)
{
    bool ok = true;
    if (strcmp(name, "user") == 0) {
        snprintf(s->user, sizeof s->user, "%s", value);
        snprintf(s->settings.v[ADP_SET_SESSION_AUTHORIZATION], ADP_SETTING_MAX, "%s", s->user);
    } else if (strcmp(name, "database") == 0) {
        /* Only `materialize` exists: refusing others (as PostgreSQL does) beats silently
         * serving a different database than the client asked for. */
        if (strcmp(value, "materialize") != 0)
            ok = pgw_errorf(err, "3D000", "database \"%s\" does not exist", value);
    } else if (strcmp(name, "options") == 0) {
        ok = startup_options(s, value, err);
    } else if (strcmp(name, "replication") == 0) {
        if (strcasecmp(value, "false") != 0 && strcasecmp(value, "off") != 0 &&
            strcmp(value, "0") != 0)
            ok = pgw_errorf(err, "0A000", "replication connections are not supported");
    } else {
        int id = adp_setting_find(name, err);
        ok = id >= 0 && adp_setting_set(&s->settings, id, name, value, err);
    }
    if (!ok) {
        snprintf(err->severity, sizeof err->severity, "FATAL");
        return false;
    }
    s->boot = s->settings;
    adp_session_sync_fmt(s);
    return true;
}

void adp_session_report_params(adp_session *s, pgw_buf *out)
{
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        if (adp_setting_flags(i) & ADP_SF_REPORT)
            pgw_be_write_parameter_status(out, adp_setting_name(i), s->settings.v[i]);
    s->reported = s->settings;
    s->settings_dirty = false;
}

char adp_session_txn_status(const adp_session *s)
{
    return s->txn == ADP_TXN_BLOCK ? 'T' : s->txn == ADP_TXN_FAILED ? 'E' : 'I';
}

void adp_notice(adp_session *s, pgw_buf *out, const char *severity, const char *sqlstate,
                const char *fmt, ...)
{
    static const char *levels[] = {"debug5", "debug4", "debug3", "debug2",  "debug1",
                                   "log",    "info",   "notice", "warning", "error"};
    int min = 7, mine = strcmp(severity, "WARNING") == 0 ? 8 : 7;
    for (int i = 0; i < 10; i++)
        if (strcmp(s->settings.v[ADP_SET_CLIENT_MIN_MESSAGES], levels[i]) == 0) min = i;
    if (mine < min) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pgw_be_write_notice(out, severity, sqlstate, msg);
}

void adp_session_txn_end(adp_session *s, bool commit)
{
    if (commit) {
        bool committed = adp_txn_commit(s);
        if (s->local_mask) { /* SET LOCAL values end with the block */
            for (int i = 0; i < ADP_SET_COUNT_; i++)
                if (s->local_mask & (1ull << i))
                    memcpy(s->settings.v[i], s->local_saved.v[i], ADP_SETTING_MAX);
            adp_session_sync_fmt(s);
        }
        /* A failed commit is a rollback: the block's settings go back too (now, or when
         * the pending commit comes back failed; txn_start stays untouched until then). */
        if (!committed && s->txn_settings_saved) {
            s->settings = s->txn_start;
            adp_session_sync_fmt(s);
        }
        s->restore_settings = s->pend == ADP_PEND_COMMIT && s->txn_settings_saved;
    } else {
        adp_txn_rollback(s);
        if (s->txn_settings_saved) {
            s->settings = s->txn_start;
            adp_session_sync_fmt(s);
        }
    }
    s->txn_settings_saved = false;
    s->local_mask = 0;
    s->read_only = false;
    s->now_fixed = false;
    s->txn = ADP_TXN_IDLE;
}

bool adp_session_commit(adp_session *s, pgw_error *err)
{
    adp_session_txn_end(s, true);
    if (s->pend == ADP_PEND_NONE && s->creq.failed) {
        *err = s->creq.err;
        s->creq.failed = false;
        return false;
    }
    return true;
}

void adp_session_set_async(adp_session *s, orc *o, orc_inbox *in, adp_resume_fn fn, void *arg)
{
    s->oracle = o;
    s->inbox = in;
    s->resume = fn;
    s->resume_arg = arg;
}

void adp_session_chain_next(adp_session *s, bool ok)
{
    s->chain_next = ok;
}

bool adp_session_chain_held(const adp_session *s)
{
    return s->chain_held;
}

adp_pend adp_session_pending(const adp_session *s)
{
    return s->pend;
}

bool adp_session_finish(adp_session *s, pgw_error *err)
{
    adp_pend p = s->pend;
    s->pend = ADP_PEND_NONE;
    if (p == ADP_PEND_CHECKPOINT && s->creq.failed) { /* adp_durable_stmt.c */
        s->creq.failed = false;
        *err = s->creq.err;
        adp_session_abort(s); /* as the statement's error would have, had it waited */
        return false;
    }
    if (p != ADP_PEND_COMMIT) return true;
    /* The commit thread stamped the undo log's changes, or rolled them back. */
    s->nundo = 0;
    bool restore = s->restore_settings;
    s->restore_settings = false;
    if (!s->creq.failed) return true;
    s->creq.failed = false;
    *err = s->creq.err;
    if (restore) {
        s->settings = s->txn_start;
        adp_session_sync_fmt(s);
    }
    return false;
}

bool adp_session_is_txn_end(const PgQuery__Node *n)
{
    if (n->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT) return false;
    PgQuery__TransactionStmtKind k = n->transaction_stmt->kind;
    return k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT ||
           k == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK;
}

/* BEGIN/COMMIT/ROLLBACK with PostgreSQL's warnings; `implicit` is whether the string
 * holds several statements (then COMMIT/ROLLBACK end the implicit block). */
static bool txn_stmt(adp_session *s, PgQuery__TransactionStmt *t, pgw_buf *out, pgw_error *err)
{
    switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        for (size_t i = 0; i < t->n_options; i++)
            if (!adp_txn_mode(s, t->options[i], false))
                return pgw_errorf(err, "0A000", "this transaction option is not supported");
        if (s->txn == ADP_TXN_BLOCK) {
            adp_notice(s, out, "WARNING", "25001", "there is already a transaction in progress");
        } else {
            for (size_t i = 0; i < t->n_options; i++)
                adp_txn_mode(s, t->options[i], true);
        }
        s->txn = ADP_TXN_BLOCK;
        pgw_be_write_command_complete(
            out, t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START ? "START TRANSACTION"
                                                                              : "BEGIN");
        return true;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        if (t->chain) return pgw_errorf(err, "0A000", "COMMIT AND CHAIN is not supported");
        if (s->txn == ADP_TXN_IDLE)
            adp_notice(s, out, "WARNING", "25P01", "there is no transaction in progress");
        bool failed = s->txn == ADP_TXN_FAILED;
        if (failed)
            adp_session_txn_end(s, false);
        else if (!adp_session_commit(s, err))
            return false;
        pgw_be_write_command_complete(out, failed ? "ROLLBACK" : "COMMIT");
        return true;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        if (t->chain) return pgw_errorf(err, "0A000", "ROLLBACK AND CHAIN is not supported");
        if (s->txn == ADP_TXN_IDLE)
            adp_notice(s, out, "WARNING", "25P01", "there is no transaction in progress");
        adp_session_txn_end(s, false);
        pgw_be_write_command_complete(out, "ROLLBACK");
        return true;
    default:
        return pgw_errorf(err, "0A000", "savepoints and two-phase commit are not supported");
    }
}

void adp_session_report_changed(adp_session *s, pgw_buf *out)
{
    if (!s->settings_dirty) return;
    s->settings_dirty = false;
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        if ((adp_setting_flags(i) & ADP_SF_REPORT) &&
            strcmp(s->settings.v[i], s->reported.v[i]) != 0) {
            pgw_be_write_parameter_status(out, adp_setting_name(i), s->settings.v[i]);
            memcpy(s->reported.v[i], s->settings.v[i], ADP_SETTING_MAX);
        }
}

void adp_session_abort(adp_session *s)
{
    if (s->txn == ADP_TXN_BLOCK) {
        adp_session_txn_end(s, false);
        s->txn = ADP_TXN_FAILED;
    } else if (s->txn == ADP_TXN_IDLE) {
        adp_session_txn_end(s, false);
    }
}

/* An error ends the statement: drop its partial output, report, and abort the block. */
static void fail(adp_session *s, pgw_buf *out, size_t mark, pgw_error *err)
{
    out->len = mark;
    out->msg_start = SIZE_MAX;
    pgw_be_write_error(out, err);
    if (s->txn == ADP_TXN_BLOCK) {
        adp_session_txn_end(s, false);
        s->txn = ADP_TXN_FAILED;
    } else if (s->txn == ADP_TXN_IDLE) {
        adp_session_txn_end(s, false);
    }
}

bool adp_session_run_one(adp_session *s, const char *sql, PgQuery__Node *stmt, pgw_buf *out,
                         pgw_error *err)
{
    if (s->txn == ADP_TXN_FAILED && !adp_session_is_txn_end(stmt))
        return pgw_errorf(err, "25P02",
                          "current transaction is aborted, commands ignored "
                          "until end of transaction block");
    if (stmt->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT)
        return s->plan_only || txn_stmt(s, stmt->transaction_stmt, out, err);
    return adp_stmt_run(s, sql, stmt, out, err);
}

static bool run_parsed(adp_session *s, const char *sql, PgQuery__ParseResult *pr, pgw_buf *out)
{
    s->in_implicit_block = pr->n_stmts > 1;
    for (size_t i = 0; i < pr->n_stmts; i++) {
        PgQuery__Node *stmt = pr->stmts[i]->stmt;
        pgw_error err;
        pgw_error_clear(&err);
        err.position = 0;
        err.detail[0] = err.hint[0] = err.severity[0] = 0;
        size_t mark = out->len;
        /* Only the last statement's commit may finish later: a COMMIT in the middle of a
         * string waits for its group, since what follows it must see it committed. */
        s->async_ok = i + 1 == pr->n_stmts;
        /* a lone statement outside a block queues its commit right after it ends */
        s->may_chain = pr->n_stmts == 1 && s->txn == ADP_TXN_IDLE;
        bool ok = adp_session_run_one(s, sql, stmt, out, &err);
        s->may_chain = false;
        adp_arena_reset(&s->arena);
        if (ok && s->txn == ADP_TXN_IDLE && pr->n_stmts == 1 && s->pend == ADP_PEND_NONE)
            ok = adp_session_commit(s, &err);
        if (!ok) {
            if (s->txn == ADP_TXN_FAILED && strcmp(err.sqlstate, "25P02") == 0) {
                out->len = mark;
                pgw_be_write_error(out, &err);
            } else
                fail(s, out, mark, &err);
            s->async_ok = false;
            return false;
        }
    }
    s->async_ok = true;
    if (s->txn == ADP_TXN_IDLE && s->pend == ADP_PEND_NONE) {
        pgw_error err;
        pgw_error_clear(&err);
        if (!adp_session_commit(s, &err)) {
            fail(s, out, out->len, &err);
            s->async_ok = false;
            return false;
        }
    }
    s->async_ok = false;
    return true;
}

bool adp_session_simple_query(adp_session *s, const char *sql_in, size_t len, pgw_buf *out)
{
    if (adp_fastpath_query(s, sql_in, len, out)) return true;
    /* libpg_query wants a NUL-terminated string; positions stay offsets into it. */
    char *sql = malloc(len + 1);
    if (!sql) abort();
    memcpy(sql, sql_in, len);
    sql[len] = 0;
    bool ok = true, handled = false;
    pgw_error err;
    memset(&err, 0, sizeof err);
    size_t mark = out->len;
    /* PostgreSQL verifies the text while converting it from the client encoding, before
     * parsing (SQL_ASCII clients too); that error aborts a block like a syntax error. */
    if (!adp_utf8_verify(sql, len, &err)) {
        pgw_be_write_error(out, &err);
        if (s->txn == ADP_TXN_BLOCK) {
            adp_session_txn_end(s, false);
            s->txn = ADP_TXN_FAILED;
        }
        ok = false;
    } else if (!adp_default_index_try(s, sql, &handled, out, &err)) {
        fail(s, out, mark, &err);
        ok = false;
    } else if (handled) {
        s->async_ok = true;
        if (s->txn == ADP_TXN_IDLE && !adp_session_commit(s, &err)) {
            fail(s, out, mark, &err);
            ok = false;
        }
        s->async_ok = false;
    } else if (adp_pgtype_match(sql, len)) {
        adp_pgtype_run(s, out, false);
        if (s->txn == ADP_TXN_IDLE) adp_session_txn_end(s, true);
    } else {
        bool cached;
        PgQuery__ParseResult *pr = adp_parse(s, sql, len, &cached, &err);
        if (!pr) {
            out->len = mark;
            pgw_be_write_error(out, &err);
            if (s->txn == ADP_TXN_BLOCK) {
                adp_session_txn_end(s, false);
                s->txn = ADP_TXN_FAILED;
            }
            ok = false;
        } else {
            adp_readts_result rts = ADP_READTS_GO;
            for (size_t i = 0; rts == ADP_READTS_GO && i < pr->n_stmts; i++)
                rts = adp_readts_wait(s, pr->stmts[i]->stmt, &err);
            if (rts == ADP_READTS_WAIT) {
                /* nothing ran: the same message comes back with the timestamp */
                adp_parse_release(pr, cached);
                adp_arena_reset(&s->arena);
                free(sql);
                return true;
            }
            if (rts == ADP_READTS_FAILED) {
                fail(s, out, mark, &err);
                ok = false;
            } else if (pr->n_stmts == 0) {
                pgw_be_write_empty_query_response(out);
            } else {
                ok = run_parsed(s, sql, pr, out);
            }
            adp_parse_release(pr, cached);
        }
    }
    adp_readts_done(s);
    adp_arena_reset(&s->arena);
    if (s->discard_all) adp_ext_discard(s);
    /* the transaction ended: so did the extended protocol's portals */
    if (s->ext && s->txn == ADP_TXN_IDLE) adp_portals_drop(s, false);
    adp_session_report_changed(s, out);
    free(sql);
    return ok;
}
