/* pgw_conn_ext: decoding the extended-protocol messages (Parse, Bind, Describe, Execute,
 * Close, Sync, Flush) and PostgreSQL's error recovery: after an error every message up to
 * the next Sync is discarded, and Sync answers ReadyForQuery. */
#include <stdlib.h>
#include <string.h>

#include "pgw_be_write.h"
#include "pgw_conn_int.h"
#include "pgw_frame.h"
#include "pgw_log.h"

#define SMALL 64 /* parameters decoded on the stack; more go to the heap */

static bool read_i16(pgw_reader *r, int16_t *v, pgw_error *err)
{
    if (r->end - r->p < 2) return pgw_errorf(err, "08P01", "insufficient data left in message");
    const unsigned char *u = (const unsigned char *)r->p;
    *v = (int16_t)((u[0] << 8) | u[1]);
    r->p += 2;
    return true;
}

static bool read_count(pgw_reader *r, int16_t *n, size_t each, pgw_error *err)
{
    if (!read_i16(r, n, err)) return false;
    if (*n < 0 || (size_t)(r->end - r->p) < (size_t)*n * each)
        return pgw_errorf(err, "08P01", "insufficient data left in message");
    return true;
}

static bool read_byte(pgw_reader *r, char *v, pgw_error *err)
{
    if (r->end - r->p < 1) return pgw_errorf(err, "08P01", "insufficient data left in message");
    *v = *r->p++;
    return true;
}

static bool do_parse(pgw_conn *c, pgw_reader *r, pgw_error *err)
{
    const char *name, *sql;
    size_t nlen, qlen;
    int16_t n = 0;
    if (!pgw_read_cstr(r, &name, &nlen, err) || !pgw_read_cstr(r, &sql, &qlen, err) ||
        !read_count(r, &n, 4, err))
        return false;
    uint32_t small[SMALL], *oids = n <= SMALL ? small : malloc((size_t)n * sizeof *oids);
    if (!oids) abort();
    for (int i = 0; i < n; i++) {
        int32_t v;
        pgw_read_i32(r, &v, err); /* the count was checked against the length */
        oids[i] = (uint32_t)v;
    }
    bool ok =
        pgw_read_end(r, err) && adp_ext_parse(c->session, name, sql, qlen, n, oids, &c->out, err);
    if (oids != small) free(oids);
    return ok;
}

static bool do_bind(pgw_conn *c, pgw_reader *r, pgw_error *err)
{
    adp_bind_msg b = {0};
    size_t len;
    int16_t nfmt = 0, nvals = 0, nrfmt = 0;
    if (!pgw_read_cstr(r, &b.portal, &len, err) || !pgw_read_cstr(r, &b.stmt, &len, err) ||
        !read_count(r, &nfmt, 2, err))
        return false;
    int16_t fmt_small[SMALL], rfmt_small[SMALL];
    const char *vals_small[SMALL];
    int32_t lens_small[SMALL];
    int16_t *fmt = nfmt <= SMALL ? fmt_small : malloc((size_t)nfmt * sizeof *fmt);
    int16_t *rfmt = rfmt_small;
    const char **vals = vals_small;
    int32_t *lens = lens_small;
    bool ok = fmt != NULL;
    for (int i = 0; ok && i < nfmt; i++)
        ok = read_i16(r, &fmt[i], err);
    ok = ok && read_count(r, &nvals, 4, err);
    if (ok && nvals > SMALL) {
        vals = malloc((size_t)nvals * sizeof *vals);
        lens = malloc((size_t)nvals * sizeof *lens);
        if (!vals || !lens) abort();
    }
    for (int i = 0; ok && i < nvals; i++) {
        ok = pgw_read_i32(r, &lens[i], err);
        if (!ok) break;
        if (lens[i] < 0) {
            vals[i] = NULL;
            continue;
        }
        if ((size_t)(r->end - r->p) < (size_t)lens[i]) {
            ok = pgw_errorf(err, "08P01", "insufficient data left in message");
            break;
        }
        vals[i] = r->p;
        r->p += lens[i];
    }
    ok = ok && read_count(r, &nrfmt, 2, err);
    if (ok && nrfmt > SMALL && !(rfmt = malloc((size_t)nrfmt * sizeof *rfmt))) abort();
    for (int i = 0; ok && i < nrfmt; i++)
        ok = read_i16(r, &rfmt[i], err);
    if (ok && pgw_read_end(r, err)) {
        b.nfmt = nfmt;
        b.fmt = fmt;
        b.nvals = nvals;
        b.vals = vals;
        b.lens = lens;
        b.nrfmt = nrfmt;
        b.rfmt = rfmt;
        ok = adp_ext_bind(c->session, &b, &c->out, err);
    } else {
        ok = false;
    }
    if (fmt != fmt_small) free(fmt);
    if (rfmt != rfmt_small) free(rfmt);
    if (vals != vals_small) free(vals);
    if (lens != lens_small) free(lens);
    return ok;
}

