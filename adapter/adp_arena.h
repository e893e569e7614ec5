/* adp_arena: a bump allocator for everything a statement allocates, freed at once. */
#ifndef ADP_ARENA_H
#define ADP_ARENA_H

#include <stddef.h>

typedef struct adp_arena_block adp_arena_block;

/* Owned by one session (one worker thread); reset after every statement. Allocation
 * failure aborts: a statement cannot continue without memory. */
typedef struct adp_arena {
    adp_arena_block *head;
    size_t used; /* bytes used in head */
} adp_arena;

void adp_arena_init(adp_arena *a);
/* 16-byte aligned, never NULL. */
void *adp_arena_alloc(adp_arena *a, size_t n);
void *adp_arena_zalloc(adp_arena *a, size_t n);
char *adp_arena_strndup(adp_arena *a, const char *s, size_t n);
char *adp_arena_strdup(adp_arena *a, const char *s);
char *adp_arena_sprintf(adp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees every block but the first, so a steady workload allocates nothing. */
void adp_arena_reset(adp_arena *a);
void adp_arena_free(adp_arena *a);

#endif
