/* adp_analyze: parse-tree expressions to typed adp_expr trees, with PostgreSQL's type
 * resolution, error messages and error positions. */
#include "adp_analyze.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const adp_type T_BOOL = {ADP_T_BOOL, -1};
static const adp_type T_TEXT = {ADP_T_TEXT, -1};
static const adp_type T_INT4 = {ADP_T_INT4, -1};
static const adp_type T_INT8 = {ADP_T_INT8, -1};
static const adp_type T_NUMERIC = {ADP_T_NUMERIC, -1};
static const adp_type T_UNKNOWN = {ADP_T_UNKNOWN, -1};

static const char *strval(PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : "";
}

bool adp_bad_qualifier(adp_pctx *p, const char *qual, int loc)
{
    if (p->table && strcmp(qual, p->table->name) == 0) {
        adp_perr(p, loc, "42P01", "invalid reference to FROM-clause entry for table \"%s\"", qual);
        pgw_error_hint(p->err, "Perhaps you meant to reference the table alias \"%s\".",
                       p->refname);
        return false;
    }
    return adp_perr(p, loc, "42P01", "missing FROM-clause entry for table \"%s\"", qual);
}

static adp_expr *column_ref(adp_pctx *p, PgQuery__ColumnRef *cr)
{
    const char *qual = NULL, *name;
    if (cr->n_fields == 1)
        name = strval(cr->fields[0]);
    else if (cr->n_fields == 2) {
        qual = strval(cr->fields[0]);
        name = strval(cr->fields[1]);
    } else {
        adp_perr(p, cr->location, "0A000",
                 "qualified names with more than two parts are not supported");
        return NULL;
    }
    if (cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
        adp_perr(p, cr->location, "0A000", "* is not supported in this position");
        return NULL;
    }
    if (qual && (!p->table || strcmp(qual, p->refname) != 0)) {
        adp_bad_qualifier(p, qual, cr->location);
        return NULL;
    }
    if (p->table)
        for (int i = 0; i < p->table->ncols; i++)
            if (strcmp(p->table->cols[i].name, name) == 0) {
                adp_expr *e = adp_expr_new(p, ADP_E_COL, p->table->cols[i].type, cr->location, 0);
                e->index = i;
                return e;
            }
    if (qual)
        adp_perr(p, cr->location, "42703", "column %s.%s does not exist", qual, name);
    else if (p->table && strcmp(name, p->refname) == 0)
        adp_perr(p, cr->location, "0A000", "whole-row references are not supported");
    else
        adp_perr(p, cr->location, "42703", "column \"%s\" does not exist", name);
    return NULL;
}

static adp_expr *a_const(adp_pctx *p, PgQuery__AConst *c)
{
    adp_expr *e = adp_expr_new(p, ADP_E_CONST, T_UNKNOWN, c->location, 0);
    if (c->isnull) {
        e->val.isnull = true;
        return e;
    }
    switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        e->type = T_INT4;
        e->val.u.i = c->ival->ival;
        return e;
    case PG_QUERY__A__CONST__VAL_FVAL: {
        const char *s = c->fval->fval;
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno == 0 && *end == 0) {
            e->type = (v >= INT32_MIN && v <= INT32_MAX) ? T_INT4 : T_INT8;
            e->val.u.i = v;
            return e;
        }
        e->type = T_NUMERIC;
        if (!adp_value_in(T_NUMERIC, s, strlen(s), &p->s->fmt, p->a, &e->val, p->err)) {
            adp_set_pos(p, c->location);
            return NULL;
        }
        return e;
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        e->type = T_BOOL;
        e->val.u.b = c->boolval->boolval;
        return e;
    case PG_QUERY__A__CONST__VAL_SVAL:
        e->val.u.s.p = c->sval->sval;
        e->val.u.s.len = (uint32_t)strlen(c->sval->sval);
        return e;
    default:
        adp_perr(p, c->location, "0A000", "bit string literals are not supported");
        return NULL;
    }
}

static adp_expr *binary_op(adp_pctx *p, const char *op, adp_expr *l, adp_expr *r, int loc);

static adp_expr *bool_node(adp_pctx *p, adp_expr_kind k, adp_expr *l, adp_expr *r, int loc)
{
    adp_expr *e = adp_expr_new(p, k, T_BOOL, loc, 2);
    e->args[0] = l;
    e->args[1] = r;
    return e;
}

