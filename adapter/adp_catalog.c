/* adp_catalog: the in-memory catalog and table storage behind a small access API, so
 * that the later multiversion storage replaces only this file. */
#include <stdlib.h>
#include <string.h>

#include "adp_durable_int.h"
#include "adp_internal.h"
#include "adp_mvcc.h"
#include "adp_peekshare.h"
#include "adp_system.h"

adp_db *adp_db_open(const char *data_dir, pgw_error *err)
{
    adp_db *db = calloc(1, sizeof *db);
    if (!db) {
        pgw_errorf(err, "53200", "out of memory");
        return NULL;
    }
    pthread_rwlock_init(&db->lock, NULL);
    adp_epochs_init(&db->epochs);
    db->peekshare = adp_peekshare_new();
    pthread_mutex_init(&db->holds_mu, NULL);
    pthread_mutex_init(&db->commit_mu, NULL);
    pthread_cond_init(&db->commit_cv, NULL);
    atomic_init(&db->commit_ts, 1);
    db->next_oid = 16384; /* PostgreSQL's first user OID */
    atomic_init(&db->catalog_version, 1);
    db->sys = adp_system_new();
    /* NULL: the ephemeral mode, everything in memory only. */
    if (data_dir && !(db->dur = adp_durable_open(db, data_dir, err))) {
        adp_db_close(db);
        return NULL;
    }
    return db;
}

void adp_db_close(adp_db *db)
{
    if (!db) return;
    adp_durable_close(db->dur); /* the checkpointer reads tables: first */
    adp_system_free(db);
    /* retired rows and indexes still name their tables: before the tables go */
    adp_epochs_destroy(&db->epochs);
    adp_peekshare_free(db->peekshare); /* retired entries counted in it went just before */
    adp_tablist *tl = atomic_load(&db->tables);
    for (int i = 0; tl && i < tl->n; i++)
        adp_table_free(tl->t[i]);
    free(tl);
    for (int i = 0; i < db->ngrave; i++)
        adp_table_free(db->graveyard[i]);
    free(db->graveyard);
    pthread_rwlock_destroy(&db->lock);
    pthread_mutex_destroy(&db->holds_mu);
    pthread_mutex_destroy(&db->commit_mu);
    pthread_cond_destroy(&db->commit_cv);
    free(db->holds);
    free(db);
}

adp_table *adp_cat_find_table(adp_db *db, const char *name)
{
    const adp_tablist *tl = adp_cat_tables(db);
    for (int i = 0; i < tl->n; i++)
        if (strcmp(tl->t[i]->name, name) == 0) return tl->t[i];
    return NULL;
}

adp_index *adp_cat_find_index(adp_db *db, const char *name, adp_table **table)
{
    const adp_tablist *tl = adp_cat_tables(db);
    for (int i = 0; i < tl->n; i++) {
        const adp_ixlist *xs = adp_table_ixs(tl->t[i]);
        for (int j = 0; j < xs->n; j++)
            if (strcmp(xs->ix[j]->name, name) == 0) {
                *table = tl->t[i];
                return xs->ix[j];
            }
    }
    return NULL;
}

bool adp_cat_relation_exists(adp_db *db, const char *name)
{
    const adp_tablist *tl = adp_cat_tables(db);
    for (int i = 0; i < tl->n; i++) {
        const adp_table *t = tl->t[i];
        if (strcmp(t->name, name) == 0) return true;
        const adp_ixlist *xs = adp_table_ixs(t);
        for (int j = 0; j < xs->n; j++)
            if (strcmp(xs->ix[j]->name, name) == 0) return true;
    }
    return false;
}

static void *grow(void *p, int *cap, size_t elem)
{
    *cap = *cap ? *cap * 2 : 8;
    void *n = realloc(p, (size_t)*cap * elem);
    if (!n) abort();
    return n;
}

const adp_tablist adp_no_tables = {0};

static void tablist_release(void *p, const void *unused)
{
    (void)unused;
    free(p);
}

/* Readers that loaded the old list keep it until they leave. */
static void set_tables(adp_db *db, adp_tablist *tl)
{
    adp_tablist *old = atomic_exchange_explicit(&db->tables, tl, memory_order_acq_rel);
    if (old) adp_epoch_retire(db, tablist_release, old, NULL);
}

void adp_cat_add_table(adp_db *db, adp_table *t)
{
    const adp_tablist *cur = adp_cat_tables(db);
    adp_tablist *tl = malloc(sizeof *tl + (size_t)(cur->n + 1) * sizeof *tl->t);
    if (!tl) abort();
    tl->n = cur->n + 1;
    for (int i = 0; i < cur->n; i++)
        tl->t[i] = cur->t[i];
    tl->t[cur->n] = t;
    set_tables(db, tl);
    t->db = db;
    if (!t->oid) t->oid = db->next_oid++;
    atomic_fetch_add(&db->catalog_version, 1);
}

