/* adp_internal: the adapter's shared internal types (catalog, rows, sessions, undo). */
#ifndef ADP_INTERNAL_H
#define ADP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "adp.h"
#include "adp_arena.h"
#include "adp_async.h"
#include "adp_epoch.h"
#include "adp_settings.h"
#include "adp_value.h"
#include <pg_query/pg_query.pb-c.h>

#define ADP_NAMEDATALEN 64 /* PostgreSQL's NAMEDATALEN: identifiers keep 63 bytes */

/* One column of a table. Owned by its table; immutable after CREATE. */
typedef struct adp_column {
    char name[ADP_NAMEDATALEN];
    adp_type type;
    bool not_null;
    bool has_default;
    adp_value defval; /* heap copy (adp_value_copy_heap) when has_default */
} adp_column;

typedef struct adp_ihash adp_ihash;
typedef struct adp_itree adp_itree;

/* An index recorded in the catalog; unique ones are enforced on write through `hash`,
 * lookups of every index go through `tree` (adp_index_tree.c).
 * Owned by its table; guarded by db->lock. */
typedef struct adp_index {
    char name[ADP_NAMEDATALEN];
    bool unique;
    bool primary;
    int ncols;
    int *cols;                 /* column positions, heap */
    _Atomic(adp_ihash *) hash; /* unique indexes: live rows by key (adp_index.c) */
    adp_itree *tree;           /* current rows in key order, built on the first add */
    bool constraint;           /* made by PRIMARY KEY / UNIQUE: DROP INDEX refuses it */
} adp_index;

#define ADP_TS_INF UINT64_MAX

typedef struct adp_session adp_session;

/* A stored row version: heap memory owned by its table (in its row array from its insert
 * until reclaimed, then retired: adp_epoch.h). `seq` orders rows as PostgreSQL's heap would
 * return them. A version is valid for reads at ts when begin_ts <= ts < end_ts
 * (adp_mvcc.h); while the writing transaction is open, `owner` / `deleter` name its
 * session and only that session sees the change. `seq` and `vals` never change once the
 * row is in its table; the atomic fields change only under db->lock held for writing and
 * are read by lock-free readers too (the order of the stores is in adp_txn.c). */
typedef struct adp_row {
    uint64_t seq;
    _Atomic uint64_t begin_ts; /* commit timestamp of the insert; ADP_TS_INF before */
    _Atomic uint64_t end_ts;   /* commit timestamp of the delete; ADP_TS_INF while current */
    _Atomic(const adp_session *) owner;   /* pending insert: its session, else NULL */
    _Atomic(const adp_session *) deleter; /* pending delete: its session, else NULL */
    _Atomic(struct adp_row *) prev;       /* the version an UPDATE replaced, until reclaimed */
    adp_value vals[];
} adp_row;

/* A table's indexes as readers see them: replaced whole on every change (the old list
 * retired, adp_epoch.h), never changed in place. Heap memory owned by its table. */
typedef struct adp_ixlist {
    int n;
    adp_index *ix[];
} adp_ixlist;

/* The rows of a table in seq order, as lock-free readers see them: a writer appends in
 * place (the slot is written before `n` covers it) and otherwise replaces the whole array,
 * retiring the old one. Heap memory owned by its table. */
typedef struct adp_rowvec {
    size_t cap;
    _Atomic size_t n;
    adp_row *rows[];
} adp_rowvec;

/* A table. Owned by the db (or by an undo entry / the graveyard once dropped); changed
 * under db->lock held for writing; read under it, or without it by fast-path readers,
 * which walk only `vec`, the unique hashes, `cols` and the two counters. */
