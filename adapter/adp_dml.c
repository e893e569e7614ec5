/* adp_dml: INSERT, UPDATE and DELETE: planning, constraint checks (NOT NULL, unique),
 * undo logging and RETURNING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adp_cert.h"
#include "adp_index_path.h"
#include "adp_mvcc.h"
#include "pgw_be_write.h"

static adp_table *target_table(adp_pctx *p, PgQuery__RangeVar *rv, PgQuery__WithClause *with)
{
    if (with) {
        adp_perr(p, with->location, "0A000", "WITH is not supported");
        return NULL;
    }
    adp_table *t = adp_resolve_table(p, rv);
    if (t) {
        p->table = t;
        p->refname = rv->alias ? rv->alias->aliasname : t->name;
    }
    return t;
}

static int find_column(const adp_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0) return i;
    return -1;
}

static bool plan_returning(adp_pctx *p, PgQuery__Node **list, size_t n, adp_returning *ret)
{
    int cap = 0;
    ret->ntargets = 0;
    p->aggs = NULL;
    p->no_agg_ctx = "RETURNING";
    for (size_t i = 0; i < n; i++) {
        PgQuery__ResTarget *rt = list[i]->res_target;
        PgQuery__Node *v = rt->val;
        bool star = v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
                    v->column_ref->fields[v->column_ref->n_fields - 1]->node_case ==
                        PG_QUERY__NODE__NODE_A_STAR;
        int add = star ? p->table->ncols : 1;
        if (ret->ntargets + add > cap) {
            int ncap = (ret->ntargets + add) * 2;
            adp_target *nt = adp_arena_alloc(p->a, (size_t)ncap * sizeof *nt);
            if (ret->ntargets) memcpy(nt, ret->targets, (size_t)ret->ntargets * sizeof *nt);
            ret->targets = nt;
            cap = ncap;
        }
        if (star) {
            for (int c = 0; c < p->table->ncols; c++) {
                adp_expr *e = adp_expr_new(p, ADP_E_COL, p->table->cols[c].type, -1, 0);
                e->index = c;
                ret->targets[ret->ntargets++] =
                    (adp_target){e, p->table->cols[c].name, p->table->oid, (int16_t)(c + 1)};
            }
            continue;
        }
        adp_expr *e = adp_analyze(p, v);
        if (!e) return false;
        if (e->type.id == ADP_T_UNKNOWN &&
            !(e = adp_coerce(p, e, (adp_type){ADP_T_TEXT, -1}, false)))
            return false;
        adp_target t = {e, rt->name[0] ? rt->name : adp_colname(p, v), 0, 0};
        if (e->kind == ADP_E_COL) {
            t.table_oid = p->table->oid;
            t.attnum = (int16_t)(e->index + 1);
        }
        ret->targets[ret->ntargets++] = t;
    }
    return true;
}

static bool returning_row(adp_pctx *p, const adp_returning *ret, const adp_value *row, pgw_buf *out)
{
    if (!ret->ntargets) return true;
    adp_value v[ret->ntargets];
    adp_eval_ctx c = {.s = p->s, .row = row};
    for (int i = 0; i < ret->ntargets; i++)
        if (!adp_eval(ret->targets[i].expr, &c, &v[i], p->err)) return false;
    adp_write_data_row(p->s, out, ret->targets, v, ret->ntargets);
    return true;
}

/* "(1, null, abc)" as PostgreSQL's DETAIL shows a failing row. */
static const char *row_text(adp_pctx *p, const adp_table *t, const adp_value *vals, const int *cols,
                            int n)
{
    size_t cap = 256, len = 0;
    char *buf = adp_arena_alloc(p->a, cap);
    for (int k = 0; k < n; k++) {
        int i = cols ? cols[k] : k;
        const char *s = vals[i].isnull
                            ? "null"
                            : adp_value_out_cstr(p->a, t->cols[i].type, &vals[i], &p->s->fmt);
        size_t sl = strlen(s);
        if (len + sl + 4 > cap) {
            size_t ncap = (len + sl + 4) * 2;
            char *nb = adp_arena_alloc(p->a, ncap);
            memcpy(nb, buf, len);
            buf = nb;
            cap = ncap;
        }
        if (k) {
            memcpy(buf + len, ", ", 2);
            len += 2;
        }
        memcpy(buf + len, s, sl);
        len += sl;
    }
    buf[len] = 0;
    return buf;
}

