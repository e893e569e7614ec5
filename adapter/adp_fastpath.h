/* adp_fastpath: repeated reads without parsing or planning. A per-session plan cache keyed
 * by the query text (adp_plancache.c), one executor for the plans it can serve
 * (adp_fastpath.c), shared with prepared statements, and per-thread counters for
 * /metrics (adp_fastpath_stats.c). Everything the fast path does not serve falls back to
 * the normal path, which gives the same bytes; the reason is counted. */
#ifndef ADP_FASTPATH_H
#define ADP_FASTPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "adp_plan.h"
#include "pgw_buf.h"

typedef struct orc orc;

/* Why a query did not take the fast path. X(id, label) */
#define ADP_FP_REASONS(X)                                                                          \
    X(DISABLED, "disabled")            /* enable_fast_path off or plan_cache_size 0 */             \
    X(NOT_SELECT, "not_select")        /* not one plain SELECT (or a syntax error) */              \
    X(PLAN_ERROR, "plan_error")        /* planning failed: the normal path reports it */           \
    X(UNSUPPORTED, "unsupported_plan") /* prepared, with parameters: grouping, ORDER BY... */      \
    X(VOLATILE, "volatile")            /* now(), 'now', 'today': not the same answer twice */      \
    X(TXN_FAILED, "txn_failed")        /* inside a failed block: the normal path answers 25P02 */  \
    X(EXEC_ERROR, "exec_error")        /* evaluation failed: the normal path reports it */         \
    X(CATALOG_RACE, "catalog_race")    /* DDL changed the catalog while planning */                \
    X(SHARED_ORACLE, "shared_oracle")  /* strict read with a shared oracle: asks it first */       \
    X(TOO_LONG, "too_long")            /* texts over ADP_FP_MAX_TEXT bytes are not kept */

typedef enum adp_fp_reason {
#define ADP_FP_X(id, label) ADP_FP_R_##id,
    ADP_FP_REASONS(ADP_FP_X)
#undef ADP_FP_X
        ADP_FP_R_COUNT_
} adp_fp_reason;

/* What the executor needs of a SELECT it can serve, beyond the plan: per output column,
 * the input column it copies (or -1: an expression), and whether any target can fail.
 * Lives in the arena of the plan it describes (plan cache entry or prepared statement). */
typedef struct adp_fp_plan {
    const adp_select_plan *pl;
    /* general: a shape the fast executor lacks (grouping, ORDER BY...), run by the normal
     * executor without parse or plan, and peek-cached; the fields below are unused */
    bool general;
    const char *sql;        /* the planned text (error positions) */
    int16_t *colsrc;        /* ntargets entries */
    bool exprs;             /* some target is not a plain column */
    bool plain;             /* every target a text or integer column: rows encoded inline */
    uint8_t *kind;          /* plain: per target 't' text, 'i' integer */
    const pgw_buf *rowdesc; /* RowDescription with text formats (nrfmt 0), owned elsewhere */
    /* its result depends on the table and the settings only: one table, plain column
     * targets, no function calls (adp_peekshare.h) */
    bool sharable;
} adp_fp_plan;

/* The peek cache of one plan: its DataRows and CommandComplete from the last run, valid for
 * reads at `ts` (no commit since: db->commit_ts still equals it). Owned with the plan. */
typedef struct adp_peek {
    pgw_buf rows;
    uint64_t ts;
    bool valid;
} adp_peek;

/* Whether plan pl can be served by adp_fp_exec; else the reason. sql is the text it was
 * planned from (literals such as 'now' make a plan that must not be reused). */
bool adp_fp_eligible(const adp_select_plan *pl, const char *sql, size_t len, adp_fp_reason *why);
/* Whether a plan the fast executor cannot run still gives the same answer at the same
 * timestamp (nothing reads the clock): it may then be kept, run by the normal executor and
 * peek-cached. */
bool adp_fp_deterministic(const adp_select_plan *pl, const char *sql, size_t len);
/* Fills f for an eligible (or, with general, a deterministic) plan, in arena a. */
void adp_fp_describe(adp_fp_plan *f, const adp_select_plan *pl, const pgw_buf *rowdesc,
                     adp_arena *a, bool general, const char *sql);
/* Runs f: RowDescription (unless s->skip_rowdesc), DataRows, CommandComplete, appended to
 * out; *read_ts (when not NULL) is the timestamp the rows were read at. Caller holds
 * db->lock for reading and has checked the catalog version. False (out untouched, error
 * dropped) when evaluation failed: the caller runs the normal path. */
bool adp_fp_exec(adp_session *s, const adp_fp_plan *f, pgw_buf *out, uint64_t *read_ts);

/* How a hit was served. X(id, label) */
#define ADP_FP_SERVED(X)                                                                           \
    X(EXECUTOR, "executor") /* the fast executor: rows read and encoded, without db->lock */       \
    X(LOCKED,                                                                                      \
      "executor_locked")     /* the same under db->lock: an oracle timestamp ahead of commits */   \
    X(PEEK, "peek")          /* the peek cache: the last run's bytes */                            \
    X(SHARED, "peek_shared") /* the shared peek cache: another connection's run */                 \
    X(GENERAL, "general")    /* a kept plan run by the normal executor */

