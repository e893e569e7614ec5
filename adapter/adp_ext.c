/* adp_ext: prepared statements and portals: the extended query protocol (Parse, Bind,
 * Describe, Execute, Close, Sync) and SQL PREPARE / EXECUTE / DEALLOCATE.
 * A statement is parsed and analyzed once, at Parse: its parameter types are inferred
 * then, and a SELECT keeps its plan and reuses it while the catalog version it was planned
 * at is current (re-planned otherwise). Other statements keep their parse tree and are
 * planned per execution, as a repeated simple query is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

#define MAX_PARAMS 65535 /* the protocol's int16 parameter count */

/* A prepared statement. Owned by the session's adp_ext list (one reference) and by each
 * portal made from it (one reference each); session thread only. */
typedef struct adp_prepared {
    struct adp_prepared *next;
    char *name;
    char *sql;                  /* NUL-terminated; error positions are offsets into it */
    PgQuery__ParseResult *tree; /* Parse: the owned tree, else NULL */
    PgQuery__Node *copy;        /* SQL PREPARE: an owned deep copy of the statement */
    PgQuery__Node *stmt;        /* the statement; NULL for an empty query */
    bool pgtype;                /* the canned pg_type query (adp_pgtype.c) */
    int nparams;
    adp_type *ptypes; /* heap, nparams entries */
    int refs;
    uint64_t version;            /* catalog version the analysis below was made at */
    adp_arena arena;             /* memory of the plan */
    const adp_select_plan *plan; /* a SELECT's plan, reused while `version` is current */
    pgw_buf rowdesc;             /* RowDescription with text formats; empty: NoData */
    pgw_buf shape;               /* the RowDescription of the first analysis: clients rely on it */
    bool shaped;
} adp_prepared;

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

/* The session's statements and portals (linked lists: sessions hold a handful). */
struct adp_ext {
    adp_prepared *stmts;
    adp_portal *portals;
    adp_portal *spare; /* one freed portal kept for the next Bind (its arena block too) */
};

static adp_ext *ext_of(adp_session *s)
{
    if (!s->ext) {
        s->ext = calloc(1, sizeof *s->ext);
        if (!s->ext) abort();
    }
    return s->ext;
}

static char *dup_str(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

static void ps_release(adp_prepared *ps)
{
    if (!ps || --ps->refs > 0) return;
    if (ps->tree) pg_query__parse_result__free_unpacked(ps->tree, NULL);
    if (ps->copy) pg_query__node__free_unpacked(ps->copy, NULL);
    adp_arena_free(&ps->arena);
    pgw_buf_free(&ps->rowdesc);
    pgw_buf_free(&ps->shape);
    free(ps->ptypes);
    free(ps->sql);
    free(ps->name);
    free(ps);
}

static adp_prepared **ps_find(adp_session *s, const char *name)
{
    adp_prepared **pp = &ext_of(s)->stmts;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void ps_drop(adp_prepared **pp)
{
    adp_prepared *ps = *pp;
    *pp = ps->next;
    ps_release(ps);
}

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
    ps_release(pt->ps);
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
        size_t l = strlen(name);
        pt->name = realloc(keep, l + 1);
        if (!pt->name) abort();
        memcpy(pt->name, name, l + 1);
        return pt;
    }
    pt = calloc(1, sizeof *pt);
    if (!pt) abort();
    pt->name = dup_str(name, strlen(name));
    adp_arena_init(&pt->arena);
    pgw_buf_init(&pt->rows);
    return pt;
}