void adp_cat_remove_table(adp_db *db, adp_table *t)
{
    const adp_tablist *cur = adp_cat_tables(db);
    adp_tablist *tl = malloc(sizeof *tl + (size_t)(cur->n ? cur->n : 1) * sizeof *tl->t);
    if (!tl) abort();
    tl->n = 0;
    for (int i = 0; i < cur->n; i++)
        if (cur->t[i] != t) tl->t[tl->n++] = cur->t[i];
    set_tables(db, tl);
    atomic_fetch_add(&db->catalog_version, 1);
}

/* Retired with its rows (adp_epoch.h): a reader may still hold either. */
static void vec_release(void *v, const void *unused)
{
    (void)unused;
    free(v);
}

void adp_cat_bury_table(adp_db *db, adp_table *t)
{
    adp_rowvec *v = atomic_exchange_explicit(&t->vec, NULL, memory_order_acq_rel);
    size_t n = adp_rowvec_len(v);
    for (size_t i = 0; i < n; i++)
        adp_epoch_retire(db, adp_row_release, v->rows[i], t);
    if (v) adp_epoch_retire(db, vec_release, v, NULL);
    atomic_store(&t->ndead, 0);
    /* Undo entries of other sessions may relink rows here later: start from empty hashes. */
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        adp_index_clear(t, xs->ix[k]);
    if (db->ngrave == db->capgrave)
        db->graveyard = grow(db->graveyard, &db->capgrave, sizeof *db->graveyard);
    db->graveyard[db->ngrave++] = t;
}

void adp_table_free(adp_table *t)
{
    adp_rowvec *v = atomic_load(&t->vec);
    for (size_t i = 0, n = adp_rowvec_len(v); i < n; i++)
        adp_row_free(t, v->rows[i]);
    free(v);
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].has_default) adp_value_free_heap(t->cols[i].type.id, &t->cols[i].defval);
    free(t->cols);
    free(t->kseq);
    t->db = NULL; /* no reader left: indexes go at once */
    adp_ixlist *xs = atomic_load(&t->ixs);
    for (int i = 0; xs && i < xs->n; i++)
        adp_index_free(t, xs->ix[i]);
    free(xs);
    free(t);
}

adp_row *adp_row_new(const adp_table *t, const adp_value *vals)
{
    adp_row *r = malloc(sizeof *r + (size_t)t->ncols * sizeof(adp_value));
    if (!r) abort();
    r->seq = 0;
    /* Invisible to every reader until its insert is stamped or its owner set. */
    atomic_init(&r->begin_ts, ADP_TS_INF);
    atomic_init(&r->end_ts, ADP_TS_INF);
    atomic_init(&r->owner, NULL);
    atomic_init(&r->deleter, NULL);
    atomic_init(&r->prev, NULL);
    for (int i = 0; i < t->ncols; i++)
        adp_value_copy_heap(t->cols[i].type.id, &vals[i], &r->vals[i]);
    return r;
}

void adp_row_free(const adp_table *t, adp_row *r)
{
    for (int i = 0; i < t->ncols; i++)
        adp_value_free_heap(t->cols[i].type.id, &r->vals[i]);
    free(r);
}

void adp_row_release(void *r, const void *table)
{
    adp_row_free(table, r);
}

adp_rowvec *adp_rowvec_new(size_t cap, adp_row *const *rows, size_t n)
{
    adp_rowvec *v = malloc(sizeof *v + cap * sizeof *v->rows);
    if (!v) abort();
    v->cap = cap;
    if (n) memcpy(v->rows, rows, n * sizeof *rows);
    atomic_init(&v->n, n);
    return v;
}

void adp_table_set_rows(adp_table *t, adp_rowvec *v)
{
    adp_rowvec *old = atomic_exchange_explicit(&t->vec, v, memory_order_acq_rel);
    if (!old) return;
    if (t->db)
        adp_epoch_retire(t->db, vec_release, old, NULL);
    else
        free(old);
}

/* Room for one more row; a full array is replaced by a bigger copy (readers keep theirs). */
static adp_rowvec *reserve_rows(adp_table *t)
{
    adp_rowvec *v = atomic_load_explicit(&t->vec, memory_order_relaxed);
    size_t n = adp_rowvec_len(v);
    if (v && n < v->cap) return v;
    adp_rowvec *nv = adp_rowvec_new(v ? 2 * v->cap : 16, v ? v->rows : NULL, n);
    adp_table_set_rows(t, nv);
    return nv;
}

