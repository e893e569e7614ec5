/* adp_cert: see adp_cert.h. */
#include "adp_cert.h"

#include <stdio.h>
#include <stdlib.h>

void adp_cert_note_read_slow(adp_session *s, const adp_table *t)
{
    if (s->nrset == s->caprset) {
        s->caprset = s->caprset ? 2 * s->caprset : 8;
        s->rset = realloc(s->rset, s->caprset * sizeof *s->rset);
        if (!s->rset) abort();
    }
    s->rset[s->nrset++] = t;
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

bool adp_cert_commit(adp_session *s, pgw_error *err)
{
    adp_db *db = s->db;
    for (uint32_t i = 0; i < s->nrset; i++)
        if (s->rset[i]->cert_seq > s->snap_seq) {
            pgw_errorf(err, "40001",
                       "could not serialize access due to read/write dependencies among "
                       "transactions");
            snprintf(err->detail, sizeof err->detail,
                     "Table \"%s\" was written by a transaction that committed after this "
                     "one took its snapshot.",
                     s->rset[i]->name);
            snprintf(err->hint, sizeof err->hint, "The transaction might succeed if retried.");
            return false;
        }
    uint64_t seq = ++db->cert_next;
    s->cert_seq = seq;
    for (size_t i = 0; i < s->nundo; i++)
        if (s->undo[i].table) s->undo[i].table->cert_seq = seq;
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
