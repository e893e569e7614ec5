/* adp_durable: start-up (lock, checkpoint, replay, log open), the commit thread's append,
 * and shutdown. See adp_durable.h and README-storage.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_durable_int.h"
#include "adp_mvcc.h"
#include "pgw_log.h"

#define DEFAULT_INTERVAL_MS (300u * 1000)
#define DEFAULT_LOG_BYTES (64ull << 20)
/* Payload buffers above this are given back after their group, so that one huge
 * transaction does not pin its memory for the life of the server. */
#define KEEP_BUF_BYTES (4u << 20)

/* Replay leaves the unique index hashes alone (transactions of one history may have held
 * a key in turn in an order replay does not see); they are built once, here. */
static void rebuild_indexes(adp_db *db)
{
    const adp_tablist *tl = adp_cat_tables(db);
    for (int i = 0; i < tl->n; i++) {
        adp_table *t = tl->t[i];
        const adp_ixlist *xs = adp_table_ixs(t);
        for (int k = 0; k < xs->n; k++) {
            adp_index_clear(t, xs->ix[k]);
            for (size_t r = 0, n = adp_table_count(t); r < n; r++)
                adp_index_add(t, xs->ix[k], adp_table_row(t, r));
        }
    }
}

adp_durable *adp_durable_open(adp_db *db, const char *dir, pgw_error *err)
{
    adp_durable *d = calloc(1, sizeof *d);
    if (!d) {
        pgw_errorf(err, "53200", "out of memory");
        return NULL;
    }
    d->db = db;
    pthread_mutex_init(&d->append_mu, NULL);
    pthread_cond_init(&d->cut_cv, NULL);
    pthread_mutex_init(&d->drop_mu, NULL);
    pthread_mutex_init(&d->ck_mu, NULL);
    pthread_cond_init(&d->ck_cv, NULL);
    pthread_cond_init(&d->ck_done_cv, NULL);
    d->ck_interval_ms = DEFAULT_INTERVAL_MS;
    d->ck_log_bytes = DEFAULT_LOG_BYTES;
    char e[1024] = "";
    d->dd = adp_datadir_open(dir, e, sizeof e);
    if (!d->dd) {
        pgw_errorf(err, "55006", "%s", e);
        goto fail;
    }
    adp_ckpt_in *in = NULL;
    adp_ckpt_mark mark = {0, 0};
    unsigned skipped = 0;
    if (!adp_ckpt_open_newest(d->dd, &in, &mark, &skipped, e, sizeof e)) {
        pgw_errorf(err, "58030", "%s", e);
        goto fail;
    }
    if (skipped) pgw_log_emit(PGPEEK_LOG_WARN, "recovery", "damaged checkpoint passed over: %s", e);
    if (in) {
        bool ok = adp_dur_load_checkpoint(d, in, mark.ts, e, sizeof e);
        adp_ckpt_in_close(in);
        if (!ok) {
            pgw_errorf(err, "XX001", "cannot load the checkpoint at ts %llu in \"%s\": %s",
                       (unsigned long long)mark.ts, adp_datadir_ckpt_dir(d->dd), e);
            goto fail;
        }
    }
    adp_wal_start start = adp_ckpt_start(&mark);
    adp_wal_config wc = adp_wal_config_default();
    adp_wal_info info;
    d->wal = adp_wal_open(d->dd, &wc, &start, adp_dur_replay_record, d, &info, e, sizeof e);
    adp_dur_replay_end(d);
    if (!d->wal) {
        pgw_errorf(err, "XX001", "%s", e);
        goto fail;
    }
    rebuild_indexes(db);
    d->replayed = info.records;
    db->recovered_ts = info.last_ts > mark.ts ? info.last_ts : mark.ts;
    /* Every replayed version is visible to the first snapshot. */
    if (db->recovered_ts > 1) {
        atomic_store(&db->commit_ts, db->recovered_ts);
        adp_set_applied(db, db->recovered_ts); /* nothing before it is still to be applied */
    }
    if (info.torn)
        pgw_log_emit(PGPEEK_LOG_WARN, "recovery",
                     "write-ahead log: torn tail of %llu bytes (a crash mid-append, never "
                     "acknowledged) removed at segment %u offset %llu",
                     (unsigned long long)info.torn_bytes, info.torn_at.seg,
                     (unsigned long long)info.torn_at.off);
    pgw_log_emit(PGPEEK_LOG_INFO, "recovery",
                 "%s: checkpoint at ts %llu (%llu rows), then %llu log records in %u segments, "
                 "last commit ts %llu",
                 dir, (unsigned long long)mark.ts, (unsigned long long)d->loaded_rows,
                 (unsigned long long)info.records, info.segments,
                 (unsigned long long)db->recovered_ts);
    if (!adp_dur_checkpointer_start(d, e, sizeof e)) {
        pgw_errorf(err, "58000", "%s", e);
        goto fail;
    }
    return d;
fail:
    adp_durable_close(d);
    return NULL;
}

