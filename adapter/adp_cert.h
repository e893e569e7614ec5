/* adp_cert: serializable transaction blocks by certification at commit.
 *
 * Versioned rows alone give snapshot isolation: two blocks may each read what the other
 * writes and both commit (write skew). So every commit is certified, in commit order,
 * under the lock that orders the commit queue: a block that read table T fails with 40001
 * if a transaction certified after the block's snapshot wrote T. Every certified commit
 * takes the next sequence number and stamps it on the tables it wrote; snapshots remember
 * the sequence number of the newest stamped commit they include. The committed blocks are
 * then equivalent to running one at a time in commit order (what each read did not change
 * until it committed), and a read-only block sees a prefix of that order, so it needs no
 * certification. Tables, not rows or predicates, are the unit: a false conflict costs a
 * retry, never a wrong answer. Statements outside a block are not certified (their reads
 * and writes are one statement apart; hot-row chaining orders them); they do stamp the
 * tables they write. Writers in other pgpeek processes sharing a timeline are not seen. */
#ifndef ADP_CERT_H
#define ADP_CERT_H

#include "adp_internal.h"

/* A block of s read t (called where a statement takes its snapshot of t). */
void adp_cert_note_read_slow(adp_session *s, const adp_table *t);
static inline void adp_cert_note_read(adp_session *s, const adp_table *t)
{
    if (s->txn == ADP_TXN_IDLE) return;
    for (uint32_t i = 0; i < s->nrset; i++)
        if (s->rset[i] == t) return;
    adp_cert_note_read_slow(s, t);
}
/* The sequence number a block's snapshot at ts includes (taken with the snapshot). */
uint64_t adp_cert_snapshot_seq(adp_db *db, uint64_t ts);
/* Certifies s's commit. The caller holds the lock that orders commits (the commit queue's
 * mutex, or db->lock for writing without a commit thread) and commits s in this order if
 * it returns true; false with 40001 in err: s must roll back. */
bool adp_cert_commit(adp_session *s, pgw_error *err);
/* After stamping commits up to seq (db->commit_ts already stored). */
void adp_cert_stamped(adp_db *db, uint64_t seq);
/* The block ended: forget its reads (the array is kept for the next block). */
static inline void adp_cert_reset(adp_session *s)
{
    s->nrset = 0;
}
void adp_cert_free(adp_session *s);

#endif
