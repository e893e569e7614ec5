/* adp_durable_int: what the durable layer's files share (adp_durable.c start-up and the
 * commit hook, adp_wal_encode.c payloads, adp_wal_replay.c recovery, adp_checkpointer.c).
 * Not for the rest of the adapter: adp_durable.h is the API. */
#ifndef ADP_DURABLE_INT_H
#define ADP_DURABLE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "adp_ckpt.h"
#include "adp_datadir.h"
#include "adp_durable.h"
#include "adp_internal.h"
#include "adp_wal.h"
#include "adp_wal_codec.h"

/* The one record kind: a committed transaction (one per session of a group). */
#define ADP_DUR_REC_TXN 1
/* Payload and checkpoint chunk format version. */
#define ADP_DUR_VERSION 1

/* Operations inside a transaction record, in the order the transaction made them; each
 * is u8 op, u32 table oid, u32 body length, then the body: */
enum {
    ADP_DUR_OP_INSERT = 1,     /* u64 seq, row values */
    ADP_DUR_OP_DELETE = 2,     /* u64 seq */
    ADP_DUR_OP_CREATE = 3,     /* table definition (columns, indexes made with it) */
    ADP_DUR_OP_DROP = 4,       /* nothing */
    ADP_DUR_OP_INDEX = 5,      /* index definition */
    ADP_DUR_OP_DROP_INDEX = 6, /* str name */
};

/* Recovery: operations on a table whose CREATE is later in the log, applied when it comes
 * (dropped at the end if it never does: its creator rolled back, taking them along).
 * Owned by the adp_durable during replay only. */
typedef struct adp_dur_deferred {
    uint64_t ts;
    uint8_t op;
    uint32_t oid;
    uint8_t *body;
    uint32_t len;
} adp_dur_deferred;

/* Checkpoint body chunks: u32 length, then a codec payload starting with one of these. */
enum {
    ADP_DUR_CK_HEAD = 1,  /* u64 next_oid */
    ADP_DUR_CK_TABLE = 2, /* table definition */
    ADP_DUR_CK_ROWS = 3,  /* u32 oid, u32 n, n x (u64 seq, values) */
    ADP_DUR_CK_END = 4,
    ADP_DUR_CK_ORPHAN = 5, /* a table definition whose CREATE had not committed at the cut */
};

/* A committed index definition, as the committed catalog knows it; owned by its dur_rel. */
typedef struct adp_dur_ix {
    char name[ADP_NAMEDATALEN];
    bool unique, primary, constraint;
    int ncols;
    int *cols; /* heap */
} adp_dur_ix;

/* A committed table: the catalog as of the last logged group (pending DDL of open
 * transactions is in db->tables already, so checkpoints cannot use that). Owned by the
 * adp_durable; changed by the commit thread under append_mu. `t` stays allocated until
 * adp_db_close (dropped tables go to the graveyard). */
typedef struct adp_dur_rel {
    uint32_t oid;
    adp_table *t;
    int nix;
    adp_dur_ix *ix;
} adp_dur_rel;

/* The committed catalog (a value type with heap arrays). */
typedef struct adp_dur_cat {
    adp_dur_rel *rels;
    int nrels, caprels;
} adp_dur_cat;

/* A checkpoint in progress: owned by the checkpointer thread. */
typedef struct adp_dur_job {
    adp_ckpt_mark mark;
    adp_dur_cat cat;     /* copy of the committed catalog at mark.ts */
    adp_dur_cat orphans; /* copy of the orphans at mark.ts */
    uint64_t rows;       /* rows written */
    adp_walw buf;        /* chunk buffer */
} adp_dur_job;

/* The durable state of one adp_db (db->dur). Opened by adp_db_open, closed by adp_db_close.
 * append_mu: the log appends, the committed catalog and the checkpoint cut; ck_mu: the
 * checkpointer's triggers and results. */