void adp_durable_close(adp_durable *d)
{
    if (!d) return;
    adp_dur_checkpointer_stop(d, false);
    adp_wal_close(d->wal);
    adp_datadir_close(d->dd);
    for (size_t i = 0; i < d->nbufs; i++)
        adp_walw_free(&d->bufs[i]);
    free(d->bufs);
    free(d->recs);
    adp_dur_cat_free(&d->cat);
    adp_dur_cat_free(&d->orphans);
    adp_dur_replay_end(d);
    pthread_mutex_destroy(&d->append_mu);
    pthread_cond_destroy(&d->cut_cv);
    pthread_mutex_destroy(&d->drop_mu);
    free(d->dropped);
    pthread_mutex_destroy(&d->ck_mu);
    pthread_cond_destroy(&d->ck_cv);
    pthread_cond_destroy(&d->ck_done_cv);
    free(d);
}

static void reserve_bufs(adp_durable *d, size_t n)
{
    if (n <= d->nbufs) return;
    d->bufs = realloc(d->bufs, n * sizeof *d->bufs);
    d->recs = realloc(d->recs, n * sizeof *d->recs);
    if (!d->bufs || !d->recs) abort();
    memset(&d->bufs[d->nbufs], 0, (n - d->nbufs) * sizeof *d->bufs);
    d->nbufs = n;
}

static uint32_t op_count(const adp_walw *w)
{
    /* byte 0 is the version, bytes 1..4 the count */
    return w->len < 5 ? 0
                      : (uint32_t)w->data[1] | (uint32_t)w->data[2] << 8 |
                            (uint32_t)w->data[3] << 16 | (uint32_t)w->data[4] << 24;
}

bool adp_durable_log_group(adp_db *db, uint64_t ts, adp_session *const *sessions, size_t n,
                           pgw_error *err)
{
    adp_durable *d = db->dur;
    if (!d) return true;
    pthread_mutex_lock(&d->append_mu);
    adp_dur_cut_if_wanted(d);
    reserve_bufs(d, n);
    size_t nrec = 0;
    bool ok = true;
    /* The sessions' undo logs are stable: each waits for this group and no other writer
     * touches its pending versions. Reading them needs no db->lock. */
    for (size_t i = 0; i < n; i++) {
        adp_walw *w = &d->bufs[i];
        adp_dur_encode_txn(w, sessions[i]);
        if (!adp_walw_ok(w) || w->len > ADP_WAL_MAX_PAYLOAD) {
            ok = pgw_errorf(err, "54000", "a transaction's changes are too large to log");
            break;
        }
        if (op_count(w)) d->recs[nrec++] = (adp_wal_rec){ADP_DUR_REC_TXN, w->data, w->len};
    }
    if (ok && nrec) {
        char e[512];
        adp_wal_status st = adp_wal_append(d->wal, ts, d->recs, nrec, e, sizeof e);
        if (st != ADP_WAL_OK) ok = pgw_errorf(err, adp_wal_sqlstate(st), "%s", e);
    }
    if (ok)
        for (size_t i = 0; i < n; i++)
            adp_dur_cat_commit(d, sessions[i]);
    for (size_t i = 0; i < n; i++)
        if (d->bufs[i].cap > KEEP_BUF_BYTES) adp_walw_free(&d->bufs[i]);
    pthread_mutex_unlock(&d->append_mu);
    if (ok && adp_wal_size_since_checkpoint(d->wal) >= d->ck_log_bytes) {
        pthread_mutex_lock(&d->ck_mu);
        pthread_cond_signal(&d->ck_cv);
        pthread_mutex_unlock(&d->ck_mu);
    }
    return ok;
}

