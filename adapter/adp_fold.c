/* adp_fold: constant folding at plan time, as PostgreSQL's planner does it after the whole
 * statement is analyzed: immutable operations on constants are computed once, so their
 * errors come after every analysis error and before any row is read, even in a CASE arm
 * no row takes; CASE arms with a constant false/NULL condition, COALESCE arguments after a
 * non-NULL constant and AND/OR arguments after a deciding constant are dropped unlooked
 * at. Stable operations (conversions to or from timestamptz, date/time text forms, now(),
 * settings) are left for execution, as PostgreSQL leaves them. */
#include <string.h>

#include "adp_exec.h"

static bool is_const(const adp_expr *e)
{
    return e->kind == ADP_E_CONST;
}

static bool is_bool(const adp_expr *e, bool v)
{
    return is_const(e) && !e->val.isnull && e->type.id == ADP_T_BOOL && e->val.u.b == v;
}

static bool datetime(adp_type_id t)
{
    return t == ADP_T_DATE || t == ADP_T_TIMESTAMP || t == ADP_T_TIMESTAMPTZ;
}

static bool textual(adp_type_id t)
{
    return adp_type_is_string(t) || t == ADP_T_BYTEA;
}

bool adp_cast_immutable(adp_type_id from, adp_type_id to)
{
    /* to or from timestamptz follows TimeZone (comparing two is immutable) */
    if ((from == ADP_T_TIMESTAMPTZ) != (to == ADP_T_TIMESTAMPTZ)) return false;
    /* date/time text forms follow DateStyle; bytea's follow bytea_output */
    if ((datetime(from) && textual(to)) || (textual(from) && datetime(to))) return false;
    if ((from == ADP_T_BYTEA) != (to == ADP_T_BYTEA)) return false;
    return true;
}

/* Whether PostgreSQL's functions behind this node are immutable (children aside). */
static bool immutable(const adp_expr *e)
{
    switch (e->kind) {
    case ADP_E_CAST:
        return adp_cast_immutable(e->args[0]->type.id, e->type.id);
    case ADP_E_FUNC:
        switch ((adp_func_id)e->op) {
        case ADP_F_LOWER:
        case ADP_F_UPPER:
        case ADP_F_LENGTH:
        case ADP_F_ABS:
        case ADP_F_ROUND:
        case ADP_F_SUBSTR:
        case ADP_F_STRPOS:
        case ADP_F_REPLACE:
        case ADP_F_BTRIM:
        case ADP_F_LTRIM:
        case ADP_F_RTRIM:
        case ADP_F_LEFT:
        case ADP_F_RIGHT:
        case ADP_F_REPEAT:
        case ADP_F_REVERSE:
            return true;
        default:
            return false; /* now(), settings, concat() (output functions) */
        }
    case ADP_E_ARITH:
    case ADP_E_NEG:
    case ADP_E_CMP:
    case ADP_E_LIKE:
    case ADP_E_CONCAT:
    case ADP_E_IN:
    case ADP_E_DISTINCT:
    case ADP_E_NULLTEST:
    case ADP_E_BOOLTEST:
    case ADP_E_MINMAX:
    case ADP_E_NOT:
        return true;
    default:
        return false;
    }
}

static adp_expr *make_const(adp_pctx *p, const adp_expr *e, adp_value v)
{
    adp_expr *c = adp_expr_new(p, ADP_E_CONST, e->type, e->location, 0);
    c->val = v;
    return c;
}

static adp_expr *bool_const(adp_pctx *p, const adp_expr *e, bool b)
{
    adp_value v = {.isnull = false};
    v.u.b = b;
    return make_const(p, e, v);
}

static adp_expr *fold(adp_pctx *p, adp_expr *e);

