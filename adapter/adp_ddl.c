/* adp_ddl: CREATE TABLE, CREATE [UNIQUE|DEFAULT] INDEX and DROP TABLE, all undoable. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_exec.h"
#include "adp_mvcc.h"
#include "pgw_be_write.h"

static int find_col(const adp_table *t, const char *name)
{
    for (int i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0) return i;
    return -1;
}

/* A new index, not yet in its table's list (adp_table_add_index publishes it). */
static adp_index *new_index(const char *name, bool unique, bool primary, int ncols, const int *cols)
{
    adp_index *ix = calloc(1, sizeof *ix);
    if (!ix) abort();
    snprintf(ix->name, sizeof ix->name, "%.*s", (int)sizeof ix->name - 1, name);
    ix->unique = unique;
    ix->primary = primary;
    ix->ncols = ncols;
    ix->cols = malloc((size_t)(ncols ? ncols : 1) * sizeof *ix->cols);
    if (!ix->cols) abort();
    memcpy(ix->cols, cols, (size_t)ncols * sizeof *cols);
    return ix;
}

/* A key constraint (PRIMARY KEY / UNIQUE) over named columns. */
static bool key_constraint(adp_pctx *p, adp_table *t, PgQuery__Constraint *c, int colpos)
{
    bool primary = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
    int n = c->n_keys ? (int)c->n_keys : 1;
    if (c->nulls_not_distinct || c->n_including || c->initdeferred || c->where_clause)
        return adp_perr(
            p, c->location, "0A000",
            "NULLS NOT DISTINCT, INCLUDE, WHERE and deferred checking of keys are not supported");
    int cols[64];
    if (n > 64)
        return adp_perr(p, c->location, "54011", "cannot use more than 32 columns in an index");
    char name[ADP_NAMEDATALEN * 2];
    size_t len = (size_t)snprintf(name, sizeof name, "%s", t->name);
    for (int i = 0; i < n; i++) {
        if (c->n_keys) {
            const char *k = c->keys[i]->string->sval;
            if ((cols[i] = find_col(t, k)) < 0)
                return adp_perr(p, c->location, "42703",
                                "column \"%s\" named in key does not exist", k);
        } else
            cols[i] = colpos;
        if (!primary && len < sizeof name)
            len += (size_t)snprintf(name + len, sizeof name - len, "_%s", t->cols[cols[i]].name);
    }
    if (primary) {
        for (int i = 0; i < adp_table_ixs(t)->n; i++)
            if (adp_table_ixs(t)->ix[i]->primary)
                return adp_perr(p, c->location, "42P16",
                                "multiple primary keys for table \"%s\" are not allowed", t->name);
        for (int i = 0; i < n; i++)
            t->cols[cols[i]].not_null = true;
    }
    if (c->conname[0])
        snprintf(name, sizeof name, "%s", c->conname);
    else if (len < sizeof name)
        snprintf(name + len, sizeof name - len, "%s", primary ? "_pkey" : "_key");
    name[ADP_NAMEDATALEN - 1] = 0;
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int i = 0; i < xs->n; i++)
        if (strcmp(xs->ix[i]->name, name) == 0 ||
            (xs->ix[i]->ncols == n && memcmp(xs->ix[i]->cols, cols, (size_t)n * sizeof *cols) == 0))
            return true; /* same key twice: PostgreSQL keeps one index as well */
    if (adp_cat_relation_exists(p->s->db, name))
        return adp_perr(p, c->location, "42P07", "relation \"%s\" already exists", name);
    adp_index *ix = new_index(name, true, primary, n, cols);
    ix->constraint = true;
    adp_table_add_index(t, ix); /* the table is not in the catalog yet: nothing to fill */
    return true;
}

static bool has_function(const adp_expr *e)
{
    if (e->kind == ADP_E_FUNC) return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_function(e->args[i])) return true;
    return false;
}

static bool column_default(adp_pctx *p, adp_column *col, PgQuery__Node *raw)
{
    adp_pctx q = *p;
    q.table = NULL;
    q.aggs = NULL;
    q.no_agg_ctx = "DEFAULT expressions";
    adp_expr *e = adp_analyze(&q, raw);
    if (!e || !(e = adp_coerce_assign(&q, e, col, adp_node_location(raw)))) return false;
    /* Evaluated once here, which equals evaluating per row only without functions
     * (now(), current_user ...). */
    if (has_function(e))
        return adp_perr(p, adp_node_location(raw), "0A000",
                        "only constant DEFAULT expressions are supported");
    adp_value v;
    adp_eval_ctx c = {.s = p->s};
    if (!adp_eval(e, &c, &v, p->err)) return false;
    adp_value_copy_heap(col->type.id, &v, &col->defval);
    col->has_default = true;
    return true;
}