adp_expr *adp_compare(adp_pctx *p, const char *op, adp_expr *l, adp_expr *r, int loc)
{
    static const struct {
        const char *name;
        adp_cmp_op op;
    } ops[] = {{"=", ADP_CMP_EQ},  {"<>", ADP_CMP_NE}, {"<", ADP_CMP_LT},
               {"<=", ADP_CMP_LE}, {">", ADP_CMP_GT},  {">=", ADP_CMP_GE}};
    adp_type common;
    if (!adp_type_common(l->type, r->type, op, &common, p->err)) {
        adp_set_pos(p, loc);
        return NULL;
    }
    if (common.id == ADP_T_UNKNOWN) common = T_TEXT;
    common.typmod = -1;
    if (!(l = adp_coerce(p, l, common, false)) || !(r = adp_coerce(p, r, common, false)))
        return NULL;
    adp_expr *e = bool_node(p, ADP_E_CMP, l, r, loc);
    e->optype = common;
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++)
        if (strcmp(op, ops[i].name) == 0) e->op = (int)ops[i].op;
    return e;
}

static adp_expr *concat(adp_pctx *p, adp_expr *l, adp_expr *r, int loc)
{
    bool ls = adp_type_is_string(l->type.id), rs = adp_type_is_string(r->type.id);
    adp_type rt = T_TEXT;
    if ((l->type.id == ADP_T_BYTEA || l->type.id == ADP_T_UNKNOWN) &&
        (r->type.id == ADP_T_BYTEA || r->type.id == ADP_T_UNKNOWN) && l->type.id != r->type.id) {
        rt = (adp_type){ADP_T_BYTEA, -1}; /* byteacat; an untyped literal becomes bytea */
    } else if (l->type.id == ADP_T_BYTEA && r->type.id == ADP_T_BYTEA) {
        rt = (adp_type){ADP_T_BYTEA, -1};
    } else if (!ls && !rs) {
        adp_perr(p, loc, "42883", "operator does not exist: %s || %s", adp_tname(p, l->type),
                 adp_tname(p, r->type));
        pgw_error_hint(p->err, "No operator matches the given name and argument types. You "
                               "might need to add explicit type casts.");
        return NULL;
    }
    /* textanycat/anytextcat convert the other side as a cast to text does (bool is
     * "true", not its output "t") */
    if (!adp_type_is_string(l->type.id) || l->type.id == ADP_T_UNKNOWN)
        if (!(l = adp_coerce(p, l, rt, rt.id == ADP_T_TEXT))) return NULL;
    if (!adp_type_is_string(r->type.id) || r->type.id == ADP_T_UNKNOWN)
        if (!(r = adp_coerce(p, r, rt, rt.id == ADP_T_TEXT))) return NULL;
    adp_expr *e = adp_expr_new(p, ADP_E_CONCAT, rt, loc, 2);
    e->args[0] = l;
    e->args[1] = r;
    return e;
}

static adp_expr *binary_op(adp_pctx *p, const char *op, adp_expr *l, adp_expr *r, int loc)
{
    if (!strcmp(op, "=") || !strcmp(op, "<>") || !strcmp(op, "!=") || !strcmp(op, "<") ||
        !strcmp(op, "<=") || !strcmp(op, ">") || !strcmp(op, ">="))
        return adp_compare(p, strcmp(op, "!=") == 0 ? "<>" : op, l, r, loc);
    if (!strcmp(op, "||")) return concat(p, l, r, loc);
    if (strlen(op) == 1 && strchr("+-*/%", op[0])) {
        adp_type lc, rc, res;
        if (!adp_arith_resolve(op[0], l->type, r->type, &lc, &rc, &res, p->err)) {
            adp_set_pos(p, loc);
            return NULL;
        }
        if (!(l = adp_coerce(p, l, lc, false)) || !(r = adp_coerce(p, r, rc, false))) return NULL;
        adp_expr *e = adp_expr_new(p, ADP_E_ARITH, res, loc, 2);
        e->op = op[0];
        e->optype = lc;
        e->args[0] = l;
        e->args[1] = r;
        return e;
    }
    adp_perr(p, loc, "0A000", "operator %s is not supported", op);
    return NULL;
}