/* NOT NULL and unique checks for a row about to be stored (self: the row it replaces). */
static bool check_row(adp_pctx *p, adp_table *t, const adp_value *vals, const adp_row *self)
{
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].not_null && vals[i].isnull) {
            pgw_errorf(
                p->err, "23502",
                "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                t->cols[i].name, t->name);
            pgw_error_detail(p->err, "Failing row contains (%s).",
                             row_text(p, t, vals, NULL, t->ncols));
            return false;
        }
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++) {
        adp_index *ix = xs->ix[k];
        if (!ix->unique || !adp_table_find_dup(t, ix, vals, self)) continue;
        char names[512];
        size_t n = 0;
        for (int c = 0; c < ix->ncols; c++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", c ? ", " : "",
                                  t->cols[ix->cols[c]].name);
        pgw_errorf(p->err, "23505", "duplicate key value violates unique constraint \"%s\"",
                   ix->name);
        pgw_error_detail(p->err, "Key (%s)=(%s) already exists.", names,
                         row_text(p, t, vals, ix->cols, ix->ncols));
        return false;
    }
    return true;
}

static adp_expr *default_expr(adp_pctx *p, const adp_column *c)
{
    adp_expr *e = adp_expr_new(p, ADP_E_CONST, c->type, -1, 0);
    if (c->has_default)
        e->val = c->defval;
    else
        e->val.isnull = true;
    return e;
}