static bool column_def(adp_pctx *p, adp_table *t, PgQuery__ColumnDef *cd, int pos)
{
    adp_column *col = &t->cols[pos];
    snprintf(col->name, sizeof col->name, "%s", cd->colname);
    for (int i = 0; i < pos; i++)
        if (strcmp(t->cols[i].name, col->name) == 0)
            return pgw_errorf(p->err, "42701", "column \"%s\" specified more than once", col->name);
    if (!adp_lookup_typename(p, cd->type_name, &col->type)) return false;
    if (cd->coll_clause) return adp_perr(p, cd->location, "0A000", "COLLATE is not supported");
    for (size_t i = 0; i < cd->n_constraints; i++) {
        PgQuery__Constraint *c = cd->constraints[i]->constraint;
        switch (c->contype) {
        case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
            col->not_null = false;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            col->not_null = true;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            if (!column_default(p, col, c->raw_expr)) return false;
            break;
        case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
            break; /* after every column exists */
        default:
            return adp_perr(p, c->location, "0A000", "this column constraint is not supported");
        }
    }
    return true;
}

bool adp_exec_create_table(adp_pctx *p, PgQuery__CreateStmt *st, pgw_buf *out)
{
    PgQuery__RangeVar *rv = st->relation;
    if (!adp_check_create_schema(p, rv)) return false;
    if (st->n_inh_relations || st->partspec || st->partbound || st->of_typename)
        return pgw_errorf(p->err, "0A000",
                          "inheritance, partitioning and typed tables are not supported");
    adp_db *db = p->s->db;
    if (adp_cat_relation_exists(db, rv->relname)) {
        if (st->if_not_exists) {
            adp_notice(p->s, out, "NOTICE", "42P07", "relation \"%s\" already exists, skipping",
                       rv->relname);
            pgw_be_write_command_complete(out, "CREATE TABLE");
            return true;
        }
        return pgw_errorf(p->err, "42P07", "relation \"%s\" already exists", rv->relname);
    }
    adp_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    snprintf(t->name, sizeof t->name, "%s", rv->relname);
    int ncols = 0;
    for (size_t i = 0; i < st->n_table_elts; i++)
        ncols += st->table_elts[i]->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF;
    t->cols = calloc((size_t)(ncols ? ncols : 1), sizeof *t->cols);
    if (!t->cols) abort();
    bool ok = true;
    for (size_t i = 0; ok && i < st->n_table_elts; i++) {
        PgQuery__Node *n = st->table_elts[i];
        if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
            t->ncols++;
            ok = column_def(p, t, n->column_def, t->ncols - 1);
        } else if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT)
            ok = pgw_errorf(p->err, "0A000", "LIKE in CREATE TABLE is not supported");
    }
    /* Keys in PostgreSQL's order: column constraints, then table constraints. */
    for (size_t i = 0, pos = 0; ok && i < st->n_table_elts; i++) {
        PgQuery__Node *n = st->table_elts[i];
        if (n->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
        for (size_t k = 0; ok && k < n->column_def->n_constraints; k++) {
            PgQuery__Constraint *c = n->column_def->constraints[k]->constraint;
            if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
                c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
                ok = key_constraint(p, t, c, (int)pos);
        }
        pos++;
    }
    for (size_t i = 0; ok && i < st->n_table_elts; i++) {
        PgQuery__Node *n = st->table_elts[i];
        if (n->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
        PgQuery__Constraint *c = n->constraint;
        if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
            c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
            ok = key_constraint(p, t, c, -1);
        else
            ok = adp_perr(p, c->location, "0A000", "this table constraint is not supported");
    }
    if (!ok) {
        adp_table_free(t);
        return false;
    }
    adp_cat_add_table(db, t);
    adp_undo_push(p->s, ADP_UNDO_CREATE, t, NULL);
    pgw_be_write_command_complete(out, "CREATE TABLE");
    return true;
}

/* Fills an index with the current rows, checks them when it is unique, then appends it:
 * lock-free readers see it only complete. */
static bool add_index(adp_pctx *p, adp_table *t, const char *name, bool unique, int n,
                      const int *cols)
{
    adp_index *ix = new_index(name, unique, false, n, cols);
    for (size_t i = 0; i < adp_table_count(t); i++)
        if (adp_table_row(t, i)->end_ts == ADP_TS_INF && !adp_table_row(t, i)->deleter &&
            adp_index_add(t, ix, adp_table_row(t, i))) {
            char names[512], vals[512];
            size_t a = 0, b = 0;
            for (int c = 0; c < n; c++) {
                adp_value *v = &adp_table_row(t, i)->vals[cols[c]];
                a += (size_t)snprintf(names + a, sizeof names - a, "%s%s", c ? ", " : "",
                                      t->cols[cols[c]].name);
                b += (size_t)snprintf(
                    vals + b, sizeof vals - b, "%s%s", c ? ", " : "",
                    v->isnull ? "null"
                              : adp_value_out_cstr(p->a, t->cols[cols[c]].type, v, &p->s->fmt));
            }
            adp_index_free(t, ix);
            pgw_errorf(p->err, "23505", "could not create unique index \"%s\"", name);
            pgw_error_detail(p->err, "Key (%s)=(%s) is duplicated.", names, vals);
            return false;
        }
    adp_table_add_index(t, ix);
    adp_undo_push(p->s, ADP_UNDO_INDEX, t, NULL);
    p->s->undo[p->s->nundo - 1].index = ix;
    atomic_fetch_add(&p->s->db->catalog_version, 1);
    return true;
}

bool adp_exec_create_index(adp_pctx *p, PgQuery__IndexStmt *st, pgw_buf *out)
{
    adp_table *t = adp_resolve_table(p, st->relation);
    if (!t) {
        p->err->position = 0; /* PostgreSQL reports no position here */
        return false;
    }
    if (st->where_clause || st->n_index_including_params || st->concurrent ||
        st->nulls_not_distinct)
        return pgw_errorf(
            p->err, "0A000",
            "partial, covering, concurrent and NULLS NOT DISTINCT indexes are not supported");
    if (st->access_method[0] && strcmp(st->access_method, "btree") != 0 &&
        strcmp(st->access_method, "hash") != 0)
        return pgw_errorf(p->err, "0A000", "index access method \"%s\" is not supported",
                          st->access_method);
    int n = (int)st->n_index_params;
    int cols[64];
    if (n > 32) return pgw_errorf(p->err, "54011", "cannot use more than 32 columns in an index");
    char name[ADP_NAMEDATALEN * 2];
    size_t len = (size_t)snprintf(name, sizeof name, "%s", t->name);
    for (int i = 0; i < n; i++) {
        PgQuery__IndexElem *ie = st->index_params[i]->index_elem;
        if (ie->expr || !ie->name[0])
            return pgw_errorf(p->err, "0A000", "expression indexes are not supported");
        if ((cols[i] = find_col(t, ie->name)) < 0)
            return pgw_errorf(p->err, "42703", "column \"%s\" does not exist", ie->name);
        if (len < sizeof name)
            len += (size_t)snprintf(name + len, sizeof name - len, "_%s", ie->name);
    }
    if (st->idxname[0])
        snprintf(name, sizeof name, "%s", st->idxname);
    else if (len < sizeof name)
        snprintf(name + len, sizeof name - len, "_idx");
    name[ADP_NAMEDATALEN - 1] = 0;
    if (adp_cat_relation_exists(p->s->db, name)) {
        if (st->if_not_exists) {
            adp_notice(p->s, out, "NOTICE", "42P07", "relation \"%s\" already exists, skipping",
                       name);
            pgw_be_write_command_complete(out, "CREATE INDEX");
            return true;
        }
        return pgw_errorf(p->err, "42P07", "relation \"%s\" already exists", name);
    }
    if (!add_index(p, t, name, st->unique, n, cols)) return false;
    pgw_be_write_command_complete(out, "CREATE INDEX");
    return true;
}

static bool drop_index(adp_pctx *p, PgQuery__DropStmt *st, pgw_buf *out)
{
    adp_db *db = p->s->db;
    adp_index *found[st->n_objects ? st->n_objects : 1];
    adp_table *owner[st->n_objects ? st->n_objects : 1];
    for (size_t i = 0; i < st->n_objects; i++) {
        PgQuery__List *l = st->objects[i]->list;
        const char *schema = l->n_items == 2 ? l->items[0]->string->sval : "";
        const char *name = l->items[l->n_items - 1]->string->sval;
        bool here = l->n_items <= 2 && (!schema[0] || strcmp(schema, "public") == 0);
        found[i] = here ? adp_cat_find_index(db, name, &owner[i]) : NULL;
        for (size_t k = 0; k < i; k++)
            if (found[k] == found[i]) found[i] = NULL;
        if (found[i] && found[i]->constraint) {
            pgw_errorf(p->err, "2BP01",
                       "cannot drop index %s because constraint %s on table %s requires it", name,
                       name, owner[i]->name);
            pgw_error_hint(p->err, "You can drop constraint %s on table %s instead.", name,
                           owner[i]->name);
            return false;
        }
        if (found[i]) continue;
        if (here && adp_cat_find_table(db, name)) {
            pgw_errorf(p->err, "42809", "\"%s\" is not an index", name);
            pgw_error_hint(p->err, "Use DROP TABLE to remove a table.");
            return false;
        }
        if (!st->missing_ok)
            return pgw_errorf(p->err, "42704", "index \"%s\" does not exist", name);
        adp_notice(p->s, out, "NOTICE", "00000", "index \"%s\" does not exist, skipping", name);
    }
    for (size_t i = 0; i < st->n_objects; i++) {
        if (!found[i]) continue;
        adp_table *t = owner[i];
        /* before it goes out of use: a lock-free read that planned with it sees the
         * version move when it is done, and runs again (adp_read.h) */
        atomic_fetch_add(&db->catalog_version, 1);
        adp_table_remove_index(t, found[i]);
        /* nobody maintains it while it is out of the table: a rollback refills it (a
         * reader that still plans with it finds it empty, and the churn this bumps sends
         * its key lookups to a scan) */
        adp_index_clear(t, found[i]);
        adp_undo_push(p->s, ADP_UNDO_DROP_INDEX, t, NULL);
        p->s->undo[p->s->nundo - 1].index = found[i];
        atomic_fetch_add(&db->catalog_version, 1);
    }
    pgw_be_write_command_complete(out, "DROP INDEX");
    return true;
}

bool adp_exec_drop(adp_pctx *p, PgQuery__DropStmt *st, pgw_buf *out)
{
    if (st->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && !st->concurrent)
        return drop_index(p, st, out);
    if (st->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
        return pgw_errorf(p->err, "0A000", "DROP of this kind of object is not supported");
    if (st->concurrent) return pgw_errorf(p->err, "0A000", "DROP CONCURRENTLY is not supported");
    adp_db *db = p->s->db;
    /* Every name is checked before anything is dropped, as PostgreSQL does. */
    adp_table *found[st->n_objects ? st->n_objects : 1];
    for (size_t i = 0; i < st->n_objects; i++) {
        PgQuery__List *l = st->objects[i]->list;
        const char *schema = l->n_items == 2 ? l->items[0]->string->sval : "";
        const char *name = l->items[l->n_items - 1]->string->sval;
        found[i] = (l->n_items > 2 || (schema[0] && strcmp(schema, "public") != 0))
                       ? NULL
                       : adp_cat_find_table(db, name);
        for (size_t k = 0; k < i; k++)
            if (found[k] == found[i]) found[i] = NULL;
        adp_table *owner;
        if (!found[i] && !schema[0] && adp_cat_find_index(db, name, &owner)) {
            pgw_errorf(p->err, "42809", "\"%s\" is not a table", name);
            pgw_error_hint(p->err, "Use DROP INDEX to remove an index.");
            return false;
        }
        if (!found[i]) {
            if (!st->missing_ok) {
                if (schema[0] && strcmp(schema, "public") != 0)
                    return pgw_errorf(p->err, "3F000", "schema \"%s\" does not exist", schema);
                return pgw_errorf(p->err, "42P01", "table \"%s\" does not exist", name);
            }
            if (schema[0] && strcmp(schema, "public") != 0)
                adp_notice(p->s, out, "NOTICE", "00000", "schema \"%s\" does not exist, skipping",
                           schema);
            else
                adp_notice(p->s, out, "NOTICE", "00000", "table \"%s\" does not exist, skipping",
                           name);
        }
    }
    for (size_t i = 0; i < st->n_objects; i++)
        if (found[i]) {
            adp_cat_remove_table(db, found[i]);
            adp_undo_push(p->s, ADP_UNDO_DROP, found[i], NULL);
        }
    pgw_be_write_command_complete(out, "DROP TABLE");
    return true;
}

bool adp_exec_truncate(adp_pctx *p, PgQuery__TruncateStmt *st, pgw_buf *out)
{
    adp_table *found[st->n_relations ? st->n_relations : 1];
    for (size_t i = 0; i < st->n_relations; i++) {
        if (!(found[i] = adp_resolve_table(p, st->relations[i]->range_var))) {
            p->err->position = 0; /* PostgreSQL reports no position here */
            return false;
        }
    }
    /* Every row goes to the undo log, so TRUNCATE rolls back like DELETE. */
    for (size_t i = 0; i < st->n_relations; i++) {
        adp_table *t = found[i];
        /* Every current row, and this transaction's own pending ones; TRUNCATE is not
         * MVCC-safe in PostgreSQL either, so rows committed after our snapshot go too.
         * Other transactions' pending rows stay theirs. */
        for (size_t k = adp_table_count(t); k-- > 0;) {
            adp_row *r = adp_table_row(t, k);
            if (r->end_ts != ADP_TS_INF || r->deleter || (r->owner && r->owner != p->s)) continue;
            adp_undo_push(p->s, ADP_UNDO_DELETE, t, r);
            adp_table_unindex(t, r);
        }
    }
    pgw_be_write_command_complete(out, "TRUNCATE TABLE");
    return true;
}

/* --- CREATE DEFAULT INDEX [IN CLUSTER c] ON t: Materialize syntax, not in the grammar --- */

static const char *skip_ws(const char *s)
{
    for (;;) {
        while (isspace((unsigned char)*s))
            s++;
        if (s[0] == '-' && s[1] == '-') {
            while (*s && *s != '\n')
                s++;
            continue;
        }
        return s;
    }
}

static bool keyword(const char **s, const char *kw)
{
    const char *p = skip_ws(*s);
    size_t n = strlen(kw);
    if (strncasecmp(p, kw, n) != 0 || isalnum((unsigned char)p[n]) || p[n] == '_') return false;
    *s = p + n;
    return true;
}

/* An identifier, plain (folded to lower case) or double-quoted. */
static bool ident(const char **s, char *out, size_t cap)
{
    const char *p = skip_ws(*s);
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p; p++) {
            if (*p == '"') {
                if (p[1] != '"') break;
                p++;
            }
            if (n + 1 < cap) out[n++] = *p;
        }
        if (*p != '"') return false;
        p++;
    } else {
        if (!isalpha((unsigned char)*p) && *p != '_') return false;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '$') {
            if (n + 1 < cap) out[n++] = (char)tolower((unsigned char)*p);
            p++;
        }
    }
    out[n] = 0;
    *s = p;
    return true;
}

