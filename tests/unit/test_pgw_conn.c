/* The protocol state machine without sockets: bytes in, replies out. */
#include "pgw_conn.h"
#include "protocol/pt_check.h"

#include <stdlib.h>

static int admitted, released, cancels;
static int32_t last_cancel_pid;
static bool refuse;

static bool fake_admit(void *ctx, pgw_conn *c, pgw_error *err)
{
    (void)ctx;
    if (refuse) return pgw_errorf(err, "53300", "sorry, too many clients already");
    admitted++;
    c->pid = 77;
    c->secret = 1234;
    return true;
}
static void fake_release(void *ctx, pgw_conn *c)
{
    (void)ctx;
    (void)c;
    released++;
}
static void fake_cancel(void *ctx, pgw_conn *c, int32_t pid, int32_t secret)
{
    (void)ctx;
    (void)c;
    (void)secret;
    cancels++;
    last_cancel_pid = pid;
}

static pgw_conn_env env;
static pgw_stats stats;

static void feed(pgw_conn *c, const void *p, size_t n)
{
    pgw_buf_put(&c->in, p, n);
}

static void put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static void feed_startup(pgw_conn *c, uint32_t proto)
{
    static const char params[] = "user\0materialize\0database\0materialize\0";
    char pkt[128];
    size_t n = 8;
    memcpy(pkt + n, params, sizeof params); /* with the final terminator */
    n += sizeof params;
    put32(pkt, (uint32_t)n);
    put32(pkt + 4, proto);
    feed(c, pkt, n);
}

static void feed_query(pgw_conn *c, const char *sql)
{
    char hdr[5] = {'Q'};
    put32(hdr + 1, (uint32_t)(strlen(sql) + 5));
    feed(c, hdr, 5);
    feed(c, sql, strlen(sql) + 1);
}

/* The type bytes of the messages in out, as a string; also checks the framing adds up. */
static void types(const pgw_buf *out, char *t, size_t cap)
{
    size_t i = 0, k = 0;
    while (i + 5 <= out->len && k + 1 < cap) {
        uint32_t len = ((uint32_t)(unsigned char)out->data[i + 1] << 24) |
                       ((uint32_t)(unsigned char)out->data[i + 2] << 16) |
                       ((uint32_t)(unsigned char)out->data[i + 3] << 8) |
                       (unsigned char)out->data[i + 4];
        t[k++] = out->data[i];
        i += 1 + len;
    }
    t[k] = 0;
    CHECK_INT(i, out->len);
}

/* The SQLSTATE of the first ErrorResponse in out ("" when none). */
static const char *first_sqlstate(const pgw_buf *out)
{
    static char state[6];
    state[0] = 0;
    for (size_t i = 0; i + 5 <= out->len;) {
        uint32_t len =
            ((uint32_t)(unsigned char)out->data[i + 3] << 8) | (unsigned char)out->data[i + 4];
        if (out->data[i] == 'E') {
            const char *f = out->data + i + 5;
            while (*f) {
                if (*f == 'C') {
                    snprintf(state, sizeof state, "%s", f + 1);
                    return state;
                }
                f += strlen(f) + 1;
            }
        }
        i += 1 + len;
    }
    return state;
}

static void ready_conn(pgw_conn *c)
{
    pgw_conn_init(c, &env, &stats, "test");
    feed_startup(c, 196608u);
    CHECK_INT(pgw_conn_process(c, 1 << 20), PGW_CONN_WAIT);
    CHECK_INT(c->state, PGW_CONN_READY);
    pgw_buf_reset(&c->out);
}

static void test_startup(void)
{
    pgw_conn c;
    char t[64];
    pgw_conn_init(&c, &env, &stats, "test");
    /* SSLRequest and GSSENCRequest: 'N' each, then the StartupMessage, all in one batch. */
    char ssl[8], gss[8];
    put32(ssl, 8);
    put32(ssl + 4, 80877103u);
    put32(gss, 8);
    put32(gss + 4, 80877104u);
    feed(&c, ssl, 8);
    feed(&c, gss, 8);
    feed_startup(&c, 196608u);
    int before = admitted;
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    CHECK(c.out.len > 2 && c.out.data[0] == 'N' && c.out.data[1] == 'N');
    pgw_buf_consume(&c.out, 2);
    types(&c.out, t, sizeof t);
    CHECK(t[0] == 'R' && strchr(t, 'K') && t[strlen(t) - 1] == 'Z');
    CHECK(strchr(t, 'S') != NULL);
    CHECK_INT(admitted, before + 1);
    CHECK_INT(c.state, PGW_CONN_READY);
    CHECK_INT(c.in.len, 0);
    /* BackendKeyData carries what admit chose. */
    const char *k = memchr(c.out.data, 'K', c.out.len);
    CHECK(k && k[8] == 77 && k[12] == (char)(1234 & 0xff));
    int rel = released;
    pgw_conn_destroy(&c);
    CHECK_INT(released, rel + 1);

    /* Protocol 3.1: NegotiateProtocolVersion first, then the usual. */
    pgw_conn_init(&c, &env, &stats, "test");
    feed_startup(&c, (3u << 16) | 1);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    types(&c.out, t, sizeof t);
    CHECK(t[0] == 'v' && t[1] == 'R');
    pgw_conn_destroy(&c);

    /* Refused admission: FATAL 53300, no AuthenticationOk, no release. */
    refuse = true;
    rel = released;
    pgw_conn_init(&c, &env, &stats, "test");
    feed_startup(&c, 196608u);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "E");
    CHECK_STR(first_sqlstate(&c.out), "53300");
    pgw_conn_destroy(&c);
    CHECK_INT(released, rel);
    refuse = false;

    /* CancelRequest: the hook sees the key, the client sees nothing. */
    pgw_conn_init(&c, &env, &stats, "test");
    char cancel[16];
    put32(cancel, 16);
    put32(cancel + 4, 80877102u);
    put32(cancel + 8, 4242);
    put32(cancel + 12, 99);
    feed(&c, cancel, 16);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK_INT(cancels, 1);
    CHECK_INT(last_cancel_pid, 4242);
    CHECK_INT(c.out.len, 0);
    pgw_conn_destroy(&c);

    /* A bad startup length is answered with silence. */
    pgw_conn_init(&c, &env, &stats, "test");
    feed(&c, "GET / HTTP/1.1\r\n", 16);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK_INT(c.out.len, 0);
    pgw_conn_destroy(&c);

    /* Protocol 2.0: FATAL 0A000. */
    pgw_conn_init(&c, &env, &stats, "test");
    feed_startup(&c, 2u << 16);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK_STR(first_sqlstate(&c.out), "0A000");
    pgw_conn_destroy(&c);
}