static bool plan_insert(adp_pctx *p, PgQuery__InsertStmt *st, adp_insert_plan *pl)
{
    adp_table *t = pl->table = target_table(p, st->relation, st->with_clause);
    if (!t) return false;
    if (st->on_conflict_clause)
        return adp_perr(p, st->on_conflict_clause->location, "0A000",
                        "ON CONFLICT is not supported");
    PgQuery__SelectStmt *sel = st->select_stmt ? st->select_stmt->select_stmt : NULL;
    if (sel && !sel->n_values_lists) {
        /* INSERT ... SELECT: its own FROM scope; unknown literals take the column types. */
        adp_pctx sp = *p;
        sp.table = NULL;
        sp.refname = NULL;
        sp.keep_unknown = true;
        pl->select = adp_arena_zalloc(p->a, sizeof *pl->select);
        if (!adp_plan_select(&sp, sel, pl->select)) return false;
        sel = NULL;
    }
    /* DEFAULT VALUES has no select: one row of defaults. */
    int nvals = pl->select ? pl->select->ntargets
                : sel      ? (int)sel->values_lists[0]->list->n_items
                           : 0;
    for (size_t r = 1; sel && r < sel->n_values_lists; r++) {
        PgQuery__List *l = sel->values_lists[r]->list;
        if ((int)l->n_items != nvals)
            return adp_perr(p, l->n_items ? adp_node_location(l->items[0]) : -1, "42601",
                            "VALUES lists must all be the same length");
    }
    int ncols = st->n_cols ? (int)st->n_cols : nvals;
    int limit = st->n_cols ? ncols : t->ncols;
    if (nvals > limit)
        return adp_perr(p,
                        pl->select ? pl->select->targets[limit].expr->location
                                   : adp_node_location(sel->values_lists[0]->list->items[limit]),
                        "42601", "INSERT has more expressions than target columns");
    if ((sel || pl->select) && nvals < ncols)
        return adp_perr(p, st->cols[nvals]->res_target->location, "42601",
                        "INSERT has more target columns than expressions");
    int *cols = adp_arena_alloc(p->a, (size_t)(ncols ? ncols : 1) * sizeof *cols);
    for (int i = 0; i < ncols; i++) {
        if (!st->n_cols) {
            cols[i] = i;
            continue;
        }
        PgQuery__ResTarget *rt = st->cols[i]->res_target;
        if (rt->n_indirection)
            return adp_perr(p, rt->location, "0A000", "assignment to subfields is not supported");
        if ((cols[i] = find_column(t, rt->name)) < 0)
            return adp_perr(p, rt->location, "42703",
                            "column \"%s\" of relation \"%s\" does not exist", rt->name, t->name);
        for (int k = 0; k < i; k++)
            if (cols[k] == cols[i])
                return adp_perr(p, rt->location, "42701", "column \"%s\" specified more than once",
                                rt->name);
    }
    if (pl->select) {
        for (int i = 0; i < ncols; i++) {
            adp_expr *e = pl->select->targets[i].expr;
            if (!(e = adp_coerce_assign(p, e, &t->cols[cols[i]], e->location))) return false;
            pl->select->targets[i].expr = e;
        }
        pl->cols = cols;
        pl->ncols = ncols;
        return plan_returning(p, st->returning_list, st->n_returning_list, &pl->ret);
    }
    pl->nrows = sel ? (int)sel->n_values_lists : 1;
    pl->rows = adp_arena_alloc(p->a, (size_t)pl->nrows * sizeof *pl->rows);
    /* VALUES expressions cannot see the target table's columns. */
    adp_pctx vp = *p;
    vp.table = NULL;
    vp.aggs = NULL;
    vp.no_agg_ctx = "VALUES";
    for (int r = 0; r < pl->nrows; r++) {
        adp_expr **row = pl->rows[r] =
            adp_arena_alloc(p->a, (size_t)(t->ncols ? t->ncols : 1) * sizeof *row);
        for (int c = 0; c < t->ncols; c++)
            row[c] = default_expr(p, &t->cols[c]);
        for (int i = 0; sel && i < ncols; i++) {
            PgQuery__Node *n = sel->values_lists[r]->list->items[i];
            if (n->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) continue;
            adp_expr *e = adp_analyze(&vp, n);
            if (!e || !(e = adp_coerce_assign(&vp, e, &t->cols[cols[i]], adp_node_location(n))))
                return false;
            row[cols[i]] = e;
        }
    }
    return plan_returning(p, st->returning_list, st->n_returning_list, &pl->ret);
}

static void begin_returning(adp_pctx *p, const adp_returning *ret, pgw_buf *out)
{
    if (ret->ntargets) adp_write_row_description(p->s, out, ret->targets, ret->ntargets);
}

bool adp_plan_insert(adp_pctx *p, PgQuery__InsertStmt *st, adp_insert_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    return plan_insert(p, st, pl);
}

bool adp_exec_insert(adp_pctx *p, PgQuery__InsertStmt *st, pgw_buf *out)
{
    adp_insert_plan pl;
    if (!adp_plan_insert(p, st, &pl)) return false;
    if (p->s->plan_only) {
        begin_returning(p, &pl.ret, out);
        return true;
    }
    return adp_run_insert(p, &pl, out);
}

bool adp_run_insert(adp_pctx *p, const adp_insert_plan *pl, pgw_buf *out)
{
    adp_table *t = pl->table;
    begin_returning(p, &pl->ret, out);
    adp_value vals[t->ncols ? t->ncols : 1];
    adp_eval_ctx c = {.s = p->s};
    adp_value **src = NULL;
    size_t nsrc = 0;
    int nrows = pl->nrows;
    if (pl->select) {
        /* Every source row is read before the first is stored (INSERT INTO t SELECT .. t). */
        if (!adp_select_collect(p, pl->select, &src, &nsrc)) return false;
        nrows = (int)nsrc;
    }
    for (int r = 0; r < nrows; r++) {
        if (src) {
            for (int i = 0; i < t->ncols; i++)
                vals[i] = t->cols[i].has_default ? t->cols[i].defval : (adp_value){.isnull = true};
            for (int i = 0; i < pl->ncols; i++)
                vals[pl->cols[i]] = src[r][i];
        } else
            for (int i = 0; i < t->ncols; i++)
                if (!adp_eval(pl->rows[r][i], &c, &vals[i], p->err)) return false;
        if (!check_row(p, t, vals, NULL)) return false;
        adp_row *row = adp_row_new(t, vals);
        adp_table_append(t, row);
        adp_undo_push(p->s, ADP_UNDO_INSERT, t, row);
        if (!returning_row(p, &pl->ret, row->vals, out)) return false;
    }
    char tag[48];
    snprintf(tag, sizeof tag, "INSERT 0 %d", nrows);
    pgw_be_write_command_complete(out, tag);
    return true;
}

