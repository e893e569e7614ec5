/* bench_proto: frontend message encoding (type byte, big-endian length, body). */
#include "bench_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bench_buf_reserve(bench_buf *b, size_t extra)
{
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 512;
    while (cap < b->len + extra)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) {
        fprintf(stderr, "pgpeek-bench: out of memory\n");
        abort();
    }
    b->data = d;
    b->cap = cap;
}

void bench_buf_append(bench_buf *b, const void *p, size_t n)
{
    bench_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void bench_buf_compact(bench_buf *b)
{
    if (b->off == 0) return;
    if (b->off < b->len) memmove(b->data, b->data + b->off, b->len - b->off);
    b->len -= b->off;
    b->off = 0;
}

void bench_buf_free(bench_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

uint32_t bp_get_u32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static void put_u32(bench_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    bench_buf_append(b, x, 4);
}

static void put_u16(bench_buf *b, uint16_t v)
{
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    bench_buf_append(b, x, 2);
}

static void put_str(bench_buf *b, const char *s)
{
    bench_buf_append(b, s, strlen(s) + 1);
}

/* Starts a message; returns the offset of its length word for finish(). */
static size_t begin(bench_buf *b, char type)
{
    if (type) bench_buf_append(b, &type, 1);
    size_t at = b->len;
    put_u32(b, 0);
    return at;
}

static void finish(bench_buf *b, size_t at)
{
    uint32_t n = (uint32_t)(b->len - at);
    unsigned char *p = (unsigned char *)b->data + at;
    p[0] = (unsigned char)(n >> 24);
    p[1] = (unsigned char)(n >> 16);
    p[2] = (unsigned char)(n >> 8);
    p[3] = (unsigned char)n;
}

void bp_startup(bench_buf *b, const char *user, const char *db, const char *appname)
{
    size_t at = begin(b, 0);
    put_u32(b, 3u << 16);
    put_str(b, "user");
    put_str(b, user);
    put_str(b, "database");
    put_str(b, db);
    if (appname) {
        put_str(b, "application_name");
        put_str(b, appname);
    }
    put_str(b, "");
    finish(b, at);
}

void bp_query(bench_buf *b, const char *sql)
{
    size_t at = begin(b, 'Q');
    put_str(b, sql);
    finish(b, at);
}

void bp_parse(bench_buf *b, const char *stmt, const char *sql)
{
    size_t at = begin(b, 'P');
    put_str(b, stmt);
    put_str(b, sql);
    put_u16(b, 0); /* no parameter types */
    finish(b, at);
}

void bp_bind(bench_buf *b, const char *portal, const char *stmt)
{
    size_t at = begin(b, 'B');
    put_str(b, portal);
    put_str(b, stmt);
    put_u16(b, 0); /* parameter formats */
    put_u16(b, 0); /* parameters */
    put_u16(b, 0); /* result formats: all text */
    finish(b, at);
}

void bp_describe_portal(bench_buf *b, const char *portal)
{
    size_t at = begin(b, 'D');
    bench_buf_append(b, "P", 1);
    put_str(b, portal);
    finish(b, at);
}

void bp_execute(bench_buf *b, const char *portal)
{
    size_t at = begin(b, 'E');
    put_str(b, portal);
    put_u32(b, 0); /* no row limit */
    finish(b, at);
}

void bp_sync(bench_buf *b)
{
    finish(b, begin(b, 'S'));
}

void bp_terminate(bench_buf *b)
{
    finish(b, begin(b, 'X'));
}

void bp_password(bench_buf *b, const char *pw)
{
    size_t at = begin(b, 'p');
    put_str(b, pw);
    finish(b, at);
}

void bp_sasl_initial(bench_buf *b, const char *mech, const char *data, size_t n)
{
    size_t at = begin(b, 'p');
    put_str(b, mech);
    put_u32(b, (uint32_t)n);
    bench_buf_append(b, data, n);
    finish(b, at);
}

void bp_sasl_response(bench_buf *b, const char *data, size_t n)
{
    size_t at = begin(b, 'p');
    bench_buf_append(b, data, n);
    finish(b, at);
}
