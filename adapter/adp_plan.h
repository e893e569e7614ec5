/* adp_plan: our own statement plans and expressions. Parser types never reach here, so
 * plans can be cached and executed without libpg_query. */
#ifndef ADP_PLAN_H
#define ADP_PLAN_H

#include "adp_internal.h"

typedef enum adp_expr_kind {
    ADP_E_CONST,
    ADP_E_COL,      /* index: column of the input row */
    ADP_E_GROUPKEY, /* index: GROUP BY key of the current group */
    ADP_E_AGG,      /* index: aggregate slot of the current group; args: its input */
    ADP_E_CAST,     /* flag: explicit; args[0] of type args[0]->type to `type` */
    ADP_E_ARITH,    /* op: + - * / %; operands already of type optype */
    ADP_E_NEG,
    ADP_E_CMP, /* op: adp_cmp_op; operands already of type optype */
    ADP_E_AND,
    ADP_E_OR,
    ADP_E_NOT,
    ADP_E_NULLTEST, /* flag: IS NOT NULL */
    ADP_E_IN,       /* args[0] IN (args[1..]); all of type optype */
    ADP_E_LIKE,     /* flag: NOT; op: 1 for ILIKE; optype bytea: bytes, else text */
    ADP_E_CONCAT,   /* text || anything */
    ADP_E_CASE,     /* args: when, then, when, then, ..., [else] (flag: has else) */
    ADP_E_COALESCE,
    ADP_E_FUNC,     /* op: adp_func_id */
    ADP_E_DISTINCT, /* IS DISTINCT FROM (flag: IS NOT DISTINCT FROM); operands of optype */
    ADP_E_BOOLTEST, /* op: 0 IS TRUE, 1 IS FALSE, 2 IS UNKNOWN; flag: NOT */
    ADP_E_MINMAX,   /* op: 1 GREATEST, 0 LEAST; args of type optype */
    ADP_E_PARAM,    /* index: 0-based parameter number ($1 is 0), value from the session */
} adp_expr_kind;

typedef enum adp_cmp_op {
    ADP_CMP_EQ,
    ADP_CMP_NE,
    ADP_CMP_LT,
    ADP_CMP_LE,
    ADP_CMP_GT,
    ADP_CMP_GE
} adp_cmp_op;

typedef enum adp_func_id {
    ADP_F_VERSION,
    ADP_F_CURRENT_USER,
    ADP_F_CURRENT_DATABASE,
    ADP_F_CURRENT_SCHEMA,
    ADP_F_NOW,
    ADP_F_LOWER,
    ADP_F_UPPER,
    ADP_F_LENGTH,
    ADP_F_ABS,
    ADP_F_CURRENT_SETTING,
    ADP_F_ROUND,
    ADP_F_SUBSTR, /* from here on: string functions in adp_eval_text.c */
    ADP_F_STRPOS,
    ADP_F_REPLACE,
    ADP_F_CONCAT,
    ADP_F_BTRIM,
    ADP_F_LTRIM,
    ADP_F_RTRIM,
    ADP_F_LEFT,
    ADP_F_RIGHT,
    ADP_F_REPEAT,
    ADP_F_REVERSE,
} adp_func_id;

typedef enum adp_agg_kind {
    ADP_AGG_COUNT_STAR,
    ADP_AGG_COUNT,
    ADP_AGG_SUM,
    ADP_AGG_AVG,
    ADP_AGG_MIN,
    ADP_AGG_MAX
} adp_agg_kind;

/* An expression node. Lives in the arena of the statement that planned it. */
typedef struct adp_expr {
    adp_expr_kind kind;
    adp_type type;
    int location; /* byte offset into the query string, -1 when none */
    int op;
    int index;
    bool flag;
    adp_type optype;
    adp_value val;
    int nargs;
    struct adp_expr **args;
} adp_expr;

/* One aggregate of a grouped SELECT. Arena-owned with its plan. */
typedef struct adp_agg {
    adp_agg_kind kind;
    adp_expr *arg;    /* over the input row; NULL for count(*) */
    adp_type type;    /* result type */
    adp_expr *filter; /* FILTER (WHERE ...) over the input row, or NULL */
    bool distinct;
} adp_agg;

/* One output column. Arena-owned with its plan. */
typedef struct adp_target {
    adp_expr *expr;
    const char *name;
    uint32_t table_oid;
    int16_t attnum;
} adp_target;

/* An ORDER BY key over a computed column (a target or a hidden one). Arena-owned. */
typedef struct adp_sort_key {
    int target; /* index into the row of computed values (targets then hidden keys) */
    bool desc;
    bool nulls_first;
} adp_sort_key;

/* A planned SELECT. Arena-owned; references the table it reads (valid while the
 * catalog version it was planned at is current). */
typedef struct adp_select_plan {
    adp_table *table; /* NULL without FROM */
    adp_expr *where;
    bool grouped;
    int ngroup;
    adp_expr **group; /* over the input row */
    int naggs, capaggs;
    adp_agg *aggs;
    adp_expr *having;    /* over the group */
    int ntargets;        /* visible columns */
    int ncomputed;       /* targets plus hidden sort keys */
    adp_target *targets; /* ncomputed entries; hidden ones have name NULL */
    int nsort;
    adp_sort_key *sort;
    bool distinct;           /* SELECT DISTINCT over the visible columns */
    const adp_index *lookup; /* WHERE has col = const on this unique index (or NULL) */
    int lookup_col;
    adp_value lookup_val;
    int lookup_param; /* >= 0: the key is this parameter (converted to the column type) */
    int64_t limit;    /* -1 for none */
    int64_t offset;
    adp_expr *limit_expr; /* LIMIT/OFFSET with parameters: evaluated per execution */
    adp_expr *offset_expr;
} adp_select_plan;

/* Where a write's RETURNING and error context come from. Arena-owned. */
typedef struct adp_returning {
    int ntargets;
    adp_target *targets;
} adp_returning;

/* A planned INSERT: rows of expressions, one per table column (defaults filled in).
 * Arena-owned by the statement; used under the db write lock. */
typedef struct adp_insert_plan {
    adp_table *table;
    int nrows;
    adp_expr ***rows;               /* nrows x table->ncols (VALUES) */
    struct adp_select_plan *select; /* INSERT ... SELECT: targets coerced to the columns */
    int ncols;
    int *cols; /* INSERT ... SELECT: the column each select target goes to */
    adp_returning ret;
} adp_insert_plan;

/* A planned UPDATE or DELETE. Arena-owned by the statement; used under the write lock. */
typedef struct adp_modify_plan {
    adp_table *table;
    bool is_delete;
    adp_expr *where;
    int nset;
    int *set_cols;
    adp_expr **set_exprs; /* over the old row, already of the column's type */
    adp_returning ret;
} adp_modify_plan;

/* Evaluation context for one row. Stack value of the executor. */
typedef struct adp_eval_ctx {
    adp_session *s;
    const adp_value *row;  /* input row for ADP_E_COL */
    const adp_value *keys; /* current group's keys */
    const adp_value *aggs; /* current group's aggregate results */
} adp_eval_ctx;

bool adp_eval(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err);
/* WHERE/HAVING: true only for a non-NULL true. */
bool adp_eval_qual(const adp_expr *e, const adp_eval_ctx *c, bool *pass, pgw_error *err);
bool adp_eval_text(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err);
bool adp_like_match(const char *s, size_t slen, const char *p, size_t plen, bool icase);
bool adp_like_match_bytes(const char *s, size_t slen, const char *p, size_t plen); /* bytea */

#endif