typedef struct adp_table {
    char name[ADP_NAMEDATALEN];
    adp_db *db; /* set once in the catalog: what it retires waits for readers there */
    uint32_t oid;
    int ncols;
    adp_column *cols;
    _Atomic(struct adp_ixlist *) ixs; /* its indexes (adp_table_ixs), NULL: none */
    _Atomic(adp_rowvec *) vec;        /* every version not yet reclaimed, ordered by seq */
    uint64_t next_seq;
    /* Rows with a pending insert or delete, and rows ended but not yet reclaimed: a unique
     * hash misses a version only while one of these counts it. */
    _Atomic size_t npending;
    _Atomic size_t ndead;
    /* Bumped before a row leaves the unique hashes: a lock-free lookup that missed while
     * it moved sees it change, however quickly a rollback put the row back. */
    _Atomic uint64_t churn;
    size_t reclaim_at; /* ndead that triggers the next reclamation pass */
    /* The commit timestamp of the last committed write, stored before commit_ts: peek
     * caches stay valid while no commit writes the table (adp_peekshare.h). */
    _Atomic uint64_t write_ts;
    /* Per key (adp_cert.h): the last certified commit that wrote a row whose unique key
     * hashes to the bucket (ADP_CERT_KEYS of them, made on first use), and the last one
     * that changed the table other than by rows (DDL). Under the lock that orders commits. */
    uint64_t *kseq;
    uint64_t kall_seq;
    uint64_t cert_seq; /* the last certified commit that wrote it (adp_cert.h; under the
                          lock that orders commits, not db->lock) */
} adp_table;

typedef struct adp_committer adp_committer;

/* The catalog. One per server, shared by every worker thread: `lock` guards tables,
 * rows and the graveyard (a later issue replaces it with multiversion tables). */
struct adp_db {
    pthread_rwlock_t lock;
    adp_epochs epochs;                    /* fast-path readers and the memory retired for them */
    struct adp_peekshare *peekshare;      /* results shared across connections */
    _Atomic(struct adp_tablist *) tables; /* the catalog (adp_cat_tables), NULL: empty */
    adp_table **graveyard; /* dropped tables: undo entries elsewhere may still point here */
    int ngrave, capgrave;
    uint32_t next_oid;
    atomic_uint_fast64_t catalog_version;
    /* The last commit timestamp: raised under `lock` held for writing, read by snapshots. */
    _Atomic uint64_t commit_ts;
    struct adp_system *sys; /* ALTER SYSTEM values (adp_system.h) */
    /* The data directory's log and checkpoints (adp_durable.h); NULL: ephemeral. */
    struct adp_durable *dur;
    uint64_t recovered_ts; /* the highest timestamp recovered at open */
    /* Read holds: the snapshot of every open transaction block (a multiset), so that
     * reclamation keeps the versions they may still read. Changed once per block. */
    pthread_mutex_t holds_mu;
    uint64_t *holds;
    size_t nholds, capholds;
    adp_committer *committer; /* the commit thread (adp_commit.c), NULL: commit inline */
    /* Commits so far, signalled on commit_cv after each: writers that met another
     * transaction's pending change wait here instead of polling. */
    pthread_mutex_t commit_mu;
    pthread_cond_t commit_cv;
    uint64_t commit_gen;
    /* Nonzero from before the commit thread asks for a group's write timestamp until the
     * group is stamped or failed: an oracle read timestamp may cover it meanwhile. */
    _Atomic int committing;
    /* The newest commit whose apply_write finished (changed under holds_mu): an oracle
     * read timestamp asked for later is at least this, so reclamation keeps what a read
     * at or after it may see (adp_holds_min). */
    _Atomic uint64_t applied_ts;
    /* Certification (adp_cert.h): the last sequence number handed out (under the lock
     * that orders commits) and the newest one stamped (stored after commit_ts). */
    uint64_t cert_next;
    _Atomic uint64_t stamped_seq;
};

/* The catalog's tables as readers see them: replaced whole on every CREATE/DROP (the old
 * list retired), never changed in place. Heap memory owned by the db. */
typedef struct adp_tablist {
    int n;
    adp_table *t[];
} adp_tablist;
extern const adp_tablist adp_no_tables;
static inline const adp_tablist *adp_cat_tables(adp_db *db)
{
    const adp_tablist *l = atomic_load_explicit(&db->tables, memory_order_acquire);
    return l ? l : &adp_no_tables;
}

