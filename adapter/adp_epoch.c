/* adp_epoch: the reader registry, retired memory and its collection (adp_epoch.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "adp_internal.h"

/* Past this many retired items a retiring writer collects itself, so that memory stays
 * bounded even where no commit thread collects after every group. */
#define RETIRED_COLLECT_AT 4096

void adp_epochs_init(adp_epochs *e)
{
    atomic_init(&e->global, 1);
    pthread_mutex_init(&e->mu, NULL);
    e->readers = NULL;
    e->retired = NULL;
    e->nretired = e->capretired = 0;
}

void adp_epochs_destroy(adp_epochs *e)
{
    for (size_t i = 0; i < e->nretired; i++)
        e->retired[i].fn(e->retired[i].p, e->retired[i].aux);
    free(e->retired);
    while (e->readers) {
        adp_reader *r = e->readers;
        e->readers = r->next;
        free(r);
    }
    pthread_mutex_destroy(&e->mu);
}

adp_reader *adp_reader_new(adp_db *db)
{
    adp_reader *r = aligned_alloc(64, sizeof *r);
    if (!r) abort();
    memset(r, 0, sizeof *r);
    atomic_init(&r->epoch, 0);
    atomic_init(&r->ts, 0);
    adp_epochs *e = &db->epochs;
    pthread_mutex_lock(&e->mu);
    r->next = e->readers;
    if (r->next) r->next->prev = r;
    e->readers = r;
    pthread_mutex_unlock(&e->mu);
    return r;
}

void adp_reader_free(adp_db *db, adp_reader *r)
{
    if (!r) return;
    adp_epochs *e = &db->epochs;
    pthread_mutex_lock(&e->mu);
    if (r->prev)
        r->prev->next = r->next;
    else
        e->readers = r->next;
    if (r->next) r->next->prev = r->prev;
    pthread_mutex_unlock(&e->mu);
    free(r);
}

static void collect_locked(adp_epochs *e)
{
    if (!e->nretired) return;
    /* Readers that enter from now on load a newer epoch, and cannot reach anything that
     * was unlinked before (retire loads the epoch after the unlink). */
    atomic_fetch_add_explicit(&e->global, 1, memory_order_seq_cst);
    atomic_thread_fence(memory_order_seq_cst);
    uint64_t min = UINT64_MAX;
    for (adp_reader *r = e->readers; r; r = r->next) {
        uint64_t ep = atomic_load_explicit(&r->epoch, memory_order_seq_cst);
        if (ep && ep < min) min = ep;
    }
    /* A reader at epoch ep entered after everything tagged below ep was unlinked. */
    size_t n = 0;
    while (n < e->nretired && e->retired[n].epoch < min) {
        e->retired[n].fn(e->retired[n].p, e->retired[n].aux);
        n++;
    }
    memmove(e->retired, e->retired + n, (e->nretired - n) * sizeof *e->retired);
    e->nretired -= n;
}

void adp_epoch_retire(adp_db *db, adp_retire_fn fn, void *p, const void *aux)
{
    adp_epochs *e = &db->epochs;
    atomic_thread_fence(memory_order_seq_cst); /* the unlink comes before the epoch load */
    pthread_mutex_lock(&e->mu);
    if (e->nretired == e->capretired) {
        e->capretired = e->capretired ? 2 * e->capretired : 256;
        e->retired = realloc(e->retired, e->capretired * sizeof *e->retired);
        if (!e->retired) abort();
    }
    uint64_t now = atomic_load_explicit(&e->global, memory_order_seq_cst);
    e->retired[e->nretired++] = (adp_retired){fn, p, aux, now};
    if (e->nretired >= RETIRED_COLLECT_AT) collect_locked(e);
    pthread_mutex_unlock(&e->mu);
}

void adp_epoch_collect(adp_db *db)
{
    adp_epochs *e = &db->epochs;
    pthread_mutex_lock(&e->mu);
    collect_locked(e);
    pthread_mutex_unlock(&e->mu);
}

uint64_t adp_epoch_min_ts(adp_db *db)
{
    adp_epochs *e = &db->epochs;
    /* Whatever the caller computed before is ordered before this scan: a reader not seen
     * here loads its timestamp after it, so at or above that. */
    atomic_thread_fence(memory_order_seq_cst);
    uint64_t min = UINT64_MAX;
    pthread_mutex_lock(&e->mu);
    for (adp_reader *r = e->readers; r; r = r->next)
        if (atomic_load_explicit(&r->epoch, memory_order_seq_cst)) {
            uint64_t ts = atomic_load_explicit(&r->ts, memory_order_relaxed);
            if (ts < min) min = ts;
        }
    pthread_mutex_unlock(&e->mu);
    return min;
}
