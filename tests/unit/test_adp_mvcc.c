/* Adapter multiversion storage: isolation of open transactions, repeatable reads inside a
 * block (scans and key lookups), first updater wins, rollback, and reclamation of old
 * versions with and without read holds (checked on the table's version count). */
#include <stdarg.h>

#include "adp_internal.h"
#include "unit/test_adp_sql_util.h"

static size_t versions(adp_db *db, const char *table)
{
    pthread_rwlock_rdlock(&db->lock);
    adp_table *t = adp_cat_find_table(db, table);
    size_t n = t ? adp_table_count(t) : 0;
    pthread_rwlock_unlock(&db->lock);
    return n;
}

#define CHECK_SIZE(got, op, want)                                                                  \
    do {                                                                                           \
        size_t g_ = (got);                                                                         \
        if (g_ op(size_t)(want)) {                                                                 \
            t_passed++;                                                                            \
        } else {                                                                                   \
            t_failed++;                                                                            \
            fprintf(stderr, "%s:%d: %s = %zu, want %s %s\n", __FILE__, __LINE__, #got, g_, #op,    \
                    #want);                                                                        \
        }                                                                                          \
    } while (0)
#define CHECK_SIZE_LE(got, want) CHECK_SIZE(got, <=, want)
#define CHECK_SIZE_GE(got, want) CHECK_SIZE(got, >=, want)

static void ok(adp_session *s, const char *sql)
{
    char *got = run(s, sql);
    if (strstr(got, "E ERROR")) {
        fprintf(stderr, "%s: %s\n", sql, got);
        t_failed++;
    } else {
        t_passed++;
    }
    free(got);
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *a = adp_session_new(db);
    adp_session *b = adp_session_new(db);
    EXPECT(a, "CREATE TABLE kv (k int PRIMARY KEY, v text)", "C CREATE TABLE [I]");
    EXPECT(a, "INSERT INTO kv VALUES (1, 'one'), (2, 'two')", "C INSERT 0 2 [I]");

    /* an open block's writes are its own until COMMIT, then all appear at once */
    EXPECT(a, "BEGIN; INSERT INTO kv VALUES (3, 'three'); UPDATE kv SET v = 'uno' WHERE k = 1",
           "C BEGIN | C INSERT 0 1 | C UPDATE 1 [T]");
    EXPECT(a, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,two | D 3,three | C SELECT 3 [T]");
    EXPECT(b, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,one | D 2,two | C SELECT 2 [I]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 1", "T v:25:-1 | D one | C SELECT 1 [I]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 3", "T v:25:-1 | C SELECT 0 [I]");
    EXPECT(a, "COMMIT", "C COMMIT [I]");
    EXPECT(b, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,two | D 3,three | C SELECT 3 [I]");

    /* repeatable reads: b's block keeps reading at its first statement's timestamp */
    EXPECT(b, "BEGIN", "C BEGIN [T]");
    EXPECT(b, "SELECT count(*) FROM kv", "T count:20:-1 | D 3 | C SELECT 1 [T]");
    EXPECT(a, "UPDATE kv SET v = 'dos' WHERE k = 2", "C UPDATE 1 [I]");
    EXPECT(a, "DELETE FROM kv WHERE k = 3", "C DELETE 1 [I]");
    EXPECT(a, "INSERT INTO kv VALUES (4, 'four')", "C INSERT 0 1 [I]");
    EXPECT(b, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,two | D 3,three | C SELECT 3 [T]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 2", "T v:25:-1 | D two | C SELECT 1 [T]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 3", "T v:25:-1 | D three | C SELECT 1 [T]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 4", "T v:25:-1 | C SELECT 0 [T]");
    /* first updater wins: the row b sees was changed after b's snapshot */
    EXPECT(b, "UPDATE kv SET v = 'x' WHERE k = 2",
           "E ERROR 40001 could not serialize access due to concurrent update [E]");
    EXPECT(b, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(b, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,dos | D 4,four | C SELECT 3 [I]");

    /* a pending delete of a is invisible to b, and b cannot change that row meanwhile */
    EXPECT(a, "BEGIN; DELETE FROM kv WHERE k = 4", "C BEGIN | C DELETE 1 [T]");
    EXPECT(b, "SELECT v FROM kv WHERE k = 4", "T v:25:-1 | D four | C SELECT 1 [I]");
    EXPECT(b, "UPDATE kv SET v = 'y' WHERE k = 4",
           "E ERROR 40001 could not serialize access due to concurrent update [I]");
    EXPECT(a, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(b, "UPDATE kv SET v = 'cuatro' WHERE k = 4", "C UPDATE 1 [I]");
    EXPECT(a, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,dos | D 4,cuatro | C SELECT 3 [I]");

    /* rollback leaves nothing, also after TRUNCATE */
    EXPECT(a, "BEGIN; TRUNCATE kv; INSERT INTO kv VALUES (9, 'nine')",
           "C BEGIN | C TRUNCATE TABLE | C INSERT 0 1 [T]");
    EXPECT(b, "SELECT count(*) FROM kv", "T count:20:-1 | D 3 | C SELECT 1 [I]");
    EXPECT(a, "SELECT * FROM kv", "T k:23:-1,v:25:-1 | D 9,nine | C SELECT 1 [T]");
    EXPECT(a, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(b, "SELECT * FROM kv ORDER BY k",
           "T k:23:-1,v:25:-1 | D 1,uno | D 2,dos | D 4,cuatro | C SELECT 3 [I]");

    /* reclamation: without holds, updating one row keeps at most a couple of versions */
    EXPECT(a, "CREATE TABLE one (id int PRIMARY KEY, n int)", "C CREATE TABLE [I]");
    EXPECT(a, "INSERT INTO one VALUES (1, 0)", "C INSERT 0 1 [I]");
    for (int i = 0; i < 1000; i++)
        ok(a, "UPDATE one SET n = n + 1 WHERE id = 1");
    CHECK_SIZE_LE(versions(db, "one"), 2);
    /* a read hold keeps every version it may read... */
    EXPECT(b, "BEGIN; SELECT n FROM one", "C BEGIN | T n:23:-1 | D 1000 | C SELECT 1 [T]");
    for (int i = 0; i < 100; i++)
        ok(a, "UPDATE one SET n = n + 1 WHERE id = 1");
    CHECK_SIZE_GE(versions(db, "one"), 100);
    EXPECT(b, "SELECT n FROM one WHERE id = 1", "T n:23:-1 | D 1000 | C SELECT 1 [T]");
    EXPECT(a, "SELECT n FROM one WHERE id = 1", "T n:23:-1 | D 1100 | C SELECT 1 [I]");
    /* ...until it is released */
    EXPECT(b, "COMMIT", "C COMMIT [I]");
    for (int i = 0; i < 200; i++)
        ok(a, "UPDATE one SET n = n + 1 WHERE id = 1");
    CHECK_SIZE_LE(versions(db, "one"), 2);
    EXPECT(b, "SELECT n FROM one", "T n:23:-1 | D 1300 | C SELECT 1 [I]");

    adp_session_free(a);
    adp_session_free(b);
    adp_db_close(db);
    return finish();
}
