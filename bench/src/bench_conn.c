/* bench_conn: reacts to backend messages: authentication, errors, rows, ReadyForQuery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"

static bool auth_fail(bench_worker *w, bench_conn *c, const char *msg, uint64_t now)
{
    bench_worker_conn_fail(w, c, "28000", msg, now);
    return false;
}

static bool on_auth(bench_worker *w, bench_conn *c, const char *body, uint32_t len, uint64_t now)
{
    const bench_url *u = &w->run->o->url;
    if (len < 4) return auth_fail(w, c, "short authentication message", now);
    uint32_t code = bp_get_u32(body);
    switch (code) {
    case 0: /* AuthenticationOk: ReadyForQuery follows */
        return true;
    case 3:
        if (!u->password)
            return auth_fail(w, c, "server asks for a password and the URL has none", now);
        bp_password(&c->out, u->password);
        return true;
    case 5: {
        char md5[36];
        if (!u->password)
            return auth_fail(w, c, "server asks for a password and the URL has none", now);
        if (len < 8 ||
            !bench_md5_password(u->user, u->password, (const unsigned char *)body + 4, md5))
            return auth_fail(w, c, "md5 authentication failed locally", now);
        bp_password(&c->out, md5);
        return true;
    }
    case 10: { /* SASL: a list of mechanism names */
        bool scram = false;
        for (uint32_t i = 4; i < len && body[i];) {
            size_t n = strnlen(body + i, len - i);
            if (n == 13 && memcmp(body + i, "SCRAM-SHA-256", 13) == 0) scram = true;
            i += (uint32_t)n + 1;
        }
        if (!scram) return auth_fail(w, c, "server offers no SASL mechanism we support", now);
        if (!u->password)
            return auth_fail(w, c, "server asks for a password and the URL has none", now);
        size_t n;
        char *first = bench_scram_first(&c->scram, "", NULL, &n);
        if (!first) return auth_fail(w, c, "SCRAM setup failed", now);
        bp_sasl_initial(&c->out, "SCRAM-SHA-256", first, n);
        free(first);
        return true;
    }
    case 11: {
        char err[128];
        size_t n;
        char *fin =
            bench_scram_final(&c->scram, u->password, body + 4, len - 4, &n, err, sizeof(err));
        if (!fin) return auth_fail(w, c, err, now);
        bp_sasl_response(&c->out, fin, n);
        free(fin);
        return true;
    }
    case 12: {
        bool ok = bench_scram_verify(&c->scram, body + 4, len - 4);
        bench_scram_free(&c->scram);
        return ok || auth_fail(w, c, "server SCRAM signature does not match", now);
    }
    default: {
        char msg[96];
        snprintf(msg, sizeof(msg), "unsupported authentication request %u", code);
        return auth_fail(w, c, msg, now);
    }
    }
}

/* Keeps the SQLSTATE and message of an ErrorResponse; counted when ReadyForQuery arrives. */
static void on_error(bench_conn *c, const char *body, uint32_t len)
{
    strcpy(c->sqlstate, "XX000");
    c->errmsg[0] = '\0';
    for (uint32_t i = 0; i < len && body[i];) {
        char field = body[i++];
        size_t n = strnlen(body + i, len - i);
        if (field == 'C' && n == 5)
            memcpy(c->sqlstate, body + i, 6);
        else if (field == 'M')
            snprintf(c->errmsg, sizeof(c->errmsg), "%.*s", (int)n, body + i);
        i += (uint32_t)n + 1;
    }
    c->query_failed = true;
}

bool bench_conn_message(bench_worker *w, bench_conn *c, char type, const char *body, uint32_t len,
                        uint64_t now)
{
    switch (type) {
    case 'D':
        c->rows_cur++;
        if (c->first_pending) bench_worker_first_answer(w, c, now);
        return true;
    case 'Z':
        if (c->state == CS_STARTUP) {
            if (w->run->o->mode == BENCH_MODE_PREPARED) {
                const job_plan *p = &w->run->plans[c->job];
                bench_buf_append(&c->out, p->prepare.data, p->prepare.len);
                c->state = CS_PREPARING;
                return true;
            }
            bench_worker_conn_ready(w, c, now);
        } else if (c->state == CS_PREPARING) {
            if (c->query_failed) {
                /* The server cannot prepare: count it once; every Bind will fail too. */
                bench_errors_add(&w->jobs[c->job].errors, c->sqlstate, c->errmsg, 1);
                c->query_failed = false;
            }
            bench_worker_conn_ready(w, c, now);
        } else if (c->state == CS_READY && c->inflight > 0) {
            bench_worker_query_done(w, c, now);
        } else {
            bench_worker_conn_fail(w, c, "08P01", "unexpected ReadyForQuery", now);
            return false;
        }
        return c->state != CS_DEAD && c->state != CS_IDLE;
    case 'E':
        on_error(c, body, len);
        if (c->state == CS_STARTUP) {
            bench_worker_conn_fail(w, c, c->sqlstate, c->errmsg, now);
            return false;
        }
        return true;
    case 'R':
        if (c->state != CS_STARTUP) {
            bench_worker_conn_fail(w, c, "08P01", "unexpected authentication request", now);
            return false;
        }
        return on_auth(w, c, body, len, now);
    case 'C': /* CommandComplete */
    case 'I': /* EmptyQueryResponse */
    case 'T': /* RowDescription */
    case '1': /* ParseComplete */
    case '2': /* BindComplete */
    case '3': /* CloseComplete */
    case 'n': /* NoData */
    case 's': /* PortalSuspended */
    case 't': /* ParameterDescription */
    case 'S': /* ParameterStatus */
    case 'K': /* BackendKeyData */
    case 'N': /* NoticeResponse */
    case 'A': /* NotificationResponse */
        return true;
    default: {
        char msg[64];
        snprintf(msg, sizeof(msg), "unexpected message type 0x%02x", (unsigned char)type);
        bench_worker_conn_fail(w, c, "08P01", msg, now);
        return false;
    }
    }
}
