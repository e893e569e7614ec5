/* bench_proto: frontend (client to server) message builders and a growable byte buffer. */
#ifndef BENCH_PROTO_H
#define BENCH_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; owned by one connection (one thread). Allocation failure aborts:
 * a load generator that cannot allocate has nothing useful left to measure. */
typedef struct bench_buf {
    char *data;
    size_t len; /* bytes held */
    size_t off; /* bytes already consumed (input) or written (output) */
    size_t cap;
} bench_buf;

void bench_buf_reserve(bench_buf *b, size_t extra);
void bench_buf_append(bench_buf *b, const void *p, size_t n);
/* Drops consumed bytes so the buffer does not grow without bound. */
void bench_buf_compact(bench_buf *b);
void bench_buf_free(bench_buf *b);

/* Message builders: each appends one complete message. */
void bp_startup(bench_buf *b, const char *user, const char *db, const char *appname);
void bp_query(bench_buf *b, const char *sql);
void bp_parse(bench_buf *b, const char *stmt, const char *sql);
void bp_bind(bench_buf *b, const char *portal, const char *stmt);
void bp_describe_portal(bench_buf *b, const char *portal);
void bp_execute(bench_buf *b, const char *portal);
void bp_sync(bench_buf *b);
void bp_terminate(bench_buf *b);
void bp_password(bench_buf *b, const char *pw);
void bp_sasl_initial(bench_buf *b, const char *mech, const char *data, size_t n);
void bp_sasl_response(bench_buf *b, const char *data, size_t n);

uint32_t bp_get_u32(const char *p);

#endif
