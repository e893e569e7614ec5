/* adp_select_plan: SELECT parse trees to adp_select_plan (targets, WHERE, GROUP BY,
 * aggregates, HAVING, ORDER BY, LIMIT/OFFSET), with PostgreSQL's name resolution. */
#include <stdio.h>
#include <string.h>

#include "adp_exec.h"

static bool nope(adp_pctx *p, int loc, const char *what)
{
    return adp_perr(p, loc, "0A000", "%s is not supported", what);
}

static bool nope_pl(adp_pctx *p, int loc, const char *what)
{
    return adp_perr(p, loc, "0A000", "%s are not supported", what);
}

/* col = constant (or parameter) on a single-column unique index: the scan becomes one
 * hash lookup. */
static const adp_expr *key_equality(const adp_table *t, const adp_expr *e, const adp_index **ix,
                                    int *colno)
{
    if (e->kind != ADP_E_CMP || e->op != ADP_CMP_EQ) return NULL;
    const adp_expr *col = e->args[0], *val = e->args[1];
    if (col->kind != ADP_E_COL) {
        col = e->args[1];
        val = e->args[0];
    }
    if (col->kind != ADP_E_COL || (val->kind != ADP_E_CONST && val->kind != ADP_E_PARAM) ||
        (val->kind == ADP_E_CONST && val->val.isnull) ||
        t->cols[col->index].type.id != e->optype.id || val->type.id != e->optype.id)
        return NULL;
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++) {
        const adp_index *x = xs->ix[k];
        if (x->unique && x->ncols == 1 && x->cols[0] == col->index) {
            *ix = x;
            *colno = col->index;
            return val;
        }
    }
    return NULL;
}

const adp_expr *adp_find_key_lookup(const adp_table *t, const adp_expr *where, const adp_index **ix,
                                    int *col)
{
    const adp_expr *v = key_equality(t, where, ix, col);
    if (v || where->kind != ADP_E_AND) return v;
    for (int i = 0; i < where->nargs; i++)
        if ((v = key_equality(t, where->args[i], ix, col))) return v;
    return NULL;
}

static void find_key_lookup(adp_select_plan *pl)
{
    const adp_index *ix;
    int col;
    const adp_expr *v = adp_find_key_lookup(pl->table, pl->where, &ix, &col);
    if (!v) return;
    pl->lookup = ix;
    pl->lookup_col = col;
    pl->lookup_val = v->val;
    pl->lookup_param = v->kind == ADP_E_PARAM ? v->index : -1;
}

static bool check_shape(adp_pctx *p, PgQuery__SelectStmt *st)
{
    if (st->op != PG_QUERY__SET_OPERATION__SETOP_NONE) return nope(p, -1, "UNION/INTERSECT/EXCEPT");
    if (st->n_values_lists) return nope(p, -1, "VALUES as a query");
    if (st->with_clause) return nope(p, st->with_clause->location, "WITH");
    if (st->n_distinct_clause && (st->n_distinct_clause > 1 ||
                                  (st->distinct_clause[0] && st->distinct_clause[0]->node_case)))
        return nope(p, -1, "SELECT DISTINCT ON");
    if (st->into_clause) return nope(p, -1, "SELECT INTO");
    if (st->n_window_clause) return nope(p, -1, "WINDOW");
    if (st->n_locking_clause) return nope(p, -1, "SELECT FOR UPDATE/SHARE");
    if (st->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES)
        return nope(p, -1, "FETCH ... WITH TIES");
    if (st->group_distinct) return nope(p, -1, "GROUP BY DISTINCT");
    if (st->n_from_clause > 1) return nope_pl(p, -1, "joins");
    if (st->n_from_clause == 1) {
        PgQuery__Node *f = st->from_clause[0];
        if (f->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR) return nope_pl(p, -1, "joins");
        if (f->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT)
            return nope_pl(p, -1, "subqueries in FROM");
        if (f->node_case != PG_QUERY__NODE__NODE_RANGE_VAR)
            return nope(p, -1, "this kind of FROM item");
    }
    return true;
}

static void add_target(adp_pctx *p, adp_select_plan *pl, int *cap, adp_target t)
{
    if (pl->ncomputed == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        adp_target *n = adp_arena_alloc(p->a, (size_t)ncap * sizeof *n);
        if (pl->ncomputed) memcpy(n, pl->targets, (size_t)pl->ncomputed * sizeof *n);
        pl->targets = n;
        *cap = ncap;
    }
    pl->targets[pl->ncomputed++] = t;
}

