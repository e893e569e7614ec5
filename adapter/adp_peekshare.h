/* adp_peekshare: the peek cache shared by every connection. A repeated read's encoded
 * DataRows and CommandComplete, kept per (query text, output settings) and valid from the
 * timestamp they were read at until a commit writes their table: the first connection to
 * run a query after a commit encodes it, the others copy the bytes. Entries are immutable
 * once published; a newer one replaces an older one in its slot and the old one is
 * retired (adp_epoch.h), so lookups take no lock and write nothing shared.
 *
 * Only plans whose output depends on nothing but the table and the settings are shared:
 * one table, plain column targets, no function calls (adp_fp_plan.sharable). */
#ifndef ADP_PEEKSHARE_H
#define ADP_PEEKSHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp_internal.h"
#include "pgw_buf.h"

#define ADP_PEEKSHARE_SLOTS 1024u       /* direct-mapped by key */
#define ADP_PEEKSHARE_BYTES (32u << 20) /* every entry's bytes together, at most */

typedef struct adp_pshared adp_pshared;

/* The shared cache. Owned by the db; slots read by every worker, replaced by any. */
typedef struct adp_peekshare {
    _Atomic(adp_pshared *) slot[ADP_PEEKSHARE_SLOTS];
    _Atomic size_t bytes;
} adp_peekshare;

adp_peekshare *adp_peekshare_new(void);
void adp_peekshare_free(adp_peekshare *ps); /* after adp_epochs_destroy */

/* Whether rows of t read at ts0 are what a read at ts sees: the same timestamp, or a later
 * one that every commit up to is stamped for (ts <= commit_ts) while none of them wrote t
 * (t->write_ts is stored before commit_ts). */
static inline bool adp_peek_fresh(adp_db *db, const adp_table *t, uint64_t ts0, uint64_t ts)
{
    if (ts == ts0) return true;
    return ts > ts0 && ts <= atomic_load_explicit(&db->commit_ts, memory_order_acquire) &&
           atomic_load_explicit(&t->write_ts, memory_order_acquire) <= ts0;
}

/* The key of a query text under a session's output settings (adp_fp_settings_key). */
uint64_t adp_peekshare_key(const char *sql, size_t len, uint64_t settings_key);

/* Caller is inside its epoch (adp_reader_enter). Appends the entry's bytes to out and
 * returns true, with the timestamp they were read at, when an entry for this text, catalog
 * version and table is fresh for a read at ts. */
bool adp_peekshare_get(adp_db *db, uint64_t key, const char *sql, size_t len, uint64_t version,
                       const adp_table *t, uint64_t ts, pgw_buf *out, uint64_t *ts0);
/* Caller is inside its epoch. Publishes rows (n bytes) read at ts0, unless the slot holds
 * the same or newer already, the result is too big or the cache is full. Allocates: only
 * after a run that missed. */
void adp_peekshare_put(adp_db *db, uint64_t key, const char *sql, size_t len, uint64_t version,
                       const adp_table *t, uint64_t ts0, const uint8_t *rows, size_t n);

#endif
