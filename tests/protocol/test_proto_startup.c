/* Startup phase over real sockets: SSL/GSS refusal, versions, garbage, limits, cancel. */
#include "protocol/pt_client.h"

static int port;

static void run_select1(int fd)
{
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    CHECK(pt_send(fd, q, n));
    int rows = -1;
    CHECK_INT(pt_until_ready(fd, &rows, NULL), 'I');
    CHECK_INT(rows, 1);
}

static void send_request_code(int fd, uint32_t code)
{
    char pkt[8];
    pt_put32(pkt, 8);
    pt_put32(pkt + 4, code);
    CHECK(pt_send(fd, pkt, 8));
}

static void test_ssl_then_startup(void)
{
    int fd = pt_connect(port);
    send_request_code(fd, 80877103u);
    char c = 0;
    CHECK(pt_recv_all(fd, &c, 1));
    CHECK_INT(c, 'N');
    char t[64] = "";
    CHECK(pt_startup(fd, t, sizeof t));
    CHECK(t[0] == 'R' && strchr(t, 'K') != NULL);
    run_select1(fd);
    close(fd);
    CHECK(pt_select1(port));
}

static void test_gss_then_ssl_then_startup(void)
{
    int fd = pt_connect(port);
    send_request_code(fd, 80877104u);
    char c = 0;
    CHECK(pt_recv_all(fd, &c, 1));
    CHECK_INT(c, 'N');
    send_request_code(fd, 80877103u);
    CHECK(pt_recv_all(fd, &c, 1));
    CHECK_INT(c, 'N');
    char t[64];
    CHECK(pt_startup(fd, t, sizeof t));
    run_select1(fd);
    close(fd);
}

static void test_second_ssl_request(void)
{
    int fd = pt_connect(port);
    send_request_code(fd, 80877103u);
    char c = 0;
    CHECK(pt_recv_all(fd, &c, 1));
    send_request_code(fd, 80877103u);
    pt_err e;
    CHECK(pt_read_error(fd, &e));
    CHECK_STR(e.severity, "FATAL");
    CHECK_STR(e.sqlstate, "0A000");
    CHECK_STR(e.message, "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");
    CHECK(pt_closed(fd));
    close(fd);
    CHECK(pt_select1(port));
}

static void test_bad_versions(void)
{
    uint32_t versions[] = {2u << 16, 4u << 16, 0};
    const char *msgs[] = {"unsupported frontend protocol 2.0: server supports 3.0 to 3.0",
                          "unsupported frontend protocol 4.0: server supports 3.0 to 3.0",
                          "unsupported frontend protocol 0.0: server supports 3.0 to 3.0"};
    for (int i = 0; i < 3; i++) {
        int fd = pt_connect(port);
        char pkt[256];
        size_t n = pt_startup_packet(pkt, sizeof pkt, versions[i], "materialize");
        CHECK(pt_send(fd, pkt, n));
        pt_err e;
        CHECK(pt_read_error(fd, &e));
        CHECK_STR(e.severity, "FATAL");
        CHECK_STR(e.sqlstate, "0A000");
        CHECK_STR(e.message, msgs[i]);
        CHECK(pt_closed(fd));
        close(fd);
    }
    CHECK(pt_select1(port));
}

static void test_protocol_3_1(void)
{
    int fd = pt_connect(port);
    char pkt[256];
    size_t n = pt_startup_packet(pkt, sizeof pkt, (3u << 16) | 1, "materialize");
    CHECK(pt_send(fd, pkt, n));
    char body[256];
    CHECK_INT(pt_read_msg(fd, body, sizeof body, NULL), 'v');
    CHECK_INT(pt_get32(body), 0);
    CHECK_INT(pt_read_msg(fd, body, sizeof body, NULL), 'R');
    CHECK_INT(pt_until_ready(fd, NULL, NULL), 'I');
    run_select1(fd);
    close(fd);
}

/* Silence then close, as PostgreSQL answers a bad startup packet length. */
static void test_garbage(void)
{
    const char *garbage[] = {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\0\0\0\x03xxxx",
                             "\0\0\0\0\0\0\0\0", "\xff\xff\xff\xff\x01\x02\x03\x04"};
    size_t lens[] = {27, 8, 8, 8};
    for (int i = 0; i < 4; i++) {
        int fd = pt_connect(port);
        CHECK(pt_send(fd, garbage[i], lens[i]));
        CHECK(pt_closed(fd));
        close(fd);
        CHECK(pt_select1(port));
    }
}