/* --- catalog and table access (adp_catalog.c); callers hold db->lock for writing to
 * change, or read without it inside a reader's epoch --- */
adp_table *adp_cat_find_table(adp_db *db, const char *name);
/* The index called name and its table, or NULL. */
adp_index *adp_cat_find_index(adp_db *db, const char *name, adp_table **table);
bool adp_cat_relation_exists(adp_db *db, const char *name); /* tables and indexes */
void adp_cat_add_table(adp_db *db, adp_table *t);
void adp_cat_remove_table(adp_db *db, adp_table *t); /* unlinks only */
void adp_cat_bury_table(adp_db *db, adp_table *t);   /* to the graveyard, rows freed */
void adp_table_free(adp_table *t);
/* Frees r's values and r (r no longer reachable; retired rows come here through
 * adp_epoch_collect with aux = the table). */
void adp_row_release(void *r, const void *table);
adp_row *adp_row_new(const adp_table *t, const adp_value *vals); /* heap copies */
void adp_row_free(const adp_table *t, adp_row *r);
/* The row array as it is now: under db->lock it stays so; a lock-free reader keeps the
 * one it loaded for its whole read. */
static inline const adp_rowvec *adp_table_rows(const adp_table *t)
{
    return atomic_load_explicit(&t->vec, memory_order_acquire);
}
static inline size_t adp_rowvec_len(const adp_rowvec *v)
{
    return v ? atomic_load_explicit(&v->n, memory_order_acquire) : 0;
}
/* Scans under db->lock go through these two. */
static inline size_t adp_table_count(const adp_table *t)
{
    return adp_rowvec_len(adp_table_rows(t));
}
static inline adp_row *adp_table_row(const adp_table *t, size_t i)
{
    return adp_table_rows(t)->rows[i];
}
extern const adp_ixlist adp_no_indexes;
/* t's indexes now: under db->lock they stay so, a lock-free reader keeps the list it
 * loaded. */
static inline const adp_ixlist *adp_table_ixs(const adp_table *t)
{
    const adp_ixlist *l = atomic_load_explicit(&t->ixs, memory_order_acquire);
    return l ? l : &adp_no_indexes;
}
/* Publish a list with ix appended (filled already), or without ix (false: not there);
 * caller holds db->lock for writing. The old list is retired. */
void adp_table_add_index(adp_table *t, adp_index *ix);
bool adp_table_remove_index(adp_table *t, const adp_index *ix);
/* A row array of capacity cap holding rows[0..n); publishes v as t's rows, retiring the
 * old array (caller holds db->lock for writing). */
adp_rowvec *adp_rowvec_new(size_t cap, adp_row *const *rows, size_t n);
void adp_table_set_rows(adp_table *t, adp_rowvec *v);
/* Appends a new row (its seq assigned). */
void adp_table_append(adp_table *t, adp_row *r);
/* A rolled-back insert: out of the indexes, visible to nobody, and reclaimed with the
 * dead versions (readers may be walking the array: rows are never taken out in place). */
void adp_table_abort_insert(adp_db *db, adp_table *t, adp_row *r);
/* Takes a row out of the unique indexes (a delete: the version stays for readers). */
void adp_table_unindex(adp_table *t, adp_row *r);
/* Puts a row back into the unique indexes (a rolled-back delete). */
void adp_table_reindex(adp_table *t, adp_row *r);
/* The hash of vals' key in index ix; false when a key column is NULL (no key). */
bool adp_index_key_hash(const adp_table *t, const adp_index *ix, const adp_value *vals,
                        uint64_t *h);
/* Unique checks: true when vals collide with a live row other than `self` on index ix. */
adp_row *adp_table_find_dup(adp_table *t, const adp_index *ix, const adp_value *vals,
                            const adp_row *self);

/* --- unique index hashes (adp_index.c); callers hold db->lock --- */
/* The live row other than `self` whose key equals vals' key, or NULL. */
adp_row *adp_index_lookup(const adp_table *t, const adp_index *ix, const adp_value *vals,
                          const adp_row *self);
