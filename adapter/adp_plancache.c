/* adp_plancache: the per-session plan cache: query texts hashed with XXH3-64 (the text is
 * compared on a hit), chained buckets, LRU order, at most plan_cache_size entries. Only
 * inserts allocate; a hit moves one entry to the front of the list. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "adp_fastpath.h"
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

uint64_t adp_pc_hash(const char *sql, size_t len)
{
    return XXH3_64bits(sql, len);
}

static void lru_unlink(adp_plancache *pc, adp_pc_entry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        pc->lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        pc->lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(adp_plancache *pc, adp_pc_entry *e)
{
    e->prev = NULL;
    e->next = pc->lru_head;
    if (pc->lru_head) pc->lru_head->prev = e;
    pc->lru_head = e;
    if (!pc->lru_tail) pc->lru_tail = e;
}

adp_pc_entry *adp_pc_find(adp_plancache *pc, uint64_t hash, const char *sql, size_t len)
{
    if (!pc->nbuckets) return NULL;
    for (adp_pc_entry *e = pc->buckets[hash & (pc->nbuckets - 1)]; e; e = e->hnext)
        if (e->hash == hash && e->len == len && memcmp(e->sql, sql, len) == 0) {
            if (pc->lru_head != e) {
                lru_unlink(pc, e);
                lru_push_front(pc, e);
            }
            return e;
        }
    return NULL;
}

static void entry_free(adp_plancache *pc, adp_pc_entry *e)
{
    pc->peek_bytes -= e->peek.rows.cap;
    pgw_buf_free(&e->peek.rows);
    if (e->tree) pg_query__parse_result__free_unpacked(e->tree, NULL);
    adp_arena_free(&e->arena);
    pgw_buf_free(&e->rowdesc);
    free(e->sql);
    free(e);
}

void adp_pc_remove(adp_plancache *pc, adp_pc_entry *e)
{
    adp_pc_entry **pp = &pc->buckets[e->hash & (pc->nbuckets - 1)];
    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(pc, e);
    pc->n--;
    entry_free(pc, e);
}

/* Buckets: twice the capacity, so chains stay about half an entry long. */
static void rehash(adp_plancache *pc, size_t nb)
{
    adp_pc_entry **b = calloc(nb, sizeof *b);
    if (!b) abort();
    for (adp_pc_entry *e = pc->lru_head; e; e = e->next) {
        size_t i = e->hash & (nb - 1);
        e->hnext = b[i];
        b[i] = e;
    }
    free(pc->buckets);
    pc->buckets = b;
    pc->nbuckets = nb;
}

adp_pc_entry *adp_pc_insert(adp_plancache *pc, uint64_t hash, const char *sql, size_t len)
{
    while (pc->n >= pc->cap && pc->lru_tail)
        adp_pc_remove(pc, pc->lru_tail);
    size_t want = 16;
    while (want < pc->cap * 2)
        want *= 2;
    if (pc->nbuckets < want) rehash(pc, want);
    adp_pc_entry *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->hash = hash;
    e->sql = malloc(len + 1);
    if (!e->sql) abort();
    memcpy(e->sql, sql, len);
    e->sql[len] = 0;
    e->len = len;
    adp_arena_init(&e->arena);
    pgw_buf_init(&e->rowdesc);
    pgw_buf_init(&e->peek.rows);
    size_t i = hash & (pc->nbuckets - 1);
    e->hnext = pc->buckets[i];
    pc->buckets[i] = e;
    lru_push_front(pc, e);
    pc->n++;
    return e;
}

void adp_pc_clear(adp_plancache *pc)
{
    while (pc->lru_head)
        adp_pc_remove(pc, pc->lru_head);
}

void adp_pc_resize(adp_plancache *pc, size_t cap)
{
    pc->cap = cap;
    while (pc->n > cap && pc->lru_tail)
        adp_pc_remove(pc, pc->lru_tail);
}

void adp_pc_free(adp_plancache *pc)
{
    adp_pc_clear(pc);
    free(pc->buckets);
    pc->buckets = NULL;
    pc->nbuckets = 0;
}