bool adp_default_index_try(adp_session *s, const char *sql, bool *handled, pgw_buf *out,
                           pgw_error *err)
{
    const char *q = sql;
    *handled = false;
    if (!keyword(&q, "create") || !keyword(&q, "default") || !keyword(&q, "index")) return true;
    char cluster[ADP_NAMEDATALEN], name[ADP_NAMEDATALEN];
    if (keyword(&q, "in")) {
        if (!keyword(&q, "cluster") || !ident(&q, cluster, sizeof cluster))
            return true; /* let the grammar report the syntax error */
    }
    if (!keyword(&q, "on") || !ident(&q, name, sizeof name)) return true;
    q = skip_ws(q);
    if (*q == '.') { /* public.t */
        if (strcmp(name, "public") != 0) return true;
        q++;
        if (!ident(&q, name, sizeof name)) return true;
        q = skip_ws(q);
    }
    if (*q == ';') q = skip_ws(q + 1);
    if (*q) return true;
    *handled = true;
    if (s->txn == ADP_TXN_FAILED)
        return pgw_errorf(err, "25P02",
                          "current transaction is aborted, commands ignored until "
                          "end of transaction block");
    adp_pctx p = {.s = s, .a = &s->arena, .sql = sql, .err = err};
    adp_db *db = s->db;
    pthread_rwlock_wrlock(&db->lock);
    adp_table *t = adp_cat_find_table(db, name);
    bool ok;
    if (!t) {
        ok = pgw_errorf(err, "42P01", "relation \"%s\" does not exist", name);
    } else {
        /* Materialize's default index covers every column and is named <table>_primary_idx. */
        char ixname[ADP_NAMEDATALEN * 2];
        snprintf(ixname, sizeof ixname, "%s_primary_idx", t->name);
        ixname[ADP_NAMEDATALEN - 1] = 0;
        int cols[t->ncols ? t->ncols : 1];
        for (int i = 0; i < t->ncols; i++)
            cols[i] = i;
        for (int k = 1; adp_cat_relation_exists(db, ixname); k++) {
            snprintf(ixname, sizeof ixname, "%s_primary_idx%d", t->name, k);
            ixname[ADP_NAMEDATALEN - 1] = 0;
        }
        ok = add_index(&p, t, ixname, false, t->ncols, cols);
        if (ok) pgw_be_write_command_complete(out, "CREATE INDEX");
    }
    pthread_rwlock_unlock(&db->lock);
    return ok;
}
