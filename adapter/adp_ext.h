/* adp_ext: prepared statements and portals inside the adapter (SQL PREPARE, EXECUTE,
 * DEALLOCATE, DISCARD ALL) and the pg_type query drivers send at connect. */
#ifndef ADP_EXT_H
#define ADP_EXT_H

#include "adp_analyze.h"
#include "adp_fastpath.h"

/* Session statements (adp_ext.c) and portals (adp_portal.c). */
typedef struct adp_portal adp_portal;

/* A prepared statement. Owned by the session's adp_ext list (one reference) and by each
 * portal made from it (one reference each); session thread only. */
typedef struct adp_prepared {
    struct adp_prepared *next;
    char *name;
    char *sql;                  /* NUL-terminated; error positions are offsets into it */
    PgQuery__ParseResult *tree; /* Parse: the owned tree, else NULL */
    PgQuery__Node *copy;        /* SQL PREPARE: an owned deep copy of the statement */
    PgQuery__Node *stmt;        /* the statement; NULL for an empty query */
    bool pgtype;                /* the canned pg_type query (adp_pgtype.c) */
    size_t len;                 /* of sql */
    int noids;                  /* the parameter types Parse gave (to reuse the statement) */
    uint32_t *oids;
    adp_fmt fmt; /* the settings literals were converted with at analysis */
    int nparams;
    adp_type *ptypes; /* heap, nparams entries */
    int refs;
    uint64_t version; /* catalog version the analysis below was made at */
    adp_arena arena;  /* memory of the plan */
    /* The plan, reused while `version` is current: plan_kind 'S' adp_select_plan,
     * 'I' adp_insert_plan, 'M' adp_modify_plan (UPDATE/DELETE); 0 none (others). */
    char plan_kind;
    const void *plan;
    pgw_buf rowdesc; /* RowDescription with text formats; empty: NoData */
    pgw_buf shape;   /* the RowDescription of the first analysis: clients rely on it */
    bool shaped;
    uint64_t settings_gen;  /* s->settings_gen at analysis: a SET (search_path...) re-plans */
    adp_fp_plan *fast;      /* a SELECT the fast path runs (in `arena`), else NULL and ... */
    adp_fp_reason fast_why; /* ... why not */
    adp_peek peek;          /* fast, without parameters: the last run's rows */
} adp_prepared;

/* The session's statements and portals (linked lists: sessions hold a handful). */
#define ADP_UNNAMED_KEPT 8
struct adp_ext {
    adp_prepared *stmts;
    adp_portal *portals;
    adp_portal *spare; /* one freed portal kept for the next Bind (its arena block too) */
    /* Unnamed statements replaced by a Parse of another text, most recent first: drivers
     * alternate a few texts on the unnamed statement, and one parsed again is taken back
     * from here instead of being parsed and planned again. */
    adp_prepared *kept[ADP_UNNAMED_KEPT];
};

/* --- statements (adp_ext.c) --- */
adp_ext *adp_ps_ext(adp_session *s); /* the session's lists, made on first use */
char *adp_ps_strdup(const char *p, size_t n);
/* The slot holding the statement called name (*slot NULL when there is none). */
adp_prepared **adp_ps_find(adp_session *s, const char *name);
void adp_ps_drop(adp_prepared **slot);
void adp_ps_release(adp_prepared *ps); /* drops one reference */
/* Analyzes again (after DDL): parameter types, RowDescription, a SELECT's plan. */
bool adp_ps_analyze(adp_session *s, adp_prepared *ps, pgw_error *err);
/* In a failed block, anything but COMMIT/ROLLBACK is 25P02 (err set, true returned). */
bool adp_ps_failed_block(adp_session *s, const adp_prepared *ps, pgw_error *err);
/* Runs ps with the session's parameters and result formats (s->params, s->rfmt). */
bool adp_ps_run(adp_session *s, adp_prepared *ps, pgw_buf *out, pgw_error *err);

/* --- portals (adp_portal.c) --- */
/* Frees every portal (destroy_spare: the kept spare as well, at session end). */
void adp_portals_drop(adp_session *s, bool destroy_spare);

bool adp_ext_sql_prepare(adp_pctx *p, PgQuery__PrepareStmt *st, pgw_buf *out);
bool adp_ext_sql_execute(adp_pctx *p, PgQuery__ExecuteStmt *st, pgw_buf *out);
bool adp_ext_sql_deallocate(adp_pctx *p, PgQuery__DeallocateStmt *st, pgw_buf *out);
/* DISCARD ALL's second half: drops every statement and portal (after the statement). */
void adp_ext_discard(adp_session *s);
void adp_ext_free(adp_session *s);

/* Session helpers shared with adp_session.c. */
void adp_session_txn_end(adp_session *s, bool commit);
/* A failed statement: a block becomes failed, an implicit transaction is rolled back. */
void adp_session_abort(adp_session *s);
bool adp_session_is_txn_end(const PgQuery__Node *n);
/* Runs one statement with the failed-block rule (25P02) and transaction control. */
bool adp_session_run_one(adp_session *s, const char *sql, PgQuery__Node *stmt, pgw_buf *out,
                         pgw_error *err);
void adp_session_report_changed(adp_session *s, pgw_buf *out);

/* The array-types query node's `postgres` package sends at connect (adp_pgtype.c):
 * whitespace-insensitive match of its exact text. */
bool adp_pgtype_match(const char *sql, size_t len);
/* Its RowDescription (unless skip_rowdesc) and rows, in the session's result formats. */
void adp_pgtype_run(adp_session *s, pgw_buf *out, bool rowdesc_only);

#endif
