/* adp_analyze_cond: conditional expressions: CASE, COALESCE, NULLIF, GREATEST/LEAST,
 * IS [NOT] DISTINCT FROM and IS [NOT] TRUE/FALSE/UNKNOWN. */
#include "adp_analyze.h"

#include <string.h>

static const adp_type T_TEXT = {ADP_T_TEXT, -1};
static const adp_type T_UNKNOWN = {ADP_T_UNKNOWN, -1};

static bool is_case_result(const adp_expr *e, int i, int n)
{
    return (e->flag && i == n - 1) || (i % 2 == 1 && !(e->flag && i == n - 1));
}

adp_expr *adp_analyze_case(adp_pctx *p, PgQuery__CaseExpr *c)
{
    int n = (int)c->n_args * 2 + (c->defresult ? 1 : 0);
    adp_expr *e = adp_expr_new(p, ADP_E_CASE, T_UNKNOWN, c->location, n);
    e->flag = c->defresult != NULL;
    adp_expr *arg = NULL;
    if (c->arg && !(arg = adp_analyze(p, c->arg))) return NULL;
    adp_type common = T_UNKNOWN;
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
    for (int i = 0; i < n; i++) {
        if (!is_case_result(e, i, n)) continue;
        adp_type t = e->args[i]->type;
        if (common.id == ADP_T_UNKNOWN)
            common = t;
        else if (t.id != ADP_T_UNKNOWN && !adp_type_common(common, t, "=", &common, p->err)) {
            adp_perr(p, e->args[i]->location, "42804", "CASE types %s and %s cannot be matched",
                     adp_tname(p, common), adp_tname(p, t));
            return NULL;
        }
    }
    if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
    for (int i = 0; i < n; i++)
        if (is_case_result(e, i, n) && !(e->args[i] = adp_coerce(p, e->args[i], common, false)))
            return NULL;
    e->type = common;
    return e;
}

adp_expr *adp_analyze_coalesce(adp_pctx *p, PgQuery__CoalesceExpr *c)
{
    int n = (int)c->n_args;
    adp_expr *e = adp_expr_new(p, ADP_E_COALESCE, T_UNKNOWN, c->location, n);
    adp_type common = T_UNKNOWN;
    for (int i = 0; i < n; i++) {
        if (!(e->args[i] = adp_analyze(p, c->args[i]))) return NULL;
        adp_type t = e->args[i]->type;
        if (common.id == ADP_T_UNKNOWN)
            common = t;
        else if (t.id != ADP_T_UNKNOWN && !adp_type_common(common, t, "=", &common, p->err)) {
            adp_perr(p, e->args[i]->location, "42804", "COALESCE types %s and %s cannot be matched",
                     adp_tname(p, common), adp_tname(p, t));
            return NULL;
        }
    }
    if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
    for (int i = 0; i < n; i++)
        if (!(e->args[i] = adp_coerce(p, e->args[i], common, false))) return NULL;
    e->type = common;
    return e;
}

/* Common type of several expressions (CASE/COALESCE/GREATEST rules), coercing them all. */
static bool common_coerce(adp_pctx *p, adp_expr **args, int n, const char *what, adp_type *out)
{
    adp_type common = T_UNKNOWN;
    for (int i = 0; i < n; i++) {
        adp_type t = args[i]->type;
        if (common.id == ADP_T_UNKNOWN)
            common = t;
        else if (t.id != ADP_T_UNKNOWN && !adp_type_common(common, t, "=", &common, p->err))
            return adp_perr(p, args[i]->location, "42804", "%s types %s and %s cannot be matched",
                            what, adp_tname(p, common), adp_tname(p, t));
    }
    if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
    common.typmod = -1;
    for (int i = 0; i < n; i++)
        if (!(args[i] = adp_coerce(p, args[i], common, false))) return false;
    *out = common;
    return true;
}

adp_expr *adp_analyze_minmax(adp_pctx *p, PgQuery__MinMaxExpr *m)
{
    adp_expr *e = adp_expr_new(p, ADP_E_MINMAX, T_UNKNOWN, m->location, (int)m->n_args);
    e->op = m->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
    for (size_t i = 0; i < m->n_args; i++)
        if (!(e->args[i] = adp_analyze(p, m->args[i]))) return NULL;
    if (!common_coerce(p, e->args, e->nargs, e->op ? "GREATEST" : "LEAST", &e->type)) return NULL;
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

adp_expr *adp_analyze_distinct(adp_pctx *p, int kind, adp_expr *l, adp_expr *r, int loc)
{
    adp_expr *cmp = adp_compare(p, "=", l, r, loc);
    if (!cmp) return NULL;
    if (kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
        /* CASE WHEN l = r THEN NULL ELSE l END, typed as the (promoted) left operand */
        adp_expr *e = adp_expr_new(p, ADP_E_CASE, cmp->args[0]->type, loc, 3);
        e->flag = true;
        e->args[0] = cmp;
        e->args[1] = adp_expr_new(p, ADP_E_CONST, cmp->args[0]->type, loc, 0);
        e->args[1]->val.isnull = true;
        e->args[2] = cmp->args[0];
        return e;
    }
    cmp->kind = ADP_E_DISTINCT;
    cmp->flag = kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT;
    return cmp;
}