static void test_messages(void)
{
    pgw_conn c;
    char t[256];
    ready_conn(&c);
    /* Three pipelined queries, one partial: all complete ones answered in one call. */
    uint64_t ok_before = pgw_stat_get(&stats.queries_ok);
    feed_query(&c, "SELECT 1");
    feed_query(&c, "SELECT 1");
    feed_query(&c, "");
    feed(&c, "Q\0\0\0", 4);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "TDCZTDCZIZ");
    CHECK_INT(pgw_stat_get(&stats.queries_ok), ok_before + 3);
    CHECK_INT(c.in.len, 4);
    CHECK_INT(c.in_need, 5);
    pgw_buf_reset(&c.out);
    feed(&c, "\x0dSELECT 1", 9);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    CHECK_INT(c.in_need, 14);
    CHECK_INT(c.out.len, 0);
    feed(&c, "\0", 1);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "TDCZ");
    pgw_buf_reset(&c.out);

    /* A Query without its terminator: ERROR 08P01, then ReadyForQuery. */
    feed(&c,
         "Q\0\0\0\x06"
         "ab",
         7);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "EZ");
    CHECK_STR(first_sqlstate(&c.out), "08P01");
    pgw_buf_reset(&c.out);

    /* Extended protocol: Parse of an empty query works; the Bind without a body is an
     * 08P01 error, the rest is skipped up to Sync, which answers 'Z'. */
    feed(&c,
         "P\0\0\0\x08"
         "\0\0\0\0",
         9);
    feed(&c, "B\0\0\0\x04", 5);
    feed(&c, "E\0\0\0\x04", 5);
    feed_query(&c, "SELECT 1");
    feed(&c, "S\0\0\0\x04", 5);
    feed_query(&c, "SELECT 1");
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "1EZTDCZ");
    CHECK_STR(first_sqlstate(&c.out), "08P01");
    pgw_buf_reset(&c.out);

    /* The budget and the high mark make process yield with input left. */
    for (int i = 0; i < 300; i++)
        feed_query(&c, "SELECT 1");
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_YIELD);
    CHECK(c.in.len > 0);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);
    CHECK_INT(c.in.len, 0);
    pgw_buf_reset(&c.out);
    feed_query(&c, "SELECT 1");
    feed_query(&c, "SELECT 1");
    CHECK_INT(pgw_conn_process(&c, 1), PGW_CONN_YIELD);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "TDCZ");
    pgw_buf_reset(&c.out);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_WAIT);

    /* Unknown type: FATAL 08P01, and input after it is ignored. */
    pgw_buf_reset(&c.out);
    feed(&c, "y\0\0\0\x04", 5);
    feed_query(&c, "SELECT 1");
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    types(&c.out, t, sizeof t);
    CHECK_STR(t, "E");
    CHECK(memmem(c.out.data, c.out.len, "invalid frontend message type 121", 33) != NULL);
    CHECK(memmem(c.out.data, c.out.len, "SFATAL", 6) != NULL);
    pgw_conn_destroy(&c);

    /* Over the maximum message size: FATAL 08P01 "invalid message length". */
    ready_conn(&c);
    feed(&c, "Q\x7f\0\0\0", 5);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK(memmem(c.out.data, c.out.len, "invalid message length", 22) != NULL);
    pgw_conn_destroy(&c);

    /* Length below 4. */
    ready_conn(&c);
    feed(&c, "Q\0\0\0\x03", 5);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK_STR(first_sqlstate(&c.out), "08P01");
    pgw_conn_destroy(&c);

    /* Terminate: closes without a reply. */
    ready_conn(&c);
    feed(&c, "X\0\0\0\x04", 5);
    CHECK_INT(pgw_conn_process(&c, 1 << 20), PGW_CONN_CLOSE);
    CHECK_INT(c.out.len, 0);
    pgw_conn_destroy(&c);

    /* Shutdown: FATAL 57P01. */
    ready_conn(&c);
    pgw_conn_shutdown(&c);
    CHECK_INT(c.state, PGW_CONN_CLOSING);
    CHECK_STR(first_sqlstate(&c.out), "57P01");
    pgw_conn_destroy(&c);
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    CHECK(db != NULL);
    env = (pgw_conn_env){
        db,         1u << 20,   getenv("PT_LOG") ? PGPEEK_LOG_DEBUG : PGPEEK_LOG_ERROR,
        NULL,       fake_admit, fake_release,
        fake_cancel};
    PT_RUN(test_startup);
    PT_RUN(test_messages);
    adp_db_close(db);
    return pt_finish();
}
