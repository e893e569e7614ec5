/* Framing after startup over real sockets: bad lengths, unknown types, truncation,
 * pipelining, backpressure, clients leaving mid-message and mid-reply. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "protocol/pt_client.h"

#define MAX_MSG 4096

static int port;

static int ready_client(void)
{
    int fd = pt_connect(port);
    char t[64];
    CHECK(pt_startup(fd, t, sizeof t));
    return fd;
}

/* Sends raw bytes after startup and expects one FATAL with sqlstate and message, then EOF. */
static void expect_fatal(const char *bytes, size_t n, const char *sqlstate, const char *msg)
{
    int fd = ready_client();
    CHECK(pt_send(fd, bytes, n));
    pt_err e;
    CHECK(pt_read_error(fd, &e));
    CHECK_STR(e.severity, "FATAL");
    CHECK_STR(e.sqlstate, sqlstate);
    CHECK_STR(e.message, msg);
    CHECK(pt_closed(fd));
    close(fd);
    CHECK(pt_select1(port));
}

static void test_bad_lengths(void)
{
    for (int len = 0; len < 4; len++) {
        char m[5] = {'Q', 0, 0, 0, (char)len};
        expect_fatal(m, 5, "08P01", "invalid message length");
    }
    char big[5] = {'Q'};
    pt_put32(big + 1, MAX_MSG + 1);
    expect_fatal(big, 5, "08P01", "invalid message length");
    pt_put32(big + 1, 0x7fffffff);
    expect_fatal(big, 5, "08P01", "invalid message length");
    /* The maximum itself is fine: a Query of exactly MAX_MSG bytes. */
    int fd = ready_client();
    char *q = malloc(MAX_MSG + 1);
    q[0] = 'Q';
    pt_put32(q + 1, MAX_MSG);
    memset(q + 5, ' ', MAX_MSG - 4);
    memcpy(q + 5, "SELECT 1", 8);
    q[MAX_MSG] = 0;
    CHECK(pt_send(fd, q, MAX_MSG + 1));
    free(q);
    int rows = -1;
    CHECK_INT(pt_until_ready(fd, &rows, NULL), 'I');
    close(fd);
}

static void test_unknown_types(void)
{
    const char types[] = {'y', 'p', 0, (char)0xff, 'Z'};
    for (size_t i = 0; i < sizeof types; i++) {
        char m[5] = {types[i], 0, 0, 0, 4};
        char msg[64];
        snprintf(msg, sizeof msg, "invalid frontend message type %d", (unsigned char)types[i]);
        expect_fatal(m, 5, "08P01", msg);
    }
}

static void test_query_format_errors(void)
{
    int fd = ready_client();
    /* No terminating NUL, then bytes after the NUL: ERROR 08P01, the session goes on. */
    CHECK(pt_send(fd,
                  "Q\0\0\0\x06"
                  "ab",
                  7));
    pt_err e;
    CHECK_INT(pt_until_ready(fd, NULL, &e), 'I');
    CHECK_STR(e.sqlstate, "08P01");
    CHECK_STR(e.message, "invalid string in message");
    CHECK(pt_send(fd,
                  "Q\0\0\0\x08"
                  "a\0bc",
                  9));
    CHECK_INT(pt_until_ready(fd, NULL, &e), 'I');
    CHECK_STR(e.message, "invalid message format");
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    CHECK(pt_send(fd, q, n));
    int rows = 0;
    CHECK_INT(pt_until_ready(fd, &rows, &e), 'I');
    CHECK_INT(rows, 1);
    close(fd);
}

static void test_extended_refused(void)
{
    int fd = ready_client();
    const char parse[] = "P\0\0\0\x10"
                         "\0SELECT 1\0\0\0";
    CHECK(pt_send(fd, parse, sizeof parse - 1));
    CHECK(pt_send(fd,
                  "B\0\0\0\x04"
                  "E\0\0\0\x04"
                  "S\0\0\0\x04",
                  15));
    pt_err e;
    CHECK_INT(pt_until_ready(fd, NULL, &e), 'I');
    CHECK_STR(e.severity, "ERROR");
    CHECK_STR(e.sqlstate, "08P01"); /* the Bind has no body */
    close(fd);
}

static void test_truncated(void)
{
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    /* Byte by byte, across separate segments: still one answer. */
    int fd = ready_client();
    for (size_t i = 0; i < n; i++)
        CHECK(pt_send(fd, q + i, 1));
    int rows = 0;
    CHECK_INT(pt_until_ready(fd, &rows, NULL), 'I');
    CHECK_INT(rows, 1);
    /* The client leaves in the middle of a message. */
    CHECK(pt_send(fd, q, 7));
    close(fd);
    CHECK(pt_select1(port));
    /* Or in the middle of a length word. */
    fd = ready_client();
    CHECK(pt_send(fd, q, 3));
    close(fd);
    CHECK(pt_select1(port));
    /* Terminate closes without a reply. */
    fd = ready_client();
    CHECK(pt_send(fd, "X\0\0\0\x04", 5));
    CHECK(pt_closed(fd));
    close(fd);
}

static void test_pipelined(void)
{
    int fd = ready_client();
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    char *batch = malloc(n * 100);
    for (int i = 0; i < 100; i++)
        memcpy(batch + i * n, q, n);
    CHECK(pt_send(fd, batch, n * 100));
    free(batch);
    int total = 0, ok = 0;
    for (int i = 0; i < 100; i++) {
        int rows = 0;
        ok += pt_until_ready(fd, &rows, NULL) == 'I';
        total += rows;
    }
    CHECK_INT(ok, 100);
    CHECK_INT(total, 100);
    close(fd);
}

