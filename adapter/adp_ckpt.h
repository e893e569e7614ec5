/* adp_ckpt: checkpoints. A snapshot at one timestamp, streamed by the caller into
 * <data>/ckpt/<ts>.ckpt (temp file, fsync, rename, directory fsync), after which the log
 * segments it covers are deleted. Loading picks the newest complete, checksummed one. */
#ifndef ADP_CKPT_H
#define ADP_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp_datadir.h"
#include "adp_wal.h"

/* The cut between snapshot and log: every record in segments before `seg` has ts <= `ts`,
 * every record from `seg` on has ts > `ts`. Made by adp_wal_checkpoint_begin. */
typedef struct adp_ckpt_mark {
    uint64_t ts;
    uint32_t seg;
} adp_ckpt_mark;

/* Starts a checkpoint at `ts` (>= every appended ts; normally the commit thread's last
 * group): switches the log to a fresh segment so appends continue there while the
 * snapshot is written, and fills `mark`. Fails while another checkpoint is in progress.
 * Any thread; waits at most for one append in flight. */
adp_wal_status adp_wal_checkpoint_begin(adp_wal *w, uint64_t ts, adp_ckpt_mark *mark, char *err,
                                        size_t errlen);
/* Ends the checkpoint begun; `completed` moves the size-since-checkpoint origin to its
 * mark. adp_ckpt_write calls it; call it yourself (false) to abandon a begun one. */
void adp_wal_checkpoint_end(adp_wal *w, bool completed);

/* The stream a snapshot writer writes into; owned by adp_ckpt_write, one thread. */
typedef struct adp_ckpt_out adp_ckpt_out;
/* Buffered; false (with the error recorded in `out`) when the file cannot be written. */
bool adp_ckpt_out_write(adp_ckpt_out *out, const void *p, size_t n);

/* Produces the snapshot at mark->ts by calls to adp_ckpt_out_write; false (err set) to
 * abandon the checkpoint. Runs on the thread calling adp_ckpt_write. */
typedef bool (*adp_ckpt_writer_fn)(void *arg, adp_ckpt_out *out, char *err, size_t errlen);

/* Writes the checkpoint for `mark` on the calling thread (appends keep going), makes it
 * durable, then deletes older checkpoints and the log segments before mark->seg. Ends
 * the checkpoint begun on `w` in every case. ENOSPC/EIO as for appends; a failed
 * checkpoint leaves the previous one and the log as they were. */
adp_wal_status adp_ckpt_write(adp_datadir *dd, adp_wal *w, const adp_ckpt_mark *mark,
                              adp_ckpt_writer_fn fn, void *arg, char *err, size_t errlen);

/* An open, verified checkpoint body; one thread. */
typedef struct adp_ckpt_in adp_ckpt_in;

/* Finds the newest checkpoint whose checksum verifies and opens its body for reading.
 * Returns false on an I/O error (err set). With no usable checkpoint, *in is NULL and
 * `mark` is zero (replay the whole log). `skipped` counts damaged checkpoint files passed
 * over (err then names the newest of them, to be logged; the log check decides whether
 * starting is still safe). Modifies nothing. */
bool adp_ckpt_open_newest(const adp_datadir *dd, adp_ckpt_in **in, adp_ckpt_mark *mark,
                          unsigned *skipped, char *err, size_t errlen);
/* Reads exactly n body bytes; false at the end of the body or on an I/O error. */
bool adp_ckpt_in_read(adp_ckpt_in *in, void *p, size_t n);
/* Body bytes not yet read. */
uint64_t adp_ckpt_in_left(const adp_ckpt_in *in);
void adp_ckpt_in_close(adp_ckpt_in *in);

/* The replay start that goes with a mark. */
static inline adp_wal_start adp_ckpt_start(const adp_ckpt_mark *m)
{
    adp_wal_start s = {m->ts, m->seg};
    return s;
}

/* Internal, for adp_ckpt_write: deletes segments before `seg` (never the current one). */
bool adp_wal_drop_segments_before(adp_wal *w, uint32_t seg, char *err, size_t errlen);

#endif
