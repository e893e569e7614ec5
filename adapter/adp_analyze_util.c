/* adp_analyze_util: helpers shared by the analyzer files: error positions, coercion,
 * type names, expression equality and the GROUP BY rewrite. */
#include "adp_analyze.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const adp_type T_BOOL = {ADP_T_BOOL, -1};

static const char *strval(PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : "";
}

void adp_set_pos(adp_pctx *p, int loc)
{
    if (loc < 0 || !p->sql) return;
    int chars = 0;
    for (int i = 0; i < loc && p->sql[i]; i++)
        if (((unsigned char)p->sql[i] & 0xC0) != 0x80) chars++;
    p->err->position = chars + 1;
}

bool adp_perr(adp_pctx *p, int loc, const char *sqlstate, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pgw_verrorf(p->err, sqlstate, fmt, ap);
    va_end(ap);
    adp_set_pos(p, loc);
    return false;
}

const char *adp_tname(adp_pctx *p, adp_type t)
{
    char buf[128];
    t.typmod = -1;
    if (t.id == ADP_T_UNKNOWN) return "unknown";
    return adp_arena_strdup(p->a, adp_type_name(t, buf, sizeof buf));
}

adp_expr *adp_expr_new(adp_pctx *p, adp_expr_kind k, adp_type t, int loc, int nargs)
{
    adp_expr *e = adp_arena_zalloc(p->a, sizeof *e);
    e->kind = k;
    e->type = t;
    e->location = loc;
    e->nargs = nargs;
    if (nargs) e->args = adp_arena_zalloc(p->a, (size_t)nargs * sizeof *e->args);
    return e;
}

/* PostgreSQL reports an expression at its leftmost token (exprLocation). */
static int leftmost(int loc, PgQuery__Node *left)
{
    int l = adp_node_location(left);
    return l >= 0 && (loc < 0 || l < loc) ? l : loc;
}

int adp_node_location(PgQuery__Node *n)
{
    if (!n) return -1;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return n->a_const->location;
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        return n->column_ref->location;
    case PG_QUERY__NODE__NODE_A_EXPR:
        return leftmost(n->a_expr->location, n->a_expr->lexpr);
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return n->func_call->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST:
        return leftmost(n->type_cast->location, n->type_cast->arg);
    case PG_QUERY__NODE__NODE_BOOL_EXPR:
        return leftmost(n->bool_expr->location,
                        n->bool_expr->n_args ? n->bool_expr->args[0] : NULL);
    case PG_QUERY__NODE__NODE_NULL_TEST:
        return leftmost(n->null_test->location, n->null_test->arg);
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        return n->case_expr->location;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return n->coalesce_expr->location;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return n->sqlvalue_function->location;
    case PG_QUERY__NODE__NODE_SET_TO_DEFAULT:
        return n->set_to_default->location;
    case PG_QUERY__NODE__NODE_RES_TARGET:
        return n->res_target->location;
    default:
        return -1;
    }
}

bool adp_lookup_typename(adp_pctx *p, PgQuery__TypeName *tn, adp_type *out)
{
    if (tn->n_array_bounds)
        return adp_perr(p, tn->location, "0A000", "array types are not supported");
    if (tn->n_names > 2 || (tn->n_names == 2 && strcmp(strval(tn->names[0]), "pg_catalog") != 0 &&
                            strcmp(strval(tn->names[0]), "public") != 0))
        return adp_perr(p, tn->location, "42704", "type \"%s\" does not exist",
                        strval(tn->names[tn->n_names - 1]));
    int32_t mods[4];
    int nmods = 0;
    for (size_t i = 0; i < tn->n_typmods && i < 4; i++) {
        PgQuery__Node *m = tn->typmods[i];
        if (m->node_case != PG_QUERY__NODE__NODE_A_CONST ||
            m->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL)
            return adp_perr(p, tn->location, "42601",
                            "type modifiers must be simple constants or identifiers");
        mods[nmods++] = m->a_const->ival->ival;
    }
    if (!adp_type_lookup(strval(tn->names[tn->n_names - 1]), mods, nmods, out, p->err)) {
        adp_set_pos(p, tn->location);
        return false;
    }
    return true;
}