static adp_portal **portal_find(adp_session *s, const char *name)
{
    adp_portal **pp = &ext_of(s)->portals;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void drop_portals(adp_session *s)
{
    if (!s->ext) return;
    while (s->ext->portals) {
        adp_portal *pt = s->ext->portals;
        s->ext->portals = pt->next;
        portal_free(s, pt);
    }
}

static void drop_statements(adp_session *s)
{
    if (!s->ext) return;
    while (s->ext->stmts)
        ps_drop(&s->ext->stmts);
}

void adp_ext_discard(adp_session *s)
{
    s->discard_all = false;
    drop_portals(s);
    drop_statements(s);
}

void adp_ext_free(adp_session *s)
{
    adp_ext_discard(s);
    if (s->ext && s->ext->spare) portal_destroy(s->ext->spare);
    free(s->ext);
    s->ext = NULL;
    free(s->ptypes);
    s->ptypes = NULL;
}

static void ptypes_reserve(adp_session *s, int n)
{
    if (n <= s->capptypes) return;
    int cap = s->capptypes ? s->capptypes : 16;
    while (cap < n)
        cap *= 2;
    s->ptypes = realloc(s->ptypes, (size_t)cap * sizeof *s->ptypes);
    if (!s->ptypes) abort();
    s->capptypes = cap;
}

adp_expr *adp_analyze_param(adp_pctx *p, PgQuery__ParamRef *r)
{
    adp_session *s = p->s;
    int n = r->number;
    /* Only Parse (plan_only) may discover new parameters; executions know them all. */
    if (n < 1 || n > MAX_PARAMS || (n > s->nptypes && !s->plan_only)) {
        adp_perr(p, r->location, "42P02", "there is no parameter $%d", n);
        return NULL;
    }
    if (n > s->nptypes) {
        ptypes_reserve(s, n);
        for (int i = s->nptypes; i < n; i++)
            s->ptypes[i] = (adp_type){ADP_T_UNKNOWN, -1};
        s->nptypes = n;
    }
    adp_expr *e = adp_expr_new(p, ADP_E_PARAM, s->ptypes[n - 1], r->location, 0);
    e->index = n - 1;
    return e;
}

/* Whether two RowDescriptions give the same names, types and typmods (table OIDs and
 * column numbers may differ: a table dropped and made again has a new OID). */
static bool same_shape(const pgw_buf *a, const pgw_buf *b)
{
    if (a->len == 0 || b->len == 0) return a->len == b->len;
    if (a->len != b->len || memcmp(a->data + 5, b->data + 5, 2) != 0) return false;
    int n = ((unsigned char)a->data[5] << 8) | (unsigned char)a->data[6];
    size_t off = 7;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(a->data + off) + 1;
        if (memcmp(a->data + off, b->data + off, l) != 0) return false;
        off += l + 6; /* table OID and column number */
        if (memcmp(a->data + off, b->data + off, 12) != 0) return false;
        off += 12;
    }
    return true;
}

/* Plans ps now: parameter types, RowDescription, and a SELECT's reusable plan. */
static bool analyze(adp_session *s, adp_prepared *ps, pgw_error *err)
{
    adp_arena_free(&ps->arena);
    adp_arena_init(&ps->arena);
    pgw_buf_reset(&ps->rowdesc);
    ps->plan = NULL;
    ps->version = atomic_load(&s->db->catalog_version);
    bool skip = s->skip_rowdesc;
    int nrfmt = s->nrfmt;
    s->skip_rowdesc = false;
    s->nrfmt = 0;
    bool ok = true;
    if (ps->pgtype) {
        adp_pgtype_run(s, &ps->rowdesc, true);
    } else if (ps->stmt) {
        ptypes_reserve(s, ps->nparams);
        if (ps->nparams) memcpy(s->ptypes, ps->ptypes, (size_t)ps->nparams * sizeof *s->ptypes);
        s->nptypes = ps->nparams;
        s->plan_only = true;
        if (ps->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
            adp_pctx p = {.s = s, .a = &ps->arena, .sql = ps->sql, .err = err};
            adp_select_plan *pl = adp_arena_alloc(&ps->arena, sizeof *pl);
            pthread_rwlock_rdlock(&s->db->lock);
            /* read under the lock: the plan's table pointers are valid for this version */
            ps->version = atomic_load(&s->db->catalog_version);
            ok = adp_plan_select(&p, ps->stmt->select_stmt, pl);
            pthread_rwlock_unlock(&s->db->lock);
            if (ok) {
                adp_write_row_description(s, &ps->rowdesc, pl->targets, pl->ntargets);
                ps->plan = pl;
            }
        } else {
            ok = adp_stmt_run(s, ps->sql, ps->stmt, &ps->rowdesc, err);
        }
        s->plan_only = false;
        if (ok) {
            /* what no context typed is text, as PostgreSQL resolves unknown */
            for (int i = 0; i < s->nptypes; i++)
                if (s->ptypes[i].id == ADP_T_UNKNOWN) s->ptypes[i] = (adp_type){ADP_T_TEXT, -1};
            if (s->nptypes != ps->nparams) {
                ps->ptypes = realloc(ps->ptypes, (size_t)s->nptypes * sizeof *ps->ptypes);
                if (!ps->ptypes) abort();
                ps->nparams = s->nptypes;
            }
            if (ps->nparams)
                memcpy(ps->ptypes, s->ptypes, (size_t)ps->nparams * sizeof *ps->ptypes);
        }
        s->nptypes = 0;
    }
    s->skip_rowdesc = skip;
    s->nrfmt = nrfmt;
    if (ok && !ps->shaped) {
        pgw_buf_put(&ps->shape, ps->rowdesc.data, ps->rowdesc.len);
        ps->shaped = true;
    } else if (ok && !same_shape(&ps->shape, &ps->rowdesc)) {
        /* as PostgreSQL: a client that described the statement would misread its rows */
        ok = pgw_errorf(err, "0A000", "cached plan must not change result type");
    }
    if (!ok) ps->version = 0;
    return ok;
}