typedef enum adp_fp_served {
#define ADP_FP_X(id, label) ADP_FP_S_##id,
    ADP_FP_SERVED(ADP_FP_X)
#undef ADP_FP_X
        ADP_FP_S_COUNT_
} adp_fp_served;

/* Runs f, planned at catalog version `version`, from the peek cache when it can (peek not
 * NULL: no parameters; budget: the session's peek bytes, or NULL), else under db->lock.
 * True with *how; false with *why: nothing written, the caller runs the normal path. */
bool adp_fp_run(adp_session *s, const adp_fp_plan *f, uint64_t version, adp_peek *peek,
                size_t *budget, pgw_buf *out, adp_fp_served *how, adp_fp_reason *why);

/* --- the simple-protocol hook (adp_fastpath.c) --- */
/* Serves a simple Query from the session's plan cache, planning and caching it on a miss.
 * True: handled (every message but ReadyForQuery written, the query succeeded). False:
 * nothing written, the caller runs the normal path. */
bool adp_fastpath_query(adp_session *s, const char *sql, size_t len, pgw_buf *out);
void adp_fastpath_free(adp_session *s);
/* enable_fast_path is on and plan_cache_size above 0 (read again after SET). */
bool adp_fastpath_enabled(adp_session *s);

/* --- the per-session plan cache (adp_plancache.c) --- */
/* One cached query text: a plan the fast path serves, or a remembered reason it cannot
 * (so that ineligible texts cost a lookup, not a parse). Owned by its session's cache. */
typedef struct adp_pc_entry {
    uint64_t hash;
    char *sql;
    size_t len;
    struct adp_pc_entry *hnext;        /* bucket chain */
    struct adp_pc_entry *prev, *next;  /* LRU list, most recent first */
    uint64_t catalog_version;          /* valid while db->catalog_version equals it */
    uint64_t settings_gen;             /* ... and s->settings_gen */
    adp_fp_reason reason;              /* when plan is NULL */
    struct PgQuery__ParseResult *tree; /* owned: plans point into it (names) */
    adp_arena arena;                   /* plan memory */
    adp_fp_plan fast;                  /* fast.pl NULL: not servable */
    pgw_buf rowdesc;
    adp_peek peek;
} adp_pc_entry;

/* The session's cache. Session thread only. */
typedef struct adp_plancache {
    adp_pc_entry **buckets;
    size_t nbuckets; /* power of two */
    size_t n, cap;   /* entries, plan_cache_size */
    adp_pc_entry *lru_head, *lru_tail;
    uint64_t settings_gen; /* of the values below */
    bool enabled;
    bool peek;             /* enable_peek_cache */
    bool shared;           /* enable_shared_peek_cache */
    uint64_t settings_key; /* the output settings, for shared entries' keys */
    size_t peek_bytes;     /* held by entries' rows, at most ADP_PEEK_SESSION_BYTES */
} adp_plancache;

/* The longest query text the plan cache keeps. */
#define ADP_FP_MAX_TEXT (64u << 10)
/* Peek cache bounds: per session, and the largest result kept. */
#define ADP_PEEK_SESSION_BYTES (1u << 20)
#define ADP_PEEK_RESULT_BYTES (256u << 10)

uint64_t adp_pc_hash(const char *sql, size_t len);
/* The entry for this text, moved to the front of the LRU list; NULL when none. */
adp_pc_entry *adp_pc_find(adp_plancache *pc, uint64_t hash, const char *sql, size_t len);
/* A new entry for the text, kept NUL-terminated (evicting the least recently used past cap), at the
 * front. */
adp_pc_entry *adp_pc_insert(adp_plancache *pc, uint64_t hash, const char *sql, size_t len);
void adp_pc_remove(adp_plancache *pc, adp_pc_entry *e);
void adp_pc_clear(adp_plancache *pc);
void adp_pc_resize(adp_plancache *pc, size_t cap);
void adp_pc_free(adp_plancache *pc);

/* --- counters (adp_fastpath_stats.c): per thread, summed when /metrics is scraped --- */
void adp_fp_count_hit(uint64_t start_ticks, adp_fp_served how);
void adp_fp_count_miss(void);
void adp_fp_count_fallback(adp_fp_reason r);
uint64_t adp_fp_ticks(void);
/* Totals over every thread so far (tests). */
typedef struct adp_fp_totals {
    uint64_t hits, misses, fallbacks[ADP_FP_R_COUNT_];
    uint64_t served[ADP_FP_S_COUNT_]; /* hits by how they were served */
} adp_fp_totals;
void adp_fp_totals_get(adp_fp_totals *t);
/* Appends the Prometheus text of the counters and the server-time histogram. */
void adp_fastpath_metrics(pgw_buf *out);

#endif
