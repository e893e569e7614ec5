/* The fast path answers with the same bytes as the normal path, and notices everything
 * that changes an answer: DDL (and its rollback), settings, other sessions' commits, its
 * own block's snapshot. Two sessions on one database run the same reads, one with
 * enable_fast_path on and one with it off; a third makes the changes. */
#include "test_adp_sql_util.h"

#include "adp_ext.h"
#include "adp_fastpath.h"

static adp_db *db;
static adp_session *fast, *slow, *admin;

/* The raw reply bytes of one simple Query, with the transaction status appended. */
static void raw(adp_session *s, const char *sql, pgw_buf *b)
{
    pgw_buf_reset(b);
    adp_session_simple_query(s, sql, strlen(sql), b);
    pgw_buf_put_u8(b, (uint8_t)adp_session_txn_status(s));
}

static void admin_run(const char *sql)
{
    char *r = run(admin, sql);
    if (strstr(r, "E ERROR")) {
        t_failed++;
        fprintf(stderr, "setup failed: %s: %s\n", sql, r);
    }
    free(r);
}

/* Runs sql on the slow session once and on the fast one twice (miss, then hit): all three
 * replies must be the same bytes. Returns the fast path's hits over the two runs. */
static uint64_t same_at(int line, const char *sql)
{
    pgw_buf a, b, c;
    pgw_buf_init(&a);
    pgw_buf_init(&b);
    pgw_buf_init(&c);
    adp_fp_totals t0, t1;
    raw(slow, sql, &a);
    adp_fp_totals_get(&t0);
    raw(fast, sql, &b);
    raw(fast, sql, &c);
    adp_fp_totals_get(&t1);
    bool ok = a.len == b.len && a.len == c.len && memcmp(a.data, b.data, a.len) == 0 &&
              memcmp(a.data, c.data, a.len) == 0;
    if (ok) {
        t_passed++;
    } else {
        t_failed++;
        char *ra = render(&a), *rb = render(&b), *rc = render(&c);
        fprintf(stderr, "%s:%d: %s\n  off:  %s\n  on:   %s\n  on 2: %s\n", __FILE__, line, sql, ra,
                rb, rc);
        free(ra);
        free(rb);
        free(rc);
    }
    pgw_buf_free(&a);
    pgw_buf_free(&b);
    pgw_buf_free(&c);
    return t1.hits - t0.hits;
}
#define SAME(sql) same_at(__LINE__, sql)

static uint64_t fallbacks(adp_fp_reason r)
{
    adp_fp_totals t;
    adp_fp_totals_get(&t);
    return t.fallbacks[r];
}