static bool failed_block(adp_session *s, const adp_prepared *ps, pgw_error *err)
{
    if (s->txn != ADP_TXN_FAILED || (ps->stmt && adp_session_is_txn_end(ps->stmt))) return false;
    pgw_errorf(err, "25P02",
               "current transaction is aborted, commands ignored until end of transaction block");
    return true;
}

/* Runs ps with the session's current parameters and result formats. */
static bool run_stmt(adp_session *s, adp_prepared *ps, pgw_buf *out, pgw_error *err)
{
    if (failed_block(s, ps, err)) return false;
    if (ps->pgtype) {
        adp_pgtype_run(s, out, false);
        return true;
    }
    if (!ps->stmt) {
        pgw_be_write_empty_query_response(out);
        return true;
    }
    adp_db *db = s->db;
    if (atomic_load(&db->catalog_version) != ps->version && !analyze(s, ps, err)) return false;
    ptypes_reserve(s, ps->nparams);
    if (ps->nparams) memcpy(s->ptypes, ps->ptypes, (size_t)ps->nparams * sizeof *s->ptypes);
    bool ok;
    for (int tries = 0; ps->plan; tries++) {
        pthread_rwlock_rdlock(&db->lock);
        if (atomic_load(&db->catalog_version) == ps->version) {
            adp_pctx p = {.s = s, .a = &s->arena, .sql = ps->sql, .err = err};
            ok = adp_exec_select_plan(&p, ps->plan, out);
            pthread_rwlock_unlock(&db->lock);
            return ok;
        }
        pthread_rwlock_unlock(&db->lock);
        if (tries == 3) break; /* DDL keeps racing us: plan inside the statement instead */
        if (!analyze(s, ps, err)) return false;
    }
    s->nptypes = ps->nparams;
    ok = adp_session_run_one(s, ps->sql, ps->stmt, out, err);
    s->nptypes = 0;
    return ok;
}

static bool type_from_oid(uint32_t oid, adp_type *t, pgw_error *err)
{
    *t = (adp_type){ADP_T_UNKNOWN, -1};
    if (oid == 0 || oid == 705) return true; /* unspecified, unknown: inferred */
    for (int id = ADP_T_BOOL; id < ADP_T_COUNT_; id++)
        if (adp_type_oid((adp_type_id)id) == oid) {
            t->id = (adp_type_id)id;
            return true;
        }
    return pgw_errorf(err, "0A000", "parameter type with OID %u is not supported", oid);
}

