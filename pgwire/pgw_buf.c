/* pgw_buf: growth and consumption of the message builder's buffer. */
#include "pgw_buf.h"

#include <stdlib.h>

void pgw_buf_init(pgw_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->msg_start = SIZE_MAX;
    b->failed = false;
}

void pgw_buf_free(pgw_buf *b)
{
    free(b->data);
    pgw_buf_init(b);
}

bool pgw_buf_grow(pgw_buf *b, size_t extra)
{
    if (b->failed) return false;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void pgw_buf_consume(pgw_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}