static void reads(void)
{
    /* served: the second run of each is a hit */
    CHECK(SAME("SELECT * FROM t") >= 1);
    CHECK(SAME("select * from T") >= 1);
    CHECK(SAME("SELECT id, value FROM t WHERE value > 1") >= 1);
    CHECK(SAME("SELECT value + 1 AS v, upper(id), id || '!' FROM t") >= 1);
    CHECK(SAME("SELECT * FROM t WHERE id = 'b'") >= 1);
    CHECK(SAME("SELECT * FROM t WHERE id = 'nope'") >= 1);
    CHECK(SAME("SELECT * FROM t LIMIT 2 OFFSET 1") >= 1);
    CHECK(SAME("SELECT * FROM t LIMIT 0") >= 1);
    CHECK(SAME("SELECT * FROM t OFFSET 10") >= 1);
    CHECK(SAME("SELECT 1, 'x', NULL, 2.5::float8, 1.50::numeric, true, '2020-01-02'::date") >= 1);
    CHECK(SAME("SELECT f, n, d, ts, tstz, b, big, small FROM typed") >= 1);
    CHECK(SAME("SELECT current_setting('application_name'), current_user") >= 1);
    CHECK(SAME("SELECT -2147483648::int8, -1::int2, 0") >= 1);
    /* errors come from the normal path, with the same bytes */
    uint64_t before = fallbacks(ADP_FP_R_EXEC_ERROR);
    CHECK(SAME("SELECT 10 / value FROM t") == 0);
    CHECK(SAME("SELECT * FROM t WHERE 10 / value > 1") == 0);
    CHECK(SAME("SELECT 10 / value FROM t LIMIT 1") == 0); /* the failing row is past LIMIT */
    CHECK(fallbacks(ADP_FP_R_EXEC_ERROR) - before == 6);
    CHECK(SAME("SELECT * FROM nosuch") == 0);
    CHECK(SAME("SELECT $1") == 0);
    CHECK(SAME("SELEC 1") == 0);
    CHECK(SAME("SELECT 'caf\xc3\xa9' AS ok, 'x'") >= 1);
    CHECK(SAME("SELECT '\xff'") == 0);
    CHECK(SAME("") == 0);
    /* not served, same bytes */
    before = fallbacks(ADP_FP_R_VOLATILE);
    CHECK(SAME("SELECT now() IS NOT NULL") == 0);
    CHECK(SAME("SELECT 'today'::date = current_date") == 0);
    CHECK(fallbacks(ADP_FP_R_VOLATILE) - before == 4);
    /* shapes the fast executor lacks: kept plans run by the normal executor, then peeked */
    CHECK(SAME("SELECT count(*) FROM t") >= 1);
    CHECK(SAME("SELECT * FROM t ORDER BY value DESC") >= 1);
    CHECK(SAME("SELECT DISTINCT value FROM t") >= 1);
    CHECK(SAME("SELECT value % 2 AS odd, count(*), sum(value), avg(value) FROM t GROUP BY 1 "
               "HAVING count(*) > 0 ORDER BY 1 NULLS FIRST LIMIT 5") >= 1);
    CHECK(SAME("SELECT max(f), min(n), sum(big) FROM typed") >= 1);
    CHECK(SAME("SELECT sum(big + 1) FROM typed") == 0); /* bigint out of range */
    adp_fp_totals t0, t1;
    adp_fp_totals_get(&t0);
    free(run(fast, "SELECT count(*) FROM t"));
    adp_fp_totals_get(&t1);
    CHECK(t1.served[ADP_FP_S_PEEK] - t0.served[ADP_FP_S_PEEK] == 1);
    before = fallbacks(ADP_FP_R_VOLATILE);
    CHECK(SAME("SELECT count(*) FROM typed WHERE ts < now()") == 0);
    CHECK(fallbacks(ADP_FP_R_VOLATILE) - before == 2);
    CHECK(SAME("SELECT * FROM t; SELECT 1") == 0);
    char *longq = malloc(70000);
    memset(longq, ' ', 70000);
    memcpy(longq, "SELECT 1", 8);
    longq[69999] = 0;
    before = fallbacks(ADP_FP_R_TOO_LONG);
    CHECK(SAME(longq) == 0);
    CHECK(fallbacks(ADP_FP_R_TOO_LONG) - before == 2);
    free(longq);
    CHECK(SAME("SHOW search_path") == 0);
}

static void catalog_changes(void)
{
    CHECK(SAME("SELECT * FROM t2") >= 1);
    admin_run("DROP TABLE t2");
    CHECK(SAME("SELECT * FROM t2") == 0);
    admin_run("CREATE TABLE t2 (a int8, b text, c bool)");
    admin_run("INSERT INTO t2 VALUES (1, 'one', true)");
    CHECK(SAME("SELECT * FROM t2") >= 1);
    /* an index turns the scan into a key lookup */
    CHECK(SAME("SELECT * FROM t2 WHERE a = 1") >= 1);
    admin_run("CREATE UNIQUE INDEX t2_a ON t2 (a)");
    CHECK(SAME("SELECT * FROM t2 WHERE a = 1") >= 1);
    admin_run("DROP INDEX t2_a");
    CHECK(SAME("SELECT * FROM t2 WHERE a = 1") >= 1);
    /* DDL is visible at once and undone by ROLLBACK: a plan over the undone table must go */
    admin_run("BEGIN");
    admin_run("CREATE TABLE tx (a int4)");
    admin_run("INSERT INTO tx VALUES (7)");
    CHECK(SAME("SELECT * FROM tx") >= 1);
    admin_run("ROLLBACK");
    CHECK(SAME("SELECT * FROM tx") == 0);
    admin_run("BEGIN");
    admin_run("DROP TABLE t2");
    CHECK(SAME("SELECT * FROM t2") == 0);
    admin_run("ROLLBACK");
    CHECK(SAME("SELECT * FROM t2") >= 1);
    admin_run("BEGIN");
    admin_run("CREATE UNIQUE INDEX t2_b ON t2 (b)");
    CHECK(SAME("SELECT * FROM t2 WHERE b = 'one'") >= 1);
    admin_run("ROLLBACK");
    CHECK(SAME("SELECT * FROM t2 WHERE b = 'one'") >= 1);
}

