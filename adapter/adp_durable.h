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
/* The CHECKPOINT statement: asks for a checkpoint and waits until one that started after
 * the call has finished. True at once in the ephemeral mode. */
bool adp_durable_checkpoint(adp_db *db, pgw_error *err);

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
