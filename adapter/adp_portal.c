/* adp_portal: portals of the extended query protocol: Bind (parameters in text or binary),
 * Describe, Execute with a row limit (PortalSuspended) and resuming, Close, Sync. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

/* A portal: a statement with bound parameters. Owned by the session's adp_ext list. */
typedef struct adp_portal {
    struct adp_portal *next;
    char *name;
    adp_prepared *ps;
    adp_arena arena; /* parameter values */
    adp_value *params;
    int nparams;
    int16_t *rfmt;
    int nrfmt;
    bool started, done, is_select;
    pgw_buf rows; /* DataRows of a portal run with a row limit, not yet sent */
    size_t pos;
    char tag[64];
} adp_portal;

static void portal_destroy(adp_portal *pt)
{
    adp_arena_free(&pt->arena);
    pgw_buf_free(&pt->rows);
    free(pt->name);
    free(pt);
}

/* Frees a portal, or keeps it as the spare: Bind-Execute-Sync loops allocate nothing. */
static void portal_free(adp_session *s, adp_portal *pt)
{
    adp_ps_release(pt->ps);
    pt->ps = NULL;
    if (s->ext->spare) {
        portal_destroy(pt);
        return;
    }
    adp_arena_reset(&pt->arena);
    if (pt->rows.cap > 65536) {
        pgw_buf_free(&pt->rows);
        pgw_buf_init(&pt->rows);
    }
    pgw_buf_reset(&pt->rows);
    s->ext->spare = pt;
}

static adp_portal *portal_new(adp_session *s, const char *name)
{
    adp_portal *pt = s->ext->spare;
    if (pt) {
        s->ext->spare = NULL;
        char *keep = pt->name;
        adp_arena arena = pt->arena;
        pgw_buf rows = pt->rows;
        memset(pt, 0, sizeof *pt);
        pt->arena = arena;
        pt->rows = rows;
        /* the unnamed portal again (the usual case): no realloc, Bind allocates nothing */
        if (strcmp(keep, name) == 0) {
            pt->name = keep;
            return pt;
        }
        size_t l = strlen(name);
        pt->name = realloc(keep, l + 1);
        if (!pt->name) abort();
        memcpy(pt->name, name, l + 1);
        return pt;
    }
    pt = calloc(1, sizeof *pt);
    if (!pt) abort();
    pt->name = adp_ps_strdup(name, strlen(name));
    adp_arena_init(&pt->arena);
    pgw_buf_init(&pt->rows);
    return pt;
}

