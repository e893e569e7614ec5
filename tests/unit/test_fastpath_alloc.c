/* No heap allocation per cached query: jemalloc's per-thread allocated-bytes counter is
 * read around 10,000 queries driven through the real protocol code (pgw_conn: framing,
 * the session, the fast path, the replies) on this thread, for the simple protocol and
 * for Bind/Execute/Sync of a prepared statement. `--malloc-check` instead shows that the
 * test sees an allocation (it allocates 1 byte per query through the same window).
 * Sanitizer builds keep ASan's allocator: the test is skipped there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp.h"
#include "adp_fastpath.h"
#include "pgw_conn.h"
#include "unit/pt_pgw_stub.h"

#ifdef PGPEEK_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

static int passed, failed;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            passed++;                                                                              \
        else {                                                                                     \
            failed++;                                                                              \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#ifdef PGPEEK_HAVE_JEMALLOC
static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static void startup(pgw_conn *c)
{
    static const char params[] = "user\0materialize\0database\0materialize\0";
    char pkt[128];
    size_t n = 8 + sizeof params;
    put32(pkt, (uint32_t)n);
    put32(pkt + 4, 196608u);
    memcpy(pkt + 8, params, sizeof params);
    pgw_buf_put(&c->in, pkt, n);
    pgw_conn_process(c, 1u << 20);
}

static void query(pgw_buf *b, const char *sql)
{
    pt_pgw_msg(b, 'Q', sql, strlen(sql) + 1);
}

/* Bind (unnamed portal, statement "s", one text parameter, text results), Execute, Sync. */
static void bind_execute_sync(pgw_buf *b, const char *param)
{
    char body[128];
    size_t n = 0;
    body[n++] = 0;            /* portal "" */
    memcpy(body + n, "s", 2); /* statement "s" */
    n += 2;
    body[n++] = 0, body[n++] = 0; /* no parameter formats: text */
    body[n++] = 0, body[n++] = 1; /* one parameter */
    put32(body + n, (uint32_t)strlen(param));
    n += 4;
    memcpy(body + n, param, strlen(param));
    n += strlen(param);
    body[n++] = 0, body[n++] = 1; /* one result format */
    body[n++] = 0, body[n++] = 0; /* text */
    pt_pgw_msg(b, 'B', body, n);
    char ex[5] = {0, 0, 0, 0, 0}; /* portal "", no row limit */
    pt_pgw_msg(b, 'E', ex, 5);
    pt_pgw_msg(b, 'S', NULL, 0);
}

static uint64_t *allocated, *deallocated;

/* Runs `rounds` batches of `per` copies of the input `one` through c; returns the bytes
 * allocated on this thread meanwhile (and counts the replies' DataRows). */
static uint64_t measure(pgw_conn *c, const pgw_buf *one, int rounds, int per, bool inject,
                        size_t *rows)
{
    uint64_t a0 = *allocated;
    *rows = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < per; i++)
            pgw_buf_put(&c->in, one->data, one->len);
        while (c->in.len)
            pgw_conn_process(c, 1u << 30);
        for (size_t i = 0; i + 5 <= c->out.len;) {
            if (c->out.data[i] == 'D') (*rows)++;
            const unsigned char *p = (const unsigned char *)c->out.data + i + 1;
            i += 1 + ((size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
        }
        pgw_buf_reset(&c->out);
        if (inject)
            for (int i = 0; i < per; i++) {
                void *volatile p = malloc(1); /* the check must notice this */
                free(p);
            }
    }
    return *allocated - a0;
}

