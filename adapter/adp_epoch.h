/* adp_epoch: reads without db->lock, by epoch-based reclamation.
 *
 * A reader (a fast-path SELECT) announces itself in its session's slot: the global epoch it
 * entered at and a lower bound of the timestamp it will read at, then a fence. Those are
 * two plain stores to a cache line only its own thread writes: no atomic read-modify-write
 * on shared memory per query. Writers (under db->lock held for writing) never change what
 * such a reader may be walking: the row array is replaced rather than compacted, hash
 * chains are relinked with release stores, and nothing a reader could reach is freed at
 * once: it is retired, and freed by adp_epoch_collect once every reader that was inside
 * when it was unlinked has left. The timestamp bound keeps reclamation (adp_holds_min)
 * from ending the versions an active reader may still see. */
#ifndef ADP_EPOCH_H
#define ADP_EPOCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct adp_db adp_db;

/* One reader's announcement. Owned by its session, written by the session's worker
 * thread, read by whoever collects (under the registry's mutex); a cache line of its own. */
typedef struct adp_reader {
    _Alignas(64) _Atomic uint64_t epoch; /* 0: not reading */
    _Atomic uint64_t ts;                 /* while reading: at or below its read timestamp */
    struct adp_reader *next, *prev;      /* the registry (db->epochs) */
} adp_reader;

typedef void (*adp_retire_fn)(void *p, const void *aux);

/* Retired memory waiting for readers. Owned by the db; changed under its mutex. */
typedef struct adp_retired {
    adp_retire_fn fn;
    void *p;
    const void *aux;
    uint64_t epoch; /* the global epoch when it was unlinked */
} adp_retired;

/* The db's epoch state. Owned by the db, shared by every thread. */
typedef struct adp_epochs {
    _Alignas(64) _Atomic uint64_t global;
    _Alignas(64) pthread_mutex_t mu; /* readers list and the retired list */
    adp_reader *readers;
    adp_retired *retired;
    size_t nretired, capretired;
} adp_epochs;

void adp_epochs_init(adp_epochs *e);
/* Frees everything still retired (no reader may be left). */
void adp_epochs_destroy(adp_epochs *e);

adp_reader *adp_reader_new(adp_db *db);
void adp_reader_free(adp_db *db, adp_reader *r);

/* Enter before loading any pointer into the tables; `low` must not be above the timestamp
 * the reader then reads at (db->commit_ts loaded before entering is). */
static inline void adp_reader_enter(adp_epochs *e, adp_reader *r, uint64_t low)
{
    atomic_store_explicit(&r->ts, low, memory_order_relaxed);
    atomic_store_explicit(&r->epoch, atomic_load_explicit(&e->global, memory_order_relaxed),
                          memory_order_relaxed);
    /* The announcement is visible before any load of a pointer it protects. */
    atomic_thread_fence(memory_order_seq_cst);
}

static inline void adp_reader_exit(adp_reader *r)
{
    atomic_store_explicit(&r->epoch, 0, memory_order_release);
}

/* Frees p with fn(p, aux) once no reader can reach it. Call after unlinking p. */
void adp_epoch_retire(adp_db *db, adp_retire_fn fn, void *p, const void *aux);
/* Frees what no reader can reach any more. Any thread; cheap when nothing is retired. */
void adp_epoch_collect(adp_db *db);
/* The lowest timestamp an active reader may read at, or UINT64_MAX. */
uint64_t adp_epoch_min_ts(adp_db *db);

#endif
