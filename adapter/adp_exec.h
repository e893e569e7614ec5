/* adp_exec: statement entry points used by the session's query loop. Each writes its
 * replies (RowDescription, DataRows, CommandComplete, notices) to `out`. */
#ifndef ADP_EXEC_H
#define ADP_EXEC_H

#include "adp_analyze.h"
#include "pgw_be_write.h"

/* Parses a NUL-terminated query (len bytes) through the session's parse-tree cache.
 * NULL with err set (42601 and libpg_query's position) on a syntax error. Give the tree
 * back with adp_parse_release. */
PgQuery__ParseResult *adp_parse(adp_session *s, const char *sql, size_t len, bool *cached,
                                pgw_error *err);
void adp_parse_release(PgQuery__ParseResult *tree, bool cached);
void adp_parse_cache_free(adp_session *s);

/* Runs one parsed statement (not a transaction-control statement). */
bool adp_stmt_run(adp_session *s, const char *sql, PgQuery__Node *stmt, pgw_buf *out,
                  pgw_error *err);
/* A DefElem's boolean argument (BEGIN READ ONLY's option). */
bool adp_defelem_true(PgQuery__DefElem *d);
/* One mode of BEGIN / SET TRANSACTION (READ ONLY, ISOLATION LEVEL): false if unknown;
 * with apply, sets it for the current block. */
bool adp_txn_mode(adp_session *s, PgQuery__Node *o, bool apply);
/* CREATE DEFAULT INDEX [IN CLUSTER c] ON t: recognized before libpg_query. Returns false
 * when `sql` is not that statement (then *handled is false). */
bool adp_default_index_try(adp_session *s, const char *sql, bool *handled, pgw_buf *out,
                           pgw_error *err);

bool adp_exec_select(adp_pctx *p, PgQuery__SelectStmt *st, pgw_buf *out);
/* psql's \gdesc type-naming query (adp_gdesc.c): *handled false when st is another query. */
bool adp_gdesc_try(adp_pctx *p, PgQuery__SelectStmt *st, pgw_buf *out, bool *handled);
/* Runs a SELECT planned before (its tables still current): rows, CommandComplete. */
bool adp_exec_select_plan(adp_pctx *p, const adp_select_plan *pl, pgw_buf *out);
/* WHERE (or one of its ANDed terms) is col = constant/parameter on a single-column unique
 * index of t: that term's value expression, with the index and column; else NULL. */
const adp_expr *adp_find_key_lookup(const adp_table *t, const adp_expr *where, const adp_index **ix,
                                    int *col);
bool adp_plan_select(adp_pctx *p, PgQuery__SelectStmt *st, adp_select_plan *pl);
/* Runs a planned SELECT into arena rows of pl->ncomputed values (visible columns first),
 * after DISTINCT, ORDER BY, OFFSET and LIMIT. */
bool adp_select_collect(adp_pctx *p, const adp_select_plan *pl, adp_value ***rows, size_t *n);
bool adp_exec_insert(adp_pctx *p, PgQuery__InsertStmt *st, pgw_buf *out);
/* Plans and runs apart, for prepared statements (plans live in the caller's arena p->a;
 * run under the db write lock, while the catalog version of the plan is current). */
bool adp_plan_insert(adp_pctx *p, PgQuery__InsertStmt *st, adp_insert_plan *pl);
bool adp_run_insert(adp_pctx *p, const adp_insert_plan *pl, pgw_buf *out);
bool adp_plan_update(adp_pctx *p, PgQuery__UpdateStmt *st, adp_modify_plan *pl);
bool adp_plan_delete(adp_pctx *p, PgQuery__DeleteStmt *st, adp_modify_plan *pl);
bool adp_run_modify(adp_pctx *p, const adp_modify_plan *pl, pgw_buf *out);
bool adp_exec_update(adp_pctx *p, PgQuery__UpdateStmt *st, pgw_buf *out);
bool adp_exec_delete(adp_pctx *p, PgQuery__DeleteStmt *st, pgw_buf *out);
bool adp_exec_create_table(adp_pctx *p, PgQuery__CreateStmt *st, pgw_buf *out);
bool adp_exec_create_index(adp_pctx *p, PgQuery__IndexStmt *st, pgw_buf *out);
bool adp_exec_drop(adp_pctx *p, PgQuery__DropStmt *st, pgw_buf *out);
bool adp_exec_truncate(adp_pctx *p, PgQuery__TruncateStmt *st, pgw_buf *out);
bool adp_exec_create_table_as(adp_pctx *p, PgQuery__CreateTableAsStmt *st, pgw_buf *out);
bool adp_exec_set(adp_pctx *p, PgQuery__VariableSetStmt *st, pgw_buf *out);
bool adp_exec_show(adp_pctx *p, PgQuery__VariableShowStmt *st, pgw_buf *out);
/* ALTER SYSTEM SET/RESET (adp_system.c). */
bool adp_exec_alter_system(adp_pctx *p, PgQuery__AlterSystemStmt *st, pgw_buf *out);
/* The value of SET name = args as text (identifiers quoted for list settings when asked). */
bool adp_set_value_text(adp_pctx *p, PgQuery__VariableSetStmt *st, bool list_quote, char *buf,
                        size_t cap);

/* Resolves a table reference (42P01 with position when missing). */
adp_table *adp_resolve_table(adp_pctx *p, PgQuery__RangeVar *rv);
/* Where CREATE puts a new relation: public, if named or on search_path (3F000 otherwise). */
bool adp_check_create_schema(adp_pctx *p, PgQuery__RangeVar *rv);
/* Notice to the client if client_min_messages lets it through. */
void adp_notice(adp_session *s, pgw_buf *out, const char *severity, const char *sqlstate,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* RowDescription for targets (unknown types are sent as text). */
void adp_write_row_description(adp_session *s, pgw_buf *out, const adp_target *t, int n);
/* The result format (0 text, 1 binary) of column col of the portal being run. */
int16_t adp_result_format(const adp_session *s, int col);
/* RowDescription from field descriptions, with the portal's formats; nothing on Execute. */
void adp_write_fields(adp_session *s, pgw_buf *out, pgw_field_desc *fd, int n);
void adp_write_data_row(adp_session *s, pgw_buf *out, const adp_target *t, const adp_value *v,
                        int n);

#endif
