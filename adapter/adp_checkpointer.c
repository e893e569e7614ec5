/* adp_checkpointer: the background checkpoint. The cut is made between two groups (every
 * group up to its timestamp published, none after it logged), a read hold keeps the
 * versions at that timestamp, and the snapshot is written in chunks, each under db->lock
 * held for reading only briefly, so readers and writers keep going. Chunks resume by row
 * seq, not by array position: reclamation compacts the row array between chunks, and seq
 * order is stable, so no row is skipped or written twice. A table dropped after the cut
 * is left half written: the log after the cut drops it again at recovery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adp_durable_int.h"
#include "adp_mvcc.h"
#include "orc_inbox.h"
#include "pgw_log.h"

#define POLL_MS 50
#define CHUNK_ROWS 1024  /* rows written per chunk */
#define CHUNK_SCAN 16384 /* rows looked at per db->lock hold */

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += ms * 1000000L;
    ts->tv_sec += ts->tv_nsec / 1000000000L;
    ts->tv_nsec %= 1000000000L;
}

/* The cut, append_mu held. Possible only when every logged group is published (the last
 * logged ts <= commit_ts): then the snapshot at commit_ts holds exactly the log so far.
 * True when the cut was made or failed for good (d->job_status == ADP_WAL_OK says which). */
static bool try_cut(adp_durable *d)
{
    adp_db *db = d->db;
    uint64_t c = atomic_load(&db->commit_ts);
    if (adp_wal_last_ts(d->wal) > c) return false;
    adp_wal_status st =
        adp_wal_checkpoint_begin(d->wal, c, &d->job.mark, d->job_err, sizeof d->job_err);
    d->cut_done = true;
    d->job_status = st;
    if (st != ADP_WAL_OK) return true;
    /* Before any later group can reclaim: those run their reclamation after this cut. */
    adp_hold_add(db, c); /* as a transaction block's snapshot (adp_mvcc.h) */
    adp_dur_cat_copy(&d->job.cat, &d->cat);
    adp_dur_cat_copy(&d->job.orphans, &d->orphans);
    pthread_mutex_lock(&d->drop_mu);
    d->ndropped = 0;
    d->track_drops = true;
    pthread_mutex_unlock(&d->drop_mu);
    return true;
}

void adp_dur_note_drop(adp_durable *d, uint32_t oid)
{
    pthread_mutex_lock(&d->drop_mu);
    if (d->track_drops) {
        if (d->ndropped == d->capdropped) {
            d->capdropped = d->capdropped ? 2 * d->capdropped : 8;
            d->dropped = realloc(d->dropped, d->capdropped * sizeof *d->dropped);
            if (!d->dropped) abort();
        }
        d->dropped[d->ndropped++] = oid;
    }
    pthread_mutex_unlock(&d->drop_mu);
}

/* Caller holds db->lock: a drop noted before is not stamped yet only if noted after. */
static bool dropped_since_cut(adp_durable *d, uint32_t oid)
{
    bool found = false;
    pthread_mutex_lock(&d->drop_mu);
    for (size_t i = 0; i < d->ndropped && !found; i++)
        found = d->dropped[i] == oid;
    pthread_mutex_unlock(&d->drop_mu);
    return found;
}

void adp_dur_cut_if_wanted(adp_durable *d)
{
    if (!d->cut_wanted || d->cut_done) return;
    if (try_cut(d)) pthread_cond_broadcast(&d->cut_cv);
}

static bool put_chunk(adp_ckpt_out *out, const adp_walw *w)
{
    uint8_t lb[4] = {(uint8_t)w->len, (uint8_t)(w->len >> 8), (uint8_t)(w->len >> 16),
                     (uint8_t)(w->len >> 24)};
    return adp_walw_ok(w) && adp_ckpt_out_write(out, lb, 4) &&
           adp_ckpt_out_write(out, w->data, w->len);
}

static inline bool visible_at(const adp_row *r, uint64_t ts)
{
    return !r->owner && r->begin_ts <= ts && r->end_ts > ts;
}

