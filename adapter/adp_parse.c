/* adp_parse: libpg_query invocation with a small per-session cache of parse trees, so a
 * repeated query text skips libpg_query's parse, protobuf packing and unpacking (about
 * 100k instructions for SELECT * FROM t). Trees are read-only after unpacking. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "adp_exec.h"

#define PCACHE_SLOTS 16
#define PCACHE_MAX_TEXT 1024 /* longer texts (bulk INSERTs) are parsed each time */

/* One cached tree. Owned by the session's cache. */
typedef struct pcache_entry {
    uint64_t hash;
    uint64_t used; /* LRU tick */
    char *sql;
    size_t len;
    PgQuery__ParseResult *tree;
} pcache_entry;

/* Per-session cache; used only by the session's worker thread. */
struct adp_pcache {
    uint64_t tick;
    pcache_entry e[PCACHE_SLOTS];
};

static PgQuery__ParseResult *parse(const char *sql, pgw_error *err)
{
    PgQueryProtobufParseResult res = pg_query_parse_protobuf(sql);
    PgQuery__ParseResult *tree = NULL;
    if (res.error) {
        pgw_errorf(err, "42601", "%s", res.error->message);
        err->position = res.error->cursorpos;
    } else {
        tree = pg_query__parse_result__unpack(NULL, res.parse_tree.len,
                                              (const uint8_t *)res.parse_tree.data);
        if (!tree) pgw_errorf(err, "XX000", "could not decode the parse tree");
    }
    pg_query_free_protobuf_parse_result(res);
    return tree;
}

PgQuery__ParseResult *adp_parse(adp_session *s, const char *sql, size_t len, bool *cached,
                                pgw_error *err)
{
    *cached = false;
    if (len > PCACHE_MAX_TEXT) return parse(sql, err);
    if (!s->pcache) {
        s->pcache = calloc(1, sizeof *s->pcache);
        if (!s->pcache) abort();
    }
    adp_pcache *c = s->pcache;
    uint64_t h = XXH3_64bits(sql, len);
    pcache_entry *victim = &c->e[0];
    for (int i = 0; i < PCACHE_SLOTS; i++) {
        pcache_entry *e = &c->e[i];
        if (e->tree && e->hash == h && e->len == len && memcmp(e->sql, sql, len) == 0) {
            e->used = ++c->tick;
            *cached = true;
            return e->tree;
        }
        if (!e->tree || (victim->tree && e->used < victim->used)) victim = e;
    }
    PgQuery__ParseResult *tree = parse(sql, err);
    if (!tree) return NULL;
    if (victim->tree) {
        pg_query__parse_result__free_unpacked(victim->tree, NULL);
        free(victim->sql);
    }
    victim->sql = malloc(len + 1);
    if (!victim->sql) abort();
    memcpy(victim->sql, sql, len + 1);
    victim->len = len;
    victim->hash = h;
    victim->tree = tree;
    victim->used = ++c->tick;
    *cached = true;
    return tree;
}

void adp_parse_release(PgQuery__ParseResult *tree, bool cached)
{
    if (tree && !cached) pg_query__parse_result__free_unpacked(tree, NULL);
}

void adp_parse_cache_free(adp_session *s)
{
    if (!s->pcache) return;
    for (int i = 0; i < PCACHE_SLOTS; i++)
        if (s->pcache->e[i].tree) {
            pg_query__parse_result__free_unpacked(s->pcache->e[i].tree, NULL);
            free(s->pcache->e[i].sql);
        }
    free(s->pcache);
    s->pcache = NULL;
}