static void both(const char *sql)
{
    free(run(fast, sql));
    free(run(slow, sql));
}

static void settings(void)
{
    CHECK(SAME("SELECT tstz, f FROM typed") >= 1);
    both("SET TimeZone = 'Asia/Tokyo'");
    both("SET extra_float_digits = 0");
    CHECK(SAME("SELECT tstz, f FROM typed") >= 1);
    both("SET search_path = pg_catalog");
    CHECK(SAME("SELECT * FROM t") == 0);
    both("RESET search_path");
    CHECK(SAME("SELECT * FROM t") >= 1);
    /* SET LOCAL and a rolled-back SET come back at the end of the block */
    both("BEGIN");
    both("SET LOCAL TimeZone = 'America/New_York'");
    CHECK(SAME("SELECT tstz FROM typed") >= 1);
    both("COMMIT");
    CHECK(SAME("SELECT tstz FROM typed") >= 1);
    both("BEGIN");
    both("SET TimeZone = 'UTC'");
    CHECK(SAME("SELECT tstz FROM typed") >= 1);
    both("ROLLBACK");
    CHECK(SAME("SELECT tstz FROM typed") >= 1);
    both("RESET ALL");
    /* switched off for one session, by SET */
    uint64_t before = fallbacks(ADP_FP_R_DISABLED);
    free(run(fast, "SET enable_fast_path = off"));
    CHECK(SAME("SELECT * FROM t") == 0);
    CHECK(fallbacks(ADP_FP_R_DISABLED) - before == 3); /* the slow session counts too */
    free(run(fast, "SET enable_fast_path = on"));
    CHECK(SAME("SELECT * FROM t") >= 1);
    EXPECT(fast, "SET enable_fast_path = maybe",
           "E ERROR 22023 parameter \"enable_fast_path\" requires a Boolean value [I]");
    EXPECT(fast, "SET plan_cache_size = -1",
           "E ERROR 22023 -1 is outside the valid range for parameter \"plan_cache_size\" (0 .. "
           "100000) [I]");
}

static void snapshots(void)
{
    both("BEGIN");
    CHECK(SAME("SELECT * FROM t") >= 1);
    admin_run("INSERT INTO t VALUES ('new', 100)");
    CHECK(SAME("SELECT * FROM t") >= 1); /* the block's snapshot: not there */
    char *in_block = run(fast, "SELECT * FROM t");
    both("COMMIT");
    char *after = run(fast, "SELECT * FROM t");
    CHECK(strstr(in_block, "new") == NULL && strstr(after, "D new,100") != NULL);
    free(in_block);
    free(after);
    CHECK(SAME("SELECT * FROM t") >= 1);
    /* a failed block answers 25P02 through the normal path */
    both("BEGIN");
    both("SELECT 1/0");
    CHECK(SAME("SELECT * FROM t") == 0);
    both("ROLLBACK");
    admin_run("DELETE FROM t WHERE id = 'new'");
    CHECK(SAME("SELECT * FROM t") >= 1);
    /* the peek cache: another session's commit, then this session's own pending rows */
    CHECK(SAME("SELECT * FROM t WHERE value < 3") >= 1);
    admin_run("UPDATE t SET value = 3 WHERE id = 'a'");
    CHECK(SAME("SELECT * FROM t WHERE value < 3") >= 1);
    admin_run("UPDATE t SET value = 1 WHERE id = 'a'");
    CHECK(SAME("SELECT * FROM t WHERE value < 3") >= 1);
    CHECK(SAME("SELECT * FROM t2") >= 1); /* t2 has no unique index: both can insert */
    both("BEGIN");
    CHECK(SAME("SELECT * FROM t2") >= 1);
    both("INSERT INTO t2 VALUES (2, 'mine', false)");
    char *mine = run(fast, "SELECT * FROM t2");
    CHECK(strstr(mine, "D 2,mine,f") != NULL);
    free(mine);
    CHECK(SAME("SELECT * FROM t2") >= 1);
    both("ROLLBACK");
    CHECK(SAME("SELECT * FROM t2") >= 1);
    both("SET enable_peek_cache = off");
    CHECK(SAME("SELECT * FROM t WHERE value < 3") >= 1);
    both("RESET enable_peek_cache");
}