static bool plan_modify(adp_pctx *p, PgQuery__RangeVar *rv, PgQuery__WithClause *with,
                        PgQuery__Node *where, adp_modify_plan *pl)
{
    if (!(pl->table = target_table(p, rv, with))) return false;
    if (where) {
        p->aggs = NULL;
        p->no_agg_ctx = "WHERE";
        adp_expr *w = adp_analyze(p, where);
        if (!w || !(pl->where = adp_require_bool(p, w, "WHERE", adp_node_location(where))))
            return false;
    }
    return true;
}

/* A row this transaction sees was changed by another one since (first updater wins). */
static bool concurrent_update(adp_pctx *p)
{
    return pgw_errorf(p->err, "40001", "could not serialize access due to concurrent update");
}

/* A matching row is not the newest version: committed since our snapshot (40001), or
 * pending in another transaction (*busy: wait and retry). */
static bool conflict(adp_pctx *p, const adp_row *r, bool *busy)
{
    if (r->end_ts != ADP_TS_INF) return concurrent_update(p);
    *busy = true;
    return true;
}

/* Rows matching WHERE, collected first so that rows appended by the statement itself are
 * never visited. *busy: a matching row has a pending change of another open transaction
 * (nothing collected then). */
static bool collect_rows(adp_pctx *p, const adp_modify_plan *pl, adp_row ***rows, size_t *n,
                         bool *busy)
{
    adp_table *t = pl->table;
    uint64_t ts = adp_snapshot(p->s);
    const adp_index *ix;
    int col;
    const adp_expr *key = pl->where ? adp_find_key_lookup(t, pl->where, &ix, &col) : NULL;
    if (key) {
        /* WHERE pins a unique key: at most one row, found through the index; WHERE still
         * decides on it */
        adp_eval_ctx kc = {.s = p->s};
        adp_value vals[t->ncols];
        *rows = adp_arena_alloc(p->a, sizeof **rows);
        *n = 0;
        if (!adp_eval(key, &kc, &vals[col], p->err)) return false;
        adp_row *r = vals[col].isnull ? NULL : adp_index_lookup(t, ix, vals, NULL);
        /* A hot row whose newest version waits in the commit queue: write on top of it,
         * in the same group (adp_mvcc.h). */
        bool chained = adp_row_chainable(p->s, r) && adp_commit_chain(p->s, r->owner);
        /* The hash holds current rows only: what this snapshot sees may be older. */
        if (!chained) r = adp_row_version(p->s, r, ts);
        /* an older version with another key is not the row: the index path finds it */
        if (r && adp_value_cmp(t->cols[col].type.id, &r->vals[col], &vals[col]) != 0) goto scan;
        if (!r && !vals[col].isnull && adp_table_has_versions(t)) goto scan;
        adp_cert_note_key(p->s, t, ix, vals); /* only its key's rows were read */
        if (!r) return true;
        adp_eval_ctx c = {.s = p->s, .row = r->vals};
        bool pass = true;
        if (!adp_eval_qual(pl->where, &c, &pass, p->err)) return false;
        if (pass && !chained && !adp_row_writable(p->s, r)) return conflict(p, r, busy);
        if (pass) (*rows)[(*n)++] = r;
        return true;
    }
scan:;
    adp_cert_note_read(p->s, t);
    /* every row, or those an index selects (in scan order, other versions included) */
    adp_ipath path;
    adp_row **cand = NULL;
    size_t ncand = adp_table_count(t);
    if (pl->where && adp_ipath_choose(t, pl->where, &path) &&
        !adp_ipath_rows(p->s, t, &path, p->a, &cand, &ncand, p->err))
        return false;
    if (!cand) ncand = adp_table_count(t); /* no index, or it selects too much: scan */
    *rows = adp_arena_alloc(p->a, (ncand ? ncand : 1) * sizeof **rows);
    *n = 0;
    for (size_t i = 0; i < ncand; i++) {
        adp_row *r = cand ? cand[i] : adp_table_row(t, i);
        if (!adp_row_visible(p->s, r, ts)) continue;
        adp_eval_ctx c = {.s = p->s, .row = r->vals};
        bool pass = true;
        if (pl->where && !adp_eval_qual(pl->where, &c, &pass, p->err)) return false;
        if (pass && !adp_row_writable(p->s, r)) return conflict(p, r, busy);
        if (pass) (*rows)[(*n)++] = r;
    }
    return true;
}