static bool do_describe_close(pgw_conn *c, pgw_reader *r, bool close, pgw_error *err)
{
    char kind = 0;
    const char *name;
    size_t len;
    if (!read_byte(r, &kind, err) || !pgw_read_cstr(r, &name, &len, err) || !pgw_read_end(r, err))
        return false;
    return close ? adp_ext_close(c->session, kind, name, &c->out, err)
                 : adp_ext_describe(c->session, kind, name, &c->out, err);
}

static bool do_execute(pgw_conn *c, pgw_reader *r, pgw_error *err)
{
    const char *name;
    size_t len;
    int32_t max_rows;
    if (!pgw_read_cstr(r, &name, &len, err) || !pgw_read_i32(r, &max_rows, err) ||
        !pgw_read_end(r, err))
        return false;
    return adp_ext_execute(c->session, name, max_rows, &c->out, err);
}

void pgw_conn_handle_ext(pgw_conn *c, const pgw_msg *m)
{
    size_t mark = c->out.len;
    if (m->type == 'S') {
        c->execs = 0;
        c->ignore_till_sync = false;
        adp_ext_sync(c->session, &c->out);
        if (pgw_conn_check_pending(c, 'S', mark)) return; /* ReadyForQuery after the commit */
        pgw_be_write_ready_for_query(&c->out, adp_session_txn_status(c->session));
        return;
    }
    if (m->type == 'H' || c->ignore_till_sync) return; /* Flush: every reply is flushed anyway */
    pgw_reader r;
    pgw_error err; /* filled completely by pgw_errorf on failure: no memset per message */
    err.sqlstate[0] = 0;
    pgw_reader_init(&r, m);
    bool ok;
    switch (m->type) {
    case 'P':
        ok = do_parse(c, &r, &err);
        break;
    case 'B':
        ok = do_bind(c, &r, &err);
        break;
    case 'D':
        ok = do_describe_close(c, &r, false, &err);
        break;
    case 'C':
        ok = do_describe_close(c, &r, true, &err);
        break;
    default: /* 'E' */
        /* the implicit transaction's only statement, committed by the Sync right behind */
        adp_session_chain_next(c->session, c->execs++ == 0 && c->sync_next);
        ok = do_execute(c, &r, &err);
        adp_session_chain_next(c->session, false);
        if (ok && pgw_conn_check_pending(c, 'E', mark)) {
            /* a read waiting for its timestamp runs again: it is still the same Execute */
            if (adp_session_pending(c->session) == ADP_PEND_READ_TS) c->execs--;
            return; /* counted when it finishes */
        }
        if (ok)
            pgw_stat_add(&c->stats->queries_ok, 1);
        else
            pgw_stat_add(&c->stats->queries_error, 1);
        break;
    }
    if (!ok) {
        if (!err.sqlstate[0]) pgw_errorf(&err, "XX000", "internal error");
        pgw_conn_report(c, "ERROR", &err);
        c->ignore_till_sync = true;
    }
}