void adp_durable_set_checkpoint(adp_db *db, uint64_t interval_ms, uint64_t log_bytes)
{
    adp_durable *d = db->dur;
    if (!d) return;
    pthread_mutex_lock(&d->ck_mu);
    d->ck_interval_ms = interval_ms ? interval_ms : DEFAULT_INTERVAL_MS;
    d->ck_log_bytes = log_bytes ? log_bytes : DEFAULT_LOG_BYTES;
    pthread_cond_signal(&d->ck_cv);
    pthread_mutex_unlock(&d->ck_mu);
}

bool adp_durable_checkpoint(adp_db *db, pgw_error *err)
{
    adp_durable *d = db->dur;
    if (!d) return true;
    pthread_mutex_lock(&d->ck_mu);
    uint64_t mine = ++d->requested;
    pthread_cond_signal(&d->ck_cv);
    while (d->completed_req < mine && !d->stop)
        pthread_cond_wait(&d->ck_done_cv, &d->ck_mu);
    bool ok = !d->stop && d->last_status == ADP_WAL_OK;
    if (!ok)
        pgw_errorf(err, d->stop ? "57P01" : adp_wal_sqlstate(d->last_status),
                   "checkpoint failed: %s", d->stop ? "the server is shutting down" : d->last_err);
    pthread_mutex_unlock(&d->ck_mu);
    return ok;
}

bool adp_durable_shutdown_checkpoint(adp_db *db)
{
    adp_durable *d = db->dur;
    if (!d || !d->wal) return true;
    /* A checkpoint under way is let finish: often it leaves nothing more to write. */
    adp_dur_checkpointer_stop(d, true);
    uint64_t size = adp_wal_size_since_checkpoint(d->wal);
    uint64_t replayed = d->replayed; /* in the log too, until a checkpoint covers it */
    if (!size && !replayed) return true;
    char err[256];
    adp_wal_status st = adp_dur_run_checkpoint(d, err, sizeof err);
    if (st != ADP_WAL_OK) {
        pgw_log_emit(PGPEEK_LOG_WARN, "checkpointer",
                     "shutdown checkpoint failed: %s; the next start replays the log", err);
        return false;
    }
    pgw_log_emit(PGPEEK_LOG_INFO, "checkpointer",
                 "shutdown checkpoint written (%llu bytes logged since the last one, %llu "
                 "records replayed at start): %llu rows in %llu ms",
                 (unsigned long long)size, (unsigned long long)replayed,
                 (unsigned long long)d->ck_last_rows, (unsigned long long)d->ck_last_ms);
    return true;
}

uint64_t adp_durable_recovered_ts(adp_db *db)
{
    return db->recovered_ts;
}

bool adp_durable_get_stats(adp_db *db, adp_durable_stats *out)
{
    adp_durable *d = db->dur;
    if (!d) return false;
    adp_wal_stats ws;
    adp_wal_get_stats(d->wal, &ws);
    *out = (adp_durable_stats){
        .groups = ws.groups,
        .records = ws.records,
        .bytes = ws.bytes,
        .sync_ns = ws.sync_ns,
        .sync_max_ns = ws.sync_max_ns,
        .enospc = ws.enospc,
        .eio = ws.eio,
        .segments = ws.segments,
        .checkpoints = ws.checkpoints,
        .log_bytes_since_checkpoint = adp_wal_size_since_checkpoint(d->wal),
    };
    pthread_mutex_lock(&d->ck_mu);
    out->checkpoints_failed = d->ck_failed;
    out->checkpoint_last_rows = d->ck_last_rows;
    out->checkpoint_last_ms = d->ck_last_ms;
    pthread_mutex_unlock(&d->ck_mu);
    return true;
}
