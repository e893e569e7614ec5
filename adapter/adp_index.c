/* adp_index: hash tables behind unique indexes, so that INSERT and UPDATE check keys in
 * constant time, and the ordered structure every index has for lookups
 * (adp_index_tree.c). Maintained by the table access functions in adp_catalog.c. */
#include <stdlib.h>

#include "adp_index_path.h"

/* One chained entry. Heap memory owned by its index hash; retired when unlinked. */
typedef struct adp_hnode {
    _Atomic(struct adp_hnode *) next;
    uint64_t hash;
    adp_row *row;
} adp_hnode;

/* Buckets of one unique index. Owned by the adp_index; changed under db->lock held for
 * writing, walked without it by fast-path readers: a node is linked with a release store
 * after it is filled in, and a grown hash is a new copy (nodes too), the old one retired. */
struct adp_ihash {
    size_t nbuckets; /* power of two */
    size_t count;
    _Atomic(adp_hnode *) buckets[];
};

/* false when a key column is NULL: such rows never conflict and are not indexed. */
bool adp_index_key_hash(const adp_table *t, const adp_index *ix, const adp_value *vals, uint64_t *h)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int k = 0; k < ix->ncols; k++) {
        int c = ix->cols[k];
        if (vals[c].isnull) return false;
        x = (x ^ adp_value_hash(t->cols[c].type.id, &vals[c])) * 0x100000001B3ull;
        x ^= x >> 29;
    }
    *h = x;
    return true;
}

static bool same_key(const adp_table *t, const adp_index *ix, const adp_value *a,
                     const adp_value *b)
{
    for (int k = 0; k < ix->ncols; k++) {
        int c = ix->cols[k];
        if (adp_value_cmp(t->cols[c].type.id, &a[c], &b[c]) != 0) return false;
    }
    return true;
}

static adp_ihash *hash_new(size_t nbuckets)
{
    adp_ihash *h = calloc(1, sizeof *h + nbuckets * sizeof *h->buckets);
    if (!h) abort();
    h->nbuckets = nbuckets;
    return h;
}

static void link_node(adp_ihash *h, adp_hnode *e)
{
    _Atomic(adp_hnode *) *head = &h->buckets[e->hash & (h->nbuckets - 1)];
    atomic_store_explicit(&e->next, atomic_load_explicit(head, memory_order_relaxed),
                          memory_order_relaxed);
    atomic_store_explicit(head, e, memory_order_release);
}

static adp_hnode *node_new(uint64_t hv, adp_row *r)
{
    adp_hnode *e = malloc(sizeof *e);
    if (!e) abort();
    e->hash = hv;
    e->row = r;
    atomic_init(&e->next, NULL);
    return e;
}

static adp_hnode *next_of(const adp_hnode *e)
{
    return atomic_load_explicit(&e->next, memory_order_acquire);
}

static void hash_release(void *p, const void *unused)
{
    (void)unused;
    adp_ihash *h = p;
    for (size_t i = 0; i < h->nbuckets; i++)
        for (adp_hnode *e = atomic_load(&h->buckets[i]), *next; e; e = next) {
            next = next_of(e);
            free(e);
        }
    free(h);
}

static void node_release(void *p, const void *unused)
{
    (void)unused;
    free(p);
}

/* Retires p through t's db, or frees it now when no reader can know t. */
static void retire(const adp_table *t, adp_retire_fn fn, void *p)
{
    if (t->db)
        adp_epoch_retire(t->db, fn, p, NULL);
    else
        fn(p, NULL);
}

/* A reader in the old hash finishes there; readers after the swap see every entry. */
static void grow(const adp_table *t, adp_index *ix, adp_ihash *h)
{
    adp_ihash *n = hash_new(h->nbuckets * 2);
    for (size_t i = 0; i < h->nbuckets; i++)
        for (adp_hnode *e = atomic_load_explicit(&h->buckets[i], memory_order_relaxed); e;
             e = next_of(e))
            link_node(n, node_new(e->hash, e->row));
    n->count = h->count;
    atomic_store_explicit(&ix->hash, n, memory_order_release);
    retire(t, hash_release, h);
}

adp_row *adp_index_lookup(const adp_table *t, const adp_index *ix, const adp_value *vals,
                          const adp_row *self)
{
    uint64_t hv;
    const adp_ihash *h = atomic_load_explicit(&ix->hash, memory_order_acquire);
    if (!h || !adp_index_key_hash(t, ix, vals, &hv)) return NULL;
    for (adp_hnode *e =
             atomic_load_explicit(&h->buckets[hv & (h->nbuckets - 1)], memory_order_acquire);
         e; e = next_of(e))
        if (e->hash == hv && e->row != self && same_key(t, ix, e->row->vals, vals)) return e->row;
    return NULL;
}

adp_row *adp_index_add(const adp_table *t, adp_index *ix, adp_row *r)
{
    uint64_t hv;
    /* the tree holds every current row, also one the hash refuses (a duplicate key that a
     * pending delete makes possible) */
    adp_itree_add(t, ix, r);
    if (!ix->unique || !adp_index_key_hash(t, ix, r->vals, &hv)) return NULL;
    adp_row *dup = adp_index_lookup(t, ix, r->vals, r);
    if (dup) return dup;
    adp_ihash *h = atomic_load_explicit(&ix->hash, memory_order_relaxed);
    if (!h) {
        h = hash_new(64);
        atomic_store_explicit(&ix->hash, h, memory_order_release);
    }
    if (h->count >= h->nbuckets) {
        grow(t, ix, h);
        h = atomic_load_explicit(&ix->hash, memory_order_relaxed);
    }
    link_node(h, node_new(hv, r));
    h->count++;
    return NULL;
}

void adp_index_remove(const adp_table *t, adp_index *ix, const adp_row *r)
{
    uint64_t hv;
    adp_itree_remove(t, ix, r);
    adp_ihash *h = atomic_load_explicit(&ix->hash, memory_order_relaxed);
    if (!h || !adp_index_key_hash(t, ix, r->vals, &hv)) return;
    for (_Atomic(adp_hnode *) *pp = &h->buckets[hv & (h->nbuckets - 1)];;) {
        adp_hnode *e = atomic_load_explicit(pp, memory_order_relaxed);
        if (!e) return;
        if (e->row == r) {
            /* a reader standing on e still finds the rest of the chain through it */
            atomic_store_explicit(pp, next_of(e), memory_order_release);
            h->count--;
            retire(t, node_release, e);
            return;
        }
        pp = &e->next;
    }
}

void adp_index_clear(const adp_table *t, adp_index *ix)
{
    adp_itree_clear(ix);
    adp_ihash *h = atomic_exchange_explicit(&ix->hash, NULL, memory_order_acq_rel);
    if (h) retire(t, hash_release, h);
}

static void index_release(void *p, const void *unused)
{
    (void)unused;
    adp_index *ix = p;
    adp_ihash *h = atomic_load(&ix->hash);
    if (h) hash_release(h, NULL);
    adp_itree_clear(ix);
    free(ix->cols);
    free(ix);
}

void adp_index_free(const adp_table *t, adp_index *ix)
{
    /* a fast-path plan may hold it: the hash goes with it, not before */
    adp_itree_clear(ix);
    retire(t, index_release, ix);
}
