/* adp_mvcc: snapshots, read holds and the reclamation of row versions (adp_mvcc.h). */
#include "adp_mvcc.h"

#include <stdlib.h>
#include <string.h>

uint64_t adp_snapshot(adp_session *s)
{
    adp_db *db = s->db;
    if (s->txn == ADP_TXN_IDLE) return adp_readts_idle(s);
    if (s->snap_held) return s->snap_ts;
    /* Once per block, not per query: the hold must be visible to a committer reclaiming
     * versions, and the registry is shared. */
    pthread_mutex_lock(&db->holds_mu);
    s->snap_ts = adp_readts_idle(s);
    if (db->nholds == db->capholds) {
        db->capholds = db->capholds ? db->capholds * 2 : 16;
        db->holds = realloc(db->holds, db->capholds * sizeof *db->holds);
        if (!db->holds) abort();
    }
    db->holds[db->nholds++] = s->snap_ts;
    pthread_mutex_unlock(&db->holds_mu);
    s->snap_held = true;
    return s->snap_ts;
}

void adp_snapshot_release(adp_session *s)
{
    if (!s->snap_held) return;
    adp_db *db = s->db;
    pthread_mutex_lock(&db->holds_mu);
    for (size_t i = 0; i < db->nholds; i++)
        if (db->holds[i] == s->snap_ts) {
            db->holds[i] = db->holds[--db->nholds];
            break;
        }
    pthread_mutex_unlock(&db->holds_mu);
    s->snap_held = false;
}

uint64_t adp_holds_min(adp_db *db)
{
    uint64_t min = ADP_TS_INF;
    pthread_mutex_lock(&db->holds_mu);
    for (size_t i = 0; i < db->nholds; i++)
        if (db->holds[i] < min) min = db->holds[i];
    pthread_mutex_unlock(&db->holds_mu);
    return min;
}

static bool reclaimable(const adp_row *r, uint64_t min_ts)
{
    /* Every snapshot now or later is >= min_ts, and r is invisible at ts >= end_ts. */
    return r->end_ts != ADP_TS_INF && r->end_ts <= min_ts;
}

void adp_table_reclaim(adp_table *t, uint64_t min_ts)
{
    /* First cut the chains into what goes (only rows of this table point there), then free. */
    for (size_t i = 0; i < t->nrows; i++)
        if (t->rows[i]->prev && reclaimable(t->rows[i]->prev, min_ts)) t->rows[i]->prev = NULL;
    size_t kept = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        adp_row *r = t->rows[i];
        if (reclaimable(r, min_ts)) {
            adp_row_free(t, r);
            t->ndead--;
        } else {
            t->rows[kept++] = r;
        }
    }
    t->nrows = kept;
}

void adp_table_maybe_reclaim(adp_db *db, adp_table *t)
{
    if (t->ndead < t->reclaim_at) return;
    /* A statement in flight holds db->lock for reading, so none runs now; later ones read
     * at the newest commit or at a registered hold. */
    adp_table_reclaim(t, adp_holds_min(db));
    /* What a hold keeps stays: wait until as many again have died before scanning again,
     * so that the cost per commit stays constant. */
    size_t live = t->nrows - t->ndead;
    t->reclaim_at = t->ndead + (live / 4 > 1 ? live / 4 : 1);
}
