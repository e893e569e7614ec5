/* Index lookups: EXPLAIN's shape, equality on index prefixes and ranges (NULLs, text,
 * floats, parameters), and a property test: random writes (open, committed, rolled back,
 * keys changed) on a table with indexes and on the same table without any, random
 * predicates read by the writer and by a reader holding an older snapshot; both tables
 * must answer identically, and every index must hold exactly the current rows. */
#include <stdarg.h>
#include <stdlib.h>

#include "adp_index_path.h"
#include "adp_mvcc.h"
#include "unit/test_adp_sql_util.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ & 3];
    va_list ap;
    va_start(ap, f);
    vsnprintf(b, sizeof buf[0], f, ap);
    va_end(ap);
    return b;
}

/* Rows of one index walk. Stack value. */
typedef struct walk {
    adp_row **v;
    size_t n, cap;
} walk;

static bool collect(adp_row *r, void *arg)
{
    walk *w = arg;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->v = realloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n++] = r;
    return true;
}

/* a before b in index order: key (NULLs last), then seq */
static int key_order(const adp_table *t, const adp_index *ix, const adp_row *a, const adp_row *b)
{
    for (int k = 0; k < ix->ncols; k++) {
        int c = ix->cols[k];
        const adp_value *x = &a->vals[c], *y = &b->vals[c];
        int r = x->isnull || y->isnull ? (x->isnull == y->isnull ? 0
                                          : x->isnull            ? 1
                                                                 : -1)
                                       : adp_value_cmp(t->cols[c].type.id, x, y);
        if (r) return r;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A full walk of every index gives its rows in strictly increasing order, each current. */
static bool trees_ordered(adp_table *t)
{
    bool ok = true;
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++) {
        walk w = {0};
        adp_itree_range(t, adp_table_ixs(t)->ix[k], NULL, 0, NULL, false, NULL, false, collect, &w);
        for (size_t i = 0; i < w.n; i++) {
            if (w.v[i]->end_ts != ADP_TS_INF || w.v[i]->deleter) ok = false;
            if (i && key_order(t, adp_table_ixs(t)->ix[k], w.v[i - 1], w.v[i]) >= 0) ok = false;
        }
        if (w.n != adp_itree_count(adp_table_ixs(t)->ix[k])) ok = false;
        if (!ok)
            fprintf(stderr, "index %s: walk out of order or stale\n",
                    adp_table_ixs(t)->ix[k]->name);
        free(w.v);
    }
    return ok;
}

/* Every index of `table` holds exactly its current rows (end_ts infinite, no deleter). */
static bool trees_consistent(adp_db *db, const char *table)
{
    pthread_rwlock_rdlock(&db->lock);
    adp_table *t = adp_cat_find_table(db, table);
    size_t current = 0;
    for (size_t i = 0, n = t ? adp_table_count(t) : 0; i < n; i++)
        current += adp_table_row(t, i)->end_ts == ADP_TS_INF && !adp_table_row(t, i)->deleter;
    bool ok = t != NULL && trees_ordered(t);
    for (int k = 0; t && k < adp_table_ixs(t)->n; k++)
        if (adp_itree_count(adp_table_ixs(t)->ix[k]) != current) {
            fprintf(stderr, "index %s holds %zu rows, the table has %zu current\n",
                    adp_table_ixs(t)->ix[k]->name, adp_itree_count(adp_table_ixs(t)->ix[k]),
                    current);
            ok = false;
        }
    pthread_rwlock_unlock(&db->lock);
    return ok;
}

static void explain_shapes(adp_session *s)
{
    EXPECT(s, "CREATE TABLE t (a int PRIMARY KEY, b int, c text, e bigint)", "C CREATE TABLE [I]");
    EXPECT(s, "CREATE INDEX t_bc ON t (b, c)", "C CREATE INDEX [I]");
#define PLAN "T QUERY PLAN:25:-1 | "
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE a = 1",
           PLAN "D Index Scan using t_pkey on t | D   Index Cond: (a = 1) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE 1 = a AND c = 'x'",
           PLAN "D Index Scan using t_pkey on t | D   Index Cond: (a = 1) | "
                "D   Filter: (c = 'x'::text) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE a BETWEEN 1 AND 5",
           PLAN "D Index Scan using t_pkey on t | D   Index Cond: ((a >= 1) AND (a <= 5)) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE b = 1 AND c > 'x' ORDER BY a LIMIT 3",
           PLAN "D Limit | D   ->  Sort | D         Sort Key: a | "
                "D         ->  Index Scan using t_bc on t | "
                "D               Index Cond: ((b = 1) AND (c > 'x'::text)) | C EXPLAIN [I]");
    /* a range on the second column alone cannot use (b, c) */
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE c > 'x'",
           PLAN "D Seq Scan on t | D   Filter: (c > 'x'::text) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE 3 < b",
           PLAN
           "D Aggregate | D   ->  Index Scan using t_bc on t | D         Index Cond: (b > 3) | "
           "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT b, count(*) FROM t GROUP BY b",
           PLAN "D HashAggregate | D   Group Key: b | D   ->  Seq Scan on t | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t x WHERE e = 7 OR b IS NULL",
           PLAN "D Seq Scan on t x | D   Filter: ((e = 7) OR (b IS NULL)) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE c IN ('a', 'b')",
           PLAN "D Seq Scan on t | D   Filter: (c = ANY ('{a,b}'::text[])) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE b IN (1, 2) AND c IN ('x', 'y')",
           PLAN
           "D Index Scan using t_bc on t | "
           "D   Index Cond: ((b = ANY ('{1,2}'::integer[])) AND (c = ANY ('{x,y}'::text[]))) | "
           "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE a IN (1, 2)",
           PLAN "D Index Scan using t_pkey on t | "
                "D   Index Cond: (a = ANY ('{1,2}'::integer[])) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t WHERE a NOT IN (1, 2)",
           PLAN
           "D Seq Scan on t | D   Filter: (NOT (a = ANY ('{1,2}'::integer[]))) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE b IS NULL AND c > 'a' AND e IS NULL",
           PLAN
           "D Index Scan using t_bc on t | D   Index Cond: ((b IS NULL) AND (c > 'a'::text)) | "
           "D   Filter: (e IS NULL) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE b IS NOT NULL",
           PLAN "D Seq Scan on t | D   Filter: (b IS NOT NULL) | C EXPLAIN [I]");
    /* top-N in index order: no Sort */
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE a > 5 ORDER BY a LIMIT 3",
           PLAN "D Limit | D   ->  Index Scan using t_pkey on t | D         Index Cond: (a > 5) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t ORDER BY a LIMIT 3 OFFSET 1",
           PLAN "D Limit | D   ->  Index Scan using t_pkey on t | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t WHERE b = 2 AND e > 1 ORDER BY c LIMIT 3",
           PLAN "D Limit | D   ->  Index Scan using t_bc on t | D         Index Cond: (b = 2) | "
                "D         Filter: (e > 1) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t ORDER BY a DESC LIMIT 3",
           PLAN "D Limit | D   ->  Index Scan Backward using t_pkey on t | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t ORDER BY a DESC NULLS LAST LIMIT 3",
           PLAN "D Limit | D   ->  Sort | D         Sort Key: a DESC NULLS LAST | "
                "D         ->  Seq Scan on t | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t WHERE b = 1 AND c < 'q' ORDER BY c DESC LIMIT 3",
           PLAN "D Limit | D   ->  Index Scan Backward using t_bc on t | "
                "D         Index Cond: ((b = 1) AND (c < 'q'::text)) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT a FROM t WHERE b = 1 ORDER BY a LIMIT 3",
           PLAN "D Limit | D   ->  Sort | D         Sort Key: a | "
                "D         ->  Index Scan using t_bc on t | D               Index Cond: (b = 1) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT * FROM t ORDER BY b DESC, c NULLS FIRST OFFSET 2",
           PLAN "D Limit | D   ->  Sort | D         Sort Key: b DESC, c NULLS FIRST | "
                "D         ->  Seq Scan on t | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) UPDATE t SET b = 2 WHERE c = 'q'",
           PLAN "D Update on t | D   ->  Seq Scan on t | D         Filter: (c = 'q'::text) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) DELETE FROM t WHERE b = 1 AND c = 'it''s'",
           PLAN "D Delete on t | D   ->  Index Scan using t_bc on t | "
                "D         Index Cond: ((b = 1) AND (c = 'it''s'::text)) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN (COSTS OFF) SELECT 1", PLAN "D Result | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN ANALYZE SELECT 1", "E ERROR 0A000 EXPLAIN ANALYZE is not supported [I]");
    EXPECT(s, "EXPLAIN INSERT INTO t VALUES (1)",
           "E ERROR 0A000 EXPLAIN of this statement is not supported [I]");
    EXPECT_PREFIX(s, "EXPLAIN SELECT * FROM nosuch", "E ERROR 42P01");
    /* the default index covers every column; the primary key still wins a = constant */
    EXPECT(s, "CREATE DEFAULT INDEX ON t", "C CREATE INDEX [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE a = 2 AND b = 1",
           PLAN "D Index Scan using t_pkey on t | D   Index Cond: (a = 2) | D   Filter: (b = 1) | "
                "C EXPLAIN [I]");
    EXPECT(s, "DROP INDEX t_primary_idx", "C DROP INDEX [I]");
    EXPECT(s, "CREATE TABLE u (x int, y text)", "C CREATE TABLE [I]");
    EXPECT(s, "CREATE DEFAULT INDEX ON u", "C CREATE INDEX [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM u WHERE y > 'a' AND x = 1",
           PLAN "D Index Scan using u_primary_idx on u | "
                "D   Index Cond: ((x = 1) AND (y > 'a'::text)) | C EXPLAIN [I]");
    EXPECT(s, "DROP TABLE u", "C DROP TABLE [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM t WHERE a = 2 AND b = 1",
           PLAN "D Index Scan using t_pkey on t | D   Index Cond: (a = 2) | D   Filter: (b = 1) | "
                "C EXPLAIN [I]");
    EXPECT(s, "DROP TABLE t", "C DROP TABLE [I]");
    /* columns cast by the analyzer within their type's family keep their index */
    EXPECT(s, "CREATE TABLE ct (k int, v varchar(10), s smallint, f real)", "C CREATE TABLE [I]");
    EXPECT(s, "CREATE INDEX ct_k ON ct (k)", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE INDEX ct_v ON ct (v)", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE INDEX ct_s ON ct (s, f)", "C CREATE INDEX [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM ct WHERE k = 5000000000",
           PLAN "D Index Scan using ct_k on ct | D   Index Cond: (k = '5000000000'::bigint) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM ct WHERE v = 'x'",
           PLAN "D Index Scan using ct_v on ct | D   Index Cond: ((v)::text = 'x'::text) | "
                "C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM ct WHERE s = 3 AND f > 1.5",
           PLAN "D Index Scan using ct_s on ct | "
                "D   Index Cond: ((s = 3) AND (f > '1.5'::double precision)) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM ct WHERE k::bigint = 5",
           PLAN "D Seq Scan on ct | D   Filter: ((k)::bigint = 5) | C EXPLAIN [I]");
    EXPECT(s,
           "INSERT INTO ct VALUES (1, 'x', 3, 1.5), (2, 'xy', 3, 2.5), (3, NULL, 3, 'NaN'), "
           "(4, 'x', 4, 1.75)",
           "C INSERT 0 4 [I]");
    EXPECT(s, "SELECT k FROM ct WHERE v = 'x'", "T k:23:-1 | D 1 | D 4 | C SELECT 2 [I]");
    EXPECT(s, "SELECT k FROM ct WHERE v > 'x'::text", "T k:23:-1 | D 2 | C SELECT 1 [I]");
    EXPECT(s, "SELECT k FROM ct WHERE s = 3 AND f > 1.5", "T k:23:-1 | D 2 | D 3 | C SELECT 2 [I]");
    EXPECT(s, "SELECT k FROM ct WHERE s >= 3 AND s < 70000",
           "T k:23:-1 | D 1 | D 2 | D 3 | D 4 | C SELECT 4 [I]");
    EXPECT(s, "SELECT k FROM ct WHERE k < 3000000000 AND k > -3000000000",
           "T k:23:-1 | D 1 | D 2 | D 3 | D 4 | C SELECT 4 [I]");
    EXPECT(s, "DROP TABLE ct", "C DROP TABLE [I]");
}