static adp_portal **portal_find(adp_session *s, const char *name)
{
    adp_portal **pp = &adp_ps_ext(s)->portals;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

void adp_portals_drop(adp_session *s, bool destroy_spare)
{
    if (!s->ext) return;
    while (s->ext->portals) {
        adp_portal *pt = s->ext->portals;
        s->ext->portals = pt->next;
        portal_free(s, pt);
    }
    if (destroy_spare && s->ext->spare) {
        portal_destroy(s->ext->spare);
        s->ext->spare = NULL;
    }
}

static int fmt_at(int n, const int16_t *f, int i)
{
    return n == 0 ? 0 : n == 1 ? f[0] : f[i];
}

static int rowdesc_ncols(const adp_prepared *ps)
{
    if (ps->rowdesc.len < 7) return 0;
    const unsigned char *d = (const unsigned char *)ps->rowdesc.data;
    return (d[5] << 8) | d[6];
}

static bool bind_param(adp_session *s, adp_portal *pt, const adp_bind_msg *b, int i, pgw_error *err)
{
    adp_value *v = &pt->params[i];
    if (!b->vals[i] || b->lens[i] < 0) {
        v->isnull = true;
        return true;
    }
    adp_type t = pt->ps->ptypes[i];
    int f = fmt_at(b->nfmt, b->fmt, i);
    size_t len = (size_t)b->lens[i];
    /* values must outlive the Bind message's buffer: copy them into the portal */
    char *copy = adp_arena_strndup(&pt->arena, b->vals[i], len);
    if (f == 0) {
        if (!adp_utf8_verify(copy, len, err)) return false;
        return adp_value_in(t, copy, len, &s->fmt, &pt->arena, v, err);
    }
    if (adp_value_recv(t, copy, len, &pt->arena, v, err)) return true;
    if (strcmp(err->sqlstate, "22P03") == 0)
        pgw_errorf(err, "22P03", "incorrect binary data format in bind parameter %d", i + 1);
    return false;
}

bool adp_ext_bind(adp_session *s, const adp_bind_msg *b, pgw_buf *out, pgw_error *err)
{
    adp_prepared *ps = *adp_ps_find(s, b->stmt);
    adp_portal *pt = NULL;
    if (!ps) {
        pgw_errorf(err, "26000", "prepared statement \"%s\" does not exist", b->stmt);
        goto fail;
    }
    if (b->nfmt > 1 && b->nfmt != b->nvals) {
        pgw_errorf(err, "08P01", "bind message has %d parameter formats but %d parameters", b->nfmt,
                   b->nvals);
        goto fail;
    }
    if (b->nvals != ps->nparams) {
        pgw_errorf(err, "08P01",
                   "bind message supplies %d parameters, but prepared statement \"%s\" requires "
                   "%d",
                   b->nvals, b->stmt, ps->nparams);
        goto fail;
    }
    for (int i = 0; i < b->nfmt; i++)
        if (b->fmt[i] != 0 && b->fmt[i] != 1) {
            pgw_errorf(err, "22023", "unsupported format code: %d", b->fmt[i]);
            goto fail;
        }
    for (int i = 0; i < b->nrfmt; i++)
        if (b->rfmt[i] != 0 && b->rfmt[i] != 1) {
            pgw_errorf(err, "22023", "unsupported format code: %d", b->rfmt[i]);
            goto fail;
        }
    int ncols = rowdesc_ncols(ps);
    if (b->nrfmt > 1 && b->nrfmt != ncols) {
        pgw_errorf(err, "08P01", "bind message has %d result formats but query has %d columns",
                   b->nrfmt, ncols);
        goto fail;
    }
    if (adp_ps_failed_block(s, ps, err)) goto fail;
    adp_portal **slot = portal_find(s, b->portal);
    if (*slot && b->portal[0]) {
        pgw_errorf(err, "42P03", "portal \"%s\" already exists", b->portal);
        goto fail;
    }
    if (*slot) {
        adp_portal *old = *slot;
        *slot = old->next;
        portal_free(s, old);
    }
    pt = portal_new(s, b->portal);
    pt->ps = ps;
    ps->refs++;
    pt->nparams = b->nvals;
    pt->params =
        adp_arena_zalloc(&pt->arena, (size_t)(b->nvals ? b->nvals : 1) * sizeof *pt->params);
    for (int i = 0; i < b->nvals; i++)
        if (!bind_param(s, pt, b, i, err)) goto fail;
    pt->nrfmt = b->nrfmt;
    pt->rfmt = adp_arena_alloc(&pt->arena, (size_t)(b->nrfmt ? b->nrfmt : 1) * sizeof *pt->rfmt);
    if (b->nrfmt) memcpy(pt->rfmt, b->rfmt, (size_t)b->nrfmt * sizeof *pt->rfmt);
    pt->is_select = ps->stmt && ps->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT;
    pt->next = s->ext->portals;
    s->ext->portals = pt;
    pgw_buf_begin_msg(out, '2');
    pgw_buf_end_msg(out);
    return true;
fail:
    if (pt) portal_free(s, pt);
    adp_session_abort(s);
    return false;
}

/* The statement's RowDescription with the given result formats, or NoData. */
static void write_rowdesc(pgw_buf *out, const adp_prepared *ps, int nrfmt, const int16_t *rfmt)
{
    if (ps->rowdesc.len == 0) {
        pgw_buf_begin_msg(out, 'n');
        pgw_buf_end_msg(out);
        return;
    }
    size_t at = out->len;
    pgw_buf_put(out, ps->rowdesc.data, ps->rowdesc.len);
    if (out->failed || nrfmt == 0) return;
    int n = rowdesc_ncols(ps);
    size_t off = at + 7;
    for (int i = 0; i < n; i++) {
        off += strlen(out->data + off) + 1 + 16; /* name, then 16 bytes before the format */
        int16_t f = (int16_t)fmt_at(nrfmt, rfmt, i);
        out->data[off] = (char)(f >> 8);
        out->data[off + 1] = (char)f;
        off += 2;
    }
}

bool adp_ext_describe(adp_session *s, char kind, const char *name, pgw_buf *out, pgw_error *err)
{
    if (kind == 'S') {
        adp_prepared *ps = *adp_ps_find(s, name);
        if (!ps) {
            pgw_errorf(err, "26000", "prepared statement \"%s\" does not exist", name);
            goto fail;
        }
        if (ps->stmt && atomic_load(&s->db->catalog_version) != ps->version &&
            !adp_ps_analyze(s, ps, err))
            goto fail;
        pgw_buf_begin_msg(out, 't');
        pgw_buf_put_i16(out, (int16_t)ps->nparams);
        for (int i = 0; i < ps->nparams; i++)
            pgw_buf_put_i32(out, (int32_t)adp_type_oid(ps->ptypes[i].id));
        pgw_buf_end_msg(out);
        write_rowdesc(out, ps, 0, NULL);
        adp_arena_reset(&s->arena);
        return true;
    }
    if (kind != 'P') {
        pgw_errorf(err, "08P01", "invalid DESCRIBE message subtype %d", kind);
        goto fail;
    }
    adp_portal *pt = *portal_find(s, name);
    if (!pt) {
        pgw_errorf(err, "34000", "portal \"%s\" does not exist", name);
        goto fail;
    }
    write_rowdesc(out, pt->ps, pt->nrfmt, pt->rfmt);
    return true;
fail:
    adp_arena_reset(&s->arena);
    adp_session_abort(s);
    return false;
}

/* Moves the DataRows of a run into the portal's buffer; other messages (notices, empty
 * query) go to out now; the CommandComplete tag is kept for the end. */
static void split_run(adp_portal *pt, pgw_buf *out)
{
    pgw_buf *r = &pt->rows;
    size_t rd = 0, wr = 0;
    pt->tag[0] = 0;
    while (rd + 5 <= r->len) {
        const unsigned char *m = (const unsigned char *)r->data + rd;
        size_t n = 1 + (((size_t)m[1] << 24) | ((size_t)m[2] << 16) | ((size_t)m[3] << 8) | m[4]);
        if (m[0] == 'D') {
            memmove(r->data + wr, m, n);
            wr += n;
        } else if (m[0] == 'C') {
            snprintf(pt->tag, sizeof pt->tag, "%s", (const char *)m + 5);
        } else {
            pgw_buf_put(out, m, n);
        }
        rd += n;
    }
    r->len = wr;
    pt->pos = 0;
}

bool adp_ext_execute(adp_session *s, const char *name, int32_t max_rows, pgw_buf *out,
                     pgw_error *err)
{
    adp_portal *pt = *portal_find(s, name);
    if (!pt) {
        pgw_errorf(err, "34000", "portal \"%s\" does not exist", name);
        adp_session_abort(s);
        return false;
    }
    if (pt->done) {
        if (adp_ps_failed_block(s, pt->ps, err)) {
            adp_session_abort(s);
            return false;
        }
        pgw_be_write_command_complete(out, pt->is_select ? "SELECT 0" : pt->tag);
        return true;
    }
    if (!pt->started && pt->ps->stmt) {
        adp_readts_result rts = adp_readts_wait(s, pt->ps->stmt, err);
        if (rts == ADP_READTS_WAIT) return true; /* nothing ran: Execute comes again */
        if (rts == ADP_READTS_FAILED) {
            pt->done = true;
            adp_session_abort(s);
            return false;
        }
    }
    if (!pt->started) {
        size_t mark = out->len;
        pt->started = true;
        s->params = pt->params;
        s->nparams = pt->nparams;
        s->rfmt = pt->rfmt;
        s->nrfmt = pt->nrfmt;
        s->skip_rowdesc = true;
        pt->ps->refs++; /* DEALLOCATE of itself must not free it mid-run */
        bool buffered = max_rows > 0;
        if (buffered) pgw_buf_reset(&pt->rows);
        s->async_ok = true; /* a COMMIT's ReadyForQuery comes at Sync: it may finish later */
        s->may_chain = s->chain_next && s->txn == ADP_TXN_IDLE && !s->nundo;
        bool ok = adp_ps_run(s, pt->ps, buffered ? &pt->rows : out, err);
        s->may_chain = false;
        s->async_ok = false;
        adp_readts_done(s);
        adp_ps_release(pt->ps);
        s->params = NULL;
        s->nparams = 0;
        s->rfmt = NULL;
        s->nrfmt = 0;
        s->skip_rowdesc = false;
        adp_arena_reset(&s->arena);
        if (!ok) {
            out->len = mark;
            out->msg_start = SIZE_MAX;
            pt->done = true;
            adp_session_abort(s);
            return false;
        }
        if (!buffered) {
            pt->done = true;
            if (s->discard_all) adp_ext_discard(s);
            return true;
        }
        split_run(pt, out);
        if (s->discard_all) {
            /* DISCARD returns no rows: finish it now, the portal goes with the rest */
            pgw_be_write_command_complete(out, pt->tag);
            adp_ext_discard(s);
            return true;
        }
    }
    pgw_buf *r = &pt->rows;
    int32_t sent = 0;
    size_t start = pt->pos;
    while (pt->pos + 5 <= r->len && (max_rows <= 0 || sent < max_rows)) {
        const unsigned char *m = (const unsigned char *)r->data + pt->pos;
        pt->pos += 1 + (((size_t)m[1] << 24) | ((size_t)m[2] << 16) | ((size_t)m[3] << 8) | m[4]);
        sent++;
    }
    pgw_buf_put(out, r->data + start, pt->pos - start);
    /* as in PostgreSQL, a fetch that fills its limit suspends even when nothing is left:
     * only a short fetch knows it reached the end */
    if (max_rows > 0 && sent == max_rows) {
        pgw_buf_begin_msg(out, 's');
        pgw_buf_end_msg(out);
        return true;
    }
    pt->done = true;
    if (pt->is_select) {
        char tag[32];
        snprintf(tag, sizeof tag, "SELECT %d", sent);
        pgw_be_write_command_complete(out, tag);
    } else if (pt->tag[0]) {
        pgw_be_write_command_complete(out, pt->tag);
    }
    pgw_buf_free(r);
    pgw_buf_init(r);
    return true;
}

bool adp_ext_close(adp_session *s, char kind, const char *name, pgw_buf *out, pgw_error *err)
{
    if (kind == 'S') {
        adp_prepared **pp = adp_ps_find(s, name);
        if (*pp) adp_ps_drop(pp);
    } else if (kind == 'P') {
        adp_portal **pp = portal_find(s, name);
        if (*pp) {
            adp_portal *pt = *pp;
            *pp = pt->next;
            portal_free(s, pt);
        }
    } else {
        pgw_errorf(err, "08P01", "invalid CLOSE message subtype %d", kind);
        adp_session_abort(s);
        return false;
    }
    pgw_buf_begin_msg(out, '3');
    pgw_buf_end_msg(out);
    return true;
}

void adp_ext_sync(adp_session *s, pgw_buf *out)
{
    if (s->txn == ADP_TXN_IDLE) {
        pgw_error err;
        s->async_ok = true; /* Sync's ReadyForQuery waits for the commit */
        if (!adp_session_commit(s, &err)) pgw_be_write_error(out, &err);
        s->async_ok = false;
        adp_portals_drop(s, false); /* portals live until their transaction ends */
    }
    adp_session_report_changed(s, out);
}
