/* Mutated byte streams through the protocol state machine, cut into random chunks: it
 * must never crash (the ASan build checks every access), its output must always be
 * well-formed messages, and a protocol error must always end in CLOSE. */
#include "pgw_conn.h"
#include "protocol/pt_check.h"
#include "unit/pt_pgw_stub.h"

#include <stdlib.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

static void put32(pgw_buf *b, uint32_t v)
{
    pgw_buf_put_i32(b, (int32_t)v);
}

/* A plausible session: maybe SSL/GSS requests, a startup packet, then messages. */
static void build_stream(pgw_buf *b)
{
    for (uint32_t i = rnd(3); i > 0; i--) {
        put32(b, 8);
        put32(b, rnd(2) ? 80877103u : 80877104u);
    }
    static const char params[] = "user\0materialize\0database\0materialize\0";
    put32(b, 8 + sizeof params);
    put32(b, rnd(8) ? 196608u : (uint32_t)rnd(4) << 16 | rnd(3));
    pgw_buf_put(b, params, sizeof params);
    static const char types[] = "QQQQQQSHPBEDCFdcf";
    static const char closing[] = "Xpy\0";
    for (uint32_t i = rnd(12); i > 0; i--) {
        char t = rnd(20) ? types[rnd(sizeof types - 1)] : closing[rnd(sizeof closing - 1)];
        if (t == 'Q') {
            bool empty = rnd(4) == 0;
            pt_pgw_msg(b, 'Q', empty ? "" : "SELECT 1", empty ? 1 : 9);
        } else {
            pt_pgw_msg(b, t, "\0\0\0\0\0\0", rnd(7));
        }
    }
}

/* Flips, truncates or rewrites a few bytes, often in length words. */
static void mutate(pgw_buf *b)
{
    for (uint32_t k = rnd(4); k > 0 && b->len > 0; k--) {
        size_t at = rnd((uint32_t)b->len);
        switch (rnd(4)) {
        case 0:
            b->data[at] ^= (char)(1u << rnd(8));
            break;
        case 1:
            b->data[at] = (char)rnd(256);
            break;
        case 2:
            b->len = at;
            break;
        default:
            if (at + 4 <= b->len) {
                uint32_t v = rnd(3) ? rnd(64) : 0xffffffffu - rnd(8);
                b->data[at] = (char)(v >> 24);
                b->data[at + 1] = (char)(v >> 16);
                b->data[at + 2] = (char)(v >> 8);
                b->data[at + 3] = (char)v;
            }
        }
    }
}

/* Every message in out has a sane length and the lengths add up exactly. */
static bool well_formed(const pgw_buf *out, size_t start)
{
    size_t i = start;
    /* Bare 'N' bytes answer SSL/GSS requests before anything else. */
    while (i < out->len && out->data[i] == 'N' && (i + 1 == out->len || out->data[i + 1] != 0))
        i++;
    while (i + 5 <= out->len) {
        uint32_t len = ((uint32_t)(unsigned char)out->data[i + 1] << 24) |
                       ((uint32_t)(unsigned char)out->data[i + 2] << 16) |
                       ((uint32_t)(unsigned char)out->data[i + 3] << 8) |
                       (unsigned char)out->data[i + 4];
        if (len < 4 || i + 1 + len > out->len) return false;
        i += 1 + len;
    }
    return i == out->len;
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    CHECK(db != NULL);
    pgw_conn_env env = pt_stub_env(db, 4096);
    pgw_stats stats = {0};
    int iterations = getenv("PT_FUZZ") ? atoi(getenv("PT_FUZZ")) : 5000;
    int bad_output = 0, closes = 0, readies = 0;
    pgw_buf stream;
    pgw_buf_init(&stream);
    for (int it = 0; it < iterations; it++) {
        pgw_buf_reset(&stream);
        build_stream(&stream);
        if (it % 4) mutate(&stream);
        pgw_conn c;
        pgw_conn_init(&c, &env, &stats, "fuzz");
        size_t pos = 0;
        pgw_conn_result r = PGW_CONN_WAIT;
        while (pos < stream.len && r != PGW_CONN_CLOSE) {
            size_t n = 1 + rnd(64);
            if (n > stream.len - pos) n = stream.len - pos;
            pgw_buf_put(&c.in, stream.data + pos, n);
            pos += n;
            do
                r = pgw_conn_process(&c, 1 << 20);
            while (r == PGW_CONN_YIELD);
        }
        /* SSL/GSS answers are bare bytes; skip the well-formedness check when the stream
         * began with them only if they were mutated into something else. */
        if (!well_formed(&c.out, 0)) bad_output++;
        closes += r == PGW_CONN_CLOSE;
        readies += c.state == PGW_CONN_READY;
        if (r == PGW_CONN_CLOSE && c.state != PGW_CONN_CLOSING) bad_output++;
        pgw_conn_destroy(&c);
    }
    pgw_buf_free(&stream);
    printf("closes %d, ready %d, queries ok %llu, error %llu\n", closes, readies,
           (unsigned long long)pgw_stat_get(&stats.queries_ok),
           (unsigned long long)pgw_stat_get(&stats.queries_error));
    CHECK_INT(bad_output, 0);
    /* The generator reaches both ends often. */
    CHECK(closes > iterations / 10);
    CHECK(readies > iterations / 10);
    adp_db_close(db);
    return pt_finish();
}
