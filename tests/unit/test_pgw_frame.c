/* Framing, bounded readers, startup packet decoding and `options` splitting. */
#include "pgw_frame.h"
#include "pgw_startup.h"
#include "protocol/pt_check.h"

#include <stdlib.h>

static void test_message_framing(void)
{
    pgw_msg m;
    pgw_error err;
    size_t need = 0;
    const char q[] = "Q\0\0\0\x0dSELECT 1\0X";
    /* Every prefix of the Query is incomplete, with the right total asked for. */
    for (size_t n = 0; n < 14; n++) {
        need = 0;
        CHECK_INT(pgw_frame_message(q, n, 1024, &m, &need, &err), PGW_FRAME_NEED_MORE);
        CHECK_INT(need, n < 5 ? 5 : 14);
    }
    CHECK_INT(pgw_frame_message(q, 15, 1024, &m, &need, &err), PGW_FRAME_OK);
    CHECK_INT(m.type, 'Q');
    CHECK_INT(m.len, 9);
    CHECK_INT(m.total, 14);
    CHECK_STR(m.body, "SELECT 1");

    /* Length words below 4 are protocol violations. */
    for (uint32_t bad = 0; bad < 4; bad++) {
        char b[5] = {'Q', 0, 0, 0, (char)bad};
        CHECK_INT(pgw_frame_message(b, 5, 1024, &m, &need, &err), PGW_FRAME_BAD);
        CHECK_STR(err.sqlstate, "08P01");
    }
    /* Exactly 4: an empty body. */
    char sync[5] = {'S', 0, 0, 0, 4};
    CHECK_INT(pgw_frame_message(sync, 5, 1024, &m, &need, &err), PGW_FRAME_OK);
    CHECK_INT(m.len, 0);
    /* The maximum is inclusive; one more is refused before any body arrives. */
    char big[5] = {'Q', 0, 0, 4, 0}; /* 1024 */
    CHECK_INT(pgw_frame_message(big, 5, 1024, &m, &need, &err), PGW_FRAME_NEED_MORE);
    CHECK_INT(need, 1025);
    big[4] = 1; /* 1025 */
    CHECK_INT(pgw_frame_message(big, 5, 1024, &m, &need, &err), PGW_FRAME_BAD);
    CHECK_STR(err.message, "invalid message length");
    char huge[5] = {'Q', (char)0xff, (char)0xff, (char)0xff, (char)0xff};
    CHECK_INT(pgw_frame_message(huge, 5, 64u << 20, &m, &need, &err), PGW_FRAME_BAD);
}

static void test_startup_framing(void)
{
    pgw_msg m;
    pgw_error err;
    size_t need;
    char b[8] = {0, 0, 0, 8, 0x04, (char)0xd2, 0x16, 0x2f};
    CHECK_INT(pgw_frame_startup(b, 3, &m, &need, &err), PGW_FRAME_NEED_MORE);
    CHECK_INT(need, 4);
    CHECK_INT(pgw_frame_startup(b, 7, &m, &need, &err), PGW_FRAME_NEED_MORE);
    CHECK_INT(need, 8);
    CHECK_INT(pgw_frame_startup(b, 8, &m, &need, &err), PGW_FRAME_OK);
    CHECK_INT(m.len, 4);
    b[3] = 7;
    CHECK_INT(pgw_frame_startup(b, 8, &m, &need, &err), PGW_FRAME_BAD);
    CHECK_STR(err.message, "invalid length of startup packet");
    char lim[4] = {0, 0, 0x27, 0x10}; /* 10000 */
    CHECK_INT(pgw_frame_startup(lim, 4, &m, &need, &err), PGW_FRAME_NEED_MORE);
    CHECK_INT(need, 10000);
    lim[3] = 0x11; /* 10001 */
    CHECK_INT(pgw_frame_startup(lim, 4, &m, &need, &err), PGW_FRAME_BAD);
    /* "GET " read as a length. */
    CHECK_INT(pgw_frame_startup("GET / HTTP/1.1\r\n", 16, &m, &need, &err), PGW_FRAME_BAD);
}

static void test_reader(void)
{
    pgw_error err;
    const char body[] = "ab\0\0\0\0\x07";
    pgw_msg m = {'x', body, 7, 12};
    pgw_reader r;
    const char *s;
    size_t len;
    int32_t v;
    pgw_reader_init(&r, &m);
    CHECK(pgw_read_cstr(&r, &s, &len, &err));
    CHECK_STR(s, "ab");
    CHECK_INT(len, 2);
    CHECK(!pgw_read_end(&r, &err));
    CHECK_STR(err.message, "invalid message format");
    CHECK(pgw_read_i32(&r, &v, &err));
    CHECK_INT(v, 7);
    CHECK(pgw_read_end(&r, &err));
    CHECK(!pgw_read_i32(&r, &v, &err));
    CHECK_STR(err.sqlstate, "08P01");
    pgw_msg unterminated = {'Q', "abc", 3, 8};
    pgw_reader_init(&r, &unterminated);
    CHECK(!pgw_read_cstr(&r, &s, &len, &err));
    CHECK_STR(err.message, "invalid string in message");
}

static pgw_msg body_msg(const char *p, size_t n)
{
    return (pgw_msg){0, p, (uint32_t)n, n + 4};
}