/* Results through the index, checked against values computed by hand. */
static void lookups(adp_session *s)
{
    EXPECT(s, "CREATE TABLE r (k int, t text, f float8)", "C CREATE TABLE [I]");
    EXPECT(s,
           "INSERT INTO r VALUES (5, 'b', 1), (1, 'a', 'NaN'), (3, NULL, -0.0), (NULL, 'c', 2), "
           "(3, 'a', NULL), (9, 'z', 0), (7, '', 'Infinity')",
           "C INSERT 0 7 [I]");
    EXPECT(s, "CREATE INDEX r_k ON r (k)", "C CREATE INDEX [I]");
    EXPECT(s, "CREATE INDEX r_tf ON r (t, f)", "C CREATE INDEX [I]");
    EXPECT(s, "SELECT k FROM r WHERE k BETWEEN 3 AND 7",
           "T k:23:-1 | D 5 | D 3 | D 3 | D 7 | C SELECT 4 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k > 3", "T k:23:-1 | D 5 | D 9 | D 7 | C SELECT 3 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k <= 3", "T k:23:-1 | D 1 | D 3 | D 3 | C SELECT 3 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k < 3 AND k >= 3", "T k:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k = NULL", "T k:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT t FROM r WHERE t >= 'a' ORDER BY t",
           "T t:25:-1 | D a | D a | D b | D c | D z | C SELECT 5 [I]");
    EXPECT(s, "SELECT t FROM r WHERE t < 'a'", "T t:25:-1 | D  | C SELECT 1 [I]");
    /* NaN sorts above every number, -0 equals 0 */
    EXPECT(s, "SELECT k FROM r WHERE t = 'a' AND f > 1e308", "T k:23:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(s, "SELECT k FROM r WHERE t = 'z' AND f = -0.0", "T k:23:-1 | D 9 | C SELECT 1 [I]");
    EXPECT(s, "SELECT k FROM r WHERE t = 'a' AND f IS NULL", "T k:23:-1 | D 3 | C SELECT 1 [I]");
    EXPECT(s, "PREPARE q(int, int) AS SELECT k, t FROM r WHERE k >= $1 AND k < $2",
           "C PREPARE [I]");
    EXPECT(s, "EXECUTE q(3, 6)", "T k:23:-1,t:25:-1 | D 5,b | D 3,~ | D 3,a | C SELECT 3 [I]");
    EXPECT(s, "EXECUTE q(NULL, 6)", "T k:23:-1,t:25:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT k, t FROM r WHERE k IN (3, 9, NULL, 3, 4)",
           "T k:23:-1,t:25:-1 | D 3,~ | D 3,a | D 9,z | C SELECT 3 [I]");
    EXPECT(s, "SELECT k FROM r WHERE t IN ('a', 'b') AND f >= 1",
           "T k:23:-1 | D 5 | D 1 | C SELECT 2 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k IN (NULL, NULL)", "T k:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT t FROM r WHERE k IS NULL", "T t:25:-1 | D c | C SELECT 1 [I]");
    EXPECT(s, "SELECT k FROM r WHERE t IS NULL AND f = 0", "T k:23:-1 | D 3 | C SELECT 1 [I]");
    EXPECT(s, "SELECT k FROM r WHERE t = 'a' AND f IS NULL ORDER BY k LIMIT 1",
           "T k:23:-1 | D 3 | C SELECT 1 [I]");
    /* backwards: NULLs first, equal keys in insertion order as a scan and sort give */
    EXPECT(s, "SELECT k, t FROM r ORDER BY k DESC LIMIT 5",
           "T k:23:-1,t:25:-1 | D ~,c | D 9,z | D 7, | D 5,b | D 3,~ | C SELECT 5 [I]");
    EXPECT(s, "SELECT k, t FROM r WHERE k < 6 ORDER BY k DESC LIMIT 2 OFFSET 1",
           "T k:23:-1,t:25:-1 | D 3,~ | D 3,a | C SELECT 2 [I]");
    EXPECT(s, "SELECT k, t FROM r ORDER BY k LIMIT 4",
           "T k:23:-1,t:25:-1 | D 1,a | D 3,~ | D 3,a | D 5,b | C SELECT 4 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k > 3 ORDER BY k LIMIT 10 OFFSET 1",
           "T k:23:-1 | D 7 | D 9 | C SELECT 2 [I]");
    EXPECT(s, "SELECT k FROM r ORDER BY k LIMIT 0", "T k:23:-1 | C SELECT 0 [I]");
    EXPECT(s, "SELECT k FROM r ORDER BY k OFFSET 5 LIMIT 5",
           "T k:23:-1 | D 9 | D ~ | C SELECT 2 [I]");
    EXPECT(s, "SELECT k, f FROM r WHERE t = 'a' ORDER BY f LIMIT 1",
           "T k:23:-1,f:701:-1 | D 1,NaN | C SELECT 1 [I]");
    EXPECT(s, "PREPARE qi(int, int) AS SELECT k FROM r WHERE k IN ($1, $2, 9)", "C PREPARE [I]");
    EXPECT(s, "EXECUTE qi(5, NULL)", "T k:23:-1 | D 5 | D 9 | C SELECT 2 [I]");
    EXPECT(s, "UPDATE r SET t = 'y' WHERE k BETWEEN 6 AND 8 RETURNING k",
           "T k:23:-1 | D 7 | C UPDATE 1 [I]");
    EXPECT(s, "DELETE FROM r WHERE t = 'y' RETURNING k", "T k:23:-1 | D 7 | C DELETE 1 [I]");
    EXPECT(s, "SELECT k FROM r WHERE k > 6", "T k:23:-1 | D 9 | C SELECT 1 [I]");
    /* a rolled-back DROP INDEX and TRUNCATE leave the index as it was */
    EXPECT(s, "BEGIN; DROP INDEX r_k; DELETE FROM r WHERE k = 9; ROLLBACK",
           "C BEGIN | C DROP INDEX | C DELETE 1 | C ROLLBACK [I]");
    EXPECT(s, "BEGIN; TRUNCATE r; ROLLBACK", "C BEGIN | C TRUNCATE TABLE | C ROLLBACK [I]");
    EXPECT(s, "SELECT k FROM r WHERE k > 6", "T k:23:-1 | D 9 | C SELECT 1 [I]");
    CHECK(trees_consistent(s->db, "r"));
    EXPECT(s, "TRUNCATE r", "C TRUNCATE TABLE [I]");
    EXPECT(s, "SELECT k FROM r WHERE k > 0", "T k:23:-1 | C SELECT 0 [I]");
    CHECK(trees_consistent(s->db, "r"));
    EXPECT(s, "DROP TABLE r", "C DROP TABLE [I]");
}

/* On a big table an index that selects an eighth of it or more loses to a scan. */
static void wide_ranges(adp_session *s)
{
    EXPECT(s, "CREATE TABLE big (k int, v int)", "C CREATE TABLE [I]");
    for (int i = 0; i < 40; i++) {
        char sql[4096];
        int n = snprintf(sql, sizeof sql, "INSERT INTO big VALUES ");
        for (int j = 0; j < 50; j++)
            n += snprintf(sql + n, sizeof sql - (size_t)n, "%s(%d, %d)", j ? ", " : "",
                          (i * 50 + j) * 7919 % 2000, i);
        EXPECT(s, sql, "C INSERT 0 50 [I]");
    }
    EXPECT(s, "CREATE INDEX big_k ON big (k)", "C CREATE INDEX [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM big WHERE k < 100",
           PLAN "D Index Scan using big_k on big | D   Index Cond: (k < 100) | C EXPLAIN [I]");
    EXPECT(s, "EXPLAIN SELECT * FROM big WHERE k >= 1000",
           PLAN "D Seq Scan on big | D   Filter: (k >= 1000) | C EXPLAIN [I]");
    EXPECT(s, "SELECT count(*), sum(k), min(v), max(v) FROM big WHERE k < 100",
           "T count:20:-1,sum:20:-1,min:23:-1,max:23:-1 | D 100,4950,0,39 | C SELECT 1 [I]");
    EXPECT(s, "SELECT count(*), sum(k) FROM big WHERE k >= 1000",
           "T count:20:-1,sum:20:-1 | D 1000,1499500 | C SELECT 1 [I]");
    EXPECT(s, "UPDATE big SET v = -1 WHERE k BETWEEN 10 AND 19", "C UPDATE 10 [I]");
    EXPECT(s, "DELETE FROM big WHERE k >= 1500", "C DELETE 500 [I]");
    EXPECT(s, "SELECT count(*), sum(v) FROM big WHERE k > 9 AND k < 20",
           "T count:20:-1,sum:20:-1 | D 10,-10 | C SELECT 1 [I]");
    EXPECT(s, "SELECT count(*) FROM big WHERE k >= 1400", "T count:20:-1 | D 100 | C SELECT 1 [I]");
    CHECK(trees_consistent(s->db, "big"));
    EXPECT(s, "DROP TABLE big", "C DROP TABLE [I]");
}

/* Keys that change hands: at an older snapshot a key lookup must find the row that had the
 * key then, not the version chain of the row that has it now. */
static void key_swap(adp_session *w, adp_session *r)
{
    EXPECT(w, "CREATE TABLE ks (k int PRIMARY KEY, v text)", "C CREATE TABLE [I]");
    EXPECT(w, "INSERT INTO ks VALUES (1, 'A'), (5, 'B')", "C INSERT 0 2 [I]");
    EXPECT(r, "BEGIN; SELECT * FROM ks WHERE k = 1",
           "C BEGIN | T k:23:-1,v:25:-1 | D 1,A | C SELECT 1 [T]");
    EXPECT(w, "BEGIN; UPDATE ks SET k = 2 WHERE k = 1; UPDATE ks SET k = 1 WHERE k = 5; COMMIT",
           "C BEGIN | C UPDATE 1 | C UPDATE 1 | C COMMIT [I]");
    for (int i = 0; i < 3; i++) /* the same text again: also through the plan cache */
        EXPECT(r, "SELECT * FROM ks WHERE k = 1", "T k:23:-1,v:25:-1 | D 1,A | C SELECT 1 [T]");
    EXPECT(r, "SELECT v FROM ks WHERE k = 5", "T v:25:-1 | D B | C SELECT 1 [T]");
    EXPECT(r, "SELECT v FROM ks WHERE k = 2", "T v:25:-1 | C SELECT 0 [T]");
    /* the row this snapshot sees under k = 1 has changed since: first updater wins */
    EXPECT(r, "UPDATE ks SET v = 'x' WHERE k = 1",
           "E ERROR 40001 could not serialize access due to concurrent update [E]");
    EXPECT(r, "ROLLBACK", "C ROLLBACK [I]");
    EXPECT(r, "SELECT * FROM ks WHERE k = 1", "T k:23:-1,v:25:-1 | D 1,B | C SELECT 1 [I]");
    EXPECT(w, "DROP TABLE ks", "C DROP TABLE [I]");
}

static const char *rand_pred(void)
{
    static char buf[512];
    static const char *ops[] = {"=", "<", "<=", ">", ">="};
    static const char *texts[] = {"''", "'a'", "'b'", "'bb'", "'c'", "'d'"};
    static const char *floats[] = {"0", "-0.0", "1.5", "2", "'NaN'", "'-Infinity'"};
    int n = 1 + (int)rnd(3), len = 0;
    buf[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *t;
        switch (rnd(8)) {
        case 0:
            t = fmt("a %s %u", ops[rnd(5)], rnd(60));
            break;
        case 1:
            t = fmt("a BETWEEN %u AND %u", rnd(60), rnd(60));
            break;
        case 2:
        case 3:
            t = fmt("b %s %u", ops[rnd(5)], rnd(6));
            break;
        case 4:
            t = fmt("c %s %s", ops[rnd(5)], texts[rnd(6)]);
            break;
        case 5:
            t = fmt("d %s %s", ops[rnd(5)], floats[rnd(6)]);
            break;
        case 6:
            t = fmt("%u %s b", rnd(6), ops[rnd(5)]);
            break;
        default:
            switch (rnd(4)) {
            case 0:
                t = rnd(2) ? "b IS NULL" : fmt("b = %u AND c IS NULL", rnd(6));
                break;
            case 1:
                t = fmt("c BETWEEN %s AND %s", texts[rnd(6)], texts[rnd(6)]);
                break;
            case 2: /* duplicates and NULL in the list */
                t = fmt("b IN (%u, %u, NULL, %u)", rnd(6), rnd(6), rnd(6));
                break;
            default:
                t = fmt("a IN (%u, %u, %u) AND c IN (%s, %s)", rnd(60), rnd(60), rnd(60),
                        texts[rnd(6)], texts[rnd(6)]);
                break;
            }
            break;
        }
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s", i ? " AND " : "", t);
    }
    return buf;
}

static const char *rand_select(void)
{
    return fmt("SELECT * FROM TBL WHERE %s", rand_pred());
}

static const char *rand_top(void)
{
    static const char *orders[] = {"a",
                                   "d",
                                   "c",
                                   "b, c",
                                   "d DESC",
                                   "a DESC",
                                   "b DESC, c DESC",
                                   "c DESC",
                                   "a NULLS FIRST",
                                   "d DESC NULLS LAST"};
    const char *where = rnd(3) ? fmt("WHERE %s", rand_pred()) : "";
    if (!rnd(3)) where = fmt("WHERE b = %u", rnd(6));
    return fmt("SELECT * FROM TBL %s ORDER BY %s LIMIT %u OFFSET %u", where, orders[rnd(10)],
               rnd(8), rnd(3));
}

/* Frees every dead version nobody can read (nothing is open). */
static void reclaim_all(adp_db *db)
{
    pthread_rwlock_wrlock(&db->lock);
    adp_table_reclaim(adp_cat_find_table(db, "ti"), adp_holds_min(db));
    adp_table_reclaim(adp_cat_find_table(db, "tn"), adp_holds_min(db));
    pthread_rwlock_unlock(&db->lock);
}

static bool no_versions(adp_db *db, const char *table)
{
    pthread_rwlock_rdlock(&db->lock);
    bool none = !adp_table_has_versions(adp_cat_find_table(db, table));
    pthread_rwlock_unlock(&db->lock);
    return none;
}

/* Runs sql (with TBL for the table) on both tables; their transcripts must match. */
static bool same(adp_session *s, const char *sql)
{
    char a[2048], b[2048];
    const char *at = strstr(sql, "TBL");
    snprintf(a, sizeof a, "%.*sti%s", (int)(at - sql), sql, at + 3);
    snprintf(b, sizeof b, "%.*stn%s", (int)(at - sql), sql, at + 3);
    char *ra = run(s, a), *rb = run(s, b);
    bool eq = strcmp(ra, rb) == 0;
    if (!eq) fprintf(stderr, "differ: %s\n  index: %s\n  scan:  %s\n", a, ra, rb);
    free(ra);
    free(rb);
    return eq;
}

static void property(adp_db *db, adp_session *w, adp_session *r)
{
    EXPECT(w, "CREATE TABLE ti (a int PRIMARY KEY, b smallint, c varchar(5), d float8)",
           "C CREATE TABLE [I]");
    EXPECT(w, "CREATE INDEX ti_bc ON ti (b, c)", "C CREATE INDEX [I]");
    EXPECT(w, "CREATE INDEX ti_d ON ti (d)", "C CREATE INDEX [I]");
    EXPECT(w, "CREATE TABLE tn (a int, b smallint, c varchar(5), d float8)", "C CREATE TABLE [I]");
    /* the predicates below do reach the indexes */
    EXPECT_PREFIX(w, "EXPLAIN SELECT * FROM ti WHERE 2 = b AND c > 'a'",
                  PLAN "D Index Scan using ti_bc on ti | D   Index Cond: ((b = 2) AND");
    EXPECT_PREFIX(w, "EXPLAIN SELECT * FROM ti WHERE d < 'NaN'", PLAN "D Index Scan using ti_d");
    EXPECT_PREFIX(w, "EXPLAIN SELECT * FROM ti WHERE a BETWEEN 1 AND 5",
                  PLAN "D Index Scan using ti_pkey");
    static const char *texts[] = {"NULL", "''", "'a'", "'b'", "'bb'", "'c'"};
    static const char *floats[] = {"NULL", "0", "-0.0", "1.5", "2", "'NaN'", "'Infinity'"};
    int next_a = 0, bad = 0, shift = 1000;
    bool w_open = false, r_open = false;
    const char *env = getenv("PGPEEK_TEST_STEPS");
    int steps = env && atoi(env) > 0 ? atoi(env) : 600;
    for (int step = 0; step < steps && bad < 5; step++) {
        char sql[1024];
        switch (rnd(14)) {
        case 0:
        case 1:
        case 2: {
            const char *b = rnd(5) ? fmt("%u", rnd(6)) : "NULL";
            snprintf(sql, sizeof sql, "INSERT INTO TBL VALUES (%d, %s, %s, %s)", next_a++, b,
                     texts[rnd(6)], floats[rnd(7)]);
            break;
        }
        case 3:
            snprintf(sql, sizeof sql, "UPDATE TBL SET b = %u, c = %s WHERE %s RETURNING *", rnd(6),
                     texts[rnd(6)], rand_pred());
            break;
        case 4:
            snprintf(sql, sizeof sql, "DELETE FROM TBL WHERE %s RETURNING a", rand_pred());
            break;
        case 5: /* keys move: older versions have other keys than the current ones */
            snprintf(sql, sizeof sql, "UPDATE TBL SET a = a + %d, d = %s WHERE %s", shift,
                     floats[rnd(7)], rand_pred());
            shift += 1000;
            break;
        case 6:
            snprintf(sql, sizeof sql, "%s", w_open ? (rnd(3) ? "COMMIT" : "ROLLBACK") : "BEGIN");
            w_open = !w_open;
            EXPECT_PREFIX(w, sql, "C ");
            continue;
        case 7:
            if (r_open)
                EXPECT(r, "COMMIT", "C COMMIT [I]");
            else /* the snapshot is taken by the first read */
                EXPECT_PREFIX(r, "BEGIN; SELECT count(*) FROM ti", "C BEGIN | T ");
            r_open = !r_open;
            continue;
        case 9: /* no versions left: reads take the index alone (and top-N its order) */
            if (w_open) EXPECT_PREFIX(w, "COMMIT", "C COMMIT");
            if (r_open) EXPECT(r, "COMMIT", "C COMMIT [I]");
            w_open = r_open = false;
            reclaim_all(db);
            for (int i = 0; i < 6; i++) {
                snprintf(sql, sizeof sql, "%s", i & 1 ? rand_select() : rand_top());
                if (!same(i & 2 ? r : w, sql)) bad++;
            }
            CHECK(no_versions(db, "ti"));
            CHECK(trees_consistent(db, "ti"));
            continue;
        case 8: /* top-N: read in index order where the keys allow it */
            snprintf(sql, sizeof sql, "%s", rand_top());
            if (!same(r, sql)) bad++;
            break;
        default:
            snprintf(sql, sizeof sql, "%s", rand_select());
            if (!same(r, sql)) bad++;
            break;
        }
        if (!same(w, sql)) bad++;
    }
    CHECK(bad == 0);
    if (w_open) EXPECT_PREFIX(w, "COMMIT", "C COMMIT");
    if (r_open) EXPECT(r, "COMMIT", "C COMMIT [I]");
    CHECK(trees_consistent(db, "ti"));
    /* after everything is committed: the same again, and a prepared range */
    for (int i = 0; i < 50; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql, "SELECT * FROM TBL WHERE %s", rand_pred());
        CHECK(same(r, sql));
    }
    EXPECT(r, "PREPARE pi(int, text) AS SELECT * FROM ti WHERE b = $1 AND c >= $2",
           "C PREPARE [I]");
    EXPECT(r, "PREPARE pn(int, text) AS SELECT * FROM tn WHERE b = $1 AND c >= $2",
           "C PREPARE [I]");
    for (int i = 0; i < 20; i++) {
        unsigned b = rnd(6), c = 1 + rnd(5);
        char *x = run(r, fmt("EXECUTE pi(%u, %s)", b, texts[c]));
        char *y = run(r, fmt("EXECUTE pn(%u, %s)", b, texts[c]));
        CHECK(strcmp(x, y) == 0);
        free(x);
        free(y);
    }
}

int main(void)
{
    pgw_error err;
    /* PGPEEK_TEST_SEED=n: another random history for the property test */
    const char *seed = getenv("PGPEEK_TEST_SEED");
    if (seed && strtoull(seed, NULL, 10)) rng = strtoull(seed, NULL, 10);
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *a = adp_session_new(db);
    adp_session *b = adp_session_new(db);
    explain_shapes(a);
    lookups(a);
    wide_ranges(a);
    key_swap(a, b);
    property(db, a, b);
    adp_session_free(a);
    adp_session_free(b);
    adp_db_close(db);
    return finish();
}
