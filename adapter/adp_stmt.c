/* adp_stmt: statement dispatch, locking, SET/SHOW/RESET and result-row writing. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "adp_durable.h"
#include "adp_ext.h"
#include "adp_index_path.h"
#include "adp_read.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

static bool unsupported(pgw_error *err, const char *what)
{
    return pgw_errorf(err, "0A000", "%s is not supported", what);
}

static const char *stmt_name(PgQuery__Node__NodeCase k)
{
    switch (k) {
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        return "EXPLAIN";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        return "ALTER TABLE";
    case PG_QUERY__NODE__NODE_VIEW_STMT:
        return "CREATE VIEW";
    case PG_QUERY__NODE__NODE_COPY_STMT:
        return "COPY";
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
        return "PREPARE";
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        return "EXECUTE";
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
        return "CREATE SCHEMA";
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
        return "CREATE DATABASE";

    case PG_QUERY__NODE__NODE_GRANT_STMT:
        return "GRANT";
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
        return "CREATE ROLE";
    default:
        return "this statement";
    }
}

static const char *write_name(PgQuery__Node *n)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT:
        return "INSERT";
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
        return "UPDATE";
    case PG_QUERY__NODE__NODE_DELETE_STMT:
        return "DELETE";
    case PG_QUERY__NODE__NODE_CREATE_STMT:
        return "CREATE TABLE";
    case PG_QUERY__NODE__NODE_INDEX_STMT:
        return "CREATE INDEX";
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
        return "TRUNCATE TABLE";
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        return "CREATE TABLE AS";
    default:
        return n->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? "DROP INDEX"
                                                                                : "DROP TABLE";
    }
}

bool adp_defelem_true(PgQuery__DefElem *d)
{
    PgQuery__Node *a = d->arg;
    if (a && a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        a->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL)
        return a->a_const->ival->ival != 0;
    if (a && a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        a->a_const->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
        return a->a_const->boolval->boolval;
    return true;
}

/* Like SET LOCAL: the value lasts until the block ends, however it ends. */
static void set_local(adp_session *s, int id, const char *value)
{
    adp_session_save_settings(s);
    if (!(s->local_mask & (1ull << id))) {
        memcpy(s->local_saved.v[id], s->settings.v[id], ADP_SETTING_MAX);
        s->local_mask |= 1ull << id;
    }
    snprintf(s->settings.v[id], ADP_SETTING_MAX, "%s", value);
}

bool adp_txn_mode(adp_session *s, PgQuery__Node *o, bool apply)
{
    if (o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) return false;
    PgQuery__DefElem *d = o->def_elem;
    if (strcmp(d->defname, "transaction_read_only") == 0) {
        if (apply) {
            s->read_only = adp_defelem_true(d);
            set_local(s, ADP_SET_TXN_READ_ONLY, s->read_only ? "on" : "off");
        }
        return true;
    }
    if (strcmp(d->defname, "transaction_isolation") != 0) return false;
    /* Every level is served at least as strict serializable, which satisfies each; the
     * levels pgpeek has are recorded (and shown) as asked. */
    PgQuery__Node *a = d->arg;
    const char *level = a && a->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                                a->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL
                            ? a->a_const->sval->sval
                            : "";
    if (apply &&
        (strcasecmp(level, "serializable") == 0 || strcasecmp(level, "strict serializable") == 0))
        set_local(s, ADP_SET_TXN_ISOLATION,
                  strcasecmp(level, "serializable") == 0 ? "serializable" : "strict serializable");
    return true;
}

/* DISCARD, as connection poolers send it between clients. */
static bool discard(adp_session *s, PgQuery__DiscardStmt *d, pgw_buf *out, pgw_error *err)
{
    static const char *tags[] = {"DISCARD", "DISCARD ALL", "DISCARD PLANS", "DISCARD SEQUENCES",
                                 "DISCARD TEMP"};
    if (d->target == PG_QUERY__DISCARD_MODE__DISCARD_ALL) {
        if (s->txn != ADP_TXN_IDLE || s->in_implicit_block)
            return pgw_errorf(err, "25001", "DISCARD ALL cannot run inside a transaction block");
        adp_session_save_settings(s);
        for (int i = 0; i < ADP_SET_COUNT_; i++)
            memcpy(s->settings.v[i], s->boot.v[i], ADP_SETTING_MAX);
        adp_session_sync_fmt(s);
        s->discard_all = true; /* prepared statements and portals go after this statement */
    }
    pgw_be_write_command_complete(out, tags[d->target <= 4 ? d->target : 0]);
    return true;
}

