/* pt_client: a raw-socket PostgreSQL client and an embedded server for protocol tests. */
#ifndef PT_CLIENT_H
#define PT_CLIENT_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "pgpeek.h"
#include "protocol/pt_check.h"

/* Test config: ephemeral ports, in memory, two workers, quiet. */
static inline pgpeek_config pt_config(void)
{
    pgpeek_config c = pgpeek_config_default();
    c.listen_port = 0;
    c.http_port = 0;
    c.workers = 2;
    c.data_dir = NULL;
    c.log_level = getenv("PT_LOG") ? PGPEEK_LOG_DEBUG : PGPEEK_LOG_ERROR;
    return c;
}

static inline pgpeek_server *pt_start(const pgpeek_config *c)
{
    char err[256];
    pgpeek_server *s = pgpeek_start(c, err, sizeof err);
    if (!s) {
        fprintf(stderr, "pgpeek_start: %s\n", err);
        exit(1);
    }
    return s;
}

/* A libpq connection to the test server (the status is the caller's to check). */
static inline PGconn *pt_pq_connect(int port)
{
    char ci[256];
    snprintf(ci, sizeof ci,
             "host=127.0.0.1 port=%d user=materialize dbname=materialize connect_timeout=10 "
             "sslmode=disable gssencmode=disable",
             port);
    return PQconnectdb(ci);
}

/* Runs sql; true when it succeeded (the error to stderr otherwise, unless quiet). */
static inline bool pt_pq_run(PGconn *c, const char *sql, bool quiet)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok && !quiet) fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return ok;
}

/* Runs sql; state gets the SQLSTATE of a failure, or "" on success. Failures other than
 * serialization failures (40001, expected under concurrency) go to stderr. */
static inline void pt_pq_state(PGconn *c, const char *sql, char state[6])
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    state[0] = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        snprintf(state, 6, "%s", s ? s : "?????");
        if (strcmp(state, "40001") != 0) fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    }
    PQclear(r);
}

static inline uint64_t pt_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Runs sql and checks its command tag, or the SQLSTATE of its error, against want. */
static inline void pt_pq_expect(PGconn *c, const char *sql, const char *want)
{
    PGresult *r = PQexec(c, sql);
    const char *got = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
                          ? PQcmdStatus(r)
                          : PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (!got || strcmp(got, want) != 0)
        fprintf(stderr, "%s: want %s, got %s (%s)\n", sql, want, got ? got : "(null)",
                PQresultErrorMessage(r));
    CHECK_STR(got, want);
    PQclear(r);
}

/* A blocking socket with a receive timeout, so a missing reply fails instead of hanging. */
static inline int pt_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("connect");
        exit(1);
    }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static inline bool pt_send(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static inline void pt_put32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
}

static inline uint32_t pt_get32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return ((uint32_t)u[0] << 24) | ((uint32_t)u[1] << 16) | ((uint32_t)u[2] << 8) | u[3];
}

/* Reads exactly n bytes; false on EOF, error or timeout. */
static inline bool pt_recv_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = recv(fd, c, n, 0);
        if (r <= 0) return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

/* One backend message into body (NUL-terminated, truncated at cap). Returns the type
 * byte, or -1 on EOF/timeout. */
static inline int pt_read_msg(int fd, char *body, size_t cap, size_t *len_out)
{
    char hdr[5];
    if (!pt_recv_all(fd, hdr, 5)) return -1;
    uint32_t len = pt_get32(hdr + 1);
    if (len < 4) return -1;
    size_t n = len - 4;
    char *tmp = malloc(n + 1);
    if (!tmp || !pt_recv_all(fd, tmp, n)) {
        free(tmp);
        return -1;
    }
    size_t keep = n < cap - 1 ? n : cap - 1;
    memcpy(body, tmp, keep);
    body[keep] = 0;
    free(tmp);
    if (len_out) *len_out = n;
    return (unsigned char)hdr[0];
}

/* The fields of an ErrorResponse/NoticeResponse body. */
typedef struct pt_err {
    char severity[16];
    char sqlstate[8];
    char message[256];
} pt_err;

static inline void pt_parse_err(const char *body, size_t len, pt_err *e)
{
    memset(e, 0, sizeof *e);
    size_t i = 0;
    while (i < len && body[i]) {
        char code = body[i++];
        const char *v = body + i;
        size_t vl = strnlen(v, len - i);
        if (code == 'S')
            snprintf(e->severity, sizeof e->severity, "%s", v);
        else if (code == 'C')
            snprintf(e->sqlstate, sizeof e->sqlstate, "%s", v);
        else if (code == 'M')
            snprintf(e->message, sizeof e->message, "%s", v);
        i += vl + 1;
    }
}

