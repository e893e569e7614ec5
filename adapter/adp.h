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
bool adp_session_startup_param(adp_session *s, const char *name, const char *value,
                               pgw_error *err);
/* Writes the ParameterStatus messages a client gets after authentication. */
void adp_session_report_params(adp_session *s, pgw_buf *out);
/* Runs one simple-protocol Query: every response message except ReadyForQuery, with
 * PostgreSQL's implicit-transaction rules for several statements in one string.
 * Returns true if no statement failed. */
bool adp_session_simple_query(adp_session *s, const char *sql, size_t len, pgw_buf *out);
/* ReadyForQuery status: 'I', 'T' or 'E'. */
char adp_session_txn_status(const adp_session *s);

#endif
