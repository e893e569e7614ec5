/* adp_catalog: the in-memory catalog and table storage behind a small access API, so
 * that the later multiversion storage replaces only this file. */
#include <stdlib.h>
#include <string.h>

#include "adp_durable_int.h"
#include "adp_internal.h"
#include "adp_system.h"

adp_db *adp_db_open(const char *data_dir, pgw_error *err)
{
    adp_db *db = calloc(1, sizeof *db);
    if (!db) {
        pgw_errorf(err, "53200", "out of memory");
        return NULL;
    }
    pthread_rwlock_init(&db->lock, NULL);
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
    for (int i = 0; i < db->ntables; i++)
        adp_table_free(db->tables[i]);
    for (int i = 0; i < db->ngrave; i++)
        adp_table_free(db->graveyard[i]);
    free(db->tables);
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
    for (int i = 0; i < db->ntables; i++)
        if (strcmp(db->tables[i]->name, name) == 0) return db->tables[i];
    return NULL;
}

adp_index *adp_cat_find_index(adp_db *db, const char *name, adp_table **table)
{
    for (int i = 0; i < db->ntables; i++)
        for (int j = 0; j < db->tables[i]->nindexes; j++)
            if (strcmp(db->tables[i]->indexes[j]->name, name) == 0) {
                *table = db->tables[i];
                return db->tables[i]->indexes[j];
            }
    return NULL;
}

bool adp_cat_relation_exists(adp_db *db, const char *name)
{
    for (int i = 0; i < db->ntables; i++) {
        adp_table *t = db->tables[i];
        if (strcmp(t->name, name) == 0) return true;
        for (int j = 0; j < t->nindexes; j++)
            if (strcmp(t->indexes[j]->name, name) == 0) return true;
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

void adp_cat_add_table(adp_db *db, adp_table *t)
{
    if (db->ntables == db->captables)
        db->tables = grow(db->tables, &db->captables, sizeof *db->tables);
    db->tables[db->ntables++] = t;
    if (!t->oid) t->oid = db->next_oid++;
    atomic_fetch_add(&db->catalog_version, 1);
}

void adp_cat_remove_table(adp_db *db, adp_table *t)
{
    for (int i = 0; i < db->ntables; i++)
        if (db->tables[i] == t) {
            memmove(&db->tables[i], &db->tables[i + 1],
                    (size_t)(db->ntables - i - 1) * sizeof *db->tables);
            db->ntables--;
            break;
        }
    atomic_fetch_add(&db->catalog_version, 1);
}

void adp_cat_bury_table(adp_db *db, adp_table *t)
{
    for (size_t i = 0; i < t->nrows; i++)
        adp_row_free(t, t->rows[i]);
    t->nrows = 0;
    t->ndead = 0;
    /* Undo entries of other sessions may relink rows here later: start from empty hashes. */
    for (int k = 0; k < t->nindexes; k++)
        adp_index_clear(t->indexes[k]);
    if (db->ngrave == db->capgrave)
        db->graveyard = grow(db->graveyard, &db->capgrave, sizeof *db->graveyard);
    db->graveyard[db->ngrave++] = t;
}

void adp_table_free(adp_table *t)
{
    for (size_t i = 0; i < t->nrows; i++)
        adp_row_free(t, t->rows[i]);
    free(t->rows);
    for (int i = 0; i < t->ncols; i++)
        if (t->cols[i].has_default) adp_value_free_heap(t->cols[i].type.id, &t->cols[i].defval);
    free(t->cols);
    for (int i = 0; i < t->nindexes; i++)
        adp_index_free(t->indexes[i]);
    free(t->indexes);
    free(t);
}

adp_row *adp_row_new(const adp_table *t, const adp_value *vals)
{
    adp_row *r = malloc(sizeof *r + (size_t)t->ncols * sizeof(adp_value));
    if (!r) abort();
    r->seq = 0;
    r->begin_ts = 0;
    r->end_ts = ADP_TS_INF;
    r->owner = r->deleter = NULL;
    r->prev = NULL;
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

static void reserve_rows(adp_table *t)
{
    if (t->nrows < t->caprows) return;
    t->caprows = t->caprows ? t->caprows * 2 : 16;
    t->rows = realloc(t->rows, t->caprows * sizeof *t->rows);
    if (!t->rows) abort();
}

void adp_table_append(adp_table *t, adp_row *r)
{
    reserve_rows(t);
    r->seq = ++t->next_seq;
    t->rows[t->nrows++] = r;
    for (int k = 0; k < t->nindexes; k++)
        adp_index_add(t, t->indexes[k], r);
}

/* Rows stay sorted by seq, so binary search finds one. */
static size_t lower_bound(const adp_table *t, uint64_t seq)
{
    size_t lo = 0, hi = t->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->rows[mid]->seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool adp_table_unlink(adp_table *t, adp_row *r)
{
    size_t i = lower_bound(t, r->seq);
    if (i >= t->nrows || t->rows[i] != r) return false;
    for (int k = 0; k < t->nindexes; k++)
        adp_index_remove(t, t->indexes[k], r);
    memmove(&t->rows[i], &t->rows[i + 1], (t->nrows - i - 1) * sizeof *t->rows);
    t->nrows--;
    return true;
}

void adp_table_unindex(adp_table *t, adp_row *r)
{
    for (int k = 0; k < t->nindexes; k++)
        adp_index_remove(t, t->indexes[k], r);
}

void adp_table_reindex(adp_table *t, adp_row *r)
{
    for (int k = 0; k < t->nindexes; k++)
        adp_index_add(t, t->indexes[k], r);
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
    reserve_rows(t);
    /* Groups commit out of seq order, so a replayed row may belong before the last one. */
    size_t i = lower_bound(t, r->seq);
    memmove(&t->rows[i + 1], &t->rows[i], (t->nrows - i) * sizeof *t->rows);
    t->rows[i] = r;
    t->nrows++;
    if (r->seq > t->next_seq) t->next_seq = r->seq;
}

adp_row *adp_table_take_seq(adp_table *t, uint64_t seq)
{
    size_t i = lower_bound(t, seq);
    if (i >= t->nrows || t->rows[i]->seq != seq) return NULL;
    adp_row *r = t->rows[i];
    memmove(&t->rows[i], &t->rows[i + 1], (t->nrows - i - 1) * sizeof *t->rows);
    t->nrows--;
    return r;
}

size_t adp_table_seq_pos(const adp_table *t, uint64_t seq)
{
    return lower_bound(t, seq);
}
