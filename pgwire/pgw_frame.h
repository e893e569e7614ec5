/* pgw_frame: splitting frontend bytes into messages, and bounded reads inside one message. */
#ifndef PGW_FRAME_H
#define PGW_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pgw_error.h"

/* PostgreSQL's limit on the startup packet, length word included. */
#define PGW_MAX_STARTUP_PACKET 10000u

typedef enum pgw_frame_status {
    PGW_FRAME_NEED_MORE, /* incomplete: wait for `need` bytes in total */
    PGW_FRAME_OK,        /* a whole message is in the input */
    PGW_FRAME_BAD,       /* malformed: err is set (08P01) */
} pgw_frame_status;

/* One complete frontend message inside the input buffer (borrowed, valid until the input
 * is consumed). For the startup packet, type is 0. */
typedef struct pgw_msg {
    char type;
    const char *body;
    uint32_t len; /* body length, the length word excluded */
    size_t total; /* bytes the whole message occupies in the input */
} pgw_msg;

/* A regular message: type byte, int32 length (counting itself), body. The length must be
 * at least 4 and at most max_len (the body plus the length word). */
pgw_frame_status pgw_frame_message(const char *p, size_t avail, uint32_t max_len, pgw_msg *m,
                                   size_t *need, pgw_error *err);
/* The startup-phase packet: int32 length (counting itself), body; 8 to 10,000 bytes. */
pgw_frame_status pgw_frame_startup(const char *p, size_t avail, pgw_msg *m, size_t *need,
                                   pgw_error *err);

/* A cursor over one message body. Every read is bounds-checked; a failed read sets err
 * (08P01, as PostgreSQL's pq_getmsg* do) and returns false. Owned by the caller's stack. */
typedef struct pgw_reader {
    const char *p;
    const char *end;
} pgw_reader;

static inline void pgw_reader_init(pgw_reader *r, const pgw_msg *m)
{
    r->p = m->body;
    r->end = m->body + m->len;
}
static inline uint32_t pgw_get_u32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return ((uint32_t)u[0] << 24) | ((uint32_t)u[1] << 16) | ((uint32_t)u[2] << 8) | u[3];
}

/* The readers are inline: Bind/Describe/Execute of a cached statement read four names and
 * a count per query, and a call each was a measurable share of the prepared fast path. */
static inline bool pgw_read_i32(pgw_reader *r, int32_t *v, pgw_error *err)
{
    if (r->end - r->p < 4) {
        *v = 0;
        return pgw_errorf(err, "08P01", "insufficient data left in message");
    }
    *v = (int32_t)pgw_get_u32(r->p);
    r->p += 4;
    return true;
}

/* A NUL-terminated string: *s points into the body; *len excludes the NUL. The unnamed
 * statement and portal ("") are the common case and skip the search. */
static inline bool pgw_read_cstr(pgw_reader *r, const char **s, size_t *len, pgw_error *err)
{
    const char *nul = r->p < r->end && *r->p == 0 ? r->p : memchr(r->p, 0, (size_t)(r->end - r->p));
    if (!nul) {
        *s = NULL; /* defined on failure too (callers test the result, compilers cannot see it) */
        *len = 0;
        return pgw_errorf(err, "08P01", "invalid string in message");
    }
    *s = r->p;
    *len = (size_t)(nul - r->p);
    r->p = nul + 1;
    return true;
}

/* Fails unless the whole body was read. */
static inline bool pgw_read_end(const pgw_reader *r, pgw_error *err)
{
    if (r->p != r->end) return pgw_errorf(err, "08P01", "invalid message format");
    return true;
}

#endif