static bool run_select(adp_pctx *p, const void *st, pgw_buf *out)
{
    return adp_exec_select(p, (PgQuery__SelectStmt *)st, out);
}

bool adp_stmt_run(adp_session *s, const char *sql, PgQuery__Node *stmt, pgw_buf *out,
                  pgw_error *err)
{
    adp_pctx p = {.s = s, .a = &s->arena, .sql = sql, .err = err};
    adp_db *db = s->db;
    bool ok;
    if (s->plan_only) {
        /* Parse and Describe plan the statements that return rows or take parameters;
         * everything else is only looked at when it runs, as in PostgreSQL. */
        switch (stmt->node_case) {
        case PG_QUERY__NODE__NODE_SELECT_STMT:
        case PG_QUERY__NODE__NODE_INSERT_STMT:
        case PG_QUERY__NODE__NODE_UPDATE_STMT:
        case PG_QUERY__NODE__NODE_DELETE_STMT:
        case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
            break;
        default:
            return true;
        }
    }
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
        return adp_read_run(&p, run_select, stmt->select_stmt, out);
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        pthread_rwlock_rdlock(&db->lock);
        ok = adp_exec_explain(&p, stmt->explain_stmt, out);
        pthread_rwlock_unlock(&db->lock);
        return ok;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_STMT:
    case PG_QUERY__NODE__NODE_INDEX_STMT:
    case PG_QUERY__NODE__NODE_DROP_STMT:
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        if (s->read_only && !s->plan_only)
            return pgw_errorf(err, "25006", "cannot execute %s in a read-only transaction",
                              write_name(stmt));
        pthread_rwlock_wrlock(&db->lock);
        switch (stmt->node_case) {
        case PG_QUERY__NODE__NODE_INSERT_STMT:
            ok = adp_exec_insert(&p, stmt->insert_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_UPDATE_STMT:
            ok = adp_exec_update(&p, stmt->update_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_DELETE_STMT:
            ok = adp_exec_delete(&p, stmt->delete_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_CREATE_STMT:
            ok = adp_exec_create_table(&p, stmt->create_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_INDEX_STMT:
            ok = adp_exec_create_index(&p, stmt->index_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
            ok = adp_exec_truncate(&p, stmt->truncate_stmt, out);
            break;
        case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
            ok = adp_exec_create_table_as(&p, stmt->create_table_as_stmt, out);
            break;
        default:
            ok = adp_exec_drop(&p, stmt->drop_stmt, out);
            break;
        }
        pthread_rwlock_unlock(&db->lock);
        return ok;
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        if (s->plan_only) return true;
        return adp_exec_set(&p, stmt->variable_set_stmt, out);
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        return adp_exec_show(&p, stmt->variable_show_stmt, out);
    case PG_QUERY__NODE__NODE_ALTER_SYSTEM_STMT:
        return adp_exec_alter_system(&p, stmt->alter_system_stmt, out);
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
        if (s->plan_only) return true;
        return discard(s, stmt->discard_stmt, out, err);
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT:
        /* Superuser only in PostgreSQL; every pgpeek user is one until roles exist. */
        if (s->plan_only) return true;
        return adp_durable_checkpoint_stmt(s, out, err); /* may go pending */
    case PG_QUERY__NODE__NODE_PREPARE_STMT:
        if (s->plan_only) return true;
        return adp_ext_sql_prepare(&p, stmt->prepare_stmt, out);
    case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        return adp_ext_sql_execute(&p, stmt->execute_stmt, out);
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
        if (s->plan_only) return true;
        return adp_ext_sql_deallocate(&p, stmt->deallocate_stmt, out);
    default:
        return unsupported(err, stmt_name(stmt->node_case));
    }
}

static bool cross_database(adp_pctx *p, PgQuery__RangeVar *rv)
{
    if (!rv->catalogname[0] || strcmp(rv->catalogname, p->s->database) == 0) return false;
    adp_perr(p, rv->location, "0A000",
             "cross-database references are not implemented: \"%s.%s.%s\"", rv->catalogname,
             rv->schemaname, rv->relname);
    return true;
}

bool adp_public_on_path(const adp_session *s)
{
    return adp_search_path_has_public(s->settings.v[ADP_SET_SEARCH_PATH], s->user);
}

bool adp_check_create_schema(adp_pctx *p, PgQuery__RangeVar *rv)
{
    if (cross_database(p, rv)) return false;
    if (rv->schemaname[0] && strcmp(rv->schemaname, "public") != 0)
        return adp_perr(p, rv->location, "3F000", "schema \"%s\" does not exist", rv->schemaname);
    if (!rv->schemaname[0] && !adp_public_on_path(p->s))
        return adp_perr(p, rv->location, "3F000", "no schema has been selected to create in");
    if (strcmp(rv->relpersistence, "t") == 0)
        return adp_perr(p, rv->location, "0A000", "temporary tables are not supported");
    return true;
}

adp_table *adp_resolve_table(adp_pctx *p, PgQuery__RangeVar *rv)
{
    if (cross_database(p, rv)) return NULL;
    adp_table *t = NULL;
    /* public is the only schema: an unqualified name finds it only through search_path, and
     * a name in any other schema does not exist (as a relation, as PostgreSQL words it). */
    if (strcmp(rv->schemaname, "public") == 0 || (!rv->schemaname[0] && adp_public_on_path(p->s)))
        t = adp_cat_find_table(p->s->db, rv->relname);
    bool system = strcmp(rv->schemaname, "pg_catalog") == 0 ||
                  strcmp(rv->schemaname, "information_schema") == 0 ||
                  (!rv->schemaname[0] && strncmp(rv->relname, "pg_", 3) == 0);
    if (!t && system) {
        /* PostgreSQL has these; saying they do not exist would mislead. */
        adp_perr(p, rv->location, "0A000", "system catalog \"%s%s%s\" is not supported",
                 rv->schemaname, rv->schemaname[0] ? "." : "", rv->relname);
    } else if (!t) {
        if (rv->schemaname[0])
            adp_perr(p, rv->location, "42P01", "relation \"%s.%s\" does not exist", rv->schemaname,
                     rv->relname);
        else
            adp_perr(p, rv->location, "42P01", "relation \"%s\" does not exist", rv->relname);
    }
    return t;
}

static adp_type out_type(adp_type t)
{
    return t.id == ADP_T_UNKNOWN ? (adp_type){ADP_T_TEXT, -1} : t;
}

int16_t adp_result_format(const adp_session *s, int col)
{
    return s->nrfmt == 0 ? 0 : s->nrfmt == 1 ? s->rfmt[0] : col < s->nrfmt ? s->rfmt[col] : 0;
}

void adp_write_fields(adp_session *s, pgw_buf *out, pgw_field_desc *fd, int n)
{
    if (s->skip_rowdesc) return;
    for (int i = 0; i < n; i++)
        fd[i].format = adp_result_format(s, i);
    pgw_be_write_row_description(out, n, fd);
}

void adp_write_row_description(adp_session *s, pgw_buf *out, const adp_target *t, int n)
{
    pgw_field_desc fd[n > 0 ? n : 1];
    for (int i = 0; i < n; i++) {
        adp_type ty = out_type(t[i].expr->type);
        fd[i] = (pgw_field_desc){.name = t[i].name,
                                 .table_oid = t[i].table_oid,
                                 .column_attnum = t[i].attnum,
                                 .type_oid = adp_type_oid(ty.id),
                                 .type_len = adp_type_len(ty.id),
                                 .type_mod = ty.typmod,
                                 .format = 0};
        /* current_user, current_database() and current_schema() are of type name in
         * PostgreSQL; their values print the same as text. */
        const adp_expr *e = t[i].expr;
        if (e->kind == ADP_E_FUNC &&
            (e->op == ADP_F_CURRENT_USER || e->op == ADP_F_CURRENT_DATABASE ||
             e->op == ADP_F_CURRENT_SCHEMA)) {
            fd[i].type_oid = 19;
            fd[i].type_len = 64;
        }
    }
    adp_write_fields(s, out, fd, n);
}

void adp_write_data_row(adp_session *s, pgw_buf *out, const adp_target *t, const adp_value *v,
                        int n)
{
    pgw_be_write_data_row_begin(out, (int16_t)n);
    for (int i = 0; i < n; i++) {
        if (v[i].isnull) {
            pgw_be_write_data_null(out);
            continue;
        }
        size_t at = pgw_buf_begin_field(out);
        adp_type ty = t[i].expr->type;
        if (ty.id == ADP_T_UNKNOWN)
            pgw_buf_put(out, v[i].u.s.p, v[i].u.s.len);
        else if (s->nrfmt && adp_result_format(s, i) == 1)
            adp_value_send(out, ty, &v[i]);
        else
            adp_value_out(out, ty, &v[i], &s->fmt);
        pgw_buf_end_field(out, at);
    }
    pgw_be_write_data_row_end(out);
}

/* SET arguments as PostgreSQL flattens them: a list joins with ", "; the elements of a
 * list of names (search_path) are quoted as identifiers where needed. */
bool adp_set_value_text(adp_pctx *p, PgQuery__VariableSetStmt *st, bool list_quote, char *buf,
                        size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < st->n_args; i++) {
        PgQuery__Node *a = st->args[i];
        char one[256];
        bool interval = false;
        if (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
            /* SET TIME ZONE INTERVAL '...': PostgreSQL passes "interval '...'" on */
            PgQuery__TypeName *tn = a->type_cast->type_name;
            PgQuery__Node *last = tn && tn->n_names ? tn->names[tn->n_names - 1] : NULL;
            interval = last && last->node_case == PG_QUERY__NODE__NODE_STRING &&
                       strcmp(last->string->sval, "interval") == 0;
            a = a->type_cast->arg;
        }
        if (a->node_case != PG_QUERY__NODE__NODE_A_CONST || a->a_const->isnull)
            return adp_perr(p, adp_node_location(a), "0A000", "this SET value is not supported");
        PgQuery__AConst *c = a->a_const;
        switch (c->val_case) {
        case PG_QUERY__A__CONST__VAL_IVAL:
            snprintf(one, sizeof one, "%d", c->ival->ival);
            break;
        case PG_QUERY__A__CONST__VAL_FVAL:
            snprintf(one, sizeof one, "%s", c->fval->fval);
            break;
        case PG_QUERY__A__CONST__VAL_SVAL:
            if (list_quote)
                adp_quote_ident(c->sval->sval, one, sizeof one);
            else
                snprintf(one, sizeof one, interval ? "interval '%s'" : "%s", c->sval->sval);
            break;
        case PG_QUERY__A__CONST__VAL_BOOLVAL:
            snprintf(one, sizeof one, "%s", c->boolval->boolval ? "on" : "off");
            break;
        default:
            return adp_perr(p, c->location, "0A000", "this SET value is not supported");
        }
        n += (size_t)snprintf(buf + n, cap > n ? cap - n : 0, "%s%s", i ? ", " : "", one);
    }
    return true;
}

bool adp_exec_set(adp_pctx *p, PgQuery__VariableSetStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    adp_session_save_settings(s);
    if (st->is_local && s->txn == ADP_TXN_IDLE) {
        adp_notice(s, out, "WARNING", "25P01", "SET LOCAL can only be used in transaction blocks");
        pgw_be_write_command_complete(out, "SET");
        return true;
    }
    if (strcmp(st->name, "role") == 0 || strcmp(st->name, "session_authorization") == 0)
        return pgw_errorf(p->err, "0A000", "SET %s is not supported",
                          st->name[0] == 'r' ? "ROLE" : "SESSION AUTHORIZATION");
    if (st->name[0]) {
        /* SET LOCAL remembers the value to restore at COMMIT; a plain SET forgets that. */
        pgw_error ignore;
        int id = adp_setting_find(st->name, &ignore);
        if (id >= 0 && st->is_local && !(s->local_mask & (1ull << id))) {
            memcpy(s->local_saved.v[id], s->settings.v[id], ADP_SETTING_MAX);
            s->local_mask |= 1ull << id;
        } else if (id >= 0 && !st->is_local)
            s->local_mask &= ~(1ull << id);
    }
    const char *tag = "SET";
    switch (st->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
        if (strcmp(st->name, "transaction_isolation") == 0 && s->txn == ADP_TXN_IDLE) {
            /* SET TRANSACTION outside a block has no lasting effect */
        }
        int id = adp_setting_find(st->name, p->err);
        char val[ADP_SETTING_MAX];
        if (id < 0 ||
            !adp_set_value_text(p, st, adp_setting_flags(id) & ADP_SF_LIST_QUOTE, val,
                                sizeof val) ||
            !adp_setting_set(&s->settings, id, st->name, val, p->err))
            return false;
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET: {
        int id = adp_setting_find(st->name, p->err);
        if (id < 0) return false;
        if (adp_setting_flags(id) & ADP_SF_FIXED)
            return pgw_errorf(p->err, "55P02", "parameter \"%s\" cannot be changed",
                              adp_setting_name(id));
        memcpy(s->settings.v[id], s->boot.v[id], ADP_SETTING_MAX);
        if (st->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) tag = "RESET";
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL:
        for (int i = 0; i < ADP_SET_COUNT_; i++)
            memcpy(s->settings.v[i], s->boot.v[i], ADP_SETTING_MAX);
        tag = "RESET";
        break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI:
        /* SET TRANSACTION ... / SET SESSION CHARACTERISTICS: the modes of BEGIN, for the
         * current block. */
        if (strcmp(st->name, "TRANSACTION") == 0 && s->txn != ADP_TXN_IDLE)
            for (size_t i = 0; i < st->n_args; i++)
                adp_txn_mode(s, st->args[i], true);
        if (strcmp(st->name, "TRANSACTION") == 0 && s->txn == ADP_TXN_IDLE)
            adp_notice(s, out, "WARNING", "25P01",
                       "SET TRANSACTION can only be used in transaction blocks");
        break;
    default:
        return pgw_errorf(p->err, "0A000", "this form of SET is not supported");
    }
    adp_session_sync_fmt(s);
    pgw_be_write_command_complete(out, tag);
    return true;
}

bool adp_exec_show(adp_pctx *p, PgQuery__VariableShowStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    if (strcasecmp(st->name, "all") == 0) {
        const char *names[3] = {"name", "setting", "description"};
        pgw_field_desc fd[3];
        for (int i = 0; i < 3; i++)
            fd[i] = (pgw_field_desc){names[i], 0, 0, 25, -1, -1, 0};
        adp_write_fields(s, out, fd, 3);
        if (s->plan_only) return true;
        for (int i = 0; i < ADP_SET_COUNT_; i++) {
            pgw_be_write_data_row_begin(out, 3);
            const char *v[3] = {adp_setting_name(i), s->settings.v[i], ""};
            for (int k = 0; k < 3; k++)
                pgw_be_write_data_field(out, v[k], (int32_t)strlen(v[k]));
            pgw_be_write_data_row_end(out);
        }
        pgw_be_write_command_complete(out, "SHOW");
        return true;
    }
    const char *name = st->name;
    if (strcmp(name, "transaction_isolation") == 0 ||
        strcmp(name, "transaction isolation level") == 0)
        name = "transaction_isolation";
    int id = adp_setting_find(name, p->err);
    if (id < 0) return false;
    pgw_field_desc fd = {adp_setting_name(id), 0, 0, 25, -1, -1, 0};
    adp_write_fields(s, out, &fd, 1);
    if (s->plan_only) return true;
    pgw_be_write_data_row_begin(out, 1);
    pgw_be_write_data_field(out, s->settings.v[id], (int32_t)strlen(s->settings.v[id]));
    pgw_be_write_data_row_end(out);
    pgw_be_write_command_complete(out, "SHOW");
    return true;
}
