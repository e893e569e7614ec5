/* adp_gdesc: psql's \gdesc. After describing a query, psql asks the server to name the
 * result's types with
 *   SELECT name AS "Column", pg_catalog.format_type(tp, tpm) AS "Type"
 *   FROM (VALUES ('a', '23'::pg_catalog.oid, -1), ...) s(name, tp, tpm)
 * pgpeek has neither VALUES in FROM nor format_type, so this one query shape (checked on
 * the parse tree) is answered here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_exec.h"

static const char *sval(PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING ? n->string->sval : "";
}

/* A ColumnRef naming exactly `name`. */
static bool is_col(PgQuery__Node *n, const char *name)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
           strcmp(sval(n->column_ref->fields[0]), name) == 0;
}

static bool is_format_type(PgQuery__Node *n, char **cols)
{
    if (!n || n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return false;
    PgQuery__FuncCall *f = n->func_call;
    size_t k = f->n_funcname;
    if (k < 1 || k > 2 || strcmp(sval(f->funcname[k - 1]), "format_type") != 0 ||
        (k == 2 && strcmp(sval(f->funcname[0]), "pg_catalog") != 0))
        return false;
    return f->n_args == 2 && is_col(f->args[0], cols[1]) && is_col(f->args[1], cols[2]) &&
           !f->agg_star && !f->agg_distinct && !f->over && !f->agg_filter;
}

/* One VALUES row: ('name', 'oid'::pg_catalog.oid, typmod). */
static bool row_values(PgQuery__Node *row, const char **name, uint32_t *oid, int32_t *typmod)
{
    if (row->node_case != PG_QUERY__NODE__NODE_LIST || row->list->n_items != 3) return false;
    PgQuery__Node **it = row->list->items;
    if (it[0]->node_case != PG_QUERY__NODE__NODE_A_CONST ||
        it[0]->a_const->val_case != PG_QUERY__A__CONST__VAL_SVAL)
        return false;
    *name = it[0]->a_const->sval->sval;
    PgQuery__Node *o = it[1];
    if (o->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) o = o->type_cast->arg;
    if (o->node_case != PG_QUERY__NODE__NODE_A_CONST) return false;
    if (o->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
        *oid = (uint32_t)strtoul(o->a_const->sval->sval, NULL, 10);
    else if (o->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
        *oid = (uint32_t)o->a_const->ival->ival;
    else
        return false;
    if (it[2]->node_case != PG_QUERY__NODE__NODE_A_CONST ||
        it[2]->a_const->val_case != PG_QUERY__A__CONST__VAL_IVAL)
        return false;
    *typmod = it[2]->a_const->ival->ival;
    return true;
}

/* format_type(oid, typmod) for the types pgpeek can send. */
static const char *format_type(adp_arena *a, uint32_t oid, int32_t typmod)
{
    for (int id = ADP_T_BOOL; id < ADP_T_COUNT_; id++)
        if (adp_type_oid((adp_type_id)id) == oid) {
            char buf[128];
            adp_type_name((adp_type){(adp_type_id)id, typmod}, buf, sizeof buf);
            return adp_arena_strdup(a, buf);
        }
    switch (oid) {
    case 19:
        return "name";
    case 26:
        return "oid";
    case 705:
        return "unknown";
    default:
        return "???";
    }
}

bool adp_gdesc_try(adp_pctx *p, PgQuery__SelectStmt *st, pgw_buf *out, bool *handled)
{
    *handled = false;
    if (st->n_from_clause != 1 || st->n_target_list != 2 || st->where_clause ||
        st->n_group_clause || st->having_clause || st->n_sort_clause || st->limit_count ||
        st->limit_offset || st->n_distinct_clause || st->with_clause ||
        st->from_clause[0]->node_case != PG_QUERY__NODE__NODE_RANGE_SUBSELECT)
        return true;
    PgQuery__RangeSubselect *rs = st->from_clause[0]->range_subselect;
    if (!rs->subquery || rs->subquery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT ||
        !rs->alias || rs->alias->n_colnames != 3 || rs->lateral)
        return true;
    PgQuery__SelectStmt *v = rs->subquery->select_stmt;
    char *cols[3];
    for (int i = 0; i < 3; i++)
        cols[i] = (char *)sval(rs->alias->colnames[i]);
    PgQuery__ResTarget *t0 = st->target_list[0]->res_target, *t1 = st->target_list[1]->res_target;
    if (v->n_values_lists == 0 || !is_col(t0->val, cols[0]) || !is_format_type(t1->val, cols))
        return true;
    size_t n = v->n_values_lists;
    const char **names = adp_arena_alloc(p->a, n * sizeof *names);
    const char **types = adp_arena_alloc(p->a, n * sizeof *types);
    for (size_t i = 0; i < n; i++) {
        uint32_t oid;
        int32_t typmod;
        if (!row_values(v->values_lists[i], &names[i], &oid, &typmod)) return true;
        types[i] = format_type(p->a, oid, typmod);
    }
    *handled = true;
    pgw_field_desc fd[2] = {{t0->name[0] ? t0->name : cols[0], 0, 0, 25, -1, -1, 0},
                            {t1->name[0] ? t1->name : "format_type", 0, 0, 25, -1, -1, 0}};
    adp_write_fields(p->s, out, fd, 2);
    if (p->s->plan_only) return true;
    for (size_t i = 0; i < n; i++) {
        pgw_be_write_data_row_begin(out, 2);
        pgw_be_write_data_field(out, names[i], (int32_t)strlen(names[i]));
        pgw_be_write_data_field(out, types[i], (int32_t)strlen(types[i]));
        pgw_be_write_data_row_end(out);
    }
    char tag[32];
    snprintf(tag, sizeof tag, "SELECT %zu", n);
    pgw_be_write_command_complete(out, tag);
    return true;
}