static bool star_targets(adp_pctx *p, adp_select_plan *pl, int *cap, PgQuery__ColumnRef *cr)
{
    if (!p->table)
        return adp_perr(p, cr->location, "42601", "SELECT * with no tables specified is not valid");
    if (cr->n_fields == 2) {
        const char *q = cr->fields[0]->string->sval;
        if (strcmp(q, p->refname) != 0) return adp_bad_qualifier(p, q, cr->location);
    }
    for (int i = 0; i < p->table->ncols; i++) {
        adp_expr *e = adp_expr_new(p, ADP_E_COL, p->table->cols[i].type, cr->location, 0);
        e->index = i;
        add_target(p, pl, cap,
                   (adp_target){e, p->table->cols[i].name, p->table->oid, (int16_t)(i + 1)});
    }
    return true;
}

static bool is_star(PgQuery__Node *n)
{
    if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return false;
    PgQuery__ColumnRef *cr = n->column_ref;
    return cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR;
}

static bool is_input_column(adp_pctx *p, const char *name)
{
    if (!p->table) return false;
    for (int i = 0; i < p->table->ncols; i++)
        if (strcmp(p->table->cols[i].name, name) == 0) return true;
    return false;
}

/* ORDER BY / GROUP BY item -> index of a computed column (target or hidden). SQL92 rules
 * first: an output name (ORDER BY prefers it, GROUP BY prefers input columns) or an
 * ordinal; otherwise the expression (matching an existing target when equal). */
static int resolve_item(adp_pctx *p, adp_select_plan *pl, int *cap, PgQuery__Node *n, bool order_by,
                        int nvisible)
{
    const char *clause = order_by ? "ORDER BY" : "GROUP BY";
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
        n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
        const char *name = n->column_ref->fields[0]->string->sval;
        if (order_by || !is_input_column(p, name)) {
            int found = -1;
            for (int i = 0; i < nvisible; i++)
                if (strcmp(pl->targets[i].name, name) == 0) {
                    if (found >= 0 &&
                        !adp_expr_equal(pl->targets[found].expr, pl->targets[i].expr)) {
                        adp_perr(p, n->column_ref->location, "42702", "%s \"%s\" is ambiguous",
                                 clause, name);
                        return -2;
                    }
                    if (found < 0) found = i;
                }
            if (found >= 0) return found;
        }
    }
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        int pos = n->a_const->ival->ival;
        if (pos < 1 || pos > nvisible) {
            adp_perr(p, n->a_const->location, "42P10", "%s position %d is not in select list",
                     clause, pos);
            return -2;
        }
        return pos - 1;
    }
    adp_expr *e = adp_analyze(p, n);
    if (!e) return -2;
    for (int i = 0; i < pl->ncomputed; i++)
        if (adp_expr_equal(pl->targets[i].expr, e)) return i;
    add_target(p, pl, cap, (adp_target){e, NULL, 0, 0});
    return pl->ncomputed - 1;
}

static bool params_only(const adp_expr *e)
{
    if (e->kind != ADP_E_PARAM && e->kind != ADP_E_CAST && e->kind != ADP_E_CONST) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!params_only(e->args[i])) return false;
    return true;
}

static bool limit_value(adp_pctx *p, PgQuery__Node *n, const char *what, int64_t *out,
                        adp_expr **runtime)
{
    adp_pctx q = *p;
    q.table = NULL;
    q.aggs = NULL;
    q.no_agg_ctx = what;
    adp_expr *e = adp_analyze(&q, n);
    if (!e || !(e = adp_coerce(&q, e, (adp_type){ADP_T_INT8, -1}, false))) return false;
    if (e->kind != ADP_E_CONST && params_only(e)) {
        *runtime = e; /* LIMIT $1: known at execution */
        return true;
    }
    if (e->kind != ADP_E_CONST)
        return adp_perr(p, e->location, "0A000", "non-constant %s is not supported", what);
    if (e->val.isnull) return true; /* LIMIT NULL / LIMIT ALL */
    if (e->val.u.i < 0)
        return pgw_errorf(p->err, what[0] == 'L' ? "2201W" : "2201X", "%s must not be negative",
                          what);
    *out = e->val.u.i;
    return true;
}

