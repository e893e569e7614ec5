/* adp_index: hash tables behind unique indexes, so that INSERT and UPDATE check keys in
 * constant time, and the ordered structure every index has for lookups
 * (adp_index_tree.c). Maintained by the table access functions in adp_catalog.c. */
#include <stdlib.h>

#include "adp_index_path.h"

/* One chained entry. Heap memory owned by its index hash. */
typedef struct adp_hnode {
    struct adp_hnode *next;
    uint64_t hash;
    adp_row *row;
} adp_hnode;

/* Buckets of one unique index. Owned by the adp_index; guarded by db->lock. */
struct adp_ihash {
    adp_hnode **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
};

/* false when a key column is NULL: such rows never conflict and are not indexed. */
static bool key_hash(const adp_table *t, const adp_index *ix, const adp_value *vals, uint64_t *h)
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

static void grow(adp_ihash *h)
{
    size_t n = h->nbuckets ? h->nbuckets * 2 : 64;
    adp_hnode **b = calloc(n, sizeof *b);
    if (!b) abort();
    for (size_t i = 0; i < h->nbuckets; i++)
        for (adp_hnode *e = h->buckets[i], *next; e; e = next) {
            next = e->next;
            e->next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(h->buckets);
    h->buckets = b;
    h->nbuckets = n;
}

adp_row *adp_index_lookup(const adp_table *t, const adp_index *ix, const adp_value *vals,
                          const adp_row *self)
{
    uint64_t hv;
    if (!ix->hash || !ix->hash->nbuckets || !key_hash(t, ix, vals, &hv)) return NULL;
    for (adp_hnode *e = ix->hash->buckets[hv & (ix->hash->nbuckets - 1)]; e; e = e->next)
        if (e->hash == hv && e->row != self && same_key(t, ix, e->row->vals, vals)) return e->row;
    return NULL;
}

adp_row *adp_index_add(const adp_table *t, adp_index *ix, adp_row *r)
{
    uint64_t hv;
    /* the tree holds every current row, also one the hash refuses (a duplicate key that a
     * pending delete makes possible) */
    adp_itree_add(t, ix, r);
    if (!ix->unique || !key_hash(t, ix, r->vals, &hv)) return NULL;
    if (!ix->hash) {
        ix->hash = calloc(1, sizeof *ix->hash);
        if (!ix->hash) abort();
    }
    adp_row *dup = adp_index_lookup(t, ix, r->vals, r);
    if (dup) return dup;
    adp_ihash *h = ix->hash;
    if (h->count >= h->nbuckets) grow(h);
    adp_hnode *e = malloc(sizeof *e);
    if (!e) abort();
    e->hash = hv;
    e->row = r;
    e->next = h->buckets[hv & (h->nbuckets - 1)];
    h->buckets[hv & (h->nbuckets - 1)] = e;
    h->count++;
    return NULL;
}

void adp_index_remove(const adp_table *t, adp_index *ix, const adp_row *r)
{
    uint64_t hv;
    adp_itree_remove(t, ix, r);
    if (!ix->hash || !ix->hash->nbuckets || !key_hash(t, ix, r->vals, &hv)) return;
    for (adp_hnode **pp = &ix->hash->buckets[hv & (ix->hash->nbuckets - 1)]; *pp; pp = &(*pp)->next)
        if ((*pp)->row == r) {
            adp_hnode *e = *pp;
            *pp = e->next;
            free(e);
            ix->hash->count--;
            return;
        }
}

void adp_index_clear(adp_index *ix)
{
    adp_itree_clear(ix);
    if (!ix->hash) return;
    for (size_t i = 0; i < ix->hash->nbuckets; i++)
        for (adp_hnode *e = ix->hash->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(ix->hash->buckets);
    free(ix->hash);
    ix->hash = NULL;
}

void adp_index_free(adp_index *ix)
{
    adp_index_clear(ix);
    free(ix->cols);
    free(ix);
}