/* Indexes r; returns the conflicting row instead when its key is taken. */
adp_row *adp_index_add(const adp_table *t, adp_index *ix, adp_row *r);
void adp_index_remove(const adp_table *t, adp_index *ix, const adp_row *r);
/* Both retire what a lock-free reader may hold when t is in the catalog (t->db). */
void adp_index_free(const adp_table *t, adp_index *ix);
void adp_index_clear(const adp_table *t, adp_index *ix); /* drops every entry */

/* --- undo log (adp_txn.c) --- */
typedef enum adp_undo_kind {
    ADP_UNDO_INSERT,     /* row was inserted: rollback unlinks and frees it */
    ADP_UNDO_DELETE,     /* row was unlinked: rollback relinks, commit frees */
    ADP_UNDO_CREATE,     /* table was created: rollback removes it */
    ADP_UNDO_DROP,       /* table was removed: rollback re-adds it, commit buries it */
    ADP_UNDO_INDEX,      /* index appended to table: rollback removes it */
    ADP_UNDO_DROP_INDEX, /* index removed from table: rollback re-adds it, commit frees it */
} adp_undo_kind;

/* One undo entry; owned by the session's undo log. */
typedef struct adp_undo {
    adp_undo_kind kind;
    adp_table *table;
    adp_row *row;
    adp_index *index; /* ADP_UNDO_INDEX */
} adp_undo;

typedef enum adp_txn_state {
    ADP_TXN_IDLE,   /* no block: each statement (or query string) is its own transaction */
    ADP_TXN_BLOCK,  /* inside BEGIN ... */
    ADP_TXN_FAILED, /* a statement failed inside a block */
} adp_txn_state;

typedef struct adp_pcache adp_pcache;
typedef struct adp_ext adp_ext;
typedef struct adp_plancache adp_plancache;

/* A session's place in the commit queue; embedded in the session (no allocation per
 * commit). Owned by the commit thread from enqueue until the session is handed back. */
typedef enum adp_cq_state {
    ADP_CQ_IDLE,
    ADP_CQ_QUEUED, /* in the queue: a chained writer may still join its group */
    ADP_CQ_TAKEN,  /* the commit thread took its group */
} adp_cq_state;

typedef struct adp_commit_req {
    adp_session *s;
    adp_cq_state state; /* under the committer's mu */
    bool async;         /* hand back through the session's inbox; else a waiter on `done` */
    bool done;          /* synchronous waiters: the group finished (under the committer's mu) */
    bool failed;        /* the group failed: the session's changes were rolled back */
    pgw_error err;
    struct adp_commit_req *next;
    orc_req post; /* the hand-back through the worker's inbox */
} adp_commit_req;