static adp_expr *fold_case(adp_pctx *p, adp_expr *e)
{
    int pairs = e->flag ? (e->nargs - 1) / 2 : e->nargs / 2, keep = 0;
    for (int i = 0; i < pairs; i++) {
        adp_expr *cond = fold(p, e->args[2 * i]);
        if (!cond) return NULL;
        if (is_const(cond) && (cond->val.isnull || !cond->val.u.b)) continue; /* never taken */
        adp_expr *res = fold(p, e->args[2 * i + 1]);
        if (!res) return NULL;
        if (is_bool(cond, true)) {
            if (keep == 0) return res;
            e->args[2 * keep] = res; /* becomes the ELSE: later arms are never reached */
            e->nargs = 2 * keep + 1;
            e->flag = true;
            return e;
        }
        e->args[2 * keep] = cond;
        e->args[2 * keep + 1] = res;
        keep++;
    }
    adp_expr *els = e->flag ? fold(p, e->args[e->nargs - 1]) : NULL;
    if (e->flag && !els) return NULL;
    if (keep == 0) {
        if (els) return els;
        adp_value v = {.isnull = true};
        return make_const(p, e, v);
    }
    if (els) e->args[2 * keep] = els;
    e->nargs = 2 * keep + (els ? 1 : 0);
    return e;
}

static adp_expr *fold(adp_pctx *p, adp_expr *e)
{
    switch (e->kind) {
    case ADP_E_CONST:
    case ADP_E_COL:
        return e;
    case ADP_E_GROUPKEY:
        /* the GROUP BY expression is folded where it stands in the target list */
        if (p->aggs && e->index < p->aggs->ngroup && !adp_fold_expr(p, &p->aggs->group[e->index]))
            return NULL;
        return e;
    case ADP_E_AGG:
        /* its input is folded where the aggregate stands, as in PostgreSQL's target list */
        if (p->aggs && e->index < p->aggs->naggs) {
            adp_agg *ag = &p->aggs->aggs[e->index];
            if (!adp_fold_expr(p, &ag->arg) || !adp_fold_expr(p, &ag->filter)) return NULL;
        }
        return e;
    case ADP_E_CASE:
        return fold_case(p, e);
    case ADP_E_COALESCE: {
        int keep = 0;
        for (int i = 0; i < e->nargs; i++) {
            adp_expr *a = fold(p, e->args[i]);
            if (!a) return NULL;
            if (is_const(a) && a->val.isnull) continue;
            e->args[keep++] = a;
            if (is_const(a)) break; /* the rest are never looked at */
        }
        if (keep == 0) {
            adp_value v = {.isnull = true};
            return make_const(p, e, v);
        }
        if (keep == 1) return e->args[0];
        e->nargs = keep;
        return e;
    }
    case ADP_E_AND:
    case ADP_E_OR: {
        /* a false (true) argument decides an AND (OR): the rest go unlooked at */
        bool and = e->kind == ADP_E_AND;
        int keep = 0;
        for (int i = 0; i < e->nargs; i++) {
            adp_expr *a = fold(p, e->args[i]);
            if (!a) return NULL;
            if (is_bool(a, !and)) return bool_const(p, e, !and);
            if (is_bool(a, and)) continue;
            e->args[keep++] = a;
        }
        if (keep == 0) return bool_const(p, e, and);
        if (keep == 1) return e->args[0];
        e->nargs = keep;
        return e;
    }
    default:
        break;
    }
    bool all_const = true;
    for (int i = 0; i < e->nargs; i++) {
        if (!(e->args[i] = fold(p, e->args[i]))) return NULL;
        all_const &= is_const(e->args[i]);
    }
    adp_expr *n = adp_fold_nulls(p, e);
    if (n != e || !all_const || !immutable(e)) return n;
    adp_eval_ctx c = {.s = p->s};
    adp_value v;
    if (!adp_eval(e, &c, &v, p->err)) {
        /* a statement prepared with Parse is planned by PostgreSQL at Bind: its error
         * belongs to the execution, which will meet it if it gets there */
        if (!p->s->plan_only) return NULL;
        pgw_error_clear(p->err);
        p->err->message[0] = p->err->detail[0] = p->err->hint[0] = 0;
        p->err->position = 0;
        return n;
    }
    if (!v.isnull && (adp_type_is_string(e->type.id) || e->type.id == ADP_T_BYTEA ||
                      e->type.id == ADP_T_NUMERIC)) {
        /* the plan may outlive the statement's arena (prepared statements keep theirs) */
        char *copy = adp_arena_alloc(p->a, v.u.s.len ? v.u.s.len : 1);
        memcpy(copy, v.u.s.p, v.u.s.len);
        v.u.s.p = copy;
    }
    return make_const(p, e, v);
}

bool adp_fold_expr(adp_pctx *p, adp_expr **e)
{
    if (!*e) return true;
    adp_expr *f = fold(p, *e);
    if (!f) return false;
    *e = f;
    return true;
}
