/* adp_ctas: CREATE TABLE ... AS SELECT (and WITH NO DATA): columns take the query's
 * output names and types, then the rows are inserted like INSERT ... SELECT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_exec.h"
#include "pgw_be_write.h"

bool adp_exec_create_table_as(adp_pctx *p, PgQuery__CreateTableAsStmt *st, pgw_buf *out)
{
    PgQuery__IntoClause *into = st->into;
    PgQuery__RangeVar *rv = into->rel;
    if (st->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || st->is_select_into || !st->query ||
        st->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return pgw_errorf(p->err, "0A000", "this form of CREATE ... AS is not supported");
    if (!adp_check_create_schema(p, rv)) return false;
    adp_db *db = p->s->db;
    if (adp_cat_relation_exists(db, rv->relname)) {
        if (!st->if_not_exists)
            return pgw_errorf(p->err, "42P07", "relation \"%s\" already exists", rv->relname);
        adp_notice(p->s, out, "NOTICE", "42P07", "relation \"%s\" already exists, skipping",
                   rv->relname);
        pgw_be_write_command_complete(out, "CREATE TABLE AS");
        return true;
    }
    adp_select_plan *pl = adp_arena_zalloc(p->a, sizeof *pl);
    if (!adp_plan_select(p, st->query->select_stmt, pl)) return false;
    if ((int)into->n_col_names > pl->ntargets)
        return pgw_errorf(p->err, "42601", "too many column names were specified");
    adp_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    snprintf(t->name, sizeof t->name, "%s", rv->relname);
    t->cols = calloc((size_t)(pl->ntargets ? pl->ntargets : 1), sizeof *t->cols);
    if (!t->cols) abort();
    t->ncols = pl->ntargets;
    for (int i = 0; i < t->ncols; i++) {
        const char *name =
            i < (int)into->n_col_names ? into->col_names[i]->string->sval : pl->targets[i].name;
        snprintf(t->cols[i].name, sizeof t->cols[i].name, "%s", name);
        t->cols[i].type = pl->targets[i].expr->type;
        for (int k = 0; k < i; k++)
            if (strcmp(t->cols[k].name, t->cols[i].name) == 0) {
                pgw_errorf(p->err, "42701", "column \"%s\" specified more than once",
                           t->cols[i].name);
                adp_table_free(t);
                return false;
            }
    }
    adp_value **rows = NULL;
    size_t n = 0;
    if (!into->skip_data && !adp_select_collect(p, pl, &rows, &n)) {
        adp_table_free(t);
        return false;
    }
    adp_cat_add_table(db, t);
    adp_undo_push(p->s, ADP_UNDO_CREATE, t, NULL);
    for (size_t r = 0; r < n; r++) {
        adp_row *row = adp_row_new(t, rows[r]);
        adp_table_append(t, row);
        adp_undo_push(p->s, ADP_UNDO_INSERT, t, row);
    }
    char tag[48];
    if (into->skip_data)
        snprintf(tag, sizeof tag, "CREATE TABLE AS");
    else
        snprintf(tag, sizeof tag, "SELECT %zu", n);
    pgw_be_write_command_complete(out, tag);
    return true;
}
