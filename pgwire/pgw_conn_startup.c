/* pgw_conn_startup: the startup phase: SSL/GSS refusal, cancel, StartupMessage, trust auth. */
#include <stdio.h>
#include <string.h>

#include "pgw_be_write.h"
#include "pgw_be_write_more.h"
#include "pgw_conn_int.h"
#include "pgw_log.h"
#include "pgw_startup.h"

/* At most this many unrecognized "_pq_." options are named back to the client. */
#define PGW_MAX_PQ_OPTIONS 32

static bool is_protocol_option(const char *name)
{
    return strncmp(name, "_pq_.", 5) == 0;
}

static bool give_setting(void *ctx, const char *name, const char *value, pgw_error *err)
{
    pgw_conn *c = ctx;
    return adp_session_startup_param(c->session, name, value, err);
}

/* Hands the parameters to the session in PostgreSQL's order: user and database (which
 * defaults to the user name), then the settings inside `options`, then every other
 * parameter in packet order (so an explicit parameter wins over the same -c option). */
static bool apply_params(pgw_conn *c, const pgw_startup *st, const char *user, const char *database,
                         const char *options, pgw_error *err)
{
    const char *cur = st->params;
    const char *name;
    const char *value;
    if (!adp_session_startup_param(c->session, "user", user, err) ||
        !adp_session_startup_param(c->session, "database",
                                   database && database[0] ? database : user, err))
        return false;
    if (options && !pgw_startup_split_options(options, give_setting, c, err)) return false;
    while (pgw_startup_next_param(st, &cur, &name, &value)) {
        if (is_protocol_option(name) || strcmp(name, "user") == 0 ||
            strcmp(name, "database") == 0 || strcmp(name, "options") == 0)
            continue;
        if (!adp_session_startup_param(c->session, name, value, err)) return false;
    }
    return true;
}

static void negotiate_if_needed(pgw_conn *c, const pgw_startup *st)
{
    const char *unknown[PGW_MAX_PQ_OPTIONS];
    int n = 0;
    const char *cur = st->params;
    const char *name;
    const char *value;
    while (pgw_startup_next_param(st, &cur, &name, &value))
        if (is_protocol_option(name) && n < PGW_MAX_PQ_OPTIONS) unknown[n++] = name;
    if ((st->proto & 0xffff) > 0 || n > 0)
        pgw_be_write_negotiate_protocol_version(&c->out, 0, n, unknown);
}

static void start_session(pgw_conn *c, const pgw_startup *st)
{
    const char *user = NULL;
    const char *database = NULL;
    const char *options = NULL;
    const char *cur = st->params;
    const char *name;
    const char *value;
    pgw_error err;
    while (pgw_startup_next_param(st, &cur, &name, &value)) {
        if (strcmp(name, "user") == 0)
            user = value;
        else if (strcmp(name, "database") == 0)
            database = value;
        else if (strcmp(name, "options") == 0)
            options = value;
    }
    if (!user || !user[0]) {
        pgw_conn_error(c, "FATAL", "28000", "no PostgreSQL user name specified in startup packet");
        return;
    }
    size_t len = strlen(c->ident);
    snprintf(c->ident + len, sizeof c->ident - len, " %.40s@%.40s", user,
             database && database[0] ? database : user);
    /* Names come from the client: keep control characters out of the log lines. */
    for (char *p = c->ident + len; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';

    negotiate_if_needed(c, st);
    if (!c->env->admit(c->env->ctx, c, &err)) {
        pgw_conn_report(c, "FATAL", &err);
        return;
    }
    c->admitted = true;
    c->session = adp_session_new(c->env->db);
    if (!c->session) {
        pgw_conn_error(c, "FATAL", "53200", "out of memory");
        return;
    }
    if (c->inbox) adp_session_set_async(c->session, c->oracle, c->inbox, pgw_conn_resume, c);
    /* Trust authentication: AuthenticationOk comes before the settings are applied, as in
     * PostgreSQL, so a bad setting is a FATAL after it. */
    pgw_be_write_auth_ok(&c->out);
    if (!apply_params(c, st, user, database, options, &err)) {
        pgw_conn_report(c, "FATAL", &err);
        return;
    }
    adp_session_report_params(c->session, &c->out);
    pgw_be_write_backend_key_data(&c->out, c->pid, c->secret);
    pgw_be_write_ready_for_query(&c->out, adp_session_txn_status(c->session));
    pgw_conn_set_state(c, PGW_CONN_READY);
    pgw_log(c, PGPEEK_LOG_DEBUG, "session started, backend pid %d", (int)c->pid);
}

void pgw_conn_handle_startup(pgw_conn *c, const pgw_msg *m)
{
    pgw_startup st;
    pgw_error err;
    if (!pgw_startup_decode(m, c->ssl_done, c->gss_done, &st, &err)) {
        if (st.proto == PGW_CANCEL_REQUEST_CODE) {
            /* A malformed cancel gets no answer, like any cancel. */
            pgw_log(c, PGPEEK_LOG_INFO, "%s", err.message);
            pgw_conn_set_state(c, PGW_CONN_CLOSING);
        } else {
            pgw_conn_report(c, "FATAL", &err);
        }
        return;
    }
    switch (st.kind) {
    case PGW_STARTUP_SSL:
        /* No TLS yet: 'N', then the client continues in plaintext on the same socket. */
        c->ssl_done = true;
        pgw_buf_put_u8(&c->out, 'N');
        return;
    case PGW_STARTUP_GSSENC:
        c->gss_done = true;
        pgw_buf_put_u8(&c->out, 'N');
        return;
    case PGW_STARTUP_CANCEL:
        c->env->cancel(c->env->ctx, c, st.cancel_pid, st.cancel_secret);
        pgw_conn_set_state(c, PGW_CONN_CLOSING);
        return;
    case PGW_STARTUP_MESSAGE:
        start_session(c, &st);
        return;
    }
}