/* Another transaction's pending change: wait for it to end (the next commits), a bounded
 * while (its session may be on this very thread, waiting for its client), then scan again. */
#define ADP_WAIT_TRIES 100
#define ADP_WAIT_US 2000

static bool matching_rows(adp_pctx *p, const adp_modify_plan *pl, adp_row ***rows, size_t *n)
{
    adp_db *db = p->s->db;
    for (int tries = 0;; tries++) {
        bool busy = false;
        /* Taken before the scan: a commit after it wakes us even if it lands before we
         * start waiting. */
        uint64_t gen = adp_commit_gen(db);
        if (!collect_rows(p, pl, rows, n, &busy)) return false;
        if (!busy) return true;
        if (tries == ADP_WAIT_TRIES) return concurrent_update(p);
        /* Our caller holds db->lock for writing; the other transaction needs it to commit.
         * DDL meanwhile would invalidate the plan. */
        uint64_t version = atomic_load(&db->catalog_version);
        pthread_rwlock_unlock(&db->lock);
        adp_commit_wait_next(db, gen, ADP_WAIT_US);
        pthread_rwlock_wrlock(&db->lock);
        if (atomic_load(&db->catalog_version) != version) return concurrent_update(p);
    }
}

bool adp_plan_update(adp_pctx *p, PgQuery__UpdateStmt *st, adp_modify_plan *plp)
{
    memset(plp, 0, sizeof *plp);
    adp_modify_plan pl = {0};
    if (st->n_from_clause) return pgw_errorf(p->err, "0A000", "UPDATE ... FROM is not supported");
    if (!plan_modify(p, st->relation, st->with_clause, st->where_clause, &pl)) return false;
    adp_table *t = pl.table;
    pl.nset = (int)st->n_target_list;
    pl.set_cols = adp_arena_alloc(p->a, (size_t)pl.nset * sizeof *pl.set_cols);
    pl.set_exprs = adp_arena_alloc(p->a, (size_t)pl.nset * sizeof *pl.set_exprs);
    p->no_agg_ctx = "UPDATE";
    for (int i = 0; i < pl.nset; i++) {
        PgQuery__ResTarget *rt = st->target_list[i]->res_target;
        if (rt->val->node_case == PG_QUERY__NODE__NODE_MULTI_ASSIGN_REF || rt->n_indirection)
            return adp_perr(p, rt->location, "0A000", "this form of UPDATE SET is not supported");
        int c = find_column(t, rt->name);
        if (c < 0)
            return adp_perr(p, rt->location, "42703",
                            "column \"%s\" of relation \"%s\" does not exist", rt->name, t->name);
        for (int k = 0; k < i; k++)
            if (pl.set_cols[k] == c)
                return adp_perr(p, rt->location, "42601",
                                "multiple assignments to same column \"%s\"", rt->name);
        adp_expr *e;
        if (rt->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT)
            e = default_expr(p, &t->cols[c]);
        else if (!(e = adp_analyze(p, rt->val)) ||
                 !(e = adp_coerce_assign(p, e, &t->cols[c], adp_node_location(rt->val))))
            return false;
        pl.set_cols[i] = c;
        pl.set_exprs[i] = e;
    }
    if (!plan_returning(p, st->returning_list, st->n_returning_list, &pl.ret)) return false;
    *plp = pl;
    return true;
}

