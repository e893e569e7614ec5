/* adp_txn: a session's undo log. Row changes are pending versions (adp_mvcc.h) that only
 * their session sees: COMMIT stamps them all with one commit timestamp (so other readers
 * see all of them or none), ROLLBACK and failed statements take them back. DDL acts at
 * once and is undone from the same log. */
#include <stdlib.h>
#include <string.h>

#include "adp_cert.h"
#include "adp_internal.h"
#include "adp_mvcc.h"

void adp_undo_push(adp_session *s, adp_undo_kind kind, adp_table *t, adp_row *r)
{
    if (s->nundo == s->capundo) {
        s->capundo = s->capundo ? s->capundo * 2 : 32;
        s->undo = realloc(s->undo, s->capundo * sizeof *s->undo);
        if (!s->undo) abort();
    }
    s->undo[s->nundo++] = (adp_undo){kind, t, r, NULL};
    /* Counted before a delete leaves the unique hashes (adp_table_has_versions). */
    if (kind == ADP_UNDO_INSERT) {
        atomic_store_explicit(&r->owner, s, memory_order_release);
        atomic_fetch_add(&t->npending, 1);
    } else if (kind == ADP_UNDO_DELETE) {
        atomic_store_explicit(&r->deleter, s, memory_order_release);
        atomic_fetch_add(&t->npending, 1);
    }
}

void adp_txn_stamp(adp_session *s, uint64_t ts)
{
    adp_db *db = s->db;
    s->last_commit_ts = ts;
    for (size_t i = 0; i < s->nundo; i++) {
        adp_undo *u = &s->undo[i];
        switch (u->kind) {
        /* Lock-free readers load the owner before begin_ts (adp_row_visible), and count
         * pending changes before dead ones (adp_table_has_versions). Those at or above ts
         * load commit_ts after this whole group is stamped. */
        case ADP_UNDO_INSERT:
            atomic_store_explicit(&u->table->write_ts, ts, memory_order_relaxed);
            atomic_store_explicit(&u->row->begin_ts, ts, memory_order_relaxed);
            atomic_store_explicit(&u->row->owner, NULL, memory_order_release);
            atomic_fetch_sub(&u->table->npending, 1);
            break;
        case ADP_UNDO_DELETE:
            atomic_store_explicit(&u->table->write_ts, ts, memory_order_relaxed);
            atomic_store_explicit(&u->row->end_ts, ts, memory_order_relaxed);
            atomic_store_explicit(&u->row->deleter, NULL, memory_order_release);
            atomic_fetch_add(&u->table->ndead, 1);
            atomic_fetch_sub(&u->table->npending, 1);
            break;
        case ADP_UNDO_DROP:
            adp_cat_bury_table(db, u->table);
            break;
        case ADP_UNDO_DROP_INDEX:
            adp_index_free(u->table, u->index);
            break;
        default:
            break;
        }
    }
}

void adp_txn_reclaim(adp_session *s)
{
    for (size_t i = 0; i < s->nundo; i++)
        if (s->undo[i].kind == ADP_UNDO_DELETE) adp_table_maybe_reclaim(s->db, s->undo[i].table);
}

/* Certification refused s's commit (s->creq.err says why): nothing was queued, so its
 * changes are rolled back here, as a failed group's would be. */
static bool refused(adp_session *s)
{
    pgw_error err = s->creq.err;
    adp_txn_rollback(s);
    s->creq.err = err;
    s->creq.failed = true;
    return false;
}

bool adp_txn_commit(adp_session *s)
{
    adp_snapshot_release(s);
    s->creq.failed = false;
    if (!s->nundo) {
        adp_cert_reset(s);
        adp_commit_unchain(s); /* chained, then changed nothing */
        return true;
    }
    adp_db *db = s->db;
    if (db->committer && s->inbox && s->async_ok) {
        /* The worker goes on with other connections; the undo log stays as it is until
         * the commit thread hands s back (adp_session_finish). */
        bool ok = adp_commit_enqueue(db->committer, s, &s->creq.err);
        adp_cert_reset(s);
        if (ok) {
            s->pend = ADP_PEND_COMMIT;
            return true;
        }
        return refused(s);
    }
    if (db->committer) {
        adp_commit_unchain(s); /* never chained without an inbox; kept as a guard */
        bool ok = adp_commit_wait(db->committer, s, &s->creq.err);
        adp_cert_reset(s);
        /* refused by certification: never queued, so the group did not roll it back */
        if (!ok && !s->creq.failed) return refused(s);
        s->nundo = 0;
        return ok;
    }
    pthread_rwlock_wrlock(&db->lock);
    bool certified = adp_cert_commit(s, &s->creq.err);
    adp_cert_reset(s);
    if (!certified) {
        pthread_rwlock_unlock(&db->lock);
        return refused(s);
    }
    /* One timestamp for every change of the transaction; readers are shut out by the
     * lock meanwhile, and later ones read at or after it. */
    uint64_t ts = atomic_load_explicit(&db->commit_ts, memory_order_relaxed) + 1;
    adp_txn_stamp(s, ts);
    atomic_store_explicit(&db->commit_ts, ts, memory_order_release);
    adp_cert_stamped(db, s->cert_seq);
    adp_set_applied(db, ts); /* before the reclaim: no oracle here, nothing to wait for */
    adp_txn_reclaim(s);
    pthread_rwlock_unlock(&db->lock);
    adp_commit_signal(db);
    adp_epoch_collect(db);
    s->nundo = 0;
    return true;
}

void adp_txn_rollback(adp_session *s)
{
    adp_snapshot_release(s);
    adp_cert_reset(s);
    adp_commit_unchain(s);
    if (!s->nundo) return;
    adp_db *db = s->db;
    pthread_rwlock_wrlock(&db->lock);
    adp_txn_rollback_locked(s);
    pthread_rwlock_unlock(&db->lock);
    adp_epoch_collect(db);
}

void adp_txn_rollback_locked(adp_session *s)
{
    adp_db *db = s->db;
    for (size_t i = s->nundo; i-- > 0;) {
        adp_undo *u = &s->undo[i];
        switch (u->kind) {
        case ADP_UNDO_INSERT:
            adp_table_abort_insert(db, u->table, u->row);
            atomic_fetch_sub(&u->table->npending, 1);
            break;
        case ADP_UNDO_DELETE:
            /* back in the hashes before it stops counting as pending */
            atomic_store_explicit(&u->row->deleter, NULL, memory_order_release);
            adp_table_reindex(u->table, u->row);
            atomic_fetch_sub(&u->table->npending, 1);
            break;
        case ADP_UNDO_CREATE:
            adp_cat_remove_table(db, u->table);
            adp_cat_bury_table(db, u->table);
            break;
        case ADP_UNDO_DROP:
            adp_cat_add_table(db, u->table);
            break;
        case ADP_UNDO_DROP_INDEX: {
            adp_table *t = u->table;
            for (size_t i = 0; i < adp_table_count(t); i++)
                if (adp_table_row(t, i)->end_ts == ADP_TS_INF && !adp_table_row(t, i)->deleter)
                    adp_index_add(t, u->index, adp_table_row(t, i));
            adp_table_add_index(t, u->index); /* filled first: readers see it whole */
            atomic_fetch_add(&db->catalog_version, 1);
            break;
        }
        case ADP_UNDO_INDEX: {
            /* the index this entry created, wherever it sits now */
            adp_table *t = u->table;
            if (adp_table_remove_index(t, u->index)) adp_index_free(t, u->index);
            atomic_fetch_add(&db->catalog_version, 1);
            break;
        }
        }
    }
    s->nundo = 0;
}