static adp_expr *a_expr(adp_pctx *p, PgQuery__AExpr *x)
{
    const char *op = x->n_name ? strval(x->name[x->n_name - 1]) : "";
    int loc = x->location;
    adp_expr *l = NULL, *r = NULL;
    switch (x->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
        if (x->lexpr && !(l = adp_analyze(p, x->lexpr))) return NULL;
        if (!(r = adp_analyze(p, x->rexpr))) return NULL;
        if (!l) {
            if (!strcmp(op, "+") && adp_type_is_numeric(r->type.id)) return r;
            if (strcmp(op, "-") != 0) {
                adp_perr(p, loc, "0A000", "prefix operator %s is not supported", op);
                return NULL;
            }
            if (r->type.id == ADP_T_UNKNOWN && !(r = adp_coerce(p, r, T_NUMERIC, false)))
                return NULL;
            if (!adp_type_is_numeric(r->type.id)) {
                adp_perr(p, loc, "42883", "operator does not exist: - %s", adp_tname(p, r->type));
                pgw_error_hint(p->err, "No operator matches the given name and argument type. "
                                       "You might need to add an explicit type cast.");
                return NULL;
            }
            adp_expr *e = adp_expr_new(p, ADP_E_NEG, r->type, loc, 1);
            e->type.typmod = -1;
            e->args[0] = r;
            return e;
        }
        return binary_op(p, op, l, r, loc);
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE: {
        if (!(l = adp_analyze(p, x->lexpr)) || !(r = adp_analyze(p, x->rexpr))) return NULL;
        /* bytea LIKE bytea (no ILIKE): an untyped side becomes bytea */
        bool bl = l->type.id == ADP_T_BYTEA, br = r->type.id == ADP_T_BYTEA;
        if (x->kind == PG_QUERY__A__EXPR__KIND__AEXPR_LIKE && (bl || br) &&
            (bl || l->type.id == ADP_T_UNKNOWN) && (br || r->type.id == ADP_T_UNKNOWN)) {
            adp_type by = {ADP_T_BYTEA, -1};
            if (!(l = adp_coerce(p, l, by, false)) || !(r = adp_coerce(p, r, by, false)))
                return NULL;
            adp_expr *e = bool_node(p, ADP_E_LIKE, l, r, loc);
            e->flag = op[0] == '!';
            e->optype = by;
            return e;
        }
        if (!adp_type_is_string(l->type.id) || !adp_type_is_string(r->type.id)) {
            adp_perr(p, loc, "42883", "operator does not exist: %s %s %s", adp_tname(p, l->type),
                     op, adp_tname(p, r->type));
            pgw_error_hint(p->err, "No operator matches the given name and argument types. You "
                                   "might need to add explicit type casts.");
            return NULL;
        }
        if (!(l = adp_coerce(p, l, T_TEXT, false)) || !(r = adp_coerce(p, r, T_TEXT, false)))
            return NULL;
        adp_expr *e = bool_node(p, ADP_E_LIKE, l, r, loc);
        e->flag = op[0] == '!';
        e->op = x->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE;
        return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
        if (!(l = adp_analyze(p, x->lexpr))) return NULL;
        return adp_analyze_in(p, l, x->rexpr->list, strcmp(op, "<>") == 0, loc);
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN: {
        PgQuery__List *list = x->rexpr->list;
        adp_expr *lo, *hi;
        if (!(l = adp_analyze(p, x->lexpr)) || !(lo = adp_analyze(p, list->items[0])) ||
            !(hi = adp_analyze(p, list->items[1])))
            return NULL;
        bool neg = x->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN;
        adp_expr *a = adp_compare(p, neg ? "<" : ">=", l, lo, loc);
        adp_expr *b = a ? adp_compare(p, neg ? ">" : "<=", l, hi, loc) : NULL;
        return b ? bool_node(p, neg ? ADP_E_OR : ADP_E_AND, a, b, loc) : NULL;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF:
        if (!(l = adp_analyze(p, x->lexpr)) || !(r = adp_analyze(p, x->rexpr))) return NULL;
        return adp_analyze_distinct(p, x->kind, l, r, loc);
    default:
        adp_perr(p, loc, "0A000", "this kind of operator expression is not supported");
        return NULL;
    }
}

/* THEN results sit at odd positions, the ELSE result (if any) last. */
static adp_expr *type_cast(adp_pctx *p, PgQuery__TypeCast *tc)
{
    adp_type to;
    adp_expr *arg = adp_analyze(p, tc->arg);
    if (!arg || !adp_lookup_typename(p, tc->type_name, &to)) return NULL;
    if (arg->kind != ADP_E_CONST && arg->type.id != ADP_T_UNKNOWN && arg->type.id != to.id &&
        !adp_cast_exists(arg->type, to, true)) {
        adp_perr(p, tc->location, "42846", "cannot cast type %s to %s", adp_tname(p, arg->type),
                 adp_tname(p, to));
        return NULL;
    }
    adp_expr *e = adp_coerce(p, arg, to, true);
    if (e && e == arg && e->type.typmod != to.typmod) {
        /* same type, new typmod (e.g. varchar(10) -> varchar(3)) */
        e = adp_expr_new(p, ADP_E_CAST, to, tc->location, 1);
        e->flag = true;
        e->args[0] = arg;
    }
    return e;
}

adp_expr *adp_analyze_func(adp_pctx *p, PgQuery__FuncCall *fc); /* adp_analyze_func.c */

static adp_expr *sql_value_function(adp_pctx *p, PgQuery__SQLValueFunction *f)
{
    adp_expr *e = adp_expr_new(p, ADP_E_FUNC, T_TEXT, f->location, 0);
    switch (f->op) {
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE:
        e->op = ADP_F_CURRENT_USER;
        return e;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
        e->op = ADP_F_CURRENT_DATABASE;
        return e;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
        e->op = ADP_F_CURRENT_SCHEMA;
        return e;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        e->op = ADP_F_NOW;
        e->type = (adp_type){ADP_T_TIMESTAMPTZ, -1};
        return e;
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
    case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP: {
        e->op = ADP_F_NOW;
        e->type = (adp_type){ADP_T_TIMESTAMPTZ, -1};
        adp_type to = {f->op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE
                           ? ADP_T_DATE
                           : ADP_T_TIMESTAMP,
                       -1};
        adp_expr *c = adp_expr_new(p, ADP_E_CAST, to, f->location, 1);
        c->args[0] = e;
        return c;
    }
    default:
        adp_perr(p, f->location, "0A000", "this SQL value function is not supported");
        return NULL;
    }
}

adp_expr *adp_analyze(adp_pctx *p, PgQuery__Node *n)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return a_const(p, n->a_const);
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        return column_ref(p, n->column_ref);
    case PG_QUERY__NODE__NODE_A_EXPR:
        return a_expr(p, n->a_expr);
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        return type_cast(p, n->type_cast);
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return adp_analyze_func(p, n->func_call);
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return sql_value_function(p, n->sqlvalue_function);
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        return adp_analyze_case(p, n->case_expr);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return adp_analyze_coalesce(p, n->coalesce_expr);
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        return adp_analyze_minmax(p, n->min_max_expr);
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST:
        return adp_analyze_booltest(p, n->boolean_test);
    case PG_QUERY__NODE__NODE_NULL_TEST: {
        PgQuery__NullTest *nt = n->null_test;
        adp_expr *arg = adp_analyze(p, nt->arg);
        if (!arg) return NULL;
        adp_expr *e = adp_expr_new(p, ADP_E_NULLTEST, T_BOOL, nt->location, 1);
        e->flag = nt->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
        e->args[0] = arg;
        return e;
    }
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        PgQuery__BoolExpr *b = n->bool_expr;
        static const char *names[] = {"", "AND", "OR", "NOT"};
        adp_expr_kind k = b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? ADP_E_AND
                          : b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? ADP_E_OR
                                                                           : ADP_E_NOT;
        adp_expr *e = adp_expr_new(p, k, T_BOOL, b->location, (int)b->n_args);
        for (size_t i = 0; i < b->n_args; i++) {
            adp_expr *a = adp_analyze(p, b->args[i]);
            if (!a ||
                !(a = adp_require_bool(p, a, names[b->boolop], adp_node_location(b->args[i]))))
                return NULL;
            e->args[i] = a;
        }
        return e;
    }
    case PG_QUERY__NODE__NODE_SUB_LINK:
        adp_perr(p, n->sub_link->location, "0A000", "subqueries are not supported");
        return NULL;
    case PG_QUERY__NODE__NODE_PARAM_REF:
        return adp_analyze_param(p, n->param_ref);
    default:
        pgw_errorf(p->err, "0A000", "this kind of expression is not supported");
        return NULL;
    }
}
