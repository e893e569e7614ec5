/* pgw_stats: per-worker protocol counters, written by one thread, summed by the scraper. */
#ifndef PGW_STATS_H
#define PGW_STATS_H

#include <stdatomic.h>
#include <stdint.h>

/* Owned by one worker thread, the only writer; any thread may read (relaxed) to sum them.
 * Updates are a relaxed load plus a relaxed store, never a read-modify-write, so a count
 * costs the same as a plain increment. */
typedef struct pgw_stats {
    _Atomic uint64_t conns_opened;
    _Atomic uint64_t conns_closed;
    _Atomic uint64_t queries_ok;
    _Atomic uint64_t queries_error;
    _Atomic uint64_t bytes_received;
    _Atomic uint64_t bytes_sent;
} pgw_stats;

static inline void pgw_stat_add(_Atomic uint64_t *c, uint64_t n)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline uint64_t pgw_stat_get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit((_Atomic uint64_t *)c, memory_order_relaxed);
}

#endif
