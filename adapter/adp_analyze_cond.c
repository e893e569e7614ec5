/* adp_analyze_cond: conditional expressions: CASE, COALESCE, NULLIF, GREATEST/LEAST,
 * IS [NOT] DISTINCT FROM and IS [NOT] TRUE/FALSE/UNKNOWN. */
#include "adp_analyze.h"

#include <string.h>

static const adp_type T_TEXT = {ADP_T_TEXT, -1};
static const adp_type T_UNKNOWN = {ADP_T_UNKNOWN, -1};

/* PostgreSQL's select_common_type over *args[0..n) in that order (CASE puts its ELSE
 * first), then coerces each: `what` names the construct in errors (42804 at the operand
 * that does not match). The typmod survives only when every operand has the same one. */
static bool common_coerce(adp_pctx *p, adp_expr **args[], int n, const char *what, adp_type *out)
{
    adp_type common = T_UNKNOWN;
    bool same_mod = true;
    for (int i = 0; i < n; i++) {
        adp_type t = (*args[i])->type;
        same_mod &= t.id != ADP_T_UNKNOWN && t.typmod == (*args[0])->type.typmod;
        if (common.id == ADP_T_UNKNOWN)
            common = t;
        else if (t.id != ADP_T_UNKNOWN && !adp_type_common(common, t, what, &common, p->err)) {
            adp_set_pos(p, (*args[i])->location);
            return false;
        }
    }
    if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
    common.typmod = same_mod ? (*args[0])->type.typmod : -1;
    for (int i = 0; i < n; i++)
        if (!(*args[i] = adp_coerce(p, *args[i], common, false))) return false;
    *out = common;
    return true;
}

adp_expr *adp_analyze_case(adp_pctx *p, PgQuery__CaseExpr *c)
{
    int n = (int)c->n_args * 2 + (c->defresult ? 1 : 0);
    adp_expr *e = adp_expr_new(p, ADP_E_CASE, T_UNKNOWN, c->location, n);
    e->flag = c->defresult != NULL;
    adp_expr *arg = NULL;
    if (c->arg && !(arg = adp_analyze(p, c->arg))) return NULL;
    for (size_t i = 0; i < c->n_args; i++) {
        PgQuery__CaseWhen *w = c->args[i]->case_when;
        adp_expr *cond = adp_analyze(p, w->expr);
        if (!cond) return NULL;
        if (arg && !(cond = adp_compare(p, "=", arg, cond, w->location))) return NULL;
        if (!(cond = adp_require_bool(p, cond, "CASE/WHEN", adp_node_location(w->expr))))
            return NULL;
        e->args[2 * i] = cond;
        if (!(e->args[2 * i + 1] = adp_analyze(p, w->result))) return NULL;
    }
    if (c->defresult && !(e->args[n - 1] = adp_analyze(p, c->defresult))) return NULL;
    /* the ELSE result counts first, as in PostgreSQL: its type is preferred */
    int nres = 0;
    adp_expr ***res = adp_arena_alloc(p->a, ((size_t)c->n_args + 1) * sizeof *res);
    if (c->defresult) res[nres++] = &e->args[n - 1];
    for (size_t i = 0; i < c->n_args; i++)
        res[nres++] = &e->args[2 * i + 1];
    if (!common_coerce(p, res, nres, "CASE", &e->type)) return NULL;
    return e;
}

static adp_expr ***arg_refs(adp_pctx *p, adp_expr *e)
{
    adp_expr ***refs = adp_arena_alloc(p->a, (size_t)(e->nargs ? e->nargs : 1) * sizeof *refs);
    for (int i = 0; i < e->nargs; i++)
        refs[i] = &e->args[i];
    return refs;
}

adp_expr *adp_analyze_coalesce(adp_pctx *p, PgQuery__CoalesceExpr *c)
{
    int n = (int)c->n_args;
    adp_expr *e = adp_expr_new(p, ADP_E_COALESCE, T_UNKNOWN, c->location, n);
    for (int i = 0; i < n; i++)
        if (!(e->args[i] = adp_analyze(p, c->args[i]))) return NULL;
    if (!common_coerce(p, arg_refs(p, e), n, "COALESCE", &e->type)) return NULL;
    return e;
}