void adp_table_append(adp_table *t, adp_row *r)
{
    adp_rowvec *v = reserve_rows(t);
    size_t n = atomic_load_explicit(&v->n, memory_order_relaxed);
    r->seq = ++t->next_seq;
    v->rows[n] = r;
    atomic_store_explicit(&v->n, n + 1, memory_order_release);
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        adp_index_add(t, xs->ix[k], r);
}

/* Rows stay sorted by seq, so binary search finds one. */
static size_t lower_bound(const adp_rowvec *v, uint64_t seq)
{
    size_t lo = 0, hi = adp_rowvec_len(v);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->rows[mid]->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void adp_table_abort_insert(adp_db *db, adp_table *t, adp_row *r)
{
    adp_table_unindex(t, r);
    /* begin_ts is still ADP_TS_INF: once the owner is gone nobody sees it, and an end at 0
     * makes it reclaimable at once */
    atomic_store_explicit(&r->end_ts, 0, memory_order_relaxed);
    atomic_store_explicit(&r->owner, NULL, memory_order_release);
    atomic_fetch_add(&t->ndead, 1);
    adp_table_maybe_reclaim(db, t);
}

const adp_ixlist adp_no_indexes = {0};

static void list_release(void *p, const void *unused)
{
    (void)unused;
    free(p);
}

static void set_ixs(adp_table *t, adp_ixlist *l)
{
    adp_ixlist *old = atomic_exchange_explicit(&t->ixs, l, memory_order_acq_rel);
    if (!old) return;
    if (t->db)
        adp_epoch_retire(t->db, list_release, old, NULL);
    else
        free(old);
}

void adp_table_add_index(adp_table *t, adp_index *ix)
{
    const adp_ixlist *cur = adp_table_ixs(t);
    adp_ixlist *l = malloc(sizeof *l + (size_t)(cur->n + 1) * sizeof *l->ix);
    if (!l) abort();
    l->n = cur->n + 1;
    for (int k = 0; k < cur->n; k++)
        l->ix[k] = cur->ix[k];
    l->ix[cur->n] = ix;
    set_ixs(t, l);
}

bool adp_table_remove_index(adp_table *t, const adp_index *ix)
{
    const adp_ixlist *cur = adp_table_ixs(t);
    adp_ixlist *l = malloc(sizeof *l + (size_t)(cur->n ? cur->n : 1) * sizeof *l->ix);
    if (!l) abort();
    l->n = 0;
    for (int k = 0; k < cur->n; k++)
        if (cur->ix[k] != ix) l->ix[l->n++] = cur->ix[k];
    if (l->n == cur->n) {
        free(l);
        return false;
    }
    set_ixs(t, l);
    return true;
}

void adp_table_unindex(adp_table *t, adp_row *r)
{
    atomic_fetch_add(&t->churn, 1);
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        adp_index_remove(t, xs->ix[k], r);
}

void adp_table_reindex(adp_table *t, adp_row *r)
{
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        adp_index_add(t, xs->ix[k], r);
}

adp_row *adp_table_find_dup(adp_table *t, const adp_index *ix, const adp_value *vals,
                            const adp_row *self)
{
    return adp_index_lookup(t, ix, vals, self);
}

/* --- recovery only (adp_wal_replay.c): single-threaded, no unique index upkeep (the
 * indexes are rebuilt once replay ends) --- */

void adp_table_insert_seq(adp_table *t, adp_row *r)
{
    adp_rowvec *v = reserve_rows(t);
    size_t n = atomic_load_explicit(&v->n, memory_order_relaxed);
    /* Groups commit out of seq order, so a replayed row may belong before the last one. */
    size_t i = lower_bound(v, r->seq);
    memmove(&v->rows[i + 1], &v->rows[i], (n - i) * sizeof *v->rows);
    v->rows[i] = r;
    atomic_store_explicit(&v->n, n + 1, memory_order_relaxed);
    if (r->seq > t->next_seq) t->next_seq = r->seq;
}

adp_row *adp_table_take_seq(adp_table *t, uint64_t seq)
{
    adp_rowvec *v = atomic_load_explicit(&t->vec, memory_order_relaxed);
    size_t n = adp_rowvec_len(v);
    size_t i = lower_bound(v, seq);
    if (i >= n || v->rows[i]->seq != seq) return NULL;
    adp_row *r = v->rows[i];
    memmove(&v->rows[i], &v->rows[i + 1], (n - i - 1) * sizeof *v->rows);
    atomic_store_explicit(&v->n, n - 1, memory_order_relaxed);
    return r;
}

size_t adp_table_seq_pos(const adp_table *t, uint64_t seq)
{
    return lower_bound(adp_table_rows(t), seq);
}