/* A session: one client connection, used only by its worker thread. */
struct adp_session {
    adp_db *db;
    adp_arena arena; /* per statement, reset after each */
    char user[ADP_NAMEDATALEN];
    char database[ADP_NAMEDATALEN];
    adp_settings settings;
    adp_settings boot;      /* values after startup: what RESET goes back to */
    adp_settings reported;  /* the values last sent as ParameterStatus */
    adp_settings txn_start; /* settings at BEGIN, restored on ROLLBACK */
    bool txn_settings_saved;
    uint64_t local_mask;      /* settings changed by SET LOCAL in this block */
    adp_settings local_saved; /* their values before SET LOCAL, restored at COMMIT */
    adp_fmt fmt;
    bool settings_dirty; /* settings may differ from `reported` (set by adp_session_sync_fmt) */
    adp_txn_state txn;
    adp_undo *undo;
    size_t nundo, capundo;
    int64_t stmt_now;       /* now() of the current statement/transaction */
    bool now_fixed;         /* inside a block now() stays at the block's start */
    bool read_only;         /* BEGIN READ ONLY / SET TRANSACTION READ ONLY in this block */
    bool in_implicit_block; /* running a query string of several statements */
    adp_pcache *pcache;     /* parse trees of recent query texts (adp_parse.c) */
    /* Extended protocol and prepared statements (adp_ext.c). */
    adp_ext *ext;            /* named and unnamed statements and portals */
    adp_type *ptypes;        /* while planning a statement: its parameter types, else NULL */
    int nptypes, capptypes;  /* nptypes: the highest $n seen (or given) so far */
    bool *pseen;             /* while planning: which $n the statement uses */
    const adp_value *params; /* while executing a bound statement: its parameter values */
    int nparams;
    uint64_t snap_ts;           /* the block's read timestamp once snap_held */
    bool snap_held;             /* snap_ts is registered in db->holds (until COMMIT/ROLLBACK) */
    uint64_t snap_seq;          /* the newest certified commit snap_ts includes (adp_cert.h) */
    uint64_t cert_seq;          /* this session's certified commit, while it is being stamped */
    struct adp_cert_read *rset; /* what the block read: tables, or keys of one (adp_cert.h) */
    uint32_t nrset, caprset;
    const int16_t *rfmt; /* result format codes of the portal being run (0 text, 1 binary) */
    int nrfmt;           /* 0: all text, 1: rfmt[0] for all, else one per column */
    bool skip_rowdesc;   /* Execute: RowDescription belongs to Describe, not here */
    bool plan_only;      /* Parse/Describe: plan, write RowDescription, run nothing */
    bool discard_all;    /* DISCARD ALL ran: drop statements and portals once it is safe */
    /* Finishing later (adp_async.h). All worker-thread state, except creq while queued. */
    adp_pend pend;
    orc *oracle;          /* with inbox: commits go pending, shared-backend reads ask */
    orc_inbox *inbox;     /* the worker's; NULL: commit synchronously, never ask */
    adp_resume_fn resume; /* called on the worker when the pending state may end */
    void *resume_arg;
    bool async_ok;         /* the running statement's commit may finish later */
    bool restore_settings; /* the pending commit's block changed settings (txn_start) */
    adp_commit_req creq;   /* the pending (or waited-for) commit */
    orc_req oreq;          /* the pending read timestamp */
    bool oracle_ts_ready;  /* oracle_ts answers the statement now being (re)run */
    bool oracle_ts_failed; /* ... or the oracle failed it: oracle_err */
    uint64_t oracle_ts;
    char oracle_err[128];
    uint64_t last_commit_ts; /* this session's newest commit (set by whoever stamps it) */
    bool rts_held;           /* rts_hold is registered in db->holds while a read waits */
    uint64_t rts_hold;
    bool may_chain;  /* the running statement commits alone, right after it ends */
    bool chain_next; /* the next Execute may chain (adp_session_chain_next) */
    bool chain_held; /* it wrote on top of a queued commit: the queue waits for it */

    adp_reader *reader;    /* its announcement to writers while it reads without db->lock */
    bool read_lockfree;    /* a read runs inside reader's epoch, not under db->lock */
    uint64_t read_version; /* ... planned and run at this catalog version (adp_read.h) */

    /* The fast path (adp_fastpath.h): its plan cache, made on first use, and the settings
     * generation, bumped by every settings change (adp_session_sync_fmt). */
    adp_plancache *fp;
    uint64_t settings_gen;
};

/* --- read timestamps from the shared oracle (adp_readts.c) --- */
/* Whether stmt needs a read timestamp from the oracle before it runs: strict serializable,
 * a shared oracle backend, a statement that reads a snapshot outside a block or the first
 * one inside it. */
bool adp_readts_needed(const adp_session *s, const PgQuery__Node *stmt);
typedef enum adp_readts_result {
    ADP_READTS_GO,     /* run the statement: its timestamp is there, or none is needed */
    ADP_READTS_WAIT,   /* asked the oracle, s is pending: return without running anything */
    ADP_READTS_FAILED, /* the oracle failed the request: the statement fails with err */
} adp_readts_result;
adp_readts_result adp_readts_wait(adp_session *s, const PgQuery__Node *stmt, pgw_error *err);
/* The same for a SELECT known without a parse tree (a fast path's cached plan): call it
 * before writing anything, return at once on ADP_READTS_WAIT (the message comes again),
 * read at adp_snapshot(s) and call adp_readts_done(s) when the statement is over. */
