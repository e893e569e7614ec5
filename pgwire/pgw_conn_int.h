/* pgw_conn_int: functions shared by the pgw_conn*.c files only. */
#ifndef PGW_CONN_INT_H
#define PGW_CONN_INT_H

#include "pgw_conn.h"
#include "adp_async.h"
#include "pgw_frame.h"

/* Handles one startup-phase packet (pgw_conn_startup.c). */
void pgw_conn_handle_startup(pgw_conn *c, const pgw_msg *m);
/* Handles Parse, Bind, Describe, Execute, Close, Sync and Flush (pgw_conn_ext.c). */
void pgw_conn_handle_ext(pgw_conn *c, const pgw_msg *m);

/* After an adapter call: when the session went pending, remember what to finish on
 * resume (the message type and where its output began) and return true. */
bool pgw_conn_check_pending(pgw_conn *c, char msg, size_t mark);
/* The session's resume callback (adp_resume_fn): finishes the pending message, then lets
 * the server drive the connection again. */
void pgw_conn_resume(void *arg);

#endif