/* Reads until an ErrorResponse; false if the connection ended first. */
static inline bool pt_read_error(int fd, pt_err *e)
{
    char body[4096];
    size_t len;
    int t;
    while ((t = pt_read_msg(fd, body, sizeof body, &len)) >= 0) {
        if (t == 'E') {
            pt_parse_err(body, len < sizeof body ? len : sizeof body - 1, e);
            return true;
        }
    }
    memset(e, 0, sizeof *e);
    return false;
}

/* True when the server closed the connection (EOF or reset) with nothing more to read. */
static inline bool pt_closed(int fd)
{
    char c;
    ssize_t r = recv(fd, &c, 1, 0);
    return r == 0 || (r < 0 && errno == ECONNRESET);
}

static inline size_t pt_startup_packet(char *buf, size_t cap, uint32_t proto, const char *user)
{
    size_t n = 8;
    if (user) {
        n += (size_t)snprintf(buf + n, cap - n, "user") + 1;
        n += (size_t)snprintf(buf + n, cap - n, "%s", user) + 1;
        n += (size_t)snprintf(buf + n, cap - n, "database") + 1;
        n += (size_t)snprintf(buf + n, cap - n, "materialize") + 1;
    }
    buf[n++] = 0;
    pt_put32(buf, (uint32_t)n);
    pt_put32(buf + 4, proto);
    return n;
}

/* Sends a 3.0 StartupMessage and reads up to ReadyForQuery; returns the message types seen
 * (as a string like "RSSSKZ") in types. */
static inline bool pt_startup(int fd, char *types, size_t cap)
{
    char pkt[256];
    size_t n = pt_startup_packet(pkt, sizeof pkt, 196608u, "materialize");
    if (!pt_send(fd, pkt, n)) return false;
    size_t k = 0;
    char body[4096];
    int t;
    while ((t = pt_read_msg(fd, body, sizeof body, NULL)) >= 0) {
        if (k + 1 < cap) types[k++] = (char)t;
        types[k] = 0;
        if (t == 'Z') return true;
        if (t == 'E') return false;
    }
    return false;
}

static inline size_t pt_query_msg(char *buf, size_t cap, const char *sql)
{
    size_t l = strlen(sql);
    if (l + 6 > cap) return 0;
    buf[0] = 'Q';
    pt_put32(buf + 1, (uint32_t)(l + 5));
    memcpy(buf + 5, sql, l + 1);
    return l + 6;
}

/* Reads until ReadyForQuery; returns its status byte or -1. Counts DataRows. */
static inline int pt_until_ready(int fd, int *rows, pt_err *err)
{
    char body[4096];
    size_t len;
    int t;
    if (rows) *rows = 0;
    if (err) memset(err, 0, sizeof *err);
    while ((t = pt_read_msg(fd, body, sizeof body, &len)) >= 0) {
        if (t == 'D' && rows) (*rows)++;
        if (t == 'E' && err) pt_parse_err(body, len < sizeof body ? len : sizeof body - 1, err);
        if (t == 'Z') return (unsigned char)body[0];
    }
    return -1;
}

/* Another client still gets an answer: libpq, SELECT 1. */
static inline bool pt_select1(int port)
{
    char conninfo[256];
    snprintf(conninfo, sizeof conninfo,
             "host=127.0.0.1 port=%d user=materialize dbname=materialize connect_timeout=10 "
             "sslmode=disable gssencmode=disable",
             port);
    PGconn *c = PQconnectdb(conninfo);
    bool ok = false;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, "SELECT 1");
        ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
             strcmp(PQgetvalue(r, 0, 0), "1") == 0;
        if (!ok) fprintf(stderr, "SELECT 1: %s\n", PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "connect: %s\n", PQerrorMessage(c));
    }
    PQfinish(c);
    return ok;
}

/* Open descriptors of this process. */
static inline int pt_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n - 1; /* the DIR's own descriptor */
}

/* GET path over HTTP/1.0; returns the status code and copies the body. */
static inline int pt_http_get(int port, const char *path, char *body, size_t cap)
{
    int fd = pt_connect(port);
    char req[256];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path);
    pt_send(fd, req, (size_t)n);
    char *resp = malloc(65536);
    size_t len = 0;
    ssize_t r;
    while (len < 65535 && (r = recv(fd, resp + len, 65535 - len, 0)) > 0)
        len += (size_t)r;
    resp[len] = 0;
    close(fd);
    int status = -1;
    sscanf(resp, "HTTP/1.%*d %d", &status);
    const char *b = strstr(resp, "\r\n\r\n");
    snprintf(body, cap, "%s", b ? b + 4 : "");
    free(resp);
    return status;
}

/* The value of a Prometheus sample line "name{labels} value" (name with labels). */
static inline long long pt_metric(const char *text, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, name, nl) == 0 && p[nl] == ' ') return atoll(p + nl + 1);
    }
    return -1;
}

#endif
