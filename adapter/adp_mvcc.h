/* adp_mvcc: which row versions a statement sees, read holds, and reclamation.
 *
 * Rows are versioned (adp_row's begin_ts/end_ts): writes never overwrite a row, they end
 * it and append a new version, so a read at timestamp ts sees exactly the transactions
 * committed at or before ts. Commit timestamps come from db->commit_ts, raised under the
 * write lock (adp_txn_commit). A statement outside a block reads at the newest commit; a
 * block reads every statement at the timestamp of its first one and registers it as a
 * read hold, so reclamation keeps what it may still read. */
#ifndef ADP_MVCC_H
#define ADP_MVCC_H

#include "adp_internal.h"

/* Whether session s reading at ts sees version r: committed at or before ts and not
 * deleted by then, or inserted by s itself; never a version s itself deleted. The owner is
 * loaded first: a commit stores begin_ts before it clears the owner (adp_txn_stamp). */
static inline bool adp_row_visible(const adp_session *s, const adp_row *r, uint64_t ts)
{
    const adp_session *owner = atomic_load_explicit(&r->owner, memory_order_acquire);
    if (owner ? owner != s : atomic_load_explicit(&r->begin_ts, memory_order_relaxed) > ts)
        return false;
    if (atomic_load_explicit(&r->deleter, memory_order_relaxed) == s) return false;
    return atomic_load_explicit(&r->end_ts, memory_order_relaxed) > ts;
}

/* The version of r's row that s sees at ts, following r back through the versions it
 * replaced; NULL when none of them is visible (the caller scans if the table has versions:
 * a row deleted and inserted again is not chained). */
static inline adp_row *adp_row_version(const adp_session *s, adp_row *r, uint64_t ts)
{
    while (r && !adp_row_visible(s, r, ts))
        r = atomic_load_explicit(&r->prev, memory_order_acquire);
    return r;
}

/* Whether an UPDATE/DELETE by s may replace r: r is the newest version and nobody else has
 * a pending change to it. A visible row failing this was changed by a transaction that
 * committed after s's snapshot (or is still open): 40001. */
static inline bool adp_row_writable(const adp_session *s, const adp_row *r)
{
    const adp_session *owner = r->owner;
    return r->end_ts == ADP_TS_INF && !r->deleter && (!owner || owner == s);
}

/* Whether s may write on top of r, the newest version of its row, inserted by another
 * transaction that has not committed yet: only a statement that commits alone right after
 * it ends (s->may_chain), and only if that transaction's commit is queued (checked by
 * adp_commit_chain). Such a statement reads nothing but that row (a key lookup; there are
 * no subqueries), so it is serialized right after the transaction it builds on. */
static inline bool adp_row_chainable(const adp_session *s, const adp_row *r)
{
    if (!s->may_chain || !r) return false;
    const adp_session *owner = r->owner;
    return owner && owner != s && r->end_ts == ADP_TS_INF && !r->deleter;
}

/* Whether some version of t is not the committed current state: index lookups that miss
 * then have to scan, since the hashes hold only current rows. npending first: a committed
 * delete counts in ndead before it leaves npending (adp_txn_stamp). A lock-free reader
 * asks before and after its lookup (adp_fastpath_exec.c says why). */
static inline bool adp_table_has_versions(const adp_table *t)
{
    return atomic_load_explicit(&t->npending, memory_order_acquire) ||
           atomic_load_explicit(&t->ndead, memory_order_acquire);
}

/* The timestamp s reads at now; inside a block, the block's (taken and held on first use).
 * Caller holds db->lock. */
uint64_t adp_snapshot(adp_session *s);
/* Ends s's read hold, if any (COMMIT, ROLLBACK, session end). */
void adp_snapshot_release(adp_session *s);
/* The oldest read hold, and never above the newest applied commit (a read timestamp the
 * oracle hands out later may be as low as that). */
uint64_t adp_holds_min(adp_db *db);
/* Registers (or drops) one read hold at ts in the shared registry. */
void adp_hold_add(adp_db *db, uint64_t ts);
void adp_hold_remove(adp_db *db, uint64_t ts);
/* Before asking the oracle for a read timestamp: a hold at the newest applied commit, which
 * the answer cannot be below; returns it. */
uint64_t adp_hold_applied(adp_db *db);
/* The commit thread, after apply_write(ts). */
void adp_set_applied(adp_db *db, uint64_t ts);
/* Frees t's versions that ended at or before min_ts (no reader can see them any more).
 * Caller holds db->lock for writing. */
void adp_table_reclaim(adp_table *t, uint64_t min_ts);
/* After a commit: reclaims t when enough dead versions have piled up (amortized). */
void adp_table_maybe_reclaim(adp_db *db, adp_table *t);

#endif
