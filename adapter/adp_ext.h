/* adp_ext: prepared statements and portals inside the adapter (SQL PREPARE, EXECUTE,
 * DEALLOCATE, DISCARD ALL) and the pg_type query drivers send at connect. */
#ifndef ADP_EXT_H
#define ADP_EXT_H

#include "adp_analyze.h"

bool adp_ext_sql_prepare(adp_pctx *p, PgQuery__PrepareStmt *st, pgw_buf *out);
bool adp_ext_sql_execute(adp_pctx *p, PgQuery__ExecuteStmt *st, pgw_buf *out);
bool adp_ext_sql_deallocate(adp_pctx *p, PgQuery__DeallocateStmt *st, pgw_buf *out);
/* DISCARD ALL's second half: drops every statement and portal (after the statement). */
void adp_ext_discard(adp_session *s);
void adp_ext_free(adp_session *s);

/* Session helpers shared with adp_session.c. */
void adp_session_txn_end(adp_session *s, bool commit);
/* A failed statement: a block becomes failed, an implicit transaction is rolled back. */
void adp_session_abort(adp_session *s);
bool adp_session_is_txn_end(const PgQuery__Node *n);
/* Runs one statement with the failed-block rule (25P02) and transaction control. */
bool adp_session_run_one(adp_session *s, const char *sql, PgQuery__Node *stmt, pgw_buf *out,
                         pgw_error *err);
void adp_session_report_changed(adp_session *s, pgw_buf *out);

/* The array-types query node's `postgres` package sends at connect (adp_pgtype.c):
 * whitespace-insensitive match of its exact text. */
bool adp_pgtype_match(const char *sql, size_t len);
/* Its RowDescription (unless skip_rowdesc) and rows, in the session's result formats. */
void adp_pgtype_run(adp_session *s, pgw_buf *out, bool rowdesc_only);

#endif