bool adp_exec_update(adp_pctx *p, PgQuery__UpdateStmt *st, pgw_buf *out)
{
    adp_modify_plan pl;
    if (!adp_plan_update(p, st, &pl)) return false;
    if (p->s->plan_only) {
        begin_returning(p, &pl.ret, out);
        return true;
    }
    return adp_run_modify(p, &pl, out);
}

static bool run_update(adp_pctx *p, const adp_modify_plan *pl, pgw_buf *out)
{
    adp_table *t = pl->table;
    adp_row **rows;
    size_t n;
    if (!matching_rows(p, pl, &rows, &n)) return false;
    begin_returning(p, &pl->ret, out);
    adp_value vals[t->ncols ? t->ncols : 1];
    for (size_t r = 0; r < n; r++) {
        adp_row *old = rows[r];
        adp_eval_ctx c = {.s = p->s, .row = old->vals};
        memcpy(vals, old->vals, (size_t)t->ncols * sizeof *vals);
        for (int i = 0; i < pl->nset; i++)
            if (!adp_eval(pl->set_exprs[i], &c, &vals[pl->set_cols[i]], p->err)) return false;
        if (!check_row(p, t, vals, old)) return false;
        adp_row *row = adp_row_new(t, vals);
        atomic_init(&row->prev, old);                 /* before a reader can find row */
        adp_undo_push(p->s, ADP_UNDO_DELETE, t, old); /* counted pending, then unindexed */
        adp_table_unindex(t, old);
        adp_table_append(t, row);
        adp_undo_push(p->s, ADP_UNDO_INSERT, t, row);
        if (!returning_row(p, &pl->ret, row->vals, out)) return false;
    }
    char tag[48];
    snprintf(tag, sizeof tag, "UPDATE %zu", n);
    pgw_be_write_command_complete(out, tag);
    return true;
}

bool adp_plan_delete(adp_pctx *p, PgQuery__DeleteStmt *st, adp_modify_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->is_delete = true;
    if (st->n_using_clause) return pgw_errorf(p->err, "0A000", "DELETE ... USING is not supported");
    return plan_modify(p, st->relation, st->with_clause, st->where_clause, pl) &&
           plan_returning(p, st->returning_list, st->n_returning_list, &pl->ret);
}

bool adp_exec_delete(adp_pctx *p, PgQuery__DeleteStmt *st, pgw_buf *out)
{
    adp_modify_plan pl;
    if (!adp_plan_delete(p, st, &pl)) return false;
    if (p->s->plan_only) {
        begin_returning(p, &pl.ret, out);
        return true;
    }
    return adp_run_modify(p, &pl, out);
}

bool adp_run_modify(adp_pctx *p, const adp_modify_plan *pl, pgw_buf *out)
{
    if (!pl->is_delete) return run_update(p, pl, out);
    adp_row **rows;
    size_t n;
    if (!matching_rows(p, pl, &rows, &n)) return false;
    begin_returning(p, &pl->ret, out);
    for (size_t r = 0; r < n; r++) {
        if (!returning_row(p, &pl->ret, rows[r]->vals, out)) return false;
        adp_undo_push(p->s, ADP_UNDO_DELETE, pl->table, rows[r]);
        adp_table_unindex(pl->table, rows[r]);
    }
    char tag[48];
    snprintf(tag, sizeof tag, "DELETE %zu", n);
    pgw_be_write_command_complete(out, tag);
    return true;
}