adp_expr *adp_analyze_minmax(adp_pctx *p, PgQuery__MinMaxExpr *m)
{
    adp_expr *e = adp_expr_new(p, ADP_E_MINMAX, T_UNKNOWN, m->location, (int)m->n_args);
    e->op = m->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
    for (size_t i = 0; i < m->n_args; i++)
        if (!(e->args[i] = adp_analyze(p, m->args[i]))) return NULL;
    if (!common_coerce(p, arg_refs(p, e), e->nargs, e->op ? "GREATEST" : "LEAST", &e->type))
        return NULL;
    e->optype = e->type;
    return e;
}

adp_expr *adp_analyze_booltest(adp_pctx *p, PgQuery__BooleanTest *b)
{
    static const char *names[] = {
        "", "IS TRUE", "IS NOT TRUE", "IS FALSE", "IS NOT FALSE", "IS UNKNOWN", "IS NOT UNKNOWN"};
    adp_expr *arg = adp_analyze(p, b->arg);
    if (!arg ||
        !(arg = adp_require_bool(p, arg, names[b->booltesttype], adp_node_location(b->arg))))
        return NULL;
    adp_expr *e = adp_expr_new(p, ADP_E_BOOLTEST, (adp_type){ADP_T_BOOL, -1}, b->location, 1);
    int k =
        (int)b->booltesttype - 1; /* 0..5: true, not true, false, not false, unknown, not unknown */
    e->op = k / 2;
    e->flag = k % 2;
    e->args[0] = arg;
    return e;
}

static bool same_family(adp_type_id a, adp_type_id b)
{
    /* float4 = float8 takes every other number by an implicit cast: real stays real */
    if (a == ADP_T_FLOAT4 && adp_type_is_numeric(b)) return true;
    static const adp_type_id fam[][3] = {{ADP_T_INT2, ADP_T_INT4, ADP_T_INT8},
                                         {ADP_T_FLOAT4, ADP_T_FLOAT8, ADP_T_FLOAT8},
                                         {ADP_T_DATE, ADP_T_TIMESTAMP, ADP_T_TIMESTAMPTZ}};
    for (int f = 0; f < 3; f++) {
        bool ha = false, hb = false;
        for (int i = 0; i < 3; i++)
            ha |= fam[f][i] == a, hb |= fam[f][i] == b;
        if (ha && hb) return true;
    }
    return false;
}

adp_expr *adp_analyze_distinct(adp_pctx *p, int kind, adp_expr *l, adp_expr *r, int loc)
{
    adp_expr *cmp = adp_compare(p, "=", l, r, loc);
    if (!cmp) return NULL;
    if (kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
        /* CASE WHEN l = r THEN NULL ELSE l END, typed as the = operator's left input:
         * PostgreSQL has = across the integers, the floats and the date/time types, so
         * there l keeps its own type (nullif(int2, int4) is smallint); otherwise l is
         * converted first */
        adp_expr *left = cmp->args[0];
        if (same_family(l->type.id, r->type.id)) left = l;
        adp_expr *e = adp_expr_new(p, ADP_E_CASE, left->type, loc, 3);
        e->flag = true;
        e->args[0] = cmp;
        e->args[1] = adp_expr_new(p, ADP_E_CONST, left->type, loc, 0);
        e->args[1]->val.isnull = true;
        e->args[2] = left;
        return e;
    }
    cmp->kind = ADP_E_DISTINCT;
    cmp->flag = kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT;
    return cmp;
}

static bool has_column(const adp_expr *e)
{
    if (e->kind == ADP_E_COL || e->kind == ADP_E_GROUPKEY || e->kind == ADP_E_AGG) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_column(e->args[i])) return true;
    return false;
}

/* x IN (list) as PostgreSQL's transformAExprIn builds it: the items without columns,
 * when there are several, compare with x in their common type (select_common_type, as
 * for CASE: real and int give real); every other item is its own x = item, ORed. */
