/* adp_analyze_func: function calls (aggregates and the few scalar functions pgpeek has)
 * and output column naming as PostgreSQL's FigureColname does it. */
#include <stdio.h>
#include <string.h>

#include "adp_analyze.h"

adp_expr *adp_analyze_func(adp_pctx *p, PgQuery__FuncCall *fc);

static const char *strval(PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : "";
}

static bool no_such_function(adp_pctx *p, PgQuery__FuncCall *fc, const char *name, adp_expr **args,
                             int nargs)
{
    char sig[512];
    size_t n = 0;
    sig[0] = 0;
    for (int i = 0; i < nargs && n < sizeof sig - 64; i++)
        n += (size_t)snprintf(sig + n, sizeof sig - n, "%s%s", i ? ", " : "",
                              adp_tname(p, args[i]->type));
    adp_perr(p, fc->location, "42883", "function %s(%s) does not exist", name, sig);
    pgw_error_hint(p->err, "No function matches the given name and argument types. You might "
                           "need to add explicit type casts.");
    return false;
}

static bool orderable(adp_type_id t)
{
    return adp_type_is_numeric(t) || adp_type_is_string(t) || t == ADP_T_DATE ||
           t == ADP_T_TIMESTAMP || t == ADP_T_TIMESTAMPTZ;
}

static adp_expr *aggregate(adp_pctx *p, PgQuery__FuncCall *fc, const char *name)
{
    if (!p->aggs) {
        adp_perr(p, fc->location, "42803", "aggregate functions are not allowed in %s",
                 p->no_agg_ctx);
        return NULL;
    }
    if (p->in_agg) {
        adp_perr(p, fc->location, "42803", "aggregate function calls cannot be nested");
        return NULL;
    }
    if (fc->n_agg_order || fc->agg_within_group) {
        adp_perr(p, fc->location, "0A000", "ORDER BY in aggregates is not supported");
        return NULL;
    }
    adp_agg ag = {0};
    adp_expr *arg = NULL;
    if (fc->agg_star) {
        if (strcmp(name, "count") != 0) {
            adp_perr(p, fc->location, "42809",
                     "%s(*) specified, but %s is not an aggregate function", name, name);
            return NULL;
        }
        ag.kind = ADP_AGG_COUNT_STAR;
        ag.type = (adp_type){ADP_T_INT8, -1};
    } else {
        if (fc->n_args != 1) {
            adp_expr *args[8];
            int n = 0;
            p->in_agg = true;
            for (size_t i = 0; i < fc->n_args && i < 8; i++)
                if (!(args[n++] = adp_analyze(p, fc->args[i]))) return NULL;
            p->in_agg = false;
            no_such_function(p, fc, name, args, n);
            return NULL;
        }
        p->in_agg = true;
        arg = adp_analyze(p, fc->args[0]);
        p->in_agg = false;
        if (!arg) return NULL;
        adp_type_id t = arg->type.id;
        if (!strcmp(name, "count")) {
            ag.kind = ADP_AGG_COUNT;
            ag.type = (adp_type){ADP_T_INT8, -1};
        } else if (!strcmp(name, "sum") || !strcmp(name, "avg")) {
            if (t == ADP_T_UNKNOWN) {
                adp_perr(p, fc->location, "42725", "function %s(unknown) is not unique", name);
                pgw_error_hint(p->err, "Could not choose a best candidate function. You might "
                                       "need to add explicit type casts.");
                return NULL;
            }
            if (!adp_type_is_numeric(t)) {
                no_such_function(p, fc, name, &arg, 1);
                return NULL;
            }
            ag.kind = name[0] == 's' ? ADP_AGG_SUM : ADP_AGG_AVG;
            ag.type = name[0] == 's' ? adp_sum_result_type(t) : adp_avg_result_type(t);
        } else {
            /* min/max(varchar) are min/max(text) */
            if ((t == ADP_T_UNKNOWN || t == ADP_T_VARCHAR) &&
                !(arg = adp_coerce(p, arg, (adp_type){ADP_T_TEXT, -1}, false)))
                return NULL;
            if (!orderable(arg->type.id)) {
                no_such_function(p, fc, name, &arg, 1);
                return NULL;
            }
            ag.kind = name[1] == 'i' ? ADP_AGG_MIN : ADP_AGG_MAX;
            ag.type = arg->type;
            ag.type.typmod = -1;
        }
    }
    ag.arg = arg;
    ag.distinct = fc->agg_distinct;
    if (fc->agg_filter) {
        p->in_agg = true;
        adp_expr *f = adp_analyze(p, fc->agg_filter);
        p->in_agg = false;
        if (!f ||
            !(ag.filter = adp_require_bool(p, f, "FILTER", adp_node_location(fc->agg_filter))))
            return NULL;
    }
    adp_select_plan *pl = p->aggs;
    if (pl->naggs == pl->capaggs) {
        int cap = pl->capaggs ? pl->capaggs * 2 : 8;
        adp_agg *na = adp_arena_alloc(p->a, (size_t)cap * sizeof *na);
        if (pl->naggs) memcpy(na, pl->aggs, (size_t)pl->naggs * sizeof *na);
        pl->aggs = na;
        pl->capaggs = cap;
    }
    pl->aggs[pl->naggs] = ag;
    adp_expr *e = adp_expr_new(p, ADP_E_AGG, ag.type, fc->location, 0);
    e->index = pl->naggs++;
    e->op = (int)ag.kind;
    return e;
}

