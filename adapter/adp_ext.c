/* adp_ext: prepared statements: Parse and SQL PREPARE / EXECUTE / DEALLOCATE.
 * A statement is parsed and analyzed once, at Parse: its parameter types are inferred
 * then, and a SELECT, INSERT, UPDATE or DELETE keeps its plan and reuses it while the
 * catalog version it was planned at is current (planned again otherwise). Other statements
 * keep their parse tree and are planned per execution. Portals are in adp_portal.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_read.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

#define MAX_PARAMS 65535 /* the protocol's int16 parameter count */

adp_ext *adp_ps_ext(adp_session *s)
{
    if (!s->ext) {
        s->ext = calloc(1, sizeof *s->ext);
        if (!s->ext) abort();
    }
    return s->ext;
}

char *adp_ps_strdup(const char *p, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) abort();
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

void adp_ps_release(adp_prepared *ps)
{
    if (!ps || --ps->refs > 0) return;
    if (ps->tree) pg_query__parse_result__free_unpacked(ps->tree, NULL);
    if (ps->copy) pg_query__node__free_unpacked(ps->copy, NULL);
    adp_arena_free(&ps->arena);
    pgw_buf_free(&ps->rowdesc);
    pgw_buf_free(&ps->shape);
    pgw_buf_free(&ps->peek.rows);
    free(ps->ptypes);
    free(ps->oids);
    free(ps->sql);
    free(ps->name);
    free(ps);
}

adp_prepared **adp_ps_find(adp_session *s, const char *name)
{
    adp_prepared **pp = &adp_ps_ext(s)->stmts;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    return pp;
}

void adp_ps_drop(adp_prepared **pp)
{
    adp_prepared *ps = *pp;
    *pp = ps->next;
    adp_ps_release(ps);
}

static void drop_statements(adp_session *s)
{
    if (!s->ext) return;
    while (s->ext->stmts)
        adp_ps_drop(&s->ext->stmts);
    for (int i = 0; i < ADP_UNNAMED_KEPT; i++) {
        adp_ps_release(s->ext->kept[i]);
        s->ext->kept[i] = NULL;
    }
}

/* An unnamed statement being replaced: kept for a later Parse of the same text. */
static void keep_unnamed(adp_ext *x, adp_prepared *ps)
{
    adp_ps_release(x->kept[ADP_UNNAMED_KEPT - 1]);
    memmove(&x->kept[1], &x->kept[0], (ADP_UNNAMED_KEPT - 1) * sizeof *x->kept);
    ps->next = NULL;
    x->kept[0] = ps;
}

/* Whether Parse of this text and these types would make what ps is: same catalog, same
 * settings for literals, and not in a failed block (there Parse must fail). */
static bool same_parse(adp_session *s, const adp_prepared *ps, const char *sql, size_t len,
                       int noids, const uint32_t *param_oids, pgw_error *err)
{
    return ps->len == len && ps->noids == noids && memcmp(ps->sql, sql, len) == 0 &&
           (!noids || memcmp(ps->oids, param_oids, (size_t)noids * sizeof *param_oids) == 0) &&
           memcmp(&ps->fmt, &s->fmt, sizeof s->fmt) == 0 &&
           ps->version == atomic_load(&s->db->catalog_version) && !adp_ps_failed_block(s, ps, err);
}

void adp_ext_discard(adp_session *s)
{
    s->discard_all = false;
    adp_portals_drop(s, false);
    drop_statements(s);
}

void adp_ext_free(adp_session *s)
{
    adp_ext_discard(s);
    adp_portals_drop(s, true);
    free(s->ext);
    s->ext = NULL;
    free(s->ptypes);
    free(s->pseen);
    s->pseen = NULL;
    s->ptypes = NULL;
}