adp_expr *adp_analyze_in(adp_pctx *p, adp_expr *l, PgQuery__List *list, bool negate, int loc)
{
    int n = (int)list->n_items, nconst = 0;
    adp_expr **items = adp_arena_alloc(p->a, (size_t)n * sizeof *items);
    for (int i = 0; i < n; i++) {
        if (!(items[i] = adp_analyze(p, list->items[i]))) return NULL;
        nconst += !has_column(items[i]);
    }
    adp_expr *in = NULL;
    if (nconst > 1) {
        adp_type common = l->type;
        bool ok = true;
        pgw_error save = *p->err;
        for (int i = 0; i < n && ok; i++)
            if (!has_column(items[i]))
                ok = adp_type_common(common, items[i]->type, "IN", &common, p->err);
        *p->err = save; /* no common type: each item gets its own = below */
        if (ok) {
            if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
            common.typmod = -1;
            in = adp_expr_new(p, ADP_E_IN, (adp_type){ADP_T_BOOL, -1}, loc, nconst + 1);
            in->optype = common;
            if (!(in->args[0] = adp_coerce(p, l, common, false))) return NULL;
            for (int i = 0, k = 1; i < n; i++)
                if (!has_column(items[i]) &&
                    !(in->args[k++] = adp_coerce(p, items[i], common, false)))
                    return NULL;
        }
    }
    /* NOT IN is <> ALL: the list part negated, the others compared with <> and ANDed */
    adp_expr *e = in;
    if (in && negate) {
        e = adp_expr_new(p, ADP_E_NOT, (adp_type){ADP_T_BOOL, -1}, loc, 1);
        e->args[0] = in;
    }
    for (int i = 0; i < n; i++) {
        if (in && !has_column(items[i])) continue;
        adp_expr *cmp = adp_compare(p, negate ? "<>" : "=", l, items[i], loc);
        if (!cmp) return NULL;
        if (!e) {
            e = cmp;
            continue;
        }
        adp_expr *j =
            adp_expr_new(p, negate ? ADP_E_AND : ADP_E_OR, (adp_type){ADP_T_BOOL, -1}, loc, 2);
        j->args[0] = e;
        j->args[1] = cmp;
        e = j;
    }
    return e;
}

static bool is_null_const(const adp_expr *e)
{
    return e->kind == ADP_E_CONST && e->val.isnull;
}

static bool is_bool_const(const adp_expr *e, bool v)
{
    return e->kind == ADP_E_CONST && !e->val.isnull && e->type.id == ADP_T_BOOL && e->val.u.b == v;
}

static adp_expr *null_of(adp_pctx *p, const adp_expr *e)
{
    adp_expr *c = adp_expr_new(p, ADP_E_CONST, e->type, e->location, 0);
    c->val.isnull = true;
    return c;
}

adp_expr *adp_fold_nulls(adp_pctx *p, adp_expr *e)
{
    if (!e) return NULL;
    switch (e->kind) {
    case ADP_E_CAST:
    case ADP_E_ARITH:
    case ADP_E_NEG:
    case ADP_E_CMP:
    case ADP_E_LIKE:
    case ADP_E_CONCAT:
        break;
    case ADP_E_FUNC:
        if (e->op == ADP_F_CONCAT) return e; /* concat() skips NULLs */
        break;
    case ADP_E_CASE: {
        /* arms whose condition is a constant false or NULL go, unlooked at; a constant
         * true one ends the CASE */
        int pairs = e->flag ? (e->nargs - 1) / 2 : e->nargs / 2, keep = 0;
        for (int i = 0; i < pairs; i++) {
            adp_expr *cond = e->args[2 * i], *res = e->args[2 * i + 1];
            if (is_null_const(cond) || is_bool_const(cond, false)) continue;
            if (is_bool_const(cond, true) && keep == 0) return res;
            e->args[2 * keep] = cond;
            e->args[2 * keep + 1] = res;
            keep++;
            if (is_bool_const(cond, true)) { /* later arms are never reached */
                e->args[2 * keep] = res;
                e->nargs = 2 * keep + 1;
                e->flag = true;
                return e;
            }
        }
        adp_expr *els = e->flag ? e->args[e->nargs - 1] : NULL;
        if (keep == 0) return els ? els : null_of(p, e);
        if (els) e->args[2 * keep] = els;
        e->nargs = 2 * keep + (els ? 1 : 0);
        return e;
    }
    case ADP_E_COALESCE: {
        /* NULL constants go; nothing after a non-NULL constant is ever looked at */
        int keep = 0;
        for (int i = 0; i < e->nargs; i++) {
            if (is_null_const(e->args[i])) continue;
            e->args[keep++] = e->args[i];
            if (e->args[i]->kind == ADP_E_CONST) break;
        }
        if (keep == 0) return null_of(p, e);
        if (keep == 1) return e->args[0];
        e->nargs = keep;
        return e;
    }
    default:
        return e;
    }
    /* a strict operation with a NULL constant input is NULL, whatever the others are */
    for (int i = 0; i < e->nargs; i++)
        if (is_null_const(e->args[i])) return null_of(p, e);
    return e;
}