/* PostgreSQL functions pgpeek lacks: "not supported" is the truthful answer for them. */
static bool known_elsewhere(const char *name)
{
    static const char *names[] = {"extract",
                                  "date_part",
                                  "date_trunc",
                                  "trunc",
                                  "floor",
                                  "ceil",
                                  "ceiling",
                                  "sqrt",
                                  "power",
                                  "pow",
                                  "exp",
                                  "ln",
                                  "log",
                                  "mod",
                                  "sign",
                                  "random",
                                  "concat_ws",
                                  "lpad",
                                  "rpad",
                                  "split_part",
                                  "initcap",
                                  "bit_length",
                                  "md5",
                                  "to_char",
                                  "to_date",
                                  "to_timestamp",
                                  "to_number",
                                  "age",
                                  "clock_timestamp",
                                  "statement_timestamp",
                                  "timeofday",
                                  "make_date",
                                  "generate_series",
                                  "array_agg",
                                  "string_agg",
                                  "bool_and",
                                  "bool_or",
                                  "every",
                                  "stddev",
                                  "stddev_pop",
                                  "stddev_samp",
                                  "variance",
                                  "var_pop",
                                  "var_samp",
                                  "json_agg",
                                  "jsonb_agg",
                                  "row_number",
                                  "rank",
                                  "dense_rank",
                                  "lag",
                                  "lead",
                                  "format",
                                  "pg_typeof",
                                  "nextval",
                                  "currval",
                                  "setval",
                                  "encode",
                                  "decode",
                                  "gen_random_uuid",
                                  "set_config",
                                  "pg_backend_pid",
                                  "has_table_privilege",
                                  "obj_description",
                                  "format_type",
                                  "pg_get_userbyid",
                                  "quote_ident",
                                  "quote_literal",
                                  "regexp_replace",
                                  "regexp_match",
                                  "regexp_matches",
                                  "like_escape",
                                  "timezone",
                                  "overlay",
                                  "similar_escape",
                                  "similar_to_escape",
                                  "pg_sleep",
                                  "ascii",
                                  "chr",
                                  "width_bucket",
                                  "greatest",
                                  "least"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

/* String functions: signature letters t (text) and i (int4), upper case when optional;
 * unknown literals adapt. NULL without error when nothing matches. */
static adp_expr *text_call(adp_pctx *p, const char *name, int loc, adp_expr **args, int n)
{
    static const struct {
        const char *name;
        adp_func_id id;
        const char *sig;
        adp_type_id result;
    } fns[] = {
        {"substr", ADP_F_SUBSTR, "tiI", ADP_T_TEXT},
        {"substring", ADP_F_SUBSTR, "tiI", ADP_T_TEXT},
        {"strpos", ADP_F_STRPOS, "tt", ADP_T_INT4},
        {"position", ADP_F_STRPOS, "tt", ADP_T_INT4},
        {"replace", ADP_F_REPLACE, "ttt", ADP_T_TEXT},
        {"btrim", ADP_F_BTRIM, "tT", ADP_T_TEXT},
        {"ltrim", ADP_F_LTRIM, "tT", ADP_T_TEXT},
        {"rtrim", ADP_F_RTRIM, "tT", ADP_T_TEXT},
        {"left", ADP_F_LEFT, "ti", ADP_T_TEXT},
        {"right", ADP_F_RIGHT, "ti", ADP_T_TEXT},
        {"repeat", ADP_F_REPEAT, "ti", ADP_T_TEXT},
        {"reverse", ADP_F_REVERSE, "t", ADP_T_TEXT},
    };
    if (!strcmp(name, "concat") && n > 0) {
        adp_expr *e = adp_expr_new(p, ADP_E_FUNC, (adp_type){ADP_T_TEXT, -1}, loc, n);
        e->op = ADP_F_CONCAT;
        for (int i = 0; i < n; i++)
            if (!(e->args[i] = args[i]->type.id == ADP_T_UNKNOWN
                                   ? adp_coerce(p, args[i], (adp_type){ADP_T_TEXT, -1}, false)
                                   : args[i]))
                return NULL;
        return e;
    }
    if ((!strcmp(name, "substr") || !strcmp(name, "substring")) && (n == 2 || n == 3) &&
        args[0]->type.id == ADP_T_BYTEA) {
        /* substr(bytea, int [, int]) counts bytes */
        adp_expr *e = adp_expr_new(p, ADP_E_FUNC, (adp_type){ADP_T_BYTEA, -1}, loc, n);
        e->op = ADP_F_SUBSTR;
        e->flag = true;
        e->args[0] = args[0];
        for (int i = 1; i < n; i++) {
            adp_type_id t = args[i]->type.id;
            if (t != ADP_T_INT2 && t != ADP_T_INT4 && t != ADP_T_UNKNOWN) return NULL;
            if (!(e->args[i] = adp_coerce(p, args[i], (adp_type){ADP_T_INT4, -1}, false)))
                return NULL;
        }
        return e;
    }
    for (size_t f = 0; f < sizeof fns / sizeof *fns; f++) {
        const char *sig = fns[f].sig;
        size_t req = 0, max = strlen(sig);
        while (req < max && sig[req] >= 'a')
            req++;
        if (strcmp(fns[f].name, name) != 0 || (size_t)n < req || (size_t)n > max) continue;
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            adp_type_id t = args[i]->type.id;
            ok = (sig[i] | 0x20) == 't'
                     ? adp_type_is_string(t)
                     : (t == ADP_T_INT2 || t == ADP_T_INT4 || t == ADP_T_UNKNOWN);
        }
        if (!ok) return NULL;
        adp_expr *e = adp_expr_new(p, ADP_E_FUNC, (adp_type){fns[f].result, -1}, loc, n);
        e->op = (int)fns[f].id;
        for (int i = 0; i < n; i++) {
            adp_type to = {(sig[i] | 0x20) == 't' ? ADP_T_TEXT : ADP_T_INT4, -1};
            if (!(e->args[i] = adp_coerce(p, args[i], to, false))) return NULL;
        }
        return e;
    }
    return NULL;
}

/* round(numeric [, int]) and round(float8), resolved as PostgreSQL does: with one
 * argument everything but numeric goes to float8, the preferred numeric type (round(2) is
 * double precision). */
static adp_expr *round_call(adp_pctx *p, PgQuery__FuncCall *fc, adp_expr **args, int n)
{
    adp_type_id t = args[0]->type.id;
    bool fl = n == 1 && t != ADP_T_NUMERIC;
    adp_type to = {fl ? ADP_T_FLOAT8 : ADP_T_NUMERIC, -1};
    adp_type_id t1 = n == 2 ? args[1]->type.id : ADP_T_INT4;
    bool is_float = t == ADP_T_FLOAT4 || t == ADP_T_FLOAT8; /* no round(float8, int) */
    if ((!adp_type_is_numeric(t) && t != ADP_T_UNKNOWN) || (is_float && n == 2) ||
        (t1 != ADP_T_INT2 && t1 != ADP_T_INT4 && t1 != ADP_T_UNKNOWN)) {
        no_such_function(p, fc, "round", args, n);
        return NULL;
    }
    adp_expr *e = adp_expr_new(p, ADP_E_FUNC, to, fc->location, n);
    e->op = ADP_F_ROUND;
    if (!(e->args[0] = adp_coerce(p, args[0], to, false))) return NULL;
    if (n == 2 && !(e->args[1] = adp_coerce(p, args[1], (adp_type){ADP_T_INT4, -1}, false)))
        return NULL;
    return e;
}

adp_expr *adp_analyze_func(adp_pctx *p, PgQuery__FuncCall *fc)
{
    if (fc->n_funcname == 2 && strcmp(strval(fc->funcname[0]), "pg_catalog") != 0) {
        adp_perr(p, fc->location, "3F000", "schema \"%s\" does not exist", strval(fc->funcname[0]));
        return NULL;
    }
    const char *name = strval(fc->funcname[fc->n_funcname - 1]);
    if (fc->over) {
        adp_perr(p, fc->location, "0A000", "window functions are not supported");
        return NULL;
    }
    if (!strcmp(name, "count") || !strcmp(name, "sum") || !strcmp(name, "avg") ||
        !strcmp(name, "min") || !strcmp(name, "max"))
        return aggregate(p, fc, name);
    if (fc->agg_star) {
        adp_perr(p, fc->location, "42809", "%s(*) specified, but %s is not an aggregate function",
                 name, name);
        return NULL;
    }
    int n = (int)fc->n_args;
    adp_expr **args = n ? adp_arena_alloc(p->a, (size_t)n * sizeof *args) : NULL;
    for (int i = 0; i < n; i++)
        if (!(args[i] = adp_analyze(p, fc->args[i]))) return NULL;
    static const struct {
        const char *name;
        adp_func_id id;
        int nargs;
        adp_type_id result;
    } funcs[] = {
        {"version", ADP_F_VERSION, 0, ADP_T_TEXT},
        {"current_database", ADP_F_CURRENT_DATABASE, 0, ADP_T_TEXT},
        {"current_schema", ADP_F_CURRENT_SCHEMA, 0, ADP_T_TEXT},
        {"now", ADP_F_NOW, 0, ADP_T_TIMESTAMPTZ},
        {"transaction_timestamp", ADP_F_NOW, 0, ADP_T_TIMESTAMPTZ},
        {"lower", ADP_F_LOWER, 1, ADP_T_TEXT},
        {"upper", ADP_F_UPPER, 1, ADP_T_TEXT},
        {"length", ADP_F_LENGTH, 1, ADP_T_INT4},
        {"char_length", ADP_F_LENGTH, 1, ADP_T_INT4},
        {"character_length", ADP_F_LENGTH, 1, ADP_T_INT4},
        {"octet_length", ADP_F_LENGTH, 1, ADP_T_INT4},
        {"abs", ADP_F_ABS, 1, ADP_T_UNKNOWN},
        {"current_setting", ADP_F_CURRENT_SETTING, 1, ADP_T_TEXT},
    };
    if (!strcmp(name, "round") && (n == 1 || n == 2)) return round_call(p, fc, args, n);
    adp_expr *te = text_call(p, name, fc->location, args, n);
    if (te || pgw_error_is_set(p->err)) return te;
    for (size_t f = 0; f < sizeof funcs / sizeof *funcs; f++) {
        if (strcmp(funcs[f].name, name) != 0 || funcs[f].nargs != n) continue;
        adp_expr *e = adp_expr_new(p, ADP_E_FUNC, (adp_type){funcs[f].result, -1}, fc->location, n);
        e->op = (int)funcs[f].id;
        if (funcs[f].id == ADP_F_ABS) {
            if (args[0]->type.id == ADP_T_UNKNOWN || !adp_type_is_numeric(args[0]->type.id)) break;
            e->type = args[0]->type;
            e->type.typmod = -1;
        } else if (n == 1 && funcs[f].id == ADP_F_LENGTH && args[0]->type.id == ADP_T_BYTEA &&
                   name[0] == 'l') {
            e->flag = 1; /* length(bytea) counts bytes */
        } else if (n == 1 && funcs[f].id == ADP_F_LENGTH && name[0] == 'o') {
            e->flag = 1; /* octet_length(text or bytea) */
            if (args[0]->type.id != ADP_T_BYTEA) {
                if (!adp_type_is_string(args[0]->type.id)) break;
                if (!(args[0] = adp_coerce(p, args[0], (adp_type){ADP_T_TEXT, -1}, false)))
                    return NULL;
            }
        } else if (n == 1) {
            if (!adp_type_is_string(args[0]->type.id)) break;
            if (!(args[0] = adp_coerce(p, args[0], (adp_type){ADP_T_TEXT, -1}, false))) return NULL;
        }
        for (int i = 0; i < n; i++)
            e->args[i] = args[i];
        return e;
    }
    if (known_elsewhere(name)) {
        adp_perr(p, fc->location, "0A000", "function %s is not supported", name);
        return NULL;
    }
    no_such_function(p, fc, name, args, n);
    return NULL;
}

/* Strength 2: a real name; 1: a fallback such as a cast's type name; 0: none. */
static int figure(PgQuery__Node *n, const char **name)
{
    if (!n) return 0;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        PgQuery__ColumnRef *cr = n->column_ref;
        PgQuery__Node *last = cr->fields[cr->n_fields - 1];
        if (last->node_case == PG_QUERY__NODE__NODE_STRING) {
            *name = last->string->sval;
            return 2;
        }
        return 0;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        *name = strval(n->func_call->funcname[n->func_call->n_funcname - 1]);
        return 2;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        int s = figure(n->type_cast->arg, name);
        if (s <= 1) {
            PgQuery__TypeName *tn = n->type_cast->type_name;
            *name = strval(tn->names[tn->n_names - 1]);
            return 1;
        }
        return s;
    }
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        if (figure(n->case_expr->defresult, name) == 2) return 2;
        *name = "case";
        return 1;
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        *name = "coalesce";
        return 2;
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        *name = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
        return 2;
    case PG_QUERY__NODE__NODE_A_EXPR:
        if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            *name = "nullif";
            return 2;
        }
        return 0;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        static const char *names[] = {"",
                                      "current_date",
                                      "current_time",
                                      "current_time",
                                      "current_timestamp",
                                      "current_timestamp",
                                      "localtime",
                                      "localtime",
                                      "localtimestamp",
                                      "localtimestamp",
                                      "current_role",
                                      "current_user",
                                      "user",
                                      "session_user",
                                      "current_catalog",
                                      "current_schema"};
        int op = (int)n->sqlvalue_function->op;
        if (op > 0 && op < (int)(sizeof names / sizeof *names)) {
            *name = names[op];
            return 2;
        }
        return 0;
    }
    default:
        return 0;
    }
}

const char *adp_colname(adp_pctx *p, PgQuery__Node *n)
{
    (void)p;
    const char *name = "?column?";
    figure(n, &name);
    return name;
}