typedef struct sender {
    int fd;
    int count;
    bool ok;
} sender;

static void *send_queries(void *arg)
{
    sender *s = arg;
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    char *chunk = malloc(n * 1000);
    for (int i = 0; i < 1000; i++)
        memcpy(chunk + i * n, q, n);
    s->ok = true;
    for (int sent = 0; sent < s->count && s->ok; sent += 1000) {
        int k = s->count - sent < 1000 ? s->count - sent : 1000;
        s->ok = pt_send(s->fd, chunk, n * (size_t)k);
    }
    free(chunk);
    return NULL;
}

/* A client that sends its queries and then shuts down its sending side still gets every
 * answer before the server closes, as from PostgreSQL; also when the replies are far more
 * than the socket buffers hold. */
static void *send_then_half_close(void *arg)
{
    sender *s = arg;
    send_queries(s);
    s->ok = pt_send(s->fd, "Q\0\0", 3) && s->ok; /* and an incomplete one, dropped */
    shutdown(s->fd, SHUT_WR);
    return NULL;
}

static void test_half_close(void)
{
    int counts[] = {3, 30000};
    for (int k = 0; k < 2; k++) {
        int fd = ready_client();
        sender s = {fd, counts[k], false};
        pthread_t t;
        pthread_create(&t, NULL, send_then_half_close, &s);
        int ready = 0;
        for (int i = 0; i < counts[k]; i++)
            if (pt_until_ready(fd, NULL, NULL) == 'I') ready++;
        pthread_join(t, NULL);
        CHECK(s.ok);
        CHECK_INT(ready, counts[k]);
        CHECK(pt_closed(fd));
        close(fd);
    }
}

/* Far more replies than socket buffers hold, read only after a while: backpressure must
 * hold the rest back, and nothing may be lost. */
static void test_backpressure(void)
{
    int fd = ready_client();
    sender s = {fd, 100000, false};
    pthread_t t;
    pthread_create(&t, NULL, send_queries, &s);
    /* Let the server fill its high mark before anyone reads. */
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    int ready = 0, rows_total = 0;
    for (int i = 0; i < s.count; i++) {
        int rows = 0;
        if (pt_until_ready(fd, &rows, NULL) != 'I') break;
        ready++;
        rows_total += rows;
    }
    pthread_join(t, NULL);
    CHECK(s.ok);
    CHECK_INT(ready, s.count);
    CHECK_INT(rows_total, s.count);
    close(fd);
}

/* A client that asks for a lot and leaves without reading any of it. */
static void test_leave_mid_reply(void)
{
    for (int round = 0; round < 3; round++) {
        int fd = ready_client();
        sender s = {fd, 50000, false};
        /* Sends until the server stops reading (backpressure) or all is sent. */
        struct timeval tv = {0, 200 * 1000};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        send_queries(&s);
        close(fd);
        CHECK(pt_select1(port));
    }
}

typedef struct flood {
    int fd;
    atomic_bool stop;
    atomic_int sent;
    atomic_int ready;
    bool ok;
} flood;

static void *flood_send(void *arg)
{
    flood *f = arg;
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    char chunk[64 * 100];
    for (int i = 0; i < 100; i++)
        memcpy(chunk + i * n, q, n);
    f->ok = true;
    while (!atomic_load(&f->stop) && f->ok) {
        f->ok = pt_send(f->fd, chunk, n * 100);
        atomic_fetch_add(&f->sent, 100);
    }
    return NULL;
}

static void *flood_read(void *arg)
{
    flood *f = arg;
    for (;;) {
        if (atomic_load(&f->stop) && atomic_load(&f->ready) >= atomic_load(&f->sent)) break;
        if (pt_until_ready(f->fd, NULL, NULL) != 'I') break;
        atomic_fetch_add(&f->ready, 1);
    }
    return NULL;
}

/* One worker; one client pipelines without pause (and reads its replies) for as long as
 * the test runs: other clients of that worker are still served meanwhile. */
static void test_served_during_flood(void)
{
    pgpeek_config cfg = pt_config();
    cfg.workers = 1;
    pgpeek_server *s = pt_start(&cfg);
    int saved = port;
    port = pgpeek_port(s);
    flood f = {.fd = ready_client()};
    pthread_t ts, tr;
    pthread_create(&ts, NULL, flood_send, &f);
    pthread_create(&tr, NULL, flood_read, &f);
    time_t give_up = time(NULL) + 20;
    while (atomic_load(&f.ready) < 1000 && time(NULL) < give_up) /* the flood is on */
        sched_yield();
    CHECK(atomic_load(&f.ready) >= 1000);
    int served = 0;
    for (int i = 0; i < 5; i++)
        served += pt_select1(port);
    CHECK_INT(served, 5);
    atomic_store(&f.stop, true);
    pthread_join(ts, NULL);
    pthread_join(tr, NULL);
    CHECK(f.ok);
    CHECK_INT(atomic_load(&f.ready), atomic_load(&f.sent));
    close(f.fd);
    pgpeek_stop(s);
    port = saved;
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    cfg.max_message_size = MAX_MSG;
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PT_RUN(test_bad_lengths);
    PT_RUN(test_unknown_types);
    PT_RUN(test_query_format_errors);
    PT_RUN(test_extended_refused);
    PT_RUN(test_truncated);
    PT_RUN(test_pipelined);
    PT_RUN(test_half_close);
    PT_RUN(test_backpressure);
    PT_RUN(test_leave_mid_reply);
    PT_RUN(test_served_during_flood);
    pgpeek_stop(s);
    return pt_finish();
}
