/* adp_fileio: replacing a file atomically and durably (a temp file, synced, renamed over
 * the old one, the directory synced), so that after a crash the file holds either its old
 * or its new content, never a mix or nothing. One place for the steps every state file
 * needs: ALTER SYSTEM's pgpeek.auto.conf, the oracle's timestamp_oracle, checkpoints.
 * Plain libc, nothing of the adapter: the oracle includes it too. Errors are errno values;
 * each caller words them in its own layer's convention. */
#ifndef ADP_FILEIO_H
#define ADP_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

/* Where a replacement failed, for the caller's message. */
typedef enum adp_file_step {
    ADP_FILE_CREATE,
    ADP_FILE_WRITE,
    ADP_FILE_SYNC,
    ADP_FILE_RENAME,
    ADP_FILE_SYNC_DIR,
} adp_file_step;
/* "create", "write", "sync", "rename", "sync the directory of" */
const char *adp_file_step_name(adp_file_step s);

/* Opens `tmp` for writing (created 0600, truncated, close-on-exec); -1 with errno. */
int adp_file_create_tmp(const char *tmp);

/* Finishes a replacement whose content was written to the open temp file fd: syncs and
 * closes fd, renames tmp over path, syncs path's directory. On failure: false, errno
 * set, *step says where (if step is not NULL), fd closed and tmp removed. */
bool adp_file_commit(int fd, const char *tmp, const char *path, adp_file_step *step);

/* Replaces path by the len bytes at data, through "<path>.tmp" (create, write, then
 * adp_file_commit). False with errno and *step as above; path is then unchanged. */
bool adp_file_replace(const char *path, const void *data, size_t len, adp_file_step *step);

/* Syncs a directory, so that a create, rename or unlink in it is durable. False with
 * errno set. */
bool adp_fsync_dir(const char *dir);

#endif
