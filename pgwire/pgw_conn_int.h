/* pgw_conn_int: functions shared by the pgw_conn*.c files only. */
#ifndef PGW_CONN_INT_H
#define PGW_CONN_INT_H

#include "pgw_conn.h"
#include "pgw_frame.h"

/* Handles one startup-phase packet (pgw_conn_startup.c). */
void pgw_conn_handle_startup(pgw_conn *c, const pgw_msg *m);
/* Handles Parse, Bind, Describe, Execute, Close, Sync and Flush (pgw_conn_ext.c). */
void pgw_conn_handle_ext(pgw_conn *c, const pgw_msg *m);

#endif
