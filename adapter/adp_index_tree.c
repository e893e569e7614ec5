/* adp_index_tree: the ordered structure behind every index, for equality on a prefix of
 * its columns and ranges on the next one. A sorted list of sorted chunks (a two-level
 * B-tree): inserts move at most one chunk, lookups are two binary searches. It holds the
 * same rows as the unique hashes (the current ones: end_ts == ADP_TS_INF, no deleter),
 * ordered by key (adp_value_cmp, NULLs last, as PostgreSQL's btree) and then by seq. */
#include <stdlib.h>
#include <string.h>

#include "adp_index_path.h"

#define CHUNK 256

/* One run of consecutive entries. Heap memory owned by its tree. */
typedef struct chunk {
    int n;
    adp_row *e[CHUNK];
} chunk;

/* The ordered entries of one index. Owned by the adp_index; guarded by db->lock. */
struct adp_itree {
    chunk **c;
    size_t nc, capc;
    size_t count;
};

/* NULL sorts above every value. */
static int cmp_val(adp_type_id t, const adp_value *a, const adp_value *b)
{
    if (a->isnull || b->isnull) return a->isnull == b->isnull ? 0 : a->isnull ? 1 : -1;
    return adp_value_cmp(t, a, b);
}

static int cmp_row(const adp_table *t, const adp_index *ix, const adp_row *a, const adp_row *b)
{
    for (int k = 0; k < ix->ncols; k++) {
        int c = ix->cols[k];
        int r = cmp_val(t->cols[c].type.id, &a->vals[c], &b->vals[c]);
        if (r) return r;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Everything below: `before` is a predicate true on a prefix of the order. */
typedef bool (*before_fn)(const adp_table *t, const adp_index *ix, const adp_row *r,
                          const void *arg);

static bool before_row(const adp_table *t, const adp_index *ix, const adp_row *r, const void *arg)
{
    return cmp_row(t, ix, r, arg) < 0;
}

/* The first position (chunk, slot) where `before` is false; chunk == nc at the end. */
static void seek(const adp_itree *tr, const adp_table *t, const adp_index *ix, before_fn before,
                 const void *arg, size_t *ci, int *si)
{
    size_t lo = 0, hi = tr->nc;
    while (lo < hi) { /* first chunk whose last entry is not before */
        size_t mid = lo + (hi - lo) / 2;
        const chunk *c = tr->c[mid];
        if (before(t, ix, c->e[c->n - 1], arg))
            lo = mid + 1;
        else
            hi = mid;
    }
    *ci = lo;
    *si = 0;
    if (lo == tr->nc) return;
    const chunk *c = tr->c[lo];
    int l = 0, h = c->n;
    while (l < h) {
        int mid = l + (h - l) / 2;
        if (before(t, ix, c->e[mid], arg))
            l = mid + 1;
        else
            h = mid;
    }
    *si = l;
}

static void insert_chunk(adp_itree *tr, size_t at, chunk *c)
{
    if (tr->nc == tr->capc) {
        tr->capc = tr->capc ? tr->capc * 2 : 8;
        tr->c = realloc(tr->c, tr->capc * sizeof *tr->c);
        if (!tr->c) abort();
    }
    memmove(&tr->c[at + 1], &tr->c[at], (tr->nc - at) * sizeof *tr->c);
    tr->c[at] = c;
    tr->nc++;
}

static bool is_current(const adp_row *r)
{
    return r->end_ts == ADP_TS_INF && !r->deleter;
}

void adp_itree_add(const adp_table *t, adp_index *ix, adp_row *r)
{
    if (!is_current(r)) return;
    if (!ix->tree) {
        ix->tree = calloc(1, sizeof *ix->tree);
        if (!ix->tree) abort();
    }
    adp_itree *tr = ix->tree;
    if (!tr->nc) { /* chunks are never empty */
        chunk *c = malloc(sizeof *c);
        if (!c) abort();
        c->n = 1;
        c->e[0] = r;
        insert_chunk(tr, 0, c);
        tr->count++;
        return;
    }
    size_t ci;
    int si;
    seek(tr, t, ix, before_row, r, &ci, &si);
    if (ci == tr->nc) { /* after everything: the end of the last chunk */
        ci = tr->nc - 1;
        si = tr->c[ci]->n;
    } else if (tr->c[ci]->e[si] == r)
        return; /* already there */
    chunk *c = tr->c[ci];
    if (c->n == CHUNK && ci == tr->nc - 1 && si == CHUNK) {
        /* appending in key order (a serial key): a new chunk keeps the others full */
        chunk *d = malloc(sizeof *d);
        if (!d) abort();
        d->n = 1;
        d->e[0] = r;
        insert_chunk(tr, tr->nc, d);
        tr->count++;
        return;
    }
    if (c->n == CHUNK) { /* split, then insert into the half that covers si */
        chunk *d = malloc(sizeof *d);
        if (!d) abort();
        d->n = CHUNK / 2;
        memcpy(d->e, &c->e[CHUNK / 2], (CHUNK / 2) * sizeof *d->e);
        c->n = CHUNK / 2;
        insert_chunk(tr, ci + 1, d);
        if (si > CHUNK / 2) {
            c = d;
            si -= CHUNK / 2;
        }
    }
    memmove(&c->e[si + 1], &c->e[si], (size_t)(c->n - si) * sizeof *c->e);
    c->e[si] = r;
    c->n++;
    tr->count++;
}

void adp_itree_remove(const adp_table *t, adp_index *ix, const adp_row *r)
{
    adp_itree *tr = ix->tree;
    if (!tr || !tr->nc) return;
    size_t ci;
    int si;
    seek(tr, t, ix, before_row, r, &ci, &si);
    if (ci == tr->nc || tr->c[ci]->e[si] != r) return;
    chunk *c = tr->c[ci];
    memmove(&c->e[si], &c->e[si + 1], (size_t)(c->n - si - 1) * sizeof *c->e);
    c->n--;
    tr->count--;
    if (!c->n) {
        free(c);
        memmove(&tr->c[ci], &tr->c[ci + 1], (tr->nc - ci - 1) * sizeof *tr->c);
        tr->nc--;
    }
}

void adp_itree_clear(adp_index *ix)
{
    if (!ix->tree) return;
    for (size_t i = 0; i < ix->tree->nc; i++)
        free(ix->tree->c[i]);
    free(ix->tree->c);
    free(ix->tree);
    ix->tree = NULL;
}

size_t adp_itree_count(const adp_index *ix)
{
    return ix->tree ? ix->tree->count : 0;
}

/* The bounds of one lookup: equality on the first neq columns, then a range. */
typedef struct bounds {
    const adp_value *eq;
    int neq;
    const adp_value *lo, *hi; /* NULL: open */
    bool lo_incl, hi_incl;
} bounds;

static bool before_bounds(const adp_table *t, const adp_index *ix, const adp_row *r,
                          const void *arg)
{
    const bounds *b = arg;
    for (int k = 0; k < b->neq; k++) {
        int c = ix->cols[k];
        int x = cmp_val(t->cols[c].type.id, &r->vals[c], &b->eq[k]);
        if (x) return x < 0;
    }
    if (!b->lo) return false;
    int c = ix->cols[b->neq];
    int x = cmp_val(t->cols[c].type.id, &r->vals[c], b->lo);
    return x < 0 || (x == 0 && !b->lo_incl);
}

static bool within(const adp_table *t, const adp_index *ix, const adp_row *r, const bounds *b)
{
    for (int k = 0; k < b->neq; k++) {
        int c = ix->cols[k];
        if (cmp_val(t->cols[c].type.id, &r->vals[c], &b->eq[k])) return false;
    }
    if (!b->lo && !b->hi) return true;
    int c = ix->cols[b->neq];
    if (r->vals[c].isnull) return false;
    if (!b->hi) return true;
    int x = adp_value_cmp(t->cols[c].type.id, &r->vals[c], b->hi);
    return x < 0 || (x == 0 && b->hi_incl);
}

size_t adp_itree_range(const adp_table *t, const adp_index *ix, const adp_value *eq, int neq,
                       const adp_value *lo, bool lo_incl, const adp_value *hi, bool hi_incl,
                       adp_itree_visit visit, void *arg)
{
    const adp_itree *tr = ix->tree;
    if (!tr || !tr->nc) return 0;
    bounds b = {eq, neq, lo, hi, lo_incl, hi_incl};
    size_t ci, n = 0;
    int si;
    seek(tr, t, ix, before_bounds, &b, &ci, &si);
    for (; ci < tr->nc; ci++, si = 0)
        for (const chunk *c = tr->c[ci]; si < c->n; si++) {
            if (!within(t, ix, c->e[si], &b) || !visit(c->e[si], arg)) return n;
            n++;
        }
    return n;
}

/* Before the range or in it: true on a prefix of the order (the range is contiguous). */
static bool not_after(const adp_table *t, const adp_index *ix, const adp_row *r, const void *arg)
{
    return before_bounds(t, ix, r, arg) || within(t, ix, r, arg);
}

size_t adp_itree_range_rev(const adp_table *t, const adp_index *ix, const adp_value *eq, int neq,
                           const adp_value *lo, bool lo_incl, const adp_value *hi, bool hi_incl,
                           adp_itree_visit visit, void *arg)
{
    const adp_itree *tr = ix->tree;
    if (!tr || !tr->nc) return 0;
    bounds b = {eq, neq, lo, hi, lo_incl, hi_incl};
    size_t ci, n = 0;
    int si;
    seek(tr, t, ix, not_after, &b, &ci, &si); /* just past the range's end */
    for (;;) {
        if (si == 0) {
            if (ci == 0) return n;
            si = tr->c[--ci]->n;
        }
        adp_row *r = tr->c[ci]->e[--si];
        if (!within(t, ix, r, &b) || !visit(r, arg)) return n;
        n++;
    }
}

bool adp_itree_same_key(const adp_table *t, const adp_index *ix, int from, const adp_row *a,
                        const adp_row *b)
{
    for (int k = from; k < ix->ncols; k++) {
        int c = ix->cols[k];
        if (cmp_val(t->cols[c].type.id, &a->vals[c], &b->vals[c])) return false;
    }
    return true;
}