struct adp_durable {
    adp_db *db;
    adp_datadir *dd;
    adp_wal *wal;
    pthread_mutex_t append_mu;
    adp_dur_cat cat;
    adp_dur_cat orphans; /* indexes committed on tables whose CREATE has not committed */
    /* Tables whose DROP committed since the cut (their rows are freed at the drop's
     * stamping): the checkpoint stops reading them, the log after the cut drops them. */
    pthread_mutex_t drop_mu;
    uint32_t *dropped;
    size_t ndropped, capdropped;
    bool track_drops;
    adp_walw *bufs; /* one payload buffer per session of a group (commit thread) */
    size_t nbufs;
    adp_wal_rec *recs;
    /* the cut: the checkpointer asks, the commit thread (or the checkpointer when no group
     * is between append and publish) makes it */
    bool cut_wanted, cut_done;
    pthread_cond_t cut_cv;
    adp_dur_job job;
    adp_dur_deferred *deferred; /* recovery only */
    size_t ndeferred, capdeferred;
    uint64_t loaded_rows;   /* recovery: rows read from the checkpoint */
    uint64_t replayed;      /* log records the start replayed; 0 once a checkpoint covers
                             * them (the checkpointer thread's, or shutdown's after it) */
    adp_table **ck_orphans; /* recovery only: checkpoint tables waiting for their CREATE */
    size_t nck_orphans;
    adp_wal_status job_status; /* the cut's */
    char job_err[256];         /* else why */
    /* the checkpointer */
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t ck_mu;
    pthread_cond_t ck_cv;      /* wakes the checkpointer: request, size, stop */
    pthread_cond_t ck_done_cv; /* a checkpoint finished (CHECKPOINT waits) */
    bool stop;
    _Atomic bool stopping;             /* set before `stop`: a checkpoint being written gives up */
    uint64_t requested, completed_req; /* CHECKPOINT requests: asked, served */
    adp_ckpt_wait *waiters;            /* posted requests not handed back yet */
    char last_err[256];                /* the last failed checkpoint's message */
    adp_wal_status last_status;        /* the last checkpoint's */
    _Atomic uint64_t ck_interval_ms, ck_log_bytes; /* read by the commit thread without ck_mu */
    uint64_t ck_failed;
    uint64_t ck_last_rows, ck_last_ms;
};

/* --- encoding (adp_wal_encode.c) --- */
void adp_dur_put_value(adp_walw *w, adp_type_id t, const adp_value *v);
bool adp_dur_get_value(adp_walr *r, adp_type_id t, adp_value *v);
/* Table definition: oid, name, columns (with defaults), the given indexes. */
void adp_dur_put_table(adp_walw *w, const adp_table *t, const adp_dur_ix *ix, int nix);
void adp_dur_put_ix(adp_walw *w, const adp_dur_ix *ix);
/* Encodes s's undo log as one transaction record into w. */
void adp_dur_encode_txn(adp_walw *w, const adp_session *s);
/* After the group is durable: applies s's catalog changes to the committed catalog. */
void adp_dur_cat_commit(struct adp_durable *d, const adp_session *s);

/* --- the committed catalog (adp_wal_encode.c) --- */
adp_dur_rel *adp_dur_cat_find(adp_dur_cat *c, uint32_t oid);
adp_dur_rel *adp_dur_cat_add(adp_dur_cat *c, uint32_t oid, adp_table *t);
void adp_dur_cat_drop(adp_dur_cat *c, uint32_t oid);
void adp_dur_rel_add_ix(adp_dur_rel *r, const adp_index *ix);
void adp_dur_rel_add_ixdef(adp_dur_rel *r, const adp_dur_ix *def);
void adp_dur_rel_drop_ix(adp_dur_rel *r, const char *name);
bool adp_dur_cat_copy(adp_dur_cat *dst, const adp_dur_cat *src);
void adp_dur_cat_free(adp_dur_cat *c);

/* --- recovery (adp_wal_replay.c), single-threaded at start-up --- */
bool adp_dur_replay_record(void *arg, uint64_t ts, uint8_t kind, const uint8_t *payload,
                           uint32_t len, char *err, size_t errlen);
/* Frees what replay deferred (after adp_wal_open, success or not). */
void adp_dur_replay_end(struct adp_durable *d);
bool adp_dur_load_checkpoint(struct adp_durable *d, adp_ckpt_in *in, uint64_t ts, char *err,
                             size_t errlen);

/* --- row access by seq (adp_catalog.c) --- */
/* Recovery: puts r (its seq set) in seq order, no index upkeep. */
void adp_table_insert_seq(adp_table *t, adp_row *r);
/* Recovery: takes the row with seq out (no index upkeep); NULL when there is none. */
adp_row *adp_table_take_seq(adp_table *t, uint64_t seq);
/* The position of the first row with a seq >= seq (caller holds db->lock). */
size_t adp_table_seq_pos(const adp_table *t, uint64_t seq);

/* --- checkpointer (adp_checkpointer.c) --- */
/* Commit thread, after a group with DROP TABLE of oid was logged. */
void adp_dur_note_drop(struct adp_durable *d, uint32_t oid);
bool adp_dur_checkpointer_start(struct adp_durable *d, char *err, size_t errlen);
/* Stops the checkpointer thread; `finish`: let a checkpoint being written end first. */
void adp_dur_checkpointer_stop(struct adp_durable *d, bool finish);
/* One checkpoint on the calling thread (the checkpointer's, or the last one at shutdown
 * once that thread has stopped). */
adp_wal_status adp_dur_run_checkpoint(struct adp_durable *d, char *err, size_t errlen);
/* Commit thread, append_mu held: makes a requested cut between two groups. */
void adp_dur_cut_if_wanted(struct adp_durable *d);

#endif
