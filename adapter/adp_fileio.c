/* adp_fileio: atomic, durable file replacement (adp_fileio.h). */
#include "adp_fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *adp_file_step_name(adp_file_step s)
{
    switch (s) {
    case ADP_FILE_CREATE:
        return "create";
    case ADP_FILE_WRITE:
        return "write";
    case ADP_FILE_SYNC:
        return "sync";
    case ADP_FILE_RENAME:
        return "rename";
    case ADP_FILE_SYNC_DIR:
        return "sync the directory of";
    }
    return "?";
}

int adp_file_create_tmp(const char *tmp)
{
    return open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

bool adp_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = fsync(fd) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

/* Syncs the directory holding path ("." for a bare name). */
static bool fsync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return adp_fsync_dir(".");
    if (slash == path) return adp_fsync_dir("/");
    size_t n = (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir) abort();
    memcpy(dir, path, n);
    dir[n] = 0;
    bool ok = adp_fsync_dir(dir);
    int e = errno;
    free(dir);
    errno = e;
    return ok;
}

static bool failed(adp_file_step *step, adp_file_step at, int fd, const char *tmp)
{
    int e = errno;
    if (fd >= 0) close(fd);
    if (at != ADP_FILE_CREATE && at != ADP_FILE_SYNC_DIR) unlink(tmp);
    if (step) *step = at;
    errno = e;
    return false;
}

bool adp_file_commit(int fd, const char *tmp, const char *path, adp_file_step *step)
{
    /* fdatasync covers the size too: everything needed to read the content back */
    if (fdatasync(fd) != 0) return failed(step, ADP_FILE_SYNC, fd, tmp);
    if (close(fd) != 0) return failed(step, ADP_FILE_SYNC, -1, tmp);
    if (rename(tmp, path) != 0) return failed(step, ADP_FILE_RENAME, -1, tmp);
    /* The rename is durable only once the directory is. The new content is in place, so
     * nothing is removed; a crash before the sync leaves the old file or the new one. */
    if (!fsync_parent(path)) return failed(step, ADP_FILE_SYNC_DIR, -1, tmp);
    return true;
}

bool adp_file_replace(const char *path, const void *data, size_t len, adp_file_step *step)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 5);
    if (!tmp) abort();
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp", 5);
    bool ok = false;
    int fd = adp_file_create_tmp(tmp);
    if (fd < 0) {
        failed(step, ADP_FILE_CREATE, -1, tmp);
        goto out;
    }
    for (const char *p = data; len > 0;) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (w == 0) errno = EIO;
            failed(step, ADP_FILE_WRITE, fd, tmp);
            goto out;
        }
        p += w;
        len -= (size_t)w;
    }
    ok = adp_file_commit(fd, tmp, path, step);
out:;
    int e = errno;
    free(tmp);
    errno = e;
    return ok;
}
