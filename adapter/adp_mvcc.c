/* adp_mvcc: snapshots, read holds and the reclamation of row versions (adp_mvcc.h). */
#include "adp_mvcc.h"

#include <stdlib.h>
#include <string.h>

#include "adp_cert.h"

static void hold_add_locked(adp_db *db, uint64_t ts)
{
    if (db->nholds == db->capholds) {
        db->capholds = db->capholds ? db->capholds * 2 : 16;
        db->holds = realloc(db->holds, db->capholds * sizeof *db->holds);
        if (!db->holds) abort();
    }
    db->holds[db->nholds++] = ts;
}

void adp_hold_add(adp_db *db, uint64_t ts)
{
    pthread_mutex_lock(&db->holds_mu);
    hold_add_locked(db, ts);
    pthread_mutex_unlock(&db->holds_mu);
}

void adp_hold_remove(adp_db *db, uint64_t ts)
{
    pthread_mutex_lock(&db->holds_mu);
    for (size_t i = 0; i < db->nholds; i++)
        if (db->holds[i] == ts) {
            db->holds[i] = db->holds[--db->nholds];
            break;
        }
    pthread_mutex_unlock(&db->holds_mu);
}

uint64_t adp_hold_applied(adp_db *db)
{
    /* Under holds_mu, as adp_holds_min reads both: either the reclaimer sees this hold, or
     * it used an applied_ts no newer than the one held here. */
    pthread_mutex_lock(&db->holds_mu);
    uint64_t ts = atomic_load_explicit(&db->applied_ts, memory_order_relaxed);
    hold_add_locked(db, ts);
    pthread_mutex_unlock(&db->holds_mu);
    return ts;
}

void adp_set_applied(adp_db *db, uint64_t ts)
{
    pthread_mutex_lock(&db->holds_mu);
    if (ts > atomic_load_explicit(&db->applied_ts, memory_order_relaxed))
        atomic_store_explicit(&db->applied_ts, ts, memory_order_relaxed);
    pthread_mutex_unlock(&db->holds_mu);
}

uint64_t adp_snapshot(adp_session *s)
{
    adp_db *db = s->db;
    if (s->txn == ADP_TXN_IDLE) return adp_readts_idle(s);
    if (s->snap_held) return s->snap_ts;
    /* Once per block, not per query: the hold must be visible to a committer reclaiming
     * versions, and the registry is shared. */
    s->snap_ts = adp_readts_idle(s);
    s->snap_seq = adp_cert_snapshot_seq(db, s->snap_ts);
    adp_hold_add(db, s->snap_ts);
    s->snap_held = true;
    return s->snap_ts;
}

void adp_snapshot_release(adp_session *s)
{
    if (!s->snap_held) return;
    adp_hold_remove(s->db, s->snap_ts);
    s->snap_held = false;
}

uint64_t adp_holds_min(adp_db *db)
{
    pthread_mutex_lock(&db->holds_mu);
    uint64_t min = atomic_load_explicit(&db->applied_ts, memory_order_relaxed);
    for (size_t i = 0; i < db->nholds; i++)
        if (db->holds[i] < min) min = db->holds[i];
    pthread_mutex_unlock(&db->holds_mu);
    /* After the above: a lock-free reader this misses reads at a commit_ts loaded later. */
    uint64_t readers = adp_epoch_min_ts(db);
    return readers < min ? readers : min;
}

static bool reclaimable(const adp_row *r, uint64_t min_ts)
{
    /* Every snapshot now or later is >= min_ts, and r is invisible at ts >= end_ts. */
    uint64_t end = atomic_load_explicit(&r->end_ts, memory_order_relaxed);
    return end != ADP_TS_INF && end <= min_ts;
}

void adp_table_reclaim(adp_table *t, uint64_t min_ts)
{
    const adp_rowvec *v = adp_table_rows(t);
    size_t n = adp_rowvec_len(v), gone = 0;
    /* First cut the chains into what goes (only rows of this table point there): nobody
     * would follow them that far, as nobody reads below min_ts. */
    for (size_t i = 0; i < n; i++) {
        adp_row *prev = atomic_load_explicit(&v->rows[i]->prev, memory_order_relaxed);
        if (prev && reclaimable(prev, min_ts))
            atomic_store_explicit(&v->rows[i]->prev, NULL, memory_order_relaxed);
        gone += reclaimable(v->rows[i], min_ts);
    }
    if (!gone) return;
    /* Readers may be walking v: the survivors go to a new array, and v and what left it
     * are retired. */
    size_t cap = 16;
    while (cap < 2 * (n - gone))
        cap *= 2;
    adp_rowvec *nv = adp_rowvec_new(cap, NULL, 0);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        adp_row *r = v->rows[i];
        if (reclaimable(r, min_ts)) {
            if (t->db)
                adp_epoch_retire(t->db, adp_row_release, r, t);
            else
                adp_row_free(t, r);
        } else {
            nv->rows[kept++] = r;
        }
    }
    atomic_store_explicit(&nv->n, kept, memory_order_relaxed);
    atomic_fetch_sub(&t->ndead, gone);
    adp_table_set_rows(t, nv);
}

void adp_table_maybe_reclaim(adp_db *db, adp_table *t)
{
    if (t->ndead < t->reclaim_at) return;
    /* A statement in flight under db->lock holds it for reading, so none runs now;
     * lock-free readers announce a timestamp, and later ones read at the newest commit or
     * at a registered hold. */
    adp_table_reclaim(t, adp_holds_min(db));
    /* What a hold keeps stays: wait until as many again have died before scanning again,
     * so that the cost per commit stays constant. */
    size_t live = adp_table_count(t) - t->ndead;
    t->reclaim_at = t->ndead + (live / 4 > 1 ? live / 4 : 1);
}
