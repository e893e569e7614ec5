/* The server as a whole: max_connections, HTTP health and metrics, graceful shutdown,
 * several servers in one process, and no descriptor left behind. */
#include <sys/resource.h>
#include <sys/wait.h>

#include "protocol/pt_client.h"

static int ready_client(int port)
{
    int fd = pt_connect(port);
    char t[64];
    CHECK(pt_startup(fd, t, sizeof t));
    return fd;
}

/* Retries a startup until it succeeds: closing is asynchronous on the server side. */
static bool eventually_admitted(int port)
{
    for (int i = 0; i < 200; i++) {
        int fd = pt_connect(port);
        char t[64];
        bool ok = pt_startup(fd, t, sizeof t);
        close(fd);
        if (ok) return true;
        struct timespec ms = {0, 10 * 1000 * 1000};
        nanosleep(&ms, NULL);
    }
    return false;
}

static void test_max_connections(void)
{
    pgpeek_config cfg = pt_config();
    cfg.max_connections = 3;
    pgpeek_server *s = pt_start(&cfg);
    int port = pgpeek_port(s);
    int fds[3];
    for (int i = 0; i < 3; i++)
        fds[i] = ready_client(port);
    for (int i = 0; i < 2; i++) {
        int fd = pt_connect(port);
        char pkt[256];
        size_t n = pt_startup_packet(pkt, sizeof pkt, 196608u, "materialize");
        CHECK(pt_send(fd, pkt, n));
        pt_err e;
        CHECK(pt_read_error(fd, &e));
        CHECK_STR(e.severity, "FATAL");
        CHECK_STR(e.sqlstate, "53300");
        CHECK_STR(e.message, "sorry, too many clients already");
        CHECK(pt_closed(fd));
        close(fd);
    }
    /* SSL refusal and cancel requests do not need a slot. */
    int fd = pt_connect(port);
    char ssl[8];
    pt_put32(ssl, 8);
    pt_put32(ssl + 4, 80877103u);
    CHECK(pt_send(fd, ssl, 8));
    char c = 0;
    CHECK(pt_recv_all(fd, &c, 1));
    CHECK_INT(c, 'N');
    close(fd);
    /* A slot frees when a client leaves. */
    close(fds[0]);
    CHECK(eventually_admitted(port));
    close(fds[1]);
    close(fds[2]);
    pgpeek_stop(s);
}

static void test_http(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    int port = pgpeek_port(s), hport = pgpeek_http_port(s);
    CHECK(hport > 0 && hport != port);
    char body[8192];
    CHECK_INT(pt_http_get(hport, "/health", body, sizeof body), 200);
    CHECK_STR(body, "ok");
    CHECK_INT(pt_http_get(hport, "/nope", body, sizeof body), 404);

    CHECK_INT(pt_http_get(hport, "/metrics", body, sizeof body), 200);
    CHECK(strstr(body, "# TYPE pgpeek_queries_total counter") != NULL);
    long long ok0 = pt_metric(body, "pgpeek_queries_total{outcome=\"ok\"}");
    long long err0 = pt_metric(body, "pgpeek_queries_total{outcome=\"error\"}");
    long long conns0 = pt_metric(body, "pgpeek_connections_total");
    long long rx0 = pt_metric(body, "pgpeek_bytes_received_total");
    long long tx0 = pt_metric(body, "pgpeek_bytes_sent_total");
    CHECK_INT(ok0, 0);
    CHECK_INT(err0, 0);
    CHECK_INT(conns0, 0);
    CHECK_INT(pt_metric(body, "pgpeek_connections_open"), 0);
    /* The oracle runs (local backend, in memory) and reports its counters. */
    CHECK(strstr(body, "# TYPE pgpeek_oracle_calls_total counter") != NULL);
    CHECK(pt_metric(body, "pgpeek_oracle_read_ts") >= 0);
    CHECK_INT(pt_metric(body, "pgpeek_oracle_failed_total"), 0);
    CHECK(pt_metric(body, "pgpeek_oracle_fast_reads_total") >= 0);

    int fd = ready_client(port);
    char q[64];
    size_t n = pt_query_msg(q, sizeof q, "SELECT 1");
    CHECK(pt_send(fd, q, n));
    CHECK(pt_send(fd, q, n));
    n = pt_query_msg(q, sizeof q, "SELEC 1");
    CHECK(pt_send(fd, q, n));
    for (int i = 0; i < 3; i++)
        CHECK_INT(pt_until_ready(fd, NULL, NULL), 'I');
    int fd2 = ready_client(port);

    /* Counters are written by the workers after the replies went out; wait for them. */
    bool moved = false;
    for (int i = 0; i < 200 && !moved; i++) {
        pt_http_get(hport, "/metrics", body, sizeof body);
        moved = pt_metric(body, "pgpeek_queries_total{outcome=\"ok\"}") == ok0 + 2 &&
                pt_metric(body, "pgpeek_queries_total{outcome=\"error\"}") == err0 + 1 &&
                pt_metric(body, "pgpeek_connections_open") == 2;
    }
    CHECK(moved);
    CHECK_INT(pt_metric(body, "pgpeek_connections_total"), conns0 + 2);
    CHECK(pt_metric(body, "pgpeek_bytes_received_total") > rx0 + 3 * 14);
    CHECK(pt_metric(body, "pgpeek_bytes_sent_total") > tx0 + 3 * 6);
    close(fd);
    close(fd2);
    bool closed = false;
    for (int i = 0; i < 200 && !closed; i++) {
        pt_http_get(hport, "/metrics", body, sizeof body);
        closed = pt_metric(body, "pgpeek_connections_open") == 0;
    }
    CHECK(closed);
    pgpeek_stop(s);

    /* HTTP can be turned off. */
    cfg.http_port = -1;
    s = pt_start(&cfg);
    CHECK_INT(pgpeek_http_port(s), -1);
    CHECK(pt_select1(pgpeek_port(s)));
    pgpeek_stop(s);
}

