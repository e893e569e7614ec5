/* adp_commit: the commit thread. Transactions that changed something are queued to it;
 * it takes every queued one as a group, gets ONE write timestamp from the oracle for the
 * group, stamps all their pending versions with it under the write lock (readers see the
 * whole group or none of it), calls the oracle's apply_write, and only then lets the
 * committing sessions go on and answer their clients. The write-ahead log (issue 7) goes
 * between the write timestamp and the stamping. Without an oracle (adapter-only tests),
 * commits stamp inline with the next local timestamp. */
#ifndef ADP_COMMIT_H
#define ADP_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp.h"
#include "orc.h"

/* Starts the commit thread of db with oracle o (o outlives it). False with err on failure. */
bool adp_commit_start(adp_db *db, orc *o, char *err, size_t errlen);
/* Joins the commit thread; called after every session stopped committing. Safe when not
 * started. */
void adp_commit_stop(adp_db *db);

/* Commit groups and transactions so far (for /metrics and tests). */
void adp_commit_stats(adp_db *db, uint64_t *groups, uint64_t *commits);

#endif