/* Unknown literals are converted at plan time so bad input points at the literal. */
adp_expr *adp_coerce(adp_pctx *p, adp_expr *e, adp_type to, bool explicit_cast)
{
    if (e->kind == ADP_E_PARAM && e->type.id == ADP_T_UNKNOWN && to.id != ADP_T_UNKNOWN) {
        /* An untyped parameter takes the type its first use asks for, as in PostgreSQL. */
        e->type = (adp_type){to.id, -1};
        p->s->ptypes[e->index] = e->type;
    }
    if (e->type.id == to.id && (e->type.typmod == to.typmod || to.typmod < 0)) return e;
    if (e->kind == ADP_E_CONST) {
        adp_expr *c = adp_expr_new(p, ADP_E_CONST, to, e->location, 0);
        if (e->val.isnull) {
            c->val.isnull = true;
            return c;
        }
        bool ok;
        if (e->type.id == ADP_T_UNKNOWN) {
            /* Input ignores the typmod; the length coercion then follows cast rules
             * (an explicit cast truncates, an assignment fails). */
            adp_type base = {to.id, -1};
            adp_value tmp;
            ok = adp_value_in(base, e->val.u.s.p, e->val.u.s.len, &p->s->fmt, p->a, &tmp, p->err);
            if (!ok) {
                adp_set_pos(p, e->location);
                return NULL;
            }
            if (to.typmod >= 0)
                ok = adp_value_cast(&tmp, base, to, explicit_cast, &p->s->fmt, p->a, &c->val,
                                    p->err);
            else
                c->val = tmp;
        } else if (!adp_cast_immutable(e->type.id, to.id) &&
                   adp_cast_exists(e->type, to, explicit_cast)) {
            /* stable (timestamptz, date/time text): computed when the statement runs */
            c = adp_expr_new(p, ADP_E_CAST, to, e->location, 1);
            c->flag = explicit_cast;
            c->args[0] = e;
            return c;
        } else {
            ok = adp_value_cast(&e->val, e->type, to, explicit_cast, &p->s->fmt, p->a, &c->val,
                                p->err);
            /* PostgreSQL folds such a cast only when planning, after every type check and
             * never in a branch it drops (CASE WHEN false, COALESCE after a non-null): a
             * value error waits for adp_fold_expr or execution, without a position, as
             * there; only a cast that does not exist at all is an analysis error */
            if (!ok && strcmp(p->err->sqlstate, "42846") != 0) {
                pgw_error_clear(p->err);
                p->err->message[0] = p->err->detail[0] = p->err->hint[0] = 0;
                p->err->position = 0;
                c = adp_expr_new(p, ADP_E_CAST, to, e->location, 1);
                c->flag = explicit_cast;
                c->args[0] = e;
                return c;
            }
        }
        if (!ok) return NULL;
        return c;
    }
    if (e->type.id != ADP_T_UNKNOWN && e->type.id != to.id &&
        !adp_cast_exists(e->type, to, explicit_cast)) {
        adp_perr(p, e->location, "42846", "cannot cast type %s to %s", adp_tname(p, e->type),
                 adp_tname(p, to));
        return NULL;
    }
    adp_expr *c = adp_expr_new(p, ADP_E_CAST, to, e->location, 1);
    c->flag = explicit_cast;
    c->args[0] = e;
    return c;
}

adp_expr *adp_coerce_assign(adp_pctx *p, adp_expr *e, const adp_column *col, int loc)
{
    if (e->type.id != ADP_T_UNKNOWN && e->type.id != col->type.id &&
        !adp_cast_exists(e->type, col->type, false)) {
        adp_perr(p, loc, "42804", "column \"%s\" is of type %s but expression is of type %s",
                 col->name, adp_tname(p, col->type), adp_tname(p, e->type));
        pgw_error_hint(p->err, "You will need to rewrite or cast the expression.");
        return NULL;
    }
    return adp_coerce(p, e, col->type, false);
}

adp_expr *adp_require_bool(adp_pctx *p, adp_expr *e, const char *what, int loc)
{
    if (e->type.id == ADP_T_BOOL) return e;
    if (e->type.id == ADP_T_UNKNOWN) return adp_coerce(p, e, T_BOOL, false);
    adp_perr(p, loc, "42804", "argument of %s must be type boolean, not type %s", what,
             adp_tname(p, e->type));
    return NULL;
}

bool adp_expr_equal(const adp_expr *a, const adp_expr *b)
{
    if (a->kind != b->kind || a->type.id != b->type.id || a->op != b->op || a->index != b->index ||
        a->flag != b->flag || a->nargs != b->nargs)
        return false;
    if (a->kind == ADP_E_CONST) {
        if (a->val.isnull || b->val.isnull) return a->val.isnull == b->val.isnull;
        if (a->type.id == ADP_T_UNKNOWN)
            return a->val.u.s.len == b->val.u.s.len &&
                   memcmp(a->val.u.s.p, b->val.u.s.p, a->val.u.s.len) == 0;
        return adp_value_cmp(a->type.id, &a->val, &b->val) == 0;
    }
    for (int i = 0; i < a->nargs; i++)
        if (!adp_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* GROUP BY the whole primary key makes every column of the table functionally dependent
 * on the groups, so PostgreSQL lets them appear bare. */
static bool primary_key_grouped(const adp_pctx *p, const adp_select_plan *plan)
{
    if (!p->table) return false;
    const adp_ixlist *xs = adp_table_ixs(p->table);
    for (int k = 0; k < xs->n; k++) {
        const adp_index *ix = xs->ix[k];
        if (!ix->primary) continue;
        for (int c = 0; c < ix->ncols; c++) {
            bool found = false;
            for (int i = 0; i < plan->ngroup && !found; i++)
                found = plan->group[i]->kind == ADP_E_COL && plan->group[i]->index == ix->cols[c];
            if (!found) return false;
        }
        return true;
    }
    return false;
}

adp_expr *adp_to_grouped(adp_pctx *p, adp_select_plan *plan, adp_expr *e)
{
    for (int i = 0; i < plan->ngroup; i++)
        if (adp_expr_equal(e, plan->group[i])) {
            adp_expr *g = adp_expr_new(p, ADP_E_GROUPKEY, e->type, e->location, 0);
            g->index = i;
            return g;
        }
    if (e->kind == ADP_E_AGG) return e;
    if (e->kind == ADP_E_COL && primary_key_grouped(p, plan)) {
        /* one value per group: grouping by it as well changes no group */
        plan->group[plan->ngroup] = e;
        adp_expr *g = adp_expr_new(p, ADP_E_GROUPKEY, e->type, e->location, 0);
        g->index = plan->ngroup++;
        return g;
    }
    if (e->kind == ADP_E_COL) {
        adp_perr(p, e->location, "42803",
                 "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate "
                 "function",
                 p->refname, p->table->cols[e->index].name);
        return NULL;
    }
    adp_expr *c = adp_arena_alloc(p->a, sizeof *c);
    *c = *e;
    if (e->nargs) {
        c->args = adp_arena_alloc(p->a, (size_t)e->nargs * sizeof *c->args);
        for (int i = 0; i < e->nargs; i++)
            if (!(c->args[i] = adp_to_grouped(p, plan, e->args[i]))) return NULL;
    }
    return c;
}
