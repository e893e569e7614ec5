/* adp_arena: blocks chained newest first; big requests get a block of their own. */
#include "adp_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192

struct adp_arena_block {
    adp_arena_block *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

static adp_arena_block *block_new(size_t size, adp_arena_block *next)
{
    adp_arena_block *b = malloc(sizeof *b + size);
    if (!b) {
        fprintf(stderr, "pgpeek: out of memory allocating %zu bytes\n", size);
        abort();
    }
    b->next = next;
    b->size = size;
    return b;
}

void adp_arena_init(adp_arena *a)
{
    a->head = NULL;
    a->used = 0;
}

void *adp_arena_alloc(adp_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    if (!a->head || a->head->size - a->used < n) {
        if (n > ARENA_BLOCK / 4 && a->head) {
            /* A large request goes behind the head so the head's free space stays usable. */
            adp_arena_block *b = block_new(n, a->head->next);
            a->head->next = b;
            return b->data;
        }
        a->head = block_new(n > ARENA_BLOCK ? n : ARENA_BLOCK, a->head);
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

void *adp_arena_zalloc(adp_arena *a, size_t n)
{
    void *p = adp_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *adp_arena_strndup(adp_arena *a, const char *s, size_t n)
{
    char *p = adp_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *adp_arena_strdup(adp_arena *a, const char *s)
{
    return adp_arena_strndup(a, s, strlen(s));
}

char *adp_arena_sprintf(adp_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = adp_arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void adp_arena_reset(adp_arena *a)
{
    if (!a->head) return;
    adp_arena_block *keep = a->head;
    while (keep->next) {
        adp_arena_block *b = keep->next;
        keep->next = b->next;
        free(b);
    }
    a->used = 0;
}

void adp_arena_free(adp_arena *a)
{
    while (a->head) {
        adp_arena_block *b = a->head;
        a->head = b->next;
        free(b);
    }
    a->used = 0;
}