adp_readts_result adp_readts_wait_select(adp_session *s, pgw_error *err);
/* The common step: ask when `ask`, else report a timestamp (or a failure) waiting. */
adp_readts_result adp_readts_ask(adp_session *s, bool ask, pgw_error *err);
/* The timestamp a statement outside a block reads at (adp_snapshot). */
static inline uint64_t adp_readts_idle(adp_session *s)
{
    if (!s->oracle_ts_ready || s->oracle_ts_failed)
        return atomic_load_explicit(&s->db->commit_ts, memory_order_acquire);
    /* its own last commit may not be applied at the oracle when strings commit inside */
    return s->oracle_ts > s->last_commit_ts ? s->oracle_ts : s->last_commit_ts;
}
/* The statement that used the timestamp is over: the next one asks again. */
void adp_readts_done(adp_session *s);

void adp_undo_push(adp_session *s, adp_undo_kind kind, adp_table *t, adp_row *r);
/* The commit thread's side of a commit (adp_commit.c / adp_txn.c): queue s and wait until
 * its group has been stamped and applied (false with err: the group failed and s's changes
 * were rolled back); stamp s's pending versions with ts; free what no reader needs any
 * more. The last two under db->lock held for writing. */
bool adp_commit_wait(adp_committer *c, adp_session *s, pgw_error *err);
/* Queues s and returns true: the group's end hands s back through s->inbox (s->pend).
 * False with err (40001) when s fails certification (adp_cert.h): nothing was queued and
 * s must roll back. adp_commit_wait fails the same way. */
bool adp_commit_enqueue(adp_committer *c, adp_session *s, pgw_error *err);
void adp_txn_stamp(adp_session *s, uint64_t ts);
/* Hot rows: whether s (a statement that commits alone, s->may_chain) may write on top of
 * the pending change of `owner`: true when owner's commit is queued and its group not yet
 * taken. Then the commit thread takes no group until s has queued its own commit (or
 * rolled back: adp_commit_unchain), so both land in the same group, s after owner, and a
 * failing group undoes s first. Caller holds db->lock for writing. */
bool adp_commit_chain(adp_session *s, const adp_session *owner);
void adp_commit_unchain(adp_session *s);
void adp_txn_reclaim(adp_session *s);
/* After a commit was stamped (db->lock released): wakes adp_commit_wait_next callers. */
void adp_commit_signal(adp_db *db);
/* The current commit generation; then wait until it moves past gen, or timeout_us. */
uint64_t adp_commit_gen(adp_db *db);
void adp_commit_wait_next(adp_db *db, uint64_t gen, long timeout_us);
/* Commit or roll back the session's undo log; caller does NOT hold db->lock. */
/* adp_txn_commit: false (err in s->creq.err) when a synchronous commit failed and was
 * rolled back; an asynchronous one returns true with s->pend set. */
bool adp_txn_commit(adp_session *s);
void adp_txn_rollback(adp_session *s);
/* The rollback itself, caller holds db->lock for writing (the commit thread, failing a
 * group). */
void adp_txn_rollback_locked(adp_session *s);

/* Commits the transaction that just ended (adp_session_txn_end(s, true)); false with err
 * when a synchronous commit failed and was rolled back. With s->async_ok the commit may go
 * pending instead (s->pend), which is success for now. */
bool adp_session_commit(adp_session *s, pgw_error *err);

/* Called before a statement changes settings: ROLLBACK restores what was saved. */
void adp_session_save_settings(adp_session *s);
/* Refreshes s->fmt from the settings. */
void adp_session_sync_fmt(adp_session *s);
/* Whether schema public (the only one) is on the session's search_path. */
bool adp_public_on_path(const adp_session *s);

#endif
