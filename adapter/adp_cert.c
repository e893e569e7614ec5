/* adp_cert: see adp_cert.h. */
#include "adp_cert.h"

#include <stdio.h>
#include <stdlib.h>

/* Past this many reads a block reads tables, not keys: a long block's read set stays
 * small, at the price of false conflicts. */
#define MAX_READS 1024

void adp_cert_note_read_slow(adp_session *s, const adp_table *t, int32_t key)
{
    if (key >= 0 && s->nrset >= MAX_READS) {
        adp_cert_note_read(s, t);
        return;
    }
    if (s->nrset == s->caprset) {
        s->caprset = s->caprset ? 2 * s->caprset : 8;
        s->rset = realloc(s->rset, s->caprset * sizeof *s->rset);
        if (!s->rset) abort();
    }
    s->rset[s->nrset++] = (adp_cert_read){t, key};
}

void adp_cert_note_key(adp_session *s, const adp_table *t, const adp_index *ix,
                       const adp_value *vals)
{
    uint64_t h;
    if (s->txn == ADP_TXN_IDLE || !adp_index_key_hash(t, ix, vals, &h)) return;
    int32_t key = (int32_t)(h % ADP_CERT_KEYS);
    for (uint32_t i = 0; i < s->nrset; i++) /* the table, or this key, is in already */
        if (s->rset[i].t == t && (s->rset[i].key < 0 || s->rset[i].key == key)) return;
    adp_cert_note_read_slow(s, t, key);
}

uint64_t adp_cert_snapshot_seq(adp_db *db, uint64_t ts)
{
    /* stamped_seq is stored after commit_ts (release): loading it first and commit_ts
     * second never pairs a newer sequence number with an older snapshot. */
    uint64_t seq = atomic_load_explicit(&db->stamped_seq, memory_order_acquire);
    uint64_t cts = atomic_load_explicit(&db->commit_ts, memory_order_acquire);
    /* A snapshot below the newest local commit (an oracle timestamp that lags it) does not
     * include everything up to seq: claim nothing, every later writer conflicts. */
    return ts >= cts ? seq : 0;
}

/* The newest certified commit that wrote what r read. */
static uint64_t written(const adp_cert_read *r)
{
    const adp_table *t = r->t;
    if (r->key < 0) return t->cert_seq;
    uint64_t k = t->kseq ? t->kseq[r->key] : 0;
    return k > t->kall_seq ? k : t->kall_seq;
}

/* Past this many changes a transaction stamps whole tables rather than each key: the
 * commit-order lock is held while stamping. */
#define MAX_KEY_STAMPS 4096

/* Stamps seq on what row r of t (inserted or deleted) can be read by: its key in every
 * unique index. */
static void stamp_keys(adp_table *t, const adp_row *r, uint64_t seq)
{
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++) {
        uint64_t h;
        if (!xs->ix[k]->unique || !adp_index_key_hash(t, xs->ix[k], r->vals, &h)) continue;
        if (!t->kseq) {
            t->kseq = calloc(ADP_CERT_KEYS, sizeof *t->kseq);
            if (!t->kseq) abort();
        }
        t->kseq[h % ADP_CERT_KEYS] = seq;
    }
}

bool adp_cert_commit(adp_session *s, pgw_error *err)
{
    adp_db *db = s->db;
    for (uint32_t i = 0; i < s->nrset; i++)
        if (written(&s->rset[i]) > s->snap_seq) {
            pgw_errorf(err, "40001",
                       "could not serialize access due to read/write dependencies among "
                       "transactions");
            snprintf(err->detail, sizeof err->detail,
                     s->rset[i].key < 0
                         ? "Table \"%s\" was written by a transaction that committed after "
                           "this one took its snapshot."
                         : "A row of table \"%s\" that this transaction looked up by key was "
                           "written by a transaction that committed after this one took its "
                           "snapshot.",
                     s->rset[i].t->name);
            snprintf(err->hint, sizeof err->hint, "The transaction might succeed if retried.");
            return false;
        }
    uint64_t seq = ++db->cert_next;
    s->cert_seq = seq;
    bool by_key = s->nundo <= MAX_KEY_STAMPS;
    /* Index lists are read here without db->lock (the commit-order lock is another one):
     * inside the session's epoch, so a DDL that replaces one meanwhile cannot free it. */
    bool enter = by_key && !s->read_lockfree; /* inside a read, protected already */
    if (enter) {
        if (!s->reader) s->reader = adp_reader_new(db);
        adp_reader_enter(&db->epochs, s->reader,
                         atomic_load_explicit(&db->commit_ts, memory_order_relaxed));
    }
    for (size_t i = 0; i < s->nundo; i++) {
        adp_table *t = s->undo[i].table;
        if (!t) continue;
        t->cert_seq = seq;
        if (by_key && s->undo[i].row)
            stamp_keys(t, s->undo[i].row, seq);
        else
            t->kall_seq = seq; /* DDL, or too many rows to stamp one by one */
    }
    if (enter) adp_reader_exit(s->reader);
    return true;
}

void adp_cert_stamped(adp_db *db, uint64_t seq)
{
    if (seq > atomic_load_explicit(&db->stamped_seq, memory_order_relaxed))
        atomic_store_explicit(&db->stamped_seq, seq, memory_order_release);
}

void adp_cert_free(adp_session *s)
{
    free(s->rset);
    s->rset = NULL;
    s->nrset = s->caprset = 0;
}