static void lru(void)
{
    adp_session *s = adp_session_new(db);
    free(run(s, "SET plan_cache_size = 2"));
    adp_fp_totals t0, t1;
    adp_fp_totals_get(&t0);
    const char *q[] = {"SELECT 1", "SELECT 2", "SELECT 1", "SELECT 3", "SELECT 2", "SELECT 3"};
    for (size_t i = 0; i < 6; i++)
        free(run(s, q[i]));
    adp_fp_totals_get(&t1);
    /* 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 2 miss (evicts 1), 3 hit */
    CHECK(t1.misses - t0.misses == 4);
    CHECK(t1.hits - t0.hits == 2);
    CHECK(s->fp && s->fp->n == 2);
    adp_session_free(s);
}

/* A server-wide default (a server flag): sessions made afterwards start with it. */
static void server_default(void)
{
    pgw_error err;
    CHECK(!adp_settings_set_default("enable_fast_path", "perhaps", &err));
    CHECK(adp_settings_set_default("enable_fast_path", "off", &err));
    adp_session *s = adp_session_new(db);
    EXPECT(s, "SHOW enable_fast_path", "T enable_fast_path:25:-1 | D off | C SHOW [I]");
    uint64_t before = fallbacks(ADP_FP_R_DISABLED);
    free(run(s, "SELECT 1"));
    CHECK(fallbacks(ADP_FP_R_DISABLED) - before == 1);
    CHECK(adp_settings_set_default("enable_fast_path", "on", &err));
    adp_session_free(s);
}

/* Parse once, then Bind/Execute/Sync three times with the parameter. */
static void ext_run(adp_session *s, const char *sql, const char *param, pgw_buf *out)
{
    pgw_error err;
    pgw_buf_reset(out);
    if (!adp_ext_parse(s, "st", sql, strlen(sql), 0, NULL, out, &err)) {
        pgw_buf_put_str(out, err.message);
        return;
    }
    adp_ext_sync(s, out);
    for (int i = 0; i < 3; i++) {
        const char *vals[1] = {param};
        int32_t lens[1] = {param ? (int32_t)strlen(param) : 0};
        int16_t rfmt[1] = {(int16_t)(i == 2)}; /* the last time in binary */
        adp_bind_msg b = {.portal = "",
                          .stmt = "st",
                          .nvals = param ? 1 : 0,
                          .vals = vals,
                          .lens = lens,
                          .nrfmt = 1,
                          .rfmt = rfmt};
        if (!adp_ext_bind(s, &b, out, &err) || !adp_ext_execute(s, "", 0, out, &err))
            pgw_buf_put_str(out, err.message);
        adp_ext_sync(s, out);
    }
    adp_ext_close(s, 'S', "st", out, &err);
}

