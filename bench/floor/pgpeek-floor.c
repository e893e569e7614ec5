/* pgpeek-floor: the "no-work" server that bench/compare measures pgpeek against.
 *
 * It speaks just enough of the PostgreSQL v3 protocol for pgbench and pgpeek-bench to run
 * `SELECT * FROM t` against it, simple or extended, and answers every query with the same
 * canned bytes (t = ('hello', 42)): no parsing, no planning, no data. What it costs per
 * query is what any server must pay for the sockets and the framing, so a real server's
 * distance to it is its own work. Never a product: used only for this comparison.
 *
 * One epoll loop per thread (online CPUs by default), all sharing one listening socket
 * (EPOLLEXCLUSIVE), every complete input message handled before one write per wakeup, as
 * pgpeekd does. Usage: pgpeek-floor [--listen HOST:PORT] [--port-file F] [--threads N]. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* A growable byte buffer; owned by one connection, used only by its thread. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

/* One client connection; owned and used by the thread whose epoll it is in. */
typedef struct conn {
    int fd;
    int started;  /* StartupMessage seen */
    int want_out; /* EPOLLOUT armed: output is waiting for room */
    buf in, out;
    size_t out_off;
} conn;

static int g_listen_fd;

static void buf_put(buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* The canned replies, encoded once at start. */
static buf g_startup, g_rowdesc, g_datarow, g_complete, g_ready, g_paramdesc;

static void put_u32(buf *b, uint32_t v)
{
    v = htonl(v);
    buf_put(b, &v, 4);
}

static void put_u16(buf *b, uint16_t v)
{
    v = htons(v);
    buf_put(b, &v, 2);
}

/* Starts message `type`; finish() back-patches its length. */
static size_t begin(buf *b, char type)
{
    buf_put(b, &type, 1);
    size_t at = b->len;
    put_u32(b, 0);
    return at;
}

static void finish(buf *b, size_t at)
{
    uint32_t n = htonl((uint32_t)(b->len - at));
    memcpy(b->p + at, &n, 4);
}

static void param(buf *b, const char *k, const char *v)
{
    size_t at = begin(b, 'S');
    buf_put(b, k, strlen(k) + 1);
    buf_put(b, v, strlen(v) + 1);
    finish(b, at);
}

static void field(buf *b, const char *name, uint32_t type, int16_t size)
{
    buf_put(b, name, strlen(name) + 1);
    put_u32(b, 0); /* table oid */
    put_u16(b, 0); /* column number */
    put_u32(b, type);
    put_u16(b, (uint16_t)size);
    put_u32(b, 0xffffffffu); /* type modifier -1 */
    put_u16(b, 0);           /* text format */
}

static void encode_canned(void)
{
    size_t at = begin(&g_startup, 'R');
    put_u32(&g_startup, 0); /* AuthenticationOk */
    finish(&g_startup, at);
    param(&g_startup, "server_version", "15.0");
    param(&g_startup, "server_encoding", "UTF8");
    param(&g_startup, "client_encoding", "UTF8");
    param(&g_startup, "DateStyle", "ISO, MDY");
    param(&g_startup, "integer_datetimes", "on");
    param(&g_startup, "standard_conforming_strings", "on");
    at = begin(&g_startup, 'K');
    put_u32(&g_startup, 1);
    put_u32(&g_startup, 2);
    finish(&g_startup, at);
    at = begin(&g_startup, 'Z');
    buf_put(&g_startup, "I", 1);
    finish(&g_startup, at);

    at = begin(&g_rowdesc, 'T');
    put_u16(&g_rowdesc, 2);
    field(&g_rowdesc, "id", 25, -1);
    field(&g_rowdesc, "value", 23, 4);
    finish(&g_rowdesc, at);

    at = begin(&g_datarow, 'D');
    put_u16(&g_datarow, 2);
    put_u32(&g_datarow, 5);
    buf_put(&g_datarow, "hello", 5);
    put_u32(&g_datarow, 2);
    buf_put(&g_datarow, "42", 2);
    finish(&g_datarow, at);

    at = begin(&g_complete, 'C');
    buf_put(&g_complete, "SELECT 1", 9);
    finish(&g_complete, at);

    at = begin(&g_ready, 'Z');
    buf_put(&g_ready, "I", 1);
    finish(&g_ready, at);

    at = begin(&g_paramdesc, 't');
    put_u16(&g_paramdesc, 0);
    finish(&g_paramdesc, at);
}

static void put_buf(buf *out, const buf *b)
{
    buf_put(out, b->p, b->len);
}

static void put_empty(buf *out, char type)
{
    size_t at = begin(out, type);
    finish(out, at);
}

static uint32_t get_u32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return ntohl(v);
}

