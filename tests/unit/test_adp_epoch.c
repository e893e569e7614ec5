/* Epoch reclamation (adapter/adp_epoch.h), step by step on one thread: a reader that
 * entered and then stalls keeps the row versions it may read (its timestamp bounds
 * reclamation) and the memory it may hold (the row array and hash it loaded are retired,
 * not freed: ASan checks in build-asan), while writers update, grow and compact the table;
 * once it leaves, the next collection frees everything and memory stays flat over a long
 * update loop. */
#include <stdarg.h>

#include "adp_internal.h"
#include "adp_mvcc.h"
#include "unit/test_adp_sql_util.h"

static void ok(adp_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(adp_session *s, const char *fmt, ...)
{
    char sql[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *got = run(s, sql);
    if (strstr(got, "E ERROR")) {
        fprintf(stderr, "%s: %s\n", sql, got);
        t_failed++;
    }
    free(got);
}

/* The value column of the version of key k that s sees at ts in array v, scanning as the
 * fast path does; -1 when there is none, -2 when there are two. */
static long seen_in(const adp_session *s, const adp_rowvec *v, int k, uint64_t ts)
{
    long got = -1;
    for (size_t i = 0, n = adp_rowvec_len(v); i < n; i++) {
        const adp_row *r = v->rows[i];
        if (r->vals[0].u.i != k || !adp_row_visible(s, r, ts)) continue;
        got = got == -1 ? (long)r->vals[1].u.i : -2;
    }
    return got;
}

static size_t retired(adp_db *db)
{
    pthread_mutex_lock(&db->epochs.mu);
    size_t n = db->epochs.nretired;
    pthread_mutex_unlock(&db->epochs.mu);
    return n;
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *w = adp_session_new(db);
    adp_session *r = adp_session_new(db);
    ok(w, "CREATE TABLE kv (k int8 PRIMARY KEY, v int8)");
    ok(w, "INSERT INTO kv VALUES (1, 0), (2, 0)");
    adp_table *t = adp_cat_find_table(db, "kv");
    CHECK(t && adp_table_ixs(t)->ix[0]->unique);

    /* A reader enters at T0 and stalls holding the table's current array and hash. */
    r->reader = adp_reader_new(db);
    uint64_t t0 = atomic_load(&db->commit_ts);
    adp_reader_enter(&db->epochs, r->reader, t0);
    const adp_rowvec *v0 = adp_table_rows(t);
    adp_value key[2] = {{.u.i = 1}, {.isnull = true}};
    adp_row *hit0 = adp_index_lookup(t, adp_table_ixs(t)->ix[0], key, NULL);
    CHECK(hit0 && hit0->vals[1].u.i == 0);

    /* Meanwhile: many versions of key 1 (reclamation runs), key 2 deleted, the array and
     * the hash grow past what they were, and an insert is rolled back. */
    for (int i = 1; i <= 300; i++)
        ok(w, "UPDATE kv SET v = %d WHERE k = 1", i);
    ok(w, "DELETE FROM kv WHERE k = 2");
    for (int i = 0; i < 20; i++)
        ok(w, "INSERT INTO kv SELECT k + %d, 0 FROM kv WHERE k < 11 AND k > 0", 1000 * (i + 1));
    ok(w, "BEGIN; INSERT INTO kv VALUES (7, 7); ROLLBACK");

    /* The stalled reader still sees T0's table, through the old array and the new one. */
    CHECK(seen_in(r, v0, 1, t0) == 0);
    CHECK(seen_in(r, v0, 2, t0) == 0);
    CHECK(seen_in(r, adp_table_rows(t), 1, t0) == 0);
    CHECK(seen_in(r, adp_table_rows(t), 2, t0) == 0);
    CHECK(adp_row_version(r, adp_index_lookup(t, adp_table_ixs(t)->ix[0], key, NULL), t0) == hit0 ||
          adp_table_has_versions(t));
    CHECK(adp_row_version(r, hit0, t0) == hit0 && hit0->vals[1].u.i == 0);
    CHECK(retired(db) > 0); /* what it may hold waits */

    /* A reader entering now reads the newest state. */
    uint64_t t1 = atomic_load(&db->commit_ts);
    CHECK(seen_in(w, adp_table_rows(t), 1, t1) == 300);
    CHECK(seen_in(w, adp_table_rows(t), 2, t1) == -1);
    CHECK(seen_in(w, adp_table_rows(t), 7, t1) == -1);

    /* Once it leaves, a reclamation pass ends key 1's old versions and the next collection
     * frees everything. */
    adp_reader_exit(r->reader);
    pthread_rwlock_wrlock(&db->lock);
    adp_table_reclaim(t, adp_holds_min(db));
    pthread_rwlock_unlock(&db->lock);
    size_t live = 0;
    for (size_t i = 0, n = adp_table_count(t); i < n; i++)
        live += adp_table_row(t, i)->vals[0].u.i == 1;
    CHECK(live == 1);
    adp_epoch_collect(db);
    CHECK(retired(db) == 0);

    /* A long update loop with a reader coming and going keeps memory flat: versions and
     * retired items stay bounded, whatever the number of updates. */
    size_t max_rows = 0, max_retired = 0;
    for (int i = 0; i < 20000; i++) {
        if (i % 100 == 0) adp_reader_enter(&db->epochs, r->reader, atomic_load(&db->commit_ts));
        ok(w, "UPDATE kv SET v = v + 1 WHERE k = 1");
        if (i % 100 == 50) adp_reader_exit(r->reader);
        size_t n = adp_table_count(t), k = retired(db);
        if (n > max_rows) max_rows = n;
        if (k > max_retired) max_retired = k;
    }
    adp_reader_exit(r->reader);
    printf("after 20000 updates: at most %zu row versions (201 rows), %zu retired items\n",
           max_rows, max_retired);
    CHECK(max_rows < 201 + 150);
    CHECK(max_retired < 400);

    adp_session_free(r);
    adp_session_free(w);
    adp_db_close(db);
    return finish();
}