static void run(bool malloc_check)
{
    size_t sz = sizeof allocated;
    CHECK(mallctl("thread.allocatedp", &allocated, &sz, NULL, 0) == 0);
    CHECK(mallctl("thread.deallocatedp", &deallocated, &sz, NULL, 0) == 0);
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    pgw_conn_env env = pt_stub_env(db, 1u << 20);
    pgw_stats stats = {0};
    pgw_conn c;
    pgw_conn_init(&c, &env, &stats, "alloc");
    startup(&c);
    pgw_buf setup;
    pgw_buf_init(&setup);
    query(&setup, "CREATE TABLE t (id text, value int4)");
    query(&setup, "CREATE UNIQUE INDEX t_id ON t (id)");
    query(&setup, "INSERT INTO t VALUES ('hello', 42), ('world', 7)");
    pgw_buf_put(&c.in, setup.data, setup.len);
    pgw_conn_process(&c, 1u << 20);
    pgw_buf_reset(&c.out);
    /* the prepared statement, parsed once */
    const char *ps = "SELECT * FROM t WHERE id = $1";
    pgw_buf_reset(&setup);
    char body[128] = "s";
    memcpy(body + 2, ps, strlen(ps) + 1);
    size_t n = 2 + strlen(ps) + 1;
    body[n++] = 0, body[n++] = 0; /* no parameter types */
    pt_pgw_msg(&setup, 'P', body, n);
    pt_pgw_msg(&setup, 'S', NULL, 0);
    pgw_buf_put(&c.in, setup.data, setup.len);
    pgw_conn_process(&c, 1u << 20);
    CHECK(c.out.len > 0 && c.out.data[0] == '1'); /* ParseComplete */
    pgw_buf_reset(&c.out);

    pgw_buf simple, prepared;
    pgw_buf_init(&simple);
    pgw_buf_init(&prepared);
    query(&simple, "SELECT * FROM t");
    bind_execute_sync(&prepared, "hello");
    adp_fp_totals t0, t1;
    size_t rows;
    /* warm up: plans cached, buffers and the per-thread counters at their steady size */
    measure(&c, &simple, 10, 100, false, &rows);
    measure(&c, &prepared, 10, 100, false, &rows);
    adp_fp_totals_get(&t0);
    uint64_t bytes = measure(&c, &simple, 100, 100, malloc_check, &rows);
    adp_fp_totals_get(&t1);
    printf("simple: %zu rows, %llu bytes allocated over 10,000 queries\n", rows,
           (unsigned long long)bytes);
    CHECK(rows == 20000);
    CHECK(t1.hits - t0.hits == 10000);
    CHECK(malloc_check ? bytes >= 10000 : bytes == 0);
    /* the same without the peek cache: rows read and encoded every time */
    pgw_buf off;
    pgw_buf_init(&off);
    query(&off, "SET enable_peek_cache = off");
    measure(&c, &off, 1, 1, false, &rows);
    measure(&c, &simple, 10, 100, false, &rows);
    adp_fp_totals_get(&t0);
    bytes = measure(&c, &simple, 100, 100, malloc_check, &rows);
    adp_fp_totals_get(&t1);
    printf("simple, no peek cache: %zu rows, %llu bytes allocated over 10,000 queries\n", rows,
           (unsigned long long)bytes);
    CHECK(rows == 20000);
    CHECK(t1.hits - t0.hits == 10000);
    CHECK(malloc_check ? bytes >= 10000 : bytes == 0);
    pgw_buf_free(&off);
    measure(&c, &prepared, 1, 10, false, &rows); /* the SET re-plans the statement once */
    adp_fp_totals_get(&t0);
    bytes = measure(&c, &prepared, 100, 100, malloc_check, &rows);
    adp_fp_totals_get(&t1);
    printf("prepared: %zu rows, %llu bytes allocated over 10,000 Bind/Execute/Sync\n", rows,
           (unsigned long long)bytes);
    CHECK(rows == 10000);
    CHECK(t1.hits - t0.hits == 10000);
    CHECK(malloc_check ? bytes >= 10000 : bytes == 0);
    pgw_buf_free(&simple);
    pgw_buf_free(&prepared);
    pgw_buf_free(&setup);
    pgw_conn_destroy(&c);
    adp_db_close(db);
}
#endif

int main(int argc, char **argv)
{
#ifdef PGPEEK_HAVE_JEMALLOC
    bool check = argc > 1 && strcmp(argv[1], "--malloc-check") == 0;
    run(check);
#else
    (void)argc;
    (void)argv;
    printf("skipped: jemalloc is not this build's allocator (sanitizers)\n");
#endif
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