/* One table's rows at the job's timestamp, chunk by chunk. */
static bool write_rows(adp_durable *d, const adp_dur_rel *rel, adp_ckpt_out *out, char *err,
                       size_t errlen)
{
    adp_db *db = d->db;
    adp_dur_job *job = &d->job;
    adp_table *t = rel->t;
    uint64_t ts = job->mark.ts, last = 0;
    for (bool done = false; !done;) {
        adp_walw *w = &job->buf;
        adp_walw_begin(w, ADP_DUR_VERSION);
        adp_walw_u8(w, ADP_DUR_CK_ROWS);
        adp_walw_u32(w, rel->oid);
        size_t count_at = w->len;
        adp_walw_u32(w, 0);
        uint32_t k = 0;
        if (atomic_load(&d->stopping)) {
            snprintf(err, errlen, "the server is shutting down");
            return false;
        }
        pthread_rwlock_rdlock(&db->lock);
        if (dropped_since_cut(d, rel->oid)) {
            /* Its DROP committed after the cut, so it is in the log after the mark, and
             * replay drops the table whatever part of it got here; its rows are freed. */
            pthread_rwlock_unlock(&db->lock);
            return true;
        }
        size_t i = adp_table_seq_pos(t, last + 1), scanned = 0, n = adp_table_count(t);
        for (; i < n && k < CHUNK_ROWS && scanned < CHUNK_SCAN; i++, scanned++) {
            const adp_row *r = adp_table_row(t, i);
            last = r->seq;
            if (!visible_at(r, ts)) continue;
            adp_walw_u64(w, r->seq);
            for (int c = 0; c < t->ncols; c++)
                adp_dur_put_value(w, t->cols[c].type.id, &r->vals[c]);
            k++;
        }
        done = i >= n;
        pthread_rwlock_unlock(&db->lock);
        if (!k) continue;
        for (int b = 0; b < 4 && w->len >= count_at + 4; b++)
            w->data[count_at + (size_t)b] = (uint8_t)(k >> (8 * b));
        if (!put_chunk(out, w)) {
            snprintf(err, errlen, "cannot write the checkpoint file");
            return false;
        }
        job->rows += k;
    }
    return true;
}

static bool write_snapshot(void *arg, adp_ckpt_out *out, char *err, size_t errlen)
{
    adp_durable *d = arg;
    adp_dur_job *job = &d->job;
    adp_walw *w = &job->buf;
    adp_walw_begin(w, ADP_DUR_VERSION);
    adp_walw_u8(w, ADP_DUR_CK_HEAD);
    pthread_rwlock_rdlock(&d->db->lock);
    adp_walw_u64(w, d->db->next_oid);
    pthread_rwlock_unlock(&d->db->lock);
    bool ok = put_chunk(out, w);
    int n = job->cat.nrels;
    for (int i = 0; ok && i < n + job->orphans.nrels; i++) {
        const adp_dur_rel *rel = i < n ? &job->cat.rels[i] : &job->orphans.rels[i - n];
        adp_walw_begin(w, ADP_DUR_VERSION);
        adp_walw_u8(w, i < n ? ADP_DUR_CK_TABLE : ADP_DUR_CK_ORPHAN);
        /* columns are fixed at CREATE; the committed indexes come from the copy */
        adp_dur_put_table(w, rel->t, rel->ix, rel->nix);
        ok = put_chunk(out, w) && write_rows(d, rel, out, err, errlen);
    }
    if (ok) {
        adp_walw_begin(w, ADP_DUR_VERSION);
        adp_walw_u8(w, ADP_DUR_CK_END);
        ok = put_chunk(out, w);
    }
    if (!ok && !err[0]) snprintf(err, errlen, "cannot write the checkpoint file");
    return ok;
}

adp_wal_status adp_dur_run_checkpoint(adp_durable *d, char *err, size_t errlen)
{
    err[0] = 0;
    pthread_mutex_lock(&d->append_mu);
    d->cut_wanted = true;
    d->cut_done = false;
    while (!d->cut_done && !try_cut(d)) {
        /* a group is between its append and its publication: the commit thread makes the
         * cut before its next group, or we retry once it is published */
        struct timespec until;
        deadline_in(&until, 2);
        pthread_cond_timedwait(&d->cut_cv, &d->append_mu, &until);
    }
    d->cut_wanted = false;
    adp_wal_status st = d->job_status;
    if (st != ADP_WAL_OK) snprintf(err, errlen, "%s", d->job_err);
    pthread_mutex_unlock(&d->append_mu);
    if (st != ADP_WAL_OK) return st;
    adp_dur_job *job = &d->job;
    job->rows = 0;
    uint64_t t0 = now_ms();
    st = adp_ckpt_write(d->dd, d->wal, &job->mark, write_snapshot, d, err, errlen);
    adp_hold_remove(d->db, job->mark.ts);
    pthread_mutex_lock(&d->drop_mu);
    d->track_drops = false;
    pthread_mutex_unlock(&d->drop_mu);
    adp_dur_cat_free(&job->cat);
    adp_dur_cat_free(&job->orphans);
    adp_walw_free(&job->buf);
    if (st != ADP_WAL_OK) return st;
    pthread_mutex_lock(&d->ck_mu);
    d->ck_last_rows = job->rows;
    d->ck_last_ms = now_ms() - t0;
    pthread_mutex_unlock(&d->ck_mu);
    d->replayed = 0; /* covered now */
    return ADP_WAL_OK;
}

