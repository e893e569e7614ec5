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
 * certification. The unit is a table, or one key of it: a read that found its rows by a
 * unique key (a lookup, not a scan) depends only on the rows with that key, so it conflicts
 * only with commits that wrote a row whose key hashes to the same one of ADP_CERT_KEYS
 * buckets (in any unique index of the table); scans depend on the whole table. A false
 * conflict (a hash collision, a scan) costs a retry, never a wrong answer. Statements
 * outside a block are not certified (their reads and writes are one statement apart;
 * hot-row chaining orders them); they do stamp what they write. Writers in other pgpeek
 * processes sharing a timeline are not seen. */
#ifndef ADP_CERT_H
#define ADP_CERT_H

#include "adp_internal.h"

#define ADP_CERT_KEYS 1024u

/* One read of a block: table t, or only the rows of t whose key is in bucket `key`. Owned
 * by the session's read set. */
typedef struct adp_cert_read {
    const adp_table *t;
    int32_t key; /* -1: the whole table */
} adp_cert_read;

/* A block of s read t (called where a statement takes its snapshot of t). */
void adp_cert_note_read_slow(adp_session *s, const adp_table *t, int32_t key);
static inline void adp_cert_note_read(adp_session *s, const adp_table *t)
{
    if (s->txn == ADP_TXN_IDLE) return;
    for (uint32_t i = 0; i < s->nrset; i++)
        if (s->rset[i].t == t && s->rset[i].key < 0) return;
    adp_cert_note_read_slow(s, t, -1);
}
/* A block of s read the rows of t with key vals in unique index ix, and nothing else of t
 * (a lookup that did not fall back to a scan). A NULL key reads nothing. */
void adp_cert_note_key(adp_session *s, const adp_table *t, const adp_index *ix,
                       const adp_value *vals);
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
