/* adp_read: runs a read-only statement without db->lock when it can (adapter/adp_epoch.h).
 *
 * The body runs inside the session's epoch, which keeps every row, array, list and index it
 * reaches from being freed, and its timestamp bounds reclamation. What changes in place
 * under db->lock is left: index trees are walked under the lock (adp_read_trees_begin),
 * and a catalog change during the read (DDL bumps db->catalog_version before it takes an
 * index out of use) throws the output away and runs the body again under the lock. */
#ifndef ADP_READ_H
#define ADP_READ_H

#include <stdbool.h>

#include "adp_exec.h"

typedef bool (*adp_read_fn)(adp_pctx *p, const void *arg, pgw_buf *out);

/* Runs fn(p, arg, out) as a read. Without the lock when the timestamp the statement will
 * read at is at or below db->commit_ts (every commit up to it is stamped); a strict read
 * whose shared-oracle timestamp is ahead waits for those commits under the lock. */
bool adp_read_run(adp_pctx *p, adp_read_fn fn, const void *arg, pgw_buf *out);

/* Around a walk of an index tree: takes db->lock for reading if the session reads without
 * it. False (the lock taken anyway): the catalog moved since the read began, so the read
 * will be run again, and the walk may be skipped. */
bool adp_read_trees_begin(adp_session *s);
void adp_read_trees_end(adp_session *s);

#endif
