/* adp_read: read-only statements without db->lock (adp_read.h). */
#include "adp_read.h"

#include <stdint.h>

#include "adp_internal.h"

bool adp_read_run(adp_pctx *p, adp_read_fn fn, const void *arg, pgw_buf *out)
{
    adp_session *s = p->s;
    adp_db *db = s->db;
    /* the timestamp adp_snapshot will give, without taking it (a block's snapshot starts
     * at its first read of a table, as before) */
    uint64_t want = s->txn != ADP_TXN_IDLE && s->snap_held ? s->snap_ts : adp_readts_idle(s);
    if (!s->read_lockfree && want <= atomic_load_explicit(&db->commit_ts, memory_order_acquire)) {
        if (!s->reader) s->reader = adp_reader_new(db);
        adp_reader_enter(&db->epochs, s->reader,
                         atomic_load_explicit(&db->commit_ts, memory_order_relaxed));
        s->read_lockfree = true;
        s->read_version = atomic_load_explicit(&db->catalog_version, memory_order_acquire);
        size_t mark = out->len;
        bool ok = fn(p, arg, out);
        bool same =
            atomic_load_explicit(&db->catalog_version, memory_order_acquire) == s->read_version;
        s->read_lockfree = false;
        adp_reader_exit(s->reader);
        if (same) return ok;
        /* DDL raced the read: what it wrote may come from an index being dropped */
        out->len = mark;
        out->msg_start = SIZE_MAX;
        pgw_error_clear(p->err);
    }
    pthread_rwlock_rdlock(&db->lock);
    bool ok = fn(p, arg, out);
    pthread_rwlock_unlock(&db->lock);
    return ok;
}

bool adp_read_trees_begin(adp_session *s)
{
    if (!s->read_lockfree) return true;
    pthread_rwlock_rdlock(&s->db->lock);
    return atomic_load_explicit(&s->db->catalog_version, memory_order_acquire) == s->read_version;
}

void adp_read_trees_end(adp_session *s)
{
    if (s->read_lockfree) pthread_rwlock_unlock(&s->db->lock);
}
