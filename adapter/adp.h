/* adp: the adapter's entry points used by pgwire: databases, sessions, statements. */
#ifndef ADP_H
#define ADP_H

#include <stdbool.h>
#include <stddef.h>

#include "pgw_buf.h"
#include "pgw_error.h"

/* One per server: the catalog and every table. Shared by all worker threads; its own
 * locking makes every function below safe to call from any worker. */
typedef struct adp_db adp_db;

/* data_dir may be NULL for an in-memory database. On failure returns NULL and fills err. */
adp_db *adp_db_open(const char *data_dir, pgw_error *err);
void adp_db_close(adp_db *db);

/* One per client connection; owned and used only by that connection's worker thread. */
typedef struct adp_session adp_session;

adp_session *adp_session_new(adp_db *db);
void adp_session_free(adp_session *s);

/* A StartupMessage parameter (user, database, application_name, client_encoding, any
 * known setting; `options` is split by pgwire into its -c pairs first). False with err
 * set (e.g. 3D000 unknown database, 42704 unknown setting) ends the connection FATAL. */
bool adp_session_startup_param(adp_session *s, const char *name, const char *value, pgw_error *err);
/* Writes the ParameterStatus messages a client gets after authentication. */
void adp_session_report_params(adp_session *s, pgw_buf *out);
/* Runs one simple-protocol Query: every response message except ReadyForQuery, with
 * PostgreSQL's implicit-transaction rules for several statements in one string.
 * Returns true if no statement failed. */
bool adp_session_simple_query(adp_session *s, const char *sql, size_t len, pgw_buf *out);
/* ReadyForQuery status: 'I', 'T' or 'E'. */
char adp_session_txn_status(const adp_session *s);

/* Extended query protocol (adp_ext.c). pgwire decodes the messages and calls these; each
 * appends its reply (ParseComplete, BindComplete, rows...) to out, or returns false with
 * err set and nothing appended, the transaction already marked failed (explicit block)
 * or rolled back (implicit one). pgwire then sends the error and skips to Sync.
 * Names are NUL-terminated; "" is the unnamed statement or portal. */
/* Parse: param_oids[0..noids) are the client's types (0: infer from the query). */
bool adp_ext_parse(adp_session *s, const char *name, const char *sql, size_t len, int noids,
                   const uint32_t *param_oids, pgw_buf *out, pgw_error *err);
/* One Bind message. vals[i] is NULL for SQL NULL; lens[i] its length. */
typedef struct adp_bind_msg {
    const char *portal;
    const char *stmt;
    int nfmt;
    const int16_t *fmt; /* parameter format codes */
    int nvals;
    const char *const *vals;
    const int32_t *lens;
    int nrfmt;
    const int16_t *rfmt; /* result format codes */
} adp_bind_msg;
bool adp_ext_bind(adp_session *s, const adp_bind_msg *b, pgw_buf *out, pgw_error *err);
/* kind 'S' (statement: ParameterDescription, then RowDescription or NoData) or 'P'. */
bool adp_ext_describe(adp_session *s, char kind, const char *name, pgw_buf *out, pgw_error *err);
/* max_rows 0: all; otherwise at most that many, then PortalSuspended if rows remain. */
bool adp_ext_execute(adp_session *s, const char *portal, int32_t max_rows, pgw_buf *out,
                     pgw_error *err);
bool adp_ext_close(adp_session *s, char kind, const char *name, pgw_buf *out, pgw_error *err);
/* Sync: commits the implicit transaction (outside BEGIN) and drops its portals; writes
 * ParameterStatus for settings changed since the last report (not ReadyForQuery). */
void adp_ext_sync(adp_session *s, pgw_buf *out);

#endif