/* Handles every complete message in c->in; false: close the connection. */
static int handle_input(conn *c)
{
    size_t off = 0;
    for (;;) {
        size_t avail = c->in.len - off;
        const char *p = c->in.p + off;
        if (!c->started) {
            if (avail < 8) break;
            uint32_t len = get_u32(p), code = get_u32(p + 4);
            if (len < 8 || len > 10000) return 0;
            if (avail < len) break;
            off += len;
            if (code == 80877103 || code == 80877104) { /* SSLRequest, GSSENCRequest */
                buf_put(&c->out, "N", 1);
            } else if (code == 80877102) { /* CancelRequest: nothing to cancel */
                return 0;
            } else {
                put_buf(&c->out, &g_startup);
                c->started = 1;
            }
            continue;
        }
        if (avail < 5) break;
        uint32_t len = get_u32(p + 1);
        if (len < 4 || len > (64u << 20)) return 0;
        if (avail < (size_t)len + 1) break;
        off += (size_t)len + 1;
        switch (p[0]) {
        case 'Q':
            put_buf(&c->out, &g_rowdesc);
            put_buf(&c->out, &g_datarow);
            put_buf(&c->out, &g_complete);
            put_buf(&c->out, &g_ready);
            break;
        case 'P':
            put_empty(&c->out, '1');
            break;
        case 'B':
            put_empty(&c->out, '2');
            break;
        case 'D':
            if (len > 4 && p[5] == 'S') put_buf(&c->out, &g_paramdesc);
            put_buf(&c->out, &g_rowdesc);
            break;
        case 'E':
            put_buf(&c->out, &g_datarow);
            put_buf(&c->out, &g_complete);
            break;
        case 'S':
            put_buf(&c->out, &g_ready);
            break;
        case 'C':
            put_empty(&c->out, '3');
            break;
        case 'X':
            return 0;
        default: /* Flush and anything else: nothing to say */
            break;
        }
    }
    memmove(c->in.p, c->in.p + off, c->in.len - off);
    c->in.len -= off;
    return 1;
}

/* Writes what it can; 1 when all is out, 0 when the socket is full, -1 on error. */
static int flush_out(conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno == EAGAIN ? 0 : -1;
        }
        c->out_off += (size_t)n;
    }
    c->out.len = c->out_off = 0;
    return 1;
}

static void conn_close(int ep, conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in.p);
    free(c->out.p);
    free(c);
}

static void accept_all(int ep)
{
    for (;;) {
        int fd = accept4(g_listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        if (!c) abort();
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(fd);
            free(c);
        }
    }
}

static void on_ready(int ep, conn *c, uint32_t events)
{
    if (events & EPOLLIN) {
        for (;;) {
            if (c->in.cap - c->in.len < 4096) {
                size_t cap = c->in.cap ? c->in.cap * 2 : 16384;
                c->in.p = realloc(c->in.p, cap);
                if (!c->in.p) abort();
                c->in.cap = cap;
            }
            ssize_t n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
            if (n > 0) {
                c->in.len += (size_t)n;
                if (c->in.len < c->in.cap) break; /* drained the socket */
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) break;
            conn_close(ep, c); /* EOF or error */
            return;
        }
        if (!handle_input(c)) {
            flush_out(c);
            conn_close(ep, c);
            return;
        }
    }
    int r = flush_out(c);
    if (r < 0) {
        conn_close(ep, c);
        return;
    }
    if ((r == 0) != c->want_out) {
        c->want_out = r == 0;
        struct epoll_event ev = {.events = EPOLLIN | (c->want_out ? EPOLLOUT : 0), .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

static void *loop_main(void *arg)
{
    (void)arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) abort();
    struct epoll_event lev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, g_listen_fd, &lev) != 0) abort();
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            if (!evs[i].data.ptr)
                accept_all(ep);
            else
                on_ready(ep, evs[i].data.ptr, evs[i].events);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *listen_at = "127.0.0.1:0", *port_file = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--listen") == 0)
            listen_at = argv[i + 1];
        else if (strcmp(argv[i], "--port-file") == 0)
            port_file = argv[i + 1];
        else if (strcmp(argv[i], "--threads") == 0)
            threads = atol(argv[i + 1]);
        else {
            fprintf(stderr, "usage: %s [--listen HOST:PORT] [--port-file F] [--threads N]\n",
                    argv[0]);
            return 2;
        }
    }
    char host[64];
    const char *colon = strrchr(listen_at, ':');
    if (!colon || (size_t)(colon - listen_at) >= sizeof host) {
        fprintf(stderr, "pgpeek-floor: --listen wants HOST:PORT\n");
        return 2;
    }
    memcpy(host, listen_at, (size_t)(colon - listen_at));
    host[colon - listen_at] = 0;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "pgpeek-floor: bad address %s\n", host);
        return 2;
    }
    g_listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(g_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(g_listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(g_listen_fd, 1024) != 0) {
        perror("pgpeek-floor: bind/listen");
        return 1;
    }
    socklen_t sl = sizeof sa;
    getsockname(g_listen_fd, (struct sockaddr *)&sa, &sl);
    encode_canned();
    signal(SIGPIPE, SIG_IGN);
    printf("%d\n", ntohs(sa.sin_port));
    fflush(stdout);
    if (port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", ntohs(sa.sin_port)) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            perror("pgpeek-floor: port file");
            return 1;
        }
    }
    if (threads < 1) threads = 1;
    /* SIGTERM/SIGINT end the process through exit() on this thread, so that a profiler
     * (valgrind --tool=callgrind) writes its counts. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    pthread_t t;
    for (long i = 0; i < threads; i++)
        if (pthread_create(&t, NULL, loop_main, NULL) != 0) {
            fprintf(stderr, "pgpeek-floor: cannot start a thread\n");
            return 1;
        }
    int sig;
    sigwait(&stop, &sig);
    exit(0);
}