static void test_startup_too_large(void)
{
    int fd = pt_connect(port);
    char *pkt = calloc(1, 20000);
    pt_put32(pkt, 10001);
    pt_put32(pkt + 4, 196608u);
    /* The server stops at the length word; the rest may be refused by a reset. */
    pt_send(fd, pkt, 10001);
    CHECK(pt_closed(fd));
    close(fd);
    free(pkt);
    CHECK(pt_select1(port));
}

static void test_truncated_startup(void)
{
    /* Half a startup packet, then the client leaves. */
    int fd = pt_connect(port);
    char pkt[256];
    size_t n = pt_startup_packet(pkt, sizeof pkt, 196608u, "materialize");
    CHECK(pt_send(fd, pkt, n / 2));
    close(fd);
    /* Half a packet, then a pause: the server waits, then finishes the startup. */
    fd = pt_connect(port);
    CHECK(pt_send(fd, pkt, 3));
    CHECK(pt_select1(port));
    CHECK(pt_send(fd, pkt + 3, n - 3));
    CHECK_INT(pt_until_ready(fd, NULL, NULL), 'I');
    close(fd);
    CHECK(pt_select1(port));
}

static void test_bad_layout_and_no_user(void)
{
    int fd = pt_connect(port);
    char pkt[64];
    size_t n = pt_startup_packet(pkt, sizeof pkt, 196608u, NULL);
    CHECK(pt_send(fd, pkt, n));
    pt_err e;
    CHECK(pt_read_error(fd, &e));
    CHECK_STR(e.severity, "FATAL");
    CHECK_STR(e.sqlstate, "28000");
    CHECK_STR(e.message, "no PostgreSQL user name specified in startup packet");
    close(fd);

    fd = pt_connect(port);
    const char bad[] = "\0\0\0\x11\0\x03\0\0user\0abc"; /* no terminator */
    CHECK(pt_send(fd, bad, 17));
    CHECK(pt_read_error(fd, &e));
    CHECK_STR(e.sqlstate, "08P01");
    CHECK_STR(e.message, "invalid startup packet layout: expected terminator as last byte");
    close(fd);
    CHECK(pt_select1(port));
}

static bool read_key(int fd, int32_t *pid, int32_t *secret)
{
    char pkt[256], body[256];
    size_t n = pt_startup_packet(pkt, sizeof pkt, 196608u, "materialize");
    pt_send(fd, pkt, n);
    int t;
    bool found = false;
    while ((t = pt_read_msg(fd, body, sizeof body, NULL)) >= 0 && t != 'Z') {
        if (t == 'K') {
            *pid = (int32_t)pt_get32(body);
            *secret = (int32_t)pt_get32(body + 4);
            found = true;
        }
    }
    return found && t == 'Z';
}

static void send_cancel(int32_t pid, int32_t secret)
{
    int fd = pt_connect(port);
    char pkt[16];
    pt_put32(pkt, 16);
    pt_put32(pkt + 4, 80877102u);
    pt_put32(pkt + 8, (uint32_t)pid);
    pt_put32(pkt + 12, (uint32_t)secret);
    CHECK(pt_send(fd, pkt, 16));
    CHECK(pt_closed(fd)); /* no reply at all */
    close(fd);
}

static void test_cancel(void)
{
    int fd = pt_connect(port);
    int32_t pid = 0, secret = 0;
    CHECK(read_key(fd, &pid, &secret));
    CHECK(pid > 0);
    send_cancel(pid + 100000, secret);
    send_cancel(pid, secret + 1);
    send_cancel(pid, secret);
    /* The session with that key is untouched. */
    run_select1(fd);
    close(fd);
    /* Two sessions get different keys. */
    int a = pt_connect(port), b = pt_connect(port);
    int32_t pa, sa, pb, sb;
    CHECK(read_key(a, &pa, &sa));
    CHECK(read_key(b, &pb, &sb));
    CHECK(pa != pb);
    CHECK(sa != sb);
    close(a);
    close(b);
    CHECK(pt_select1(port));
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PT_RUN(test_ssl_then_startup);
    PT_RUN(test_gss_then_ssl_then_startup);
    PT_RUN(test_second_ssl_request);
    PT_RUN(test_bad_versions);
    PT_RUN(test_protocol_3_1);
    PT_RUN(test_garbage);
    PT_RUN(test_startup_too_large);
    PT_RUN(test_truncated_startup);
    PT_RUN(test_bad_layout_and_no_user);
    PT_RUN(test_cancel);
    pgpeek_stop(s);
    return pt_finish();
}
