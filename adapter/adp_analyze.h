/* adp_analyze: turning libpg_query parse nodes into adp_expr trees (planner internals;
 * included only by the planner files, never by the executor). */
#ifndef ADP_ANALYZE_H
#define ADP_ANALYZE_H

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "adp_plan.h"

/* Planning context of one statement. Stack value of the planner. */
typedef struct adp_pctx {
    adp_session *s;
    adp_arena *a;
    const char *sql;        /* the whole query string (positions are offsets into it) */
    adp_table *table;       /* the FROM table, NULL when none */
    const char *refname;    /* its alias or name */
    adp_select_plan *aggs;  /* where aggregates go; NULL where they are not allowed */
    const char *no_agg_ctx; /* "WHERE", "GROUP BY", ... for the error message */
    bool in_agg;
    bool keep_unknown; /* INSERT ... SELECT: leave unknown targets for the column types */
    pgw_error *err;
} adp_pctx;

/* Sets err->position from a byte offset into the query (converted to characters). */
void adp_set_pos(adp_pctx *p, int byte_loc);
bool adp_perr(adp_pctx *p, int loc, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

adp_expr *adp_analyze(adp_pctx *p, PgQuery__Node *n);
adp_expr *adp_compare(adp_pctx *p, const char *op, adp_expr *l, adp_expr *r, int loc);
/* $n: typed by the statement's parameter types (adp_ext.c); 42P02 outside one. */
adp_expr *adp_analyze_param(adp_pctx *p, PgQuery__ParamRef *r);
adp_expr *adp_analyze_case(adp_pctx *p, PgQuery__CaseExpr *c);
adp_expr *adp_analyze_coalesce(adp_pctx *p, PgQuery__CoalesceExpr *c);
adp_expr *adp_analyze_minmax(adp_pctx *p, PgQuery__MinMaxExpr *m);
adp_expr *adp_analyze_booltest(adp_pctx *p, PgQuery__BooleanTest *b);
/* l [NOT] IN (list), with PostgreSQL's type resolution for the list. */
adp_expr *adp_analyze_in(adp_pctx *p, adp_expr *l, PgQuery__List *list, bool negate, int loc);
/* One level of what PostgreSQL's planner settles without evaluating anything: a strict
 * operation with a NULL constant input is a NULL constant, CASE arms with a constant
 * false/NULL condition go. adp_fold_expr applies it bottom-up. */
adp_expr *adp_fold_nulls(adp_pctx *p, adp_expr *e);
/* Plan-time constant folding of a whole analyzed expression (adp_fold.c): false with the
 * error an immutable constant part raises, as PostgreSQL's planner would. */
bool adp_fold_expr(adp_pctx *p, adp_expr **e);
/* Whether PostgreSQL's cast between these types is immutable (a stable one, such as
 * timestamptz to text, is computed when the statement runs, never folded). */
bool adp_cast_immutable(adp_type_id from, adp_type_id to);
/* IS [NOT] DISTINCT FROM (kind: the A_Expr kind) and NULLIF. */
adp_expr *adp_analyze_distinct(adp_pctx *p, int kind, adp_expr *l, adp_expr *r, int loc);
/* 42P01 for a column qualifier that names no FROM item (with PostgreSQL's alias hint). */
bool adp_bad_qualifier(adp_pctx *p, const char *qual, int loc);
/* Converts e to type `to` (explicit: CAST rules, else assignment rules); constants are
 * converted now, others get a cast node. `ctx` names the use for 42804 messages. */
adp_expr *adp_coerce(adp_pctx *p, adp_expr *e, adp_type to, bool explicit_cast);
/* For INSERT/UPDATE: assignment to column `col` with PostgreSQL's 42804 message. */
adp_expr *adp_coerce_assign(adp_pctx *p, adp_expr *e, const adp_column *col, int loc);
/* Requires a boolean (WHERE, HAVING, AND ...): 42804 otherwise. */
adp_expr *adp_require_bool(adp_pctx *p, adp_expr *e, const char *what, int loc);
adp_expr *adp_expr_new(adp_pctx *p, adp_expr_kind k, adp_type t, int loc, int nargs);
bool adp_expr_equal(const adp_expr *a, const adp_expr *b);
/* Output column name as PostgreSQL's FigureColname chooses it. */
const char *adp_colname(adp_pctx *p, PgQuery__Node *n);
int adp_node_location(PgQuery__Node *n);
/* Display name of a type for messages ("integer", "character varying"). */
const char *adp_tname(adp_pctx *p, adp_type t);
bool adp_lookup_typename(adp_pctx *p, PgQuery__TypeName *tn, adp_type *out);
/* Replaces group keys and checks bare columns in a grouped query (42803). */
adp_expr *adp_to_grouped(adp_pctx *p, adp_select_plan *plan, adp_expr *e);

#endif
