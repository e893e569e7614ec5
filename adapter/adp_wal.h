/* adp_wal: the write-ahead log. Segment files <data>/wal/%08x.log hold records (header +
 * opaque payload); the commit thread appends one group per call and returns only once it
 * is durable (fdatasync). See adapter/README-storage.md for formats and rules. */
#ifndef ADP_WAL_H
#define ADP_WAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp_datadir.h"

/* The largest payload of one record. */
#define ADP_WAL_MAX_PAYLOAD (256u << 20)
#define ADP_WAL_DEFAULT_SEGMENT_BYTES (64u << 20)

typedef enum adp_wal_status {
    ADP_WAL_OK = 0,
    ADP_WAL_ENOSPC, /* disk full: the caller fails the group with SQLSTATE 53100 */
    ADP_WAL_EIO,    /* write/sync error: SQLSTATE 58030 */
    ADP_WAL_EINVAL, /* caller error (ts going backwards, oversized record, ...) */
} adp_wal_status;

/* A place in the log: segment number and byte offset in it (a value). */
typedef struct adp_wal_pos {
    uint32_t seg;
    uint64_t off;
} adp_wal_pos;

/* Where replay starts (a value): a checkpoint's mark, or {0, 0} (no checkpoint: the whole
 * log). */
typedef struct adp_wal_start {
    uint64_t ts;  /* records at or below it are already in the checkpoint */
    uint32_t seg; /* first segment to read; 0 = the oldest (must be segment 1) */
} adp_wal_start;

/* One record of a group, built by the commit thread; the payload is borrowed for the
 * duration of the append. */
typedef struct adp_wal_rec {
    uint8_t kind; /* the caller's record kind (table change, catalog change, ...) */
    const void *data;
    size_t len;
} adp_wal_rec;

/* Called once per valid record, in log order. Returns false (err set) to stop recovery. */
typedef bool (*adp_wal_replay_fn)(void *arg, uint64_t ts, uint8_t kind, const uint8_t *payload,
                                  uint32_t len, char *err, size_t errlen);

/* What a scan or recovery found; filled by the call, owned by the caller. */
typedef struct adp_wal_info {
    uint64_t records;    /* records passed to the callback */
    uint64_t skipped;    /* valid records at or below start.ts (not passed) */
    uint64_t last_ts;    /* the highest timestamp seen (start.ts when none) */
    adp_wal_pos end;     /* the end of the last valid record */
    uint32_t segments;   /* segment files read */
    bool torn;           /* a torn tail was found at `torn_at` */
    adp_wal_pos torn_at; /* where it starts (truncated there by adp_wal_open) */
    uint64_t torn_bytes; /* its length (adp_wal_scan leaves it in place) */
} adp_wal_info;

/* Log settings; a value the caller fills and adp_wal_open copies. */
typedef struct adp_wal_config {
    uint64_t segment_bytes; /* switch to a new segment past this size (default 64 MiB) */
} adp_wal_config;

adp_wal_config adp_wal_config_default(void);

/* The open log: appended to by the commit thread; adp_wal_checkpoint_begin/_done and
 * adp_wal_size_since_checkpoint may be called from any thread (internal mutex). Owned by
 * the server, closed after the commit thread stopped. */
typedef struct adp_wal adp_wal;

/* Recovery, read-only: validates the log from `start` and calls `fn` for every valid
 * record with ts > start->ts. Fails (false, err naming file and byte offset) on a corrupt
 * record followed by valid data, a missing segment or a callback failure. A torn tail is
 * reported in `info`, not removed. Never modifies any file. */
bool adp_wal_scan(const char *wal_dir, const adp_wal_start *start, adp_wal_replay_fn fn, void *arg,
                  adp_wal_info *info, char *err, size_t errlen);

/* Recovers (as adp_wal_scan) and, only once that succeeded, truncates a torn tail and
 * opens the log for appending after the last valid record. NULL (err set) on failure,
 * in which case no file was changed; the caller must then discard what `fn` built. */
adp_wal *adp_wal_open(adp_datadir *dd, const adp_wal_config *cfg, const adp_wal_start *start,
                      adp_wal_replay_fn fn, void *arg, adp_wal_info *info, char *err,
                      size_t errlen);
void adp_wal_close(adp_wal *w);

/* Appends the n records of one group commit at `ts` in one write, then fdatasync; returns
 * ADP_WAL_OK only once they are durable. `ts` must be above the last appended ts (one ts
 * per group: recovery tells groups apart by it) and above the last checkpoint mark. On failure
 * nothing of the group survives (the segment is truncated back to its last good end; if even that
 * fails, the next append retries it first, and recovery would see the leftover as a torn tail), and
 * a later append works again once the cause is gone. Commit thread only. */
adp_wal_status adp_wal_append(adp_wal *w, uint64_t ts, const adp_wal_rec *recs, size_t n, char *err,
                              size_t errlen);

/* The SQLSTATE a failed group's statements get: 53100 disk_full, 58030 io_error, XX000
 * internal_error (EINVAL); NULL for ADP_WAL_OK. */
const char *adp_wal_sqlstate(adp_wal_status st);

/* Bytes appended since the last checkpoint mark (or since open): trigger policy input. */
uint64_t adp_wal_size_since_checkpoint(adp_wal *w);
/* The position after the last durable record. */
adp_wal_pos adp_wal_end(adp_wal *w);
uint64_t adp_wal_last_ts(adp_wal *w);

/* Counters since open (for /metrics and the write-throughput note); a value. */
typedef struct adp_wal_stats {
    uint64_t groups, records, bytes; /* durable appends */
    uint64_t sync_ns, sync_max_ns;   /* time in write + fdatasync per group: total, worst */
    uint64_t enospc, eio;            /* failed groups */
    uint64_t segments;               /* segments started */
    uint64_t checkpoints;            /* completed */
} adp_wal_stats;

void adp_wal_get_stats(adp_wal *w, adp_wal_stats *out);

/* Test hook: the next `count` writes (or fdatasyncs when `on_sync`) fail with `errnum`. */
void adp_wal_test_fail_writes(adp_wal *w, int errnum, int count, bool on_sync);

#endif