static adp_prepared *ps_new(const char *name)
{
    adp_prepared *ps = calloc(1, sizeof *ps);
    if (!ps) abort();
    ps->name = dup_str(name, strlen(name));
    ps->refs = 1;
    adp_arena_init(&ps->arena);
    pgw_buf_init(&ps->rowdesc);
    pgw_buf_init(&ps->shape);
    return ps;
}

bool adp_ext_parse(adp_session *s, const char *name, const char *sql, size_t len, int noids,
                   const uint32_t *param_oids, pgw_buf *out, pgw_error *err)
{
    adp_prepared **slot = ps_find(s, name);
    if (*slot && name[0]) {
        pgw_errorf(err, "42P05", "prepared statement \"%s\" already exists", name);
        goto fail;
    }
    adp_prepared *ps = ps_new(name);
    ps->sql = dup_str(sql, len);
    ps->nparams = noids;
    ps->ptypes = calloc(noids ? (size_t)noids : 1, sizeof *ps->ptypes);
    if (!ps->ptypes) abort();
    for (int i = 0; i < noids; i++)
        if (!type_from_oid(param_oids[i], &ps->ptypes[i], err)) goto fail_ps;
    if (adp_pgtype_match(ps->sql, len)) {
        ps->pgtype = true;
    } else {
        PgQueryProtobufParseResult res = pg_query_parse_protobuf(ps->sql);
        if (res.error) {
            pgw_errorf(err, "42601", "%s", res.error->message);
            err->position = res.error->cursorpos;
        } else {
            ps->tree = pg_query__parse_result__unpack(NULL, res.parse_tree.len,
                                                      (const uint8_t *)res.parse_tree.data);
            if (!ps->tree) pgw_errorf(err, "XX000", "could not decode the parse tree");
        }
        pg_query_free_protobuf_parse_result(res);
        if (!ps->tree) goto fail_ps;
        if (ps->tree->n_stmts > 1) {
            pgw_errorf(err, "42601", "cannot insert multiple commands into a prepared statement");
            goto fail_ps;
        }
        if (ps->tree->n_stmts == 1) ps->stmt = ps->tree->stmts[0]->stmt;
    }
    if (failed_block(s, ps, err) || !analyze(s, ps, err)) goto fail_ps;
    adp_arena_reset(&s->arena);
    slot = ps_find(s, name); /* analysis cannot add statements, but stay exact */
    if (*slot) ps_drop(slot);
    ps->next = ext_of(s)->stmts;
    s->ext->stmts = ps;
    pgw_buf_begin_msg(out, '1');
    pgw_buf_end_msg(out);
    return true;
fail_ps:
    ps_release(ps);
fail:
    adp_arena_reset(&s->arena);
    adp_session_abort(s);
    return false;
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
    adp_prepared *ps = *ps_find(s, b->stmt);
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
    if (failed_block(s, ps, err)) goto fail;
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
        adp_prepared *ps = *ps_find(s, name);
        if (!ps) {
            pgw_errorf(err, "26000", "prepared statement \"%s\" does not exist", name);
            goto fail;
        }
        if (ps->stmt && atomic_load(&s->db->catalog_version) != ps->version && !analyze(s, ps, err))
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
        if (failed_block(s, pt->ps, err)) {
            adp_session_abort(s);
            return false;
        }
        pgw_be_write_command_complete(out, pt->is_select ? "SELECT 0" : pt->tag);
        return true;
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
        bool ok = run_stmt(s, pt->ps, buffered ? &pt->rows : out, err);
        ps_release(pt->ps);
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
        adp_prepared **pp = ps_find(s, name);
        if (*pp) ps_drop(pp);
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
        adp_session_txn_end(s, true);
        drop_portals(s); /* portals live until their transaction ends */
    }
    adp_session_report_changed(s, out);
}

/* --- SQL PREPARE / EXECUTE / DEALLOCATE --- */