static void test_startup_decode(void)
{
    pgw_startup st;
    pgw_error err;
    pgw_msg m;

    m = body_msg("\x04\xd2\x16\x2f", 4);
    CHECK(pgw_startup_decode(&m, false, false, &st, &err));
    CHECK_INT(st.kind, PGW_STARTUP_SSL);
    /* A second SSLRequest is judged as a protocol version, as PostgreSQL does. */
    CHECK(!pgw_startup_decode(&m, true, false, &st, &err));
    CHECK_STR(err.sqlstate, "0A000");
    CHECK_STR(err.message, "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");

    m = body_msg("\x04\xd2\x16\x30", 4);
    CHECK(pgw_startup_decode(&m, true, false, &st, &err));
    CHECK_INT(st.kind, PGW_STARTUP_GSSENC);

    m = body_msg("\x04\xd2\x16\x2e\0\0\0\x2a\xff\xff\xff\xfe", 12);
    CHECK(pgw_startup_decode(&m, false, false, &st, &err));
    CHECK_INT(st.kind, PGW_STARTUP_CANCEL);
    CHECK_INT(st.cancel_pid, 42);
    CHECK_INT(st.cancel_secret, -2);
    m = body_msg("\x04\xd2\x16\x2e\0\0\0\x2a", 8);
    CHECK(!pgw_startup_decode(&m, false, false, &st, &err));

    m = body_msg("\0\x02\0\0\0", 5);
    CHECK(!pgw_startup_decode(&m, false, false, &st, &err));
    CHECK_STR(err.message, "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");

    const char ok[] = "\0\x03\0\0user\0u\0database\0d\0\0";
    m = body_msg(ok, sizeof ok - 1);
    CHECK(pgw_startup_decode(&m, false, false, &st, &err));
    CHECK_INT(st.kind, PGW_STARTUP_MESSAGE);
    const char *cur = st.params, *name, *value;
    CHECK(pgw_startup_next_param(&st, &cur, &name, &value));
    CHECK_STR(name, "user");
    CHECK_STR(value, "u");
    CHECK(pgw_startup_next_param(&st, &cur, &name, &value));
    CHECK_STR(name, "database");
    CHECK_STR(value, "d");
    CHECK(!pgw_startup_next_param(&st, &cur, &name, &value));

    /* 3.1 is accepted (the caller negotiates down to 3.0). */
    const char v31[] = "\0\x03\0\x01user\0u\0\0";
    m = body_msg(v31, sizeof v31 - 1);
    CHECK(pgw_startup_decode(&m, false, false, &st, &err));

    const char *bad_layouts[] = {"\0\x03\0\0user\0u\0", "\0\x03\0\0user\0", "\0\x03\0\0user\0u",
                                 "\0\x03\0\0\0x\0y\0\0", "\0\x03\0\0"};
    size_t bad_lens[] = {11, 9, 10, 10, 4};
    for (int i = 0; i < 5; i++) {
        m = body_msg(bad_layouts[i], bad_lens[i]);
        CHECK(!pgw_startup_decode(&m, false, false, &st, &err));
        CHECK_STR(err.sqlstate, "08P01");
    }
}

typedef struct collected {
    char text[512];
    int n;
} collected;

static bool collect(void *ctx, const char *name, const char *value, pgw_error *err)
{
    collected *c = ctx;
    size_t l = strlen(c->text);
    snprintf(c->text + l, sizeof c->text - l, "[%s=%s]", name, value);
    c->n++;
    if (strcmp(name, "fail") == 0)
        return pgw_errorf(err, "42704", "unrecognized configuration parameter \"%s\"", name);
    return true;
}

static void test_options(void)
{
    collected c = {{0}, 0};
    pgw_error err;
    CHECK(pgw_startup_split_options("-c a=1  -cb=2 --log-level=x -c e=with\\ space\\\\", collect,
                                    &c, &err));
    CHECK_STR(c.text, "[a=1][b=2][log_level=x][e=with space\\]");
    CHECK_INT(c.n, 4);

    c = (collected){{0}, 0};
    CHECK(pgw_startup_split_options("   ", collect, &c, &err));
    CHECK_INT(c.n, 0);

    CHECK(!pgw_startup_split_options("-c a", collect, &c, &err));
    CHECK_STR(err.sqlstate, "42601");
    CHECK_STR(err.message, "-c a requires a value");
    CHECK(!pgw_startup_split_options("--x", collect, &c, &err));
    CHECK_STR(err.message, "--x requires a value");
    CHECK(!pgw_startup_split_options("-B 10", collect, &c, &err));
    CHECK_STR(err.message, "invalid command-line argument for server process: -B");
    CHECK(!pgw_startup_split_options("-c", collect, &c, &err));
    c = (collected){{0}, 0};
    CHECK(!pgw_startup_split_options("-c fail=1 -c never=2", collect, &c, &err));
    CHECK_STR(err.sqlstate, "42704");
    CHECK_INT(c.n, 1);
}

int main(void)
{
    PT_RUN(test_message_framing);
    PT_RUN(test_startup_framing);
    PT_RUN(test_reader);
    PT_RUN(test_startup_decode);
    PT_RUN(test_options);
    return pt_finish();
}
