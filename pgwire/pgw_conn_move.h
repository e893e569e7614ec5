/* pgw_conn_move: handing a connection's session from one worker thread to another between
 * statements (server/srv_balance.c decides when). */
#ifndef PGW_CONN_MOVE_H
#define PGW_CONN_MOVE_H

#include <stdbool.h>

#include "orc.h"
#include "pgw_conn.h"
#include "pgw_stats.h"

/* Owner thread: whether c is between statements with nothing in flight (nothing pending,
 * no commit chain held, no input or output buffered), so that another thread may take it
 * over. */
bool pgw_conn_movable(const pgw_conn *c);

/* New owner thread, after the old one let go: c's counters and asynchronous answers (oracle,
 * commit hand-backs) now go to this worker's stats and inbox. */
void pgw_conn_rehome(pgw_conn *c, pgw_stats *stats, orc_inbox *inbox);

#endif