bool adp_ext_sql_prepare(adp_pctx *p, PgQuery__PrepareStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    if (*ps_find(s, st->name))
        return pgw_errorf(p->err, "42P05", "prepared statement \"%s\" already exists", st->name);
    adp_prepared *ps = ps_new(st->name);
    ps->sql = dup_str(p->sql, strlen(p->sql));
    ps->nparams = (int)st->n_argtypes;
    ps->ptypes = calloc(st->n_argtypes ? st->n_argtypes : 1, sizeof *ps->ptypes);
    if (!ps->ptypes) abort();
    for (size_t i = 0; i < st->n_argtypes; i++) {
        if (!adp_lookup_typename(p, st->argtypes[i]->type_name, &ps->ptypes[i])) {
            ps_release(ps);
            return false;
        }
        ps->ptypes[i].typmod = -1;
    }
    /* the statement outlives this query string's parse tree: keep a deep copy */
    size_t n = pg_query__node__get_packed_size(st->query);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) abort();
    pg_query__node__pack(st->query, buf);
    ps->copy = pg_query__node__unpack(NULL, n, buf);
    free(buf);
    if (!ps->copy) abort();
    ps->stmt = ps->copy;
    if (!analyze(s, ps, p->err)) {
        ps_release(ps);
        return false;
    }
    ps->next = ext_of(s)->stmts;
    s->ext->stmts = ps;
    pgw_be_write_command_complete(out, "PREPARE");
    return true;
}

bool adp_ext_sql_execute(adp_pctx *p, PgQuery__ExecuteStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    adp_prepared *ps = *ps_find(s, st->name);
    if (!ps)
        return pgw_errorf(p->err, "26000", "prepared statement \"%s\" does not exist", st->name);
    if (s->plan_only) {
        if (ps->rowdesc.len) pgw_buf_put(out, ps->rowdesc.data, ps->rowdesc.len);
        return true;
    }
    if ((int)st->n_params != ps->nparams) {
        pgw_errorf(p->err, "42601", "wrong number of parameters for prepared statement \"%s\"",
                   st->name);
        pgw_error_detail(p->err, "Expected %d parameters but got %d.", ps->nparams,
                         (int)st->n_params);
        return false;
    }
    adp_value *vals = adp_arena_zalloc(p->a, (st->n_params ? st->n_params : 1) * sizeof *vals);
    adp_eval_ctx c = {.s = s};
    for (int i = 0; i < ps->nparams; i++) {
        adp_expr *e = adp_analyze(p, st->params[i]);
        if (!e) return false;
        adp_type t = ps->ptypes[i];
        if (e->type.id != ADP_T_UNKNOWN && e->type.id != t.id &&
            !adp_cast_exists(e->type, t, false)) {
            adp_perr(p, adp_node_location(st->params[i]), "42804",
                     "parameter $%d of type %s cannot be coerced to the expected type %s", i + 1,
                     adp_tname(p, e->type), adp_tname(p, t));
            pgw_error_hint(p->err, "You will need to rewrite or cast the expression.");
            return false;
        }
        if (!(e = adp_coerce(p, e, t, false)) || !adp_eval(e, &c, &vals[i], p->err)) return false;
    }
    const adp_value *saved = s->params;
    int nsaved = s->nparams;
    s->params = vals;
    s->nparams = ps->nparams;
    ps->refs++;
    bool ok = run_stmt(s, ps, out, p->err);
    if (!ok && ps->sql != p->sql) p->err->position = 0; /* it would point into PREPARE's text */
    ps_release(ps);
    s->params = saved;
    s->nparams = nsaved;
    return ok;
}

bool adp_ext_sql_deallocate(adp_pctx *p, PgQuery__DeallocateStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    if (!st->name || !st->name[0]) {
        drop_statements(s);
        pgw_be_write_command_complete(out, "DEALLOCATE ALL");
        return true;
    }
    adp_prepared **pp = ps_find(s, st->name);
    if (!*pp)
        return pgw_errorf(p->err, "26000", "prepared statement \"%s\" does not exist", st->name);
    ps_drop(pp);
    pgw_be_write_command_complete(out, "DEALLOCATE");
    return true;
}
