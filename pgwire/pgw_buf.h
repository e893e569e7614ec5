/* pgw_buf: a growable byte buffer and PostgreSQL message builder (length back-patched). */
#ifndef PGW_BUF_H
#define PGW_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Owned by one connection or one statement, used by one thread at a time.
 * Allocation failure sets the sticky `failed` flag; writers keep going as no-ops and the
 * owner checks `failed` once before sending, as pgbouncer's PktBuf does. */
typedef struct pgw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t msg_start; /* offset of the open message's type byte, SIZE_MAX if none */
    bool failed;
} pgw_buf;

void pgw_buf_init(pgw_buf *b);
void pgw_buf_free(pgw_buf *b);
/* Drops the contents, keeps the allocation. */
static inline void pgw_buf_reset(pgw_buf *b)
{
    b->len = 0;
    b->msg_start = SIZE_MAX;
    b->failed = false;
}
/* Makes room for `extra` more bytes; false (and `failed` set) if memory ran out. */
bool pgw_buf_grow(pgw_buf *b, size_t extra);
static inline bool pgw_buf_reserve(pgw_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra) return !b->failed;
    return pgw_buf_grow(b, extra);
}
/* Drops `n` bytes from the front (after a partial send). */
void pgw_buf_consume(pgw_buf *b, size_t n);

static inline void pgw_buf_put(pgw_buf *b, const void *p, size_t n)
{
    if (!pgw_buf_reserve(b, n)) return;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
}
static inline void pgw_buf_put_u8(pgw_buf *b, uint8_t v)
{
    pgw_buf_put(b, &v, 1);
}
static inline void pgw_buf_put_i16(pgw_buf *b, int16_t v)
{
    uint8_t x[2] = {(uint8_t)((uint16_t)v >> 8), (uint8_t)v};
    pgw_buf_put(b, x, 2);
}
static inline void pgw_buf_put_i32(pgw_buf *b, int32_t v)
{
    uint32_t u = (uint32_t)v;
    uint8_t x[4] = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
    pgw_buf_put(b, x, 4);
}
/* Writes the string and its terminating NUL. */
static inline void pgw_buf_put_cstr(pgw_buf *b, const char *s)
{
    pgw_buf_put(b, s, strlen(s) + 1);
}
static inline void pgw_buf_put_str(pgw_buf *b, const char *s)
{
    pgw_buf_put(b, s, strlen(s));
}

static inline void pgw_buf_patch_i32(pgw_buf *b, size_t at, int32_t v)
{
    if (b->failed) return;
    uint32_t u = (uint32_t)v;
    b->data[at] = (char)(u >> 24);
    b->data[at + 1] = (char)(u >> 16);
    b->data[at + 2] = (char)(u >> 8);
    b->data[at + 3] = (char)u;
}

/* Opens a backend message: type byte plus a length placeholder. */
static inline void pgw_buf_begin_msg(pgw_buf *b, char type)
{
    b->msg_start = b->len;
    pgw_buf_put_u8(b, (uint8_t)type);
    pgw_buf_put_i32(b, 0);
}
/* Closes the open message by back-patching its length. */
static inline void pgw_buf_end_msg(pgw_buf *b)
{
    pgw_buf_patch_i32(b, b->msg_start + 1, (int32_t)(b->len - b->msg_start - 1));
    b->msg_start = SIZE_MAX;
}

/* A DataRow field whose length is known only after writing it: begin returns the
 * offset of the length word, end back-patches it. */
static inline size_t pgw_buf_begin_field(pgw_buf *b)
{
    size_t at = b->len;
    pgw_buf_put_i32(b, 0);
    return at;
}
static inline void pgw_buf_end_field(pgw_buf *b, size_t at)
{
    pgw_buf_patch_i32(b, at, (int32_t)(b->len - at - 4));
}

#endif
