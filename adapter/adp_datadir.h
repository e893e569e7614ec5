/* adp_datadir: ownership of a data directory (one process at a time, enforced by a lock). */
#ifndef ADP_DATADIR_H
#define ADP_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

#define ADP_DATADIR_LOCK_FILE "pgpeek.lock"
#define ADP_DATADIR_WAL "wal"
#define ADP_DATADIR_CKPT "ckpt"

/* An open, locked data directory; owned by the server (opened once at start, closed at
 * exit), read-only after open, so any thread may read its paths. */
typedef struct adp_datadir adp_datadir;

/* Creates `path` (and its wal/ and ckpt/ subdirectories) if missing and takes an
 * exclusive lock on <path>/pgpeek.lock, which then holds our pid. Fails (NULL, err set)
 * when another process (or another open in this one) holds the lock; the message names
 * the directory and the holder's pid. */
adp_datadir *adp_datadir_open(const char *path, char *err, size_t errlen);
/* Releases the lock and frees; NULL is fine. */
void adp_datadir_close(adp_datadir *dd);

const char *adp_datadir_path(const adp_datadir *dd);
const char *adp_datadir_wal_dir(const adp_datadir *dd);
const char *adp_datadir_ckpt_dir(const adp_datadir *dd);

/* adp_fsync_dir (adp_fileio.h) with the message in err on failure. */
bool adp_datadir_fsync_dir(const char *dir, char *err, size_t errlen);

#endif