bool adp_plan_select(adp_pctx *p, PgQuery__SelectStmt *st, adp_select_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    pl->limit = -1;
    if (!check_shape(p, st)) return false;
    if (st->n_from_clause == 1) {
        PgQuery__RangeVar *rv = st->from_clause[0]->range_var;
        if (!(pl->table = adp_resolve_table(p, rv))) return false;
        if (rv->alias && rv->alias->n_colnames)
            return nope_pl(p, rv->location, "column aliases in FROM");
        p->table = pl->table;
        p->refname = rv->alias ? rv->alias->aliasname : pl->table->name;
    }
    int cap = 0;
    p->aggs = pl;
    for (size_t i = 0; i < st->n_target_list; i++) {
        PgQuery__ResTarget *rt = st->target_list[i]->res_target;
        if (is_star(rt->val)) {
            if (!star_targets(p, pl, &cap, rt->val->column_ref)) return false;
            continue;
        }
        adp_expr *e = adp_analyze(p, rt->val);
        if (!e) return false;
        adp_target t = {e, rt->name[0] ? rt->name : adp_colname(p, rt->val), 0, 0};
        if (e->kind == ADP_E_COL) {
            t.table_oid = pl->table->oid;
            t.attnum = (int16_t)(e->index + 1);
        }
        add_target(p, pl, &cap, t);
    }
    pl->ntargets = pl->ncomputed;
    pl->distinct = st->n_distinct_clause > 0;
    if (st->where_clause) {
        p->aggs = NULL;
        p->no_agg_ctx = "WHERE";
        adp_expr *w = adp_analyze(p, st->where_clause);
        if (!w ||
            !(pl->where = adp_require_bool(p, w, "WHERE", adp_node_location(st->where_clause))))
            return false;
        find_key_lookup(pl);
    }
    bool group_empty = false;
    if (st->n_group_clause) {
        /* room for the columns a grouped primary key brings in (adp_to_grouped) */
        size_t room = st->n_group_clause + (size_t)(p->table ? p->table->ncols : 0);
        pl->group = adp_arena_alloc(p->a, room * sizeof *pl->group);
        p->aggs = NULL;
        p->no_agg_ctx = "GROUP BY";
        for (size_t i = 0; i < st->n_group_clause; i++) {
            PgQuery__Node *g = st->group_clause[i];
            if (g->node_case == PG_QUERY__NODE__NODE_GROUPING_SET) {
                /* GROUP BY () is one group over everything; other sets are not supported */
                if (g->grouping_set->kind != PG_QUERY__GROUPING_SET_KIND__GROUPING_SET_EMPTY)
                    return nope_pl(p, g->grouping_set->location, "GROUPING SETS, ROLLUP and CUBE");
                group_empty = true;
                continue;
            }
            int before = pl->ncomputed;
            int k = resolve_item(p, pl, &cap, g, false, pl->ntargets);
            if (k < 0) return false;
            pl->group[pl->ngroup++] = pl->targets[k].expr;
            pl->ncomputed = before; /* a GROUP BY-only expression is not an output column */
        }
    }
    p->aggs = pl;
    if (st->having_clause) {
        adp_expr *h = adp_analyze(p, st->having_clause);
        if (!h ||
            !(pl->having = adp_require_bool(p, h, "HAVING", adp_node_location(st->having_clause))))
            return false;
    }
    if (st->n_sort_clause) {
        pl->nsort = (int)st->n_sort_clause;
        pl->sort = adp_arena_alloc(p->a, (size_t)pl->nsort * sizeof *pl->sort);
        for (int i = 0; i < pl->nsort; i++) {
            PgQuery__SortBy *sb = st->sort_clause[i]->sort_by;
            if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
                return nope(p, sb->location, "ORDER BY USING");
            int k = resolve_item(p, pl, &cap, sb->node, true, pl->ntargets);
            if (k < 0) return false;
            if (pl->distinct && k >= pl->ntargets)
                return adp_perr(
                    p, adp_node_location(sb->node), "42P10",
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
            bool desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
            bool nf = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                      (desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
            pl->sort[i] = (adp_sort_key){k, desc, nf};
        }
    }
    pl->grouped = pl->ngroup > 0 || pl->naggs > 0 || pl->having || group_empty;
    if (pl->grouped) {
        for (int i = 0; i < pl->ncomputed; i++)
            if (!(pl->targets[i].expr = adp_to_grouped(p, pl, pl->targets[i].expr))) return false;
        if (pl->having && !(pl->having = adp_to_grouped(p, pl, pl->having))) return false;
    }
    for (int i = 0; i < pl->ncomputed; i++) {
        adp_expr *e = pl->targets[i].expr;
        if (e->type.id == ADP_T_UNKNOWN && !(p->keep_unknown && i < pl->ntargets) &&
            !(pl->targets[i].expr = adp_coerce(p, e, (adp_type){ADP_T_TEXT, -1}, false)))
            return false;
    }
    /* the planner's constant folding, after every analysis error could have been raised */
    for (int i = 0; i < pl->ncomputed; i++)
        if (!adp_fold_expr(p, &pl->targets[i].expr)) return false;
    if (!adp_fold_expr(p, &pl->where) || !adp_fold_expr(p, &pl->having)) return false;
    for (int i = 0; i < pl->naggs; i++) /* those only HAVING or ORDER BY use */
        if (!adp_fold_expr(p, &pl->aggs[i].arg) || !adp_fold_expr(p, &pl->aggs[i].filter))
            return false;
    for (int i = 0; i < pl->ngroup; i++) /* GROUP BY expressions no target shows */
        if (!adp_fold_expr(p, &pl->group[i])) return false;
    if (st->limit_count && !limit_value(p, st->limit_count, "LIMIT", &pl->limit, &pl->limit_expr))
        return false;
    if (st->limit_offset &&
        !limit_value(p, st->limit_offset, "OFFSET", &pl->offset, &pl->offset_expr))
        return false;
    return true;
}