static void ptypes_reserve(adp_session *s, int n)
{
    if (n <= s->capptypes) return;
    int cap = s->capptypes ? s->capptypes : 16;
    while (cap < n)
        cap *= 2;
    s->ptypes = realloc(s->ptypes, (size_t)cap * sizeof *s->ptypes);
    s->pseen = realloc(s->pseen, (size_t)cap * sizeof *s->pseen);
    if (!s->ptypes || !s->pseen) abort();
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
        for (int i = s->nptypes; i < n; i++) {
            s->ptypes[i] = (adp_type){ADP_T_UNKNOWN, -1};
            s->pseen[i] = false;
        }
        s->nptypes = n;
    }
    if (s->plan_only) s->pseen[n - 1] = true;
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
bool adp_ps_analyze(adp_session *s, adp_prepared *ps, pgw_error *err)
{
    ps->fmt = s->fmt;
    adp_arena_free(&ps->arena);
    adp_arena_init(&ps->arena);
    pgw_buf_reset(&ps->rowdesc);
    ps->plan = NULL;
    ps->plan_kind = 0;
    ps->fast = NULL;
    ps->fast_why = ADP_FP_R_NOT_SELECT;
    ps->peek.valid = false;
    ps->settings_gen = s->settings_gen;
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
        if (ps->nparams) memset(s->pseen, 0, (size_t)ps->nparams * sizeof *s->pseen);
        s->nptypes = ps->nparams;
        s->plan_only = true;
        PgQuery__Node *st = ps->stmt;
        switch (st->node_case) {
        case PG_QUERY__NODE__NODE_SELECT_STMT:
        case PG_QUERY__NODE__NODE_INSERT_STMT:
        case PG_QUERY__NODE__NODE_UPDATE_STMT:
        case PG_QUERY__NODE__NODE_DELETE_STMT: {
            adp_pctx p = {.s = s, .a = &ps->arena, .sql = ps->sql, .err = err};
            const adp_target *targets = NULL;
            int ntargets = 0;
            pthread_rwlock_rdlock(&s->db->lock);
            /* read under the lock: the plan's table pointers are valid for this version */
            ps->version = atomic_load(&s->db->catalog_version);
            if (st->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
                adp_select_plan *pl = adp_arena_alloc(&ps->arena, sizeof *pl);
                ok = adp_plan_select(&p, st->select_stmt, pl);
                targets = pl->targets;
                ntargets = pl->ntargets;
                ps->plan_kind = 'S';
                ps->plan = pl;
            } else if (st->node_case == PG_QUERY__NODE__NODE_INSERT_STMT) {
                adp_insert_plan *pl = adp_arena_alloc(&ps->arena, sizeof *pl);
                ok = adp_plan_insert(&p, st->insert_stmt, pl);
                targets = pl->ret.targets;
                ntargets = pl->ret.ntargets;
                ps->plan_kind = 'I';
                ps->plan = pl;
            } else {
                adp_modify_plan *pl = adp_arena_alloc(&ps->arena, sizeof *pl);
                ok = st->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT
                         ? adp_plan_update(&p, st->update_stmt, pl)
                         : adp_plan_delete(&p, st->delete_stmt, pl);
                targets = pl->ret.targets;
                ntargets = pl->ret.ntargets;
                ps->plan_kind = 'M';
                ps->plan = pl;
            }
            /* still under the lock: eligibility looks at the table's indexes */
            size_t n = strlen(ps->sql);
            bool fast =
                ok && ps->plan_kind == 'S' && adp_fp_eligible(ps->plan, ps->sql, n, &ps->fast_why);
            pthread_rwlock_unlock(&s->db->lock);
            if (!ok) ps->plan = NULL;
            if (ok && (ntargets || ps->plan_kind == 'S'))
                adp_write_row_description(s, &ps->rowdesc, targets, ntargets);
            if (ok && ps->plan_kind == 'S') {
                /* without parameters other shapes can use the peek cache (general plans) */
                bool general = !fast && ps->fast_why == ADP_FP_R_UNSUPPORTED && !s->nptypes &&
                               adp_fp_deterministic(ps->plan, ps->sql, n);
                if (fast || general) {
                    ps->fast = adp_arena_alloc(&ps->arena, sizeof *ps->fast);
                    adp_fp_describe(ps->fast, ps->plan, &ps->rowdesc, &ps->arena, general, ps->sql);
                }
            }
            break;
        }
        default:
            ok = adp_stmt_run(s, ps->sql, ps->stmt, &ps->rowdesc, err);
            break;
        }
        s->plan_only = false;
        if (ok) {
            /* a used parameter no context typed is text; one never used (a gap below a
             * higher $n) has no type at all: 42P18, as in PostgreSQL */
            for (int i = 0; ok && i < s->nptypes; i++)
                if (s->ptypes[i].id == ADP_T_UNKNOWN && s->pseen[i])
                    s->ptypes[i] = (adp_type){ADP_T_TEXT, -1};
                else if (s->ptypes[i].id == ADP_T_UNKNOWN)
                    ok = pgw_errorf(err, "42P18", "could not determine data type of parameter $%d",
                                    i + 1);
        }
        if (ok) {
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

bool adp_ps_failed_block(adp_session *s, const adp_prepared *ps, pgw_error *err)
{
    if (s->txn != ADP_TXN_FAILED || (ps->stmt && adp_session_is_txn_end(ps->stmt))) return false;
    pgw_errorf(err, "25P02",
               "current transaction is aborted, commands ignored until end of transaction block");
    return true;
}

/* Runs ps with the session's current parameters and result formats. */
/* A prepared SELECT's run as a read (adp_read.h); stale: planned at another catalog
 * version, nothing run. Stack value. */
typedef struct ps_read {
    const adp_prepared *ps;
    bool stale;
} ps_read;

static bool run_ps_select(adp_pctx *p, const void *arg, pgw_buf *out)
{
    ps_read *r = (ps_read *)arg;
    r->stale = atomic_load(&p->s->db->catalog_version) != r->ps->version;
    return r->stale || adp_exec_select_plan(p, r->ps->plan, out);
}

bool adp_ps_run(adp_session *s, adp_prepared *ps, pgw_buf *out, pgw_error *err)
{
    if (adp_ps_failed_block(s, ps, err)) return false;
    if (ps->pgtype) {
        adp_pgtype_run(s, out, false);
        return true;
    }
    if (!ps->stmt) {
        pgw_be_write_empty_query_response(out);
        return true;
    }
    adp_db *db = s->db;
    /* a SET can change what the text means (search_path) or how literals were read */
    if ((atomic_load(&db->catalog_version) != ps->version || s->settings_gen != ps->settings_gen) &&
        !adp_ps_analyze(s, ps, err))
        return false;
    if (ps->fast && adp_fastpath_enabled(s)) {
        uint64_t t0 = adp_fp_ticks();
        adp_fp_reason why;
        adp_fp_served how;
        if (adp_fp_run(s, ps->fast, ps->version, ps->nparams ? NULL : &ps->peek, NULL, out, &how,
                       &why)) {
            adp_fp_count_hit(t0, how);
            return true;
        }
        adp_fp_count_fallback(why);
    } else if (ps->plan_kind == 'S') {
        adp_fp_count_fallback(!adp_fastpath_enabled(s) ? ADP_FP_R_DISABLED : ps->fast_why);
    }
    ptypes_reserve(s, ps->nparams);
    if (ps->nparams) memcpy(s->ptypes, ps->ptypes, (size_t)ps->nparams * sizeof *s->ptypes);
    bool ok;
    for (int tries = 0; ps->plan; tries++) {
        if (ps->plan_kind == 'S') {
            ps_read r = {ps, false};
            adp_pctx p = {.s = s, .a = &s->arena, .sql = ps->sql, .err = err};
            ok = adp_read_run(&p, run_ps_select, &r, out);
            if (!r.stale) return ok;
            if (tries == 3) break; /* DDL keeps racing us: plan inside the statement instead */
            if (!adp_ps_analyze(s, ps, err)) return false;
            continue;
        }
        if (s->read_only) {
            const char *what = ps->plan_kind == 'I'                             ? "INSERT"
                               : ((const adp_modify_plan *)ps->plan)->is_delete ? "DELETE"
                                                                                : "UPDATE";
            return pgw_errorf(err, "25006", "cannot execute %s in a read-only transaction", what);
        }
        pthread_rwlock_wrlock(&db->lock);
        if (atomic_load(&db->catalog_version) == ps->version) {
            adp_pctx p = {.s = s, .a = &s->arena, .sql = ps->sql, .err = err};
            ok = ps->plan_kind == 'I' ? adp_run_insert(&p, ps->plan, out)
                                      : adp_run_modify(&p, ps->plan, out);
            pthread_rwlock_unlock(&db->lock);
            return ok;
        }
        pthread_rwlock_unlock(&db->lock);
        if (tries == 3) break; /* DDL keeps racing us: plan inside the statement instead */
        if (!adp_ps_analyze(s, ps, err)) return false;
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
    ps->name = adp_ps_strdup(name, strlen(name));
    ps->refs = 1;
    adp_arena_init(&ps->arena);
    pgw_buf_init(&ps->rowdesc);
    pgw_buf_init(&ps->shape);
    pgw_buf_init(&ps->peek.rows);
    return ps;
}

bool adp_ext_parse(adp_session *s, const char *name, const char *sql, size_t len, int noids,
                   const uint32_t *param_oids, pgw_buf *out, pgw_error *err)
{
    adp_prepared **slot = adp_ps_find(s, name);
    if (*slot && name[0]) {
        pgw_errorf(err, "42P05", "prepared statement \"%s\" already exists", name);
        goto fail;
    }
    adp_prepared *old = *slot;
    if (old && same_parse(s, old, sql, len, noids, param_oids, err)) {
        /* Drivers send the same text to the unnamed statement again and again: with the
         * same catalog and settings, what it would become is what it is. */
        pgw_buf_begin_msg(out, '1');
        pgw_buf_end_msg(out);
        return true;
    }
    adp_ext *x = adp_ps_ext(s);
    for (int i = 0; !name[0] && i < ADP_UNNAMED_KEPT && x->kept[i]; i++) {
        adp_prepared *ps = x->kept[i];
        if (!same_parse(s, ps, sql, len, noids, param_oids, err)) continue;
        memmove(&x->kept[i], &x->kept[i + 1], (size_t)(ADP_UNNAMED_KEPT - 1 - i) * sizeof *x->kept);
        x->kept[ADP_UNNAMED_KEPT - 1] = NULL;
        if (old) {
            *slot = old->next;
            keep_unnamed(x, old);
        }
        ps->next = x->stmts;
        x->stmts = ps;
        pgw_buf_begin_msg(out, '1');
        pgw_buf_end_msg(out);
        return true;
    }
    /* as for a simple Query, the text is checked before parsing (a reused one was) */
    if (!adp_utf8_verify(sql, len, err)) goto fail;
    adp_prepared *ps = ps_new(name);
    ps->sql = adp_ps_strdup(sql, len);
    ps->len = len;
    ps->noids = noids;
    ps->oids = malloc(noids ? (size_t)noids * sizeof *ps->oids : 1);
    if (!ps->oids) abort();
    if (noids) memcpy(ps->oids, param_oids, (size_t)noids * sizeof *ps->oids);
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
    if (adp_ps_failed_block(s, ps, err) || !adp_ps_analyze(s, ps, err)) goto fail_ps;
    adp_arena_reset(&s->arena);
    slot = adp_ps_find(s, name); /* analysis cannot add statements, but stay exact */
    if (*slot && !name[0]) {
        adp_prepared *o = *slot;
        *slot = o->next;
        keep_unnamed(s->ext, o);
    } else if (*slot) {
        adp_ps_drop(slot);
    }
    ps->next = adp_ps_ext(s)->stmts;
    s->ext->stmts = ps;
    pgw_buf_begin_msg(out, '1');
    pgw_buf_end_msg(out);
    return true;
fail_ps:
    adp_ps_release(ps);
fail:
    adp_arena_reset(&s->arena);
    adp_session_abort(s);
    return false;
}

/* --- SQL PREPARE / EXECUTE / DEALLOCATE --- */

bool adp_ext_sql_prepare(adp_pctx *p, PgQuery__PrepareStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    if (*adp_ps_find(s, st->name))
        return pgw_errorf(p->err, "42P05", "prepared statement \"%s\" already exists", st->name);
    adp_prepared *ps = ps_new(st->name);
    ps->sql = adp_ps_strdup(p->sql, strlen(p->sql));
    ps->nparams = (int)st->n_argtypes;
    ps->ptypes = calloc(st->n_argtypes ? st->n_argtypes : 1, sizeof *ps->ptypes);
    if (!ps->ptypes) abort();
    for (size_t i = 0; i < st->n_argtypes; i++) {
        if (!adp_lookup_typename(p, st->argtypes[i]->type_name, &ps->ptypes[i])) {
            adp_ps_release(ps);
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
    if (!adp_ps_analyze(s, ps, p->err)) {
        adp_ps_release(ps);
        return false;
    }
    ps->next = adp_ps_ext(s)->stmts;
    s->ext->stmts = ps;
    pgw_be_write_command_complete(out, "PREPARE");
    return true;
}

bool adp_ext_sql_execute(adp_pctx *p, PgQuery__ExecuteStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    adp_prepared *ps = *adp_ps_find(s, st->name);
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
    bool ok = adp_ps_run(s, ps, out, p->err);
    if (!ok && ps->sql != p->sql) p->err->position = 0; /* it would point into PREPARE's text */
    adp_ps_release(ps);
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
    adp_prepared **pp = adp_ps_find(s, st->name);
    if (!*pp)
        return pgw_errorf(p->err, "26000", "prepared statement \"%s\" does not exist", st->name);
    adp_ps_drop(pp);
    pgw_be_write_command_complete(out, "DEALLOCATE");
    return true;
}