static void test_shutdown(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    int port = pgpeek_port(s);
    int fds[4];
    for (int i = 0; i < 4; i++)
        fds[i] = ready_client(port);
    /* One more in the middle of its startup packet. */
    int half = pt_connect(port);
    CHECK(pt_send(half, "\0\0", 2));
    CHECK(pt_select1(port)); /* every worker has adopted its sockets by now */
    pgpeek_stop(s);
    for (int i = 0; i < 4; i++) {
        pt_err e;
        CHECK(pt_read_error(fds[i], &e));
        CHECK_STR(e.severity, "FATAL");
        CHECK_STR(e.sqlstate, "57P01");
        CHECK_STR(e.message, "terminating connection due to administrator command");
        CHECK(pt_closed(fds[i]));
        close(fds[i]);
    }
    pt_err e;
    CHECK(pt_read_error(half, &e));
    CHECK_STR(e.sqlstate, "57P01");
    close(half);
    /* The port is free again: nothing listens there. */
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    CHECK(connect(probe, (struct sockaddr *)&sa, sizeof sa) != 0);
    close(probe);
}

static void test_two_servers(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *a = pt_start(&cfg);
    pgpeek_server *b = pt_start(&cfg);
    CHECK(pgpeek_port(a) != pgpeek_port(b));
    CHECK(pt_select1(pgpeek_port(a)));
    CHECK(pt_select1(pgpeek_port(b)));
    pgpeek_stop(a);
    CHECK(pt_select1(pgpeek_port(b)));
    pgpeek_stop(b);
    /* A port already taken is an error, not a crash. */
    a = pt_start(&cfg);
    pgpeek_config clash = cfg;
    clash.listen_port = pgpeek_port(a);
    char err[256] = "";
    CHECK(pgpeek_start(&clash, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot listen") != NULL);
    /* Bad configurations are refused with a message. */
    pgpeek_config bad = cfg;
    bad.data_dir = "";
    CHECK(pgpeek_start(&bad, err, sizeof err) == NULL);
    CHECK(strstr(err, "data directory") != NULL);
    bad = cfg;
    bad.max_connections = 0;
    CHECK(pgpeek_start(&bad, err, sizeof err) == NULL);
    bad = cfg;
    bad.listen_port = 70000;
    CHECK(pgpeek_start(&bad, err, sizeof err) == NULL);
    /* The HTTP port taken: fails after the workers and listener started; all undone. */
    int fds_before = pt_count_fds();
    clash = cfg;
    clash.http_port = pgpeek_http_port(a);
    err[0] = 0;
    CHECK(pgpeek_start(&clash, err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot listen") != NULL);
    CHECK_INT(pt_count_fds(), fds_before);
    CHECK(pt_select1(pgpeek_port(a)));
    pgpeek_stop(a);
}

/* 200 connections at once, three times, some leaving politely and some abruptly: the
 * process has exactly the descriptors it had before, once the server stopped. */
static void test_no_fd_leak(void)
{
    pgpeek_config cfg = pt_config();
    cfg.max_connections = 250;
    pgpeek_server *warm = pt_start(&cfg);
    CHECK(pt_select1(pgpeek_port(warm)));
    pgpeek_stop(warm);

    int before = pt_count_fds();
    pgpeek_server *s = pt_start(&cfg);
    int port = pgpeek_port(s);
    CHECK(pt_count_fds() > before);
    static int fds[200];
    for (int round = 0; round < 3; round++) {
        int ready = 0;
        for (int i = 0; i < 200; i++) {
            fds[i] = pt_connect(port);
            char t[64];
            ready += pt_startup(fds[i], t, sizeof t);
        }
        CHECK_INT(ready, 200);
        for (int i = 0; i < 200; i++) {
            if (i % 3 == 0)
                pt_send(fds[i], "X\0\0\0\x04", 5);
            else if (i % 3 == 1)
                pt_send(fds[i], "Q\0\0\0\x40SEL", 8); /* leaves mid-message */
            close(fds[i]);
        }
        CHECK(pt_select1(port));
    }
    for (int i = 0; i < 50; i++)
        CHECK(pt_select1(port));
    pgpeek_stop(s);
    CHECK_INT(pt_count_fds(), before);
}

/* The server's process runs out of descriptors (another process holds the client
 * sockets): the server backs off instead of failing, and serves again once descriptors
 * are free. */
static void test_out_of_descriptors(void)
{
    struct rlimit saved;
    getrlimit(RLIMIT_NOFILE, &saved);
    pgpeek_config cfg = pt_config();
    cfg.max_connections = 1000;
    pgpeek_server *s = pt_start(&cfg);
    int port = pgpeek_port(s), http_port = pgpeek_http_port(s);
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    /* Tight before the fork, so the server starves from the first connection on; the
     * child (the clients) takes its own limit back. */
    struct rlimit tight = saved;
    tight.rlim_cur = (rlim_t)pt_count_fds() + 30;
    CHECK(setrlimit(RLIMIT_NOFILE, &tight) == 0);
    pid_t child = fork();
    if (child == 0) {
        setrlimit(RLIMIT_NOFILE, &saved);
        /* 150 connections (more than the server may accept), then wait to be told. */
        int opened = 0;
        for (int i = 0; i < 150; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
            opened += fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        }
        /* And some to the HTTP listener, which must pause and come back too. */
        for (int i = 0; i < 40; i++) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)http_port)};
            inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
            opened += fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
        }
        char c = (char)(opened == 190);
        if (write(from_child[1], &c, 1) != 1 || read(to_child[0], &c, 1) < 0) _exit(1);
        _exit(0);
    }
    char ok = 0;
    CHECK(read(from_child[0], &ok, 1) == 1);
    CHECK_INT(ok, 1);
    char c = 'x';
    CHECK(write(to_child[1], &c, 1) == 1);
    int status = -1;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK(eventually_admitted(port));
    CHECK(pt_select1(port));
    /* Every connection the kernel queued was accepted in the end: the listener kept
     * retrying instead of giving up. */
    char body[8192];
    long long total = 0;
    for (int i = 0; i < 500 && total < 150; i++) {
        pt_http_get(pgpeek_http_port(s), "/metrics", body, sizeof body);
        total = pt_metric(body, "pgpeek_connections_total");
    }
    CHECK(total >= 150);
    close(to_child[0]);
    close(to_child[1]);
    close(from_child[0]);
    close(from_child[1]);
    pgpeek_stop(s);
}

int main(void)
{
    PT_RUN(test_max_connections);
    PT_RUN(test_http);
    PT_RUN(test_shutdown);
    PT_RUN(test_two_servers);
    PT_RUN(test_no_fd_leak);
    PT_RUN(test_out_of_descriptors);
    return pt_finish();
}
