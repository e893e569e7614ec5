/* adp_durable: the write-ahead log and checkpoints as the adapter sees them (issue 7).
 * adp_db_open(data_dir) opens the data directory, loads the newest checkpoint, replays the
 * log after it and starts the checkpointer; with no data directory (the ephemeral mode)
 * none of this exists and every function here is a no-op. The commit thread calls
 * adp_durable_log_group once per group, after the group's write timestamp and before any
 * of its versions become visible; only when it returns true may the group be published
 * and its clients answered. */
#ifndef ADP_DURABLE_H
#define ADP_DURABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp.h"
#include "orc.h"

typedef struct adp_durable adp_durable;

/* Opens dir for db (lock, checkpoint, replay, log open, checkpointer thread). NULL with
 * err set on failure, in which case no file was changed and db must be discarded. */
adp_durable *adp_durable_open(adp_db *db, const char *dir, pgw_error *err);
/* Stops the checkpointer and closes the log and the directory (lock released). NULL ok. */
void adp_durable_close(adp_durable *d);

/* Appends one record group for the n committing sessions (their pending changes, and the
 * catalog changes among them) at ts, and makes it durable. False with err set (53100 disk
 * full, 58030 I/O error): nothing of the group may become visible; the caller fails every
 * session of the group with err. Called on the commit thread only, with db->lock NOT held. */
bool adp_durable_log_group(adp_db *db, uint64_t ts, adp_session *const *sessions, size_t n,
                           pgw_error *err);

/* Checkpoint triggers: every interval_ms (when something was logged since the last one)
 * and once log_bytes were logged since the last one; 0 keeps the default (300 s, 64 MiB). */
void adp_durable_set_checkpoint(adp_db *db, uint64_t interval_ms, uint64_t log_bytes);
/* Asks for a checkpoint and waits until one that started after the call has finished.
 * True at once in the ephemeral mode. Blocks the calling thread: workers use the posted
 * form below when they can. */
bool adp_durable_checkpoint(adp_db *db, pgw_error *err);

/* A checkpoint request that does not block. Owned by its caller, except from a true
 * adp_durable_checkpoint_post until it is handed back, while the checkpointer thread
 * owns it. */
typedef struct adp_ckpt_wait {
    orc_inbox *inbox; /* where to hand it back (a worker's) */
    orc_cb cb;        /* runs on inbox's thread: cb(arg, ok, 0, message or NULL) */
    void *arg;
    bool ok;       /* set before cb runs: the checkpoint was written */
    pgw_error err; /* ... or why not (its SQLSTATE: 53100, 58030, 57P01 at shutdown) */
    /* private */
    uint64_t ticket;
    struct adp_ckpt_wait *next;
    orc_req post;
} adp_ckpt_wait;
/* Queues w: once a checkpoint that started after the call is written (or failed, or the
 * server stops), w is posted to w->inbox. False in the ephemeral mode (nothing queued:
 * there is nothing to write). The owner of the inbox must not free it while w is queued. */
bool adp_durable_checkpoint_post(adp_db *db, adp_ckpt_wait *w);

/* The CHECKPOINT statement for session s: with a worker inbox, as the last statement of
 * its message (or an Execute), in a block or with nothing of its own to commit, the
 * session goes pending (ADP_PEND_CHECKPOINT) and its worker goes on; otherwise it waits
 * here. */
bool adp_durable_checkpoint_stmt(adp_session *s, pgw_buf *out, pgw_error *err);

/* Clean shutdown, after the last commit group and before adp_db_close: stops the
 * checkpointer and writes one last checkpoint when anything was logged since the last
 * one (or the start replayed records none covers yet), so that the next start replays
 * nothing. False (logged as a warning) when it could
 * not be written: the log is still there and the next start replays it. */
bool adp_durable_shutdown_checkpoint(adp_db *db);

/* The highest timestamp recovered from the data directory at open (0: none, or ephemeral). */
uint64_t adp_durable_recovered_ts(adp_db *db);

/* For /metrics; a value. False in the ephemeral mode (nothing filled). */
typedef struct adp_durable_stats {
    uint64_t groups, records, bytes, sync_ns, sync_max_ns, enospc, eio, segments;
    uint64_t checkpoints, checkpoints_failed, checkpoint_last_rows, checkpoint_last_ms;
    uint64_t log_bytes_since_checkpoint;
} adp_durable_stats;
bool adp_durable_get_stats(adp_db *db, adp_durable_stats *out);

#endif