static void prepared(void)
{
    const char *cases[][2] = {
        {"SELECT * FROM t WHERE id = $1", "b"},
        {"SELECT id, value * 2 FROM t WHERE value > $1::int4", "1"},
        {"SELECT $1::text AS p, f, big FROM typed", "x"},
        {"SELECT * FROM t", NULL}, /* no parameters: the peek cache */
        {"SELECT value, count(*) FROM t GROUP BY value ORDER BY 1", NULL}, /* general plan */
        {"SELECT 10 / value FROM t WHERE id <> $1", "zzz"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        pgw_buf a, b;
        pgw_buf_init(&a);
        pgw_buf_init(&b);
        adp_fp_totals t0, t1;
        ext_run(slow, cases[i][0], cases[i][1], &a);
        adp_fp_totals_get(&t0);
        ext_run(fast, cases[i][0], cases[i][1], &b);
        adp_fp_totals_get(&t1);
        CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
        CHECK(t1.hits - t0.hits == (i == 5 ? 0 : 3));
        pgw_buf_free(&a);
        pgw_buf_free(&b);
    }
}

/* The Prometheus text: the totals, and a histogram holding every hit. */
static void metrics(void)
{
    adp_fp_totals t;
    adp_fp_totals_get(&t);
    pgw_buf m;
    pgw_buf_init(&m);
    adp_fastpath_metrics(&m);
    pgw_buf_put_u8(&m, 0);
    char want[128];
    snprintf(want, sizeof want, "\npgpeek_fastpath_hits_total %llu\n", (unsigned long long)t.hits);
    CHECK(strstr(m.data, want) != NULL);
    snprintf(want, sizeof want, "\npgpeek_fastpath_query_seconds_count %llu\n",
             (unsigned long long)t.hits);
    CHECK(strstr(m.data, want) != NULL);
    snprintf(want, sizeof want, "\npgpeek_fastpath_query_seconds_bucket{le=\"+Inf\"} %llu\n",
             (unsigned long long)t.hits);
    CHECK(strstr(m.data, want) != NULL);
    snprintf(want, sizeof want, "\npgpeek_fastpath_fallbacks_total{reason=\"volatile\"} %llu\n",
             (unsigned long long)t.fallbacks[ADP_FP_R_VOLATILE]);
    CHECK(strstr(m.data, want) != NULL && t.hits > 50);
    pgw_buf_free(&m);
}

/* Drivers alternate texts on the unnamed statement: one parsed again is the one kept. */
static void unnamed_kept(void)
{
    const char *x = "SELECT * FROM t WHERE id = 'a'", *y = "SELECT count(*) FROM t";
    pgw_buf out, other;
    pgw_buf_init(&out);
    pgw_buf_init(&other);
    pgw_error err;
    CHECK(adp_ext_parse(fast, "", x, strlen(x), 0, NULL, &out, &err));
    adp_prepared *first = *adp_ps_find(fast, "");
    CHECK(adp_ext_parse(fast, "", y, strlen(y), 0, NULL, &out, &err));
    CHECK(*adp_ps_find(fast, "") != first);
    CHECK(adp_ext_parse(fast, "", x, strlen(x), 0, NULL, &out, &err));
    CHECK(*adp_ps_find(fast, "") == first);
    /* and it runs as a fresh one would */
    adp_bind_msg b = {.portal = "", .stmt = ""};
    pgw_buf_reset(&out);
    CHECK(adp_ext_bind(fast, &b, &out, &err) && adp_ext_execute(fast, "", 0, &out, &err));
    adp_ext_sync(fast, &out);
    CHECK(adp_ext_parse(slow, "", x, strlen(x), 0, NULL, &other, &err));
    pgw_buf_reset(&other);
    CHECK(adp_ext_bind(slow, &b, &other, &err) && adp_ext_execute(slow, "", 0, &other, &err));
    adp_ext_sync(slow, &other);
    CHECK(out.len == other.len && memcmp(out.data, other.data, out.len) == 0);
    /* after DDL the kept one is not taken back */
    admin_run("CREATE TABLE t3 (a int4)");
    CHECK(adp_ext_parse(fast, "", y, strlen(y), 0, NULL, &out, &err));
    CHECK(adp_ext_parse(fast, "", x, strlen(x), 0, NULL, &out, &err));
    CHECK(*adp_ps_find(fast, "") != first);
    admin_run("DROP TABLE t3");
    pgw_buf_free(&out);
    pgw_buf_free(&other);
}

int main(void)
{
    pgw_error err;
    db = adp_db_open(NULL, &err);
    fast = adp_session_new(db);
    slow = adp_session_new(db);
    admin = adp_session_new(db);
    if (!adp_session_startup_param(slow, "options", "-c enable_fast_path=off", &err)) {
        fprintf(stderr, "startup option refused: %s\n", err.message);
        return 1;
    }
    admin_run("CREATE TABLE t (id text, value int4)");
    admin_run("CREATE UNIQUE INDEX t_id ON t (id)");
    admin_run("INSERT INTO t VALUES ('a', 1), ('b', 2), ('z', 0), ('n', NULL), (NULL, 5)");
    admin_run("CREATE TABLE t2 (x int4)");
    admin_run("CREATE TABLE typed (f float8, n numeric, d date, ts timestamp, tstz timestamptz, "
              "b bytea, big int8, small int2)");
    admin_run("INSERT INTO typed VALUES (0.1, 12.340, '2024-02-29', '2024-01-01 10:00:00', "
              "'2024-06-01 12:00:00+00', '\\x00ff', 9223372036854775807, -32768), "
              "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    reads();
    catalog_changes();
    settings();
    snapshots();
    lru();
    server_default();
    prepared();
    unnamed_kept();
    metrics();
    adp_session_free(fast);
    adp_session_free(slow);
    adp_session_free(admin);
    adp_db_close(db);
    return finish();
}