/* ck_mu held. Hands back the posted requests a finished checkpoint served (tickets up to
 * `served`), or all of them when the checkpointer stops. A request may be freed by its
 * owner as soon as it is posted: nothing of it is read after. */
static void hand_back(adp_durable *d, uint64_t served, bool stopping)
{
    for (adp_ckpt_wait **pp = &d->waiters; *pp;) {
        adp_ckpt_wait *w = *pp;
        if (!stopping && w->ticket > served) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        w->ok = !stopping && d->last_status == ADP_WAL_OK;
        if (stopping)
            pgw_errorf(&w->err, "57P01", "checkpoint failed: the server is shutting down");
        else if (!w->ok)
            pgw_errorf(&w->err, adp_wal_sqlstate(d->last_status), "checkpoint failed: %s",
                       d->last_err);
        orc_inbox_post(w->inbox, &w->post, w->cb, w->arg, w->ok, 0, w->ok ? NULL : w->err.message);
    }
}

bool adp_durable_checkpoint_post(adp_db *db, adp_ckpt_wait *w)
{
    adp_durable *d = db->dur;
    if (!d) return false;
    pthread_mutex_lock(&d->ck_mu);
    w->ticket = ++d->requested;
    w->next = d->waiters;
    d->waiters = w;
    if (d->stop)
        hand_back(d, 0, true); /* no thread left to serve it */
    else
        pthread_cond_signal(&d->ck_cv);
    pthread_mutex_unlock(&d->ck_mu);
    return true;
}

static void *checkpointer_main(void *arg)
{
    adp_durable *d = arg;
    pthread_mutex_lock(&d->ck_mu);
    uint64_t last = now_ms();
    while (!d->stop) {
        struct timespec until;
        deadline_in(&until, POLL_MS);
        pthread_cond_timedwait(&d->ck_cv, &d->ck_mu, &until);
        if (d->stop) break;
        uint64_t size = adp_wal_size_since_checkpoint(d->wal);
        bool asked = d->requested > d->completed_req;
        /* the log the start replayed counts as something logged, for the time trigger */
        bool logged = size > 0 || d->replayed > 0;
        bool due =
            asked || size >= d->ck_log_bytes || (logged && now_ms() - last >= d->ck_interval_ms);
        if (!due) continue;
        uint64_t serving = d->requested;
        pthread_mutex_unlock(&d->ck_mu);
        char err[256];
        adp_wal_status st = adp_dur_run_checkpoint(d, err, sizeof err);
        bool ok = st == ADP_WAL_OK;
        if (!ok) pgw_log_emit(PGPEEK_LOG_WARN, "checkpointer", "checkpoint failed: %s", err);
        pthread_mutex_lock(&d->ck_mu);
        last = now_ms();
        if (!ok) d->ck_failed++;
        d->completed_req = serving;
        d->last_status = st;
        snprintf(d->last_err, sizeof d->last_err, "%s", ok ? "" : err);
        hand_back(d, serving, false);
        pthread_cond_broadcast(&d->ck_done_cv);
    }
    hand_back(d, 0, true);
    pthread_cond_broadcast(&d->ck_done_cv);
    pthread_mutex_unlock(&d->ck_mu);
    return NULL;
}

bool adp_dur_checkpointer_start(adp_durable *d, char *err, size_t errlen)
{
    int rc = pthread_create(&d->thread, NULL, checkpointer_main, d);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the checkpointer thread: %s", strerror(rc));
        return false;
    }
    d->thread_started = true;
    return true;
}

void adp_dur_checkpointer_stop(adp_durable *d, bool finish)
{
    if (!d->thread_started) return;
    /* Without `finish`, a checkpoint being written gives up: closing must not wait. */
    if (!finish) atomic_store(&d->stopping, true);
    pthread_mutex_lock(&d->ck_mu);
    d->stop = true;
    pthread_cond_broadcast(&d->ck_cv);
    pthread_mutex_unlock(&d->ck_mu);
    pthread_join(d->thread, NULL);
    d->thread_started = false;
}
