/* adp_peekshare: the shared peek cache's entries and slots (adp_peekshare.h). */
#include "adp_peekshare.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "adp_epoch.h"
#include "adp_fastpath.h"

/* One published result. Heap memory, immutable once in a slot; retired when replaced. */
struct adp_pshared {
    uint64_t key, version, ts0;
    const adp_table *table; /* compared only: tables are never freed while the server runs */
    size_t sqllen, len;
    adp_peekshare *owner; /* whose byte count it is in */
    char data[];          /* the query text, then the rows */
};

adp_peekshare *adp_peekshare_new(void)
{
    adp_peekshare *ps = calloc(1, sizeof *ps);
    if (!ps) abort();
    return ps;
}

static size_t entry_size(const adp_pshared *e)
{
    return sizeof *e + e->sqllen + e->len;
}

static void entry_release(void *p, const void *unused)
{
    (void)unused;
    adp_pshared *e = p;
    atomic_fetch_sub(&e->owner->bytes, entry_size(e));
    free(e);
}

void adp_peekshare_free(adp_peekshare *ps)
{
    if (!ps) return;
    for (size_t i = 0; i < ADP_PEEKSHARE_SLOTS; i++) {
        adp_pshared *e = atomic_load(&ps->slot[i]);
        if (e) entry_release(e, NULL);
    }
    free(ps);
}

uint64_t adp_peekshare_key(const char *sql, size_t len, uint64_t settings_key)
{
    return XXH3_64bits_withSeed(sql, len, settings_key);
}

static bool same(const adp_pshared *e, uint64_t key, const char *sql, size_t len, uint64_t version,
                 const adp_table *t)
{
    return e->key == key && e->version == version && e->table == t && e->sqllen == len &&
           memcmp(e->data, sql, len) == 0;
}

bool adp_peekshare_get(adp_db *db, uint64_t key, const char *sql, size_t len, uint64_t version,
                       const adp_table *t, uint64_t ts, pgw_buf *out, uint64_t *ts0)
{
    adp_peekshare *ps = db->peekshare;
    const adp_pshared *e =
        atomic_load_explicit(&ps->slot[key % ADP_PEEKSHARE_SLOTS], memory_order_acquire);
    if (!e || !same(e, key, sql, len, version, t) || !adp_peek_fresh(db, t, e->ts0, ts))
        return false;
    pgw_buf_put(out, e->data + e->sqllen, e->len);
    *ts0 = e->ts0;
    return true;
}

void adp_peekshare_put(adp_db *db, uint64_t key, const char *sql, size_t len, uint64_t version,
                       const adp_table *t, uint64_t ts0, const uint8_t *rows, size_t n)
{
    adp_peekshare *ps = db->peekshare;
    _Atomic(adp_pshared *) *slot = &ps->slot[key % ADP_PEEKSHARE_SLOTS];
    const adp_pshared *cur = atomic_load_explicit(slot, memory_order_acquire);
    if (n > ADP_PEEK_RESULT_BYTES ||
        (cur && same(cur, key, sql, len, version, t) && cur->ts0 >= ts0))
        return;
    size_t size = sizeof(adp_pshared) + len + n;
    if (atomic_load_explicit(&ps->bytes, memory_order_relaxed) + size > ADP_PEEKSHARE_BYTES) return;
    adp_pshared *e = malloc(size);
    if (!e) return; /* a cache: nothing is lost */
    *e = (adp_pshared){key, version, ts0, t, len, n, ps};
    memcpy(e->data, sql, len);
    memcpy(e->data + len, rows, n);
    atomic_fetch_add(&ps->bytes, size);
    /* Two connections may publish at once: the later store wins, both stay correct. */
    adp_pshared *old = atomic_exchange_explicit(slot, e, memory_order_acq_rel);
    if (old) adp_epoch_retire(db, entry_release, old, NULL);
}
