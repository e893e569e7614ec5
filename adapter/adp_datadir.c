/* adp_datadir: creates the data directory and locks it for this process. The lock is a
 * flock on <dir>/pgpeek.lock: it belongs to the open file description, so a second open
 * (even in this process) fails, and the kernel drops it when the holder dies (kill -9
 * included), so a stale lock file never blocks a restart. */
#include "adp_datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adp_fileio.h"

/* Owned by the server; immutable after adp_datadir_open. */
struct adp_datadir {
    char *path, *wal, *ckpt;
    int lock_fd;
};

bool adp_datadir_fsync_dir(const char *dir, char *err, size_t errlen)
{
    if (adp_fsync_dir(dir)) return true;
    int e = errno;
    snprintf(err, errlen, "could not fsync directory \"%s\": %s", dir, strerror(e));
    errno = e;
    return false;
}

/* mkdir -p; the last component is fsynced into its parent when it is created. */
static bool make_dirs(const char *path, char *err, size_t errlen)
{
    char buf[PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        snprintf(err, errlen, "invalid data directory path \"%s\"", path);
        return false;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "could not create directory \"%s\": %s", buf, strerror(errno));
            return false;
        }
        buf[i] = c;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "data directory \"%s\" is not a directory", path);
        return false;
    }
    return true;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s/%s", a, b);
    return s;
}

/* The pid written by the current holder, or 0 when it cannot be read yet. */
static long holder_pid(int fd)
{
    char buf[32] = {0};
    ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
    if (r <= 0) return 0;
    return strtol(buf, NULL, 10);
}

adp_datadir *adp_datadir_open(const char *path, char *err, size_t errlen)
{
    if (!path || !make_dirs(path, err, errlen)) {
        if (!path) snprintf(err, errlen, "no data directory given");
        return NULL;
    }
    adp_datadir *dd = calloc(1, sizeof *dd);
    if (!dd) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    dd->lock_fd = -1;
    dd->path = strdup(path);
    dd->wal = join(path, ADP_DATADIR_WAL);
    dd->ckpt = join(path, ADP_DATADIR_CKPT);
    char *lock = join(path, ADP_DATADIR_LOCK_FILE);
    if (!dd->path || !dd->wal || !dd->ckpt || !lock) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    dd->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (dd->lock_fd < 0) {
        snprintf(err, errlen, "could not open lock file \"%s\": %s", lock, strerror(errno));
        goto fail;
    }
    if (flock(dd->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            long pid = holder_pid(dd->lock_fd);
            if (pid > 0)
                snprintf(err, errlen,
                         "data directory \"%s\" is in use by another pgpeek process (pid %ld, "
                         "lock file \"%s\")",
                         path, pid, lock);
            else
                snprintf(err, errlen,
                         "data directory \"%s\" is in use by another pgpeek process (pid not "
                         "yet written, lock file \"%s\")",
                         path, lock);
        } else {
            snprintf(err, errlen, "could not lock \"%s\": %s", lock, strerror(e));
        }
        goto fail;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(dd->lock_fd, 0) != 0 || pwrite(dd->lock_fd, pid, (size_t)n, 0) != n) {
        snprintf(err, errlen, "could not write lock file \"%s\": %s", lock, strerror(errno));
        goto fail;
    }
    if (!make_dirs(dd->wal, err, errlen) || !make_dirs(dd->ckpt, err, errlen) ||
        !adp_datadir_fsync_dir(dd->path, err, errlen))
        goto fail;
    free(lock);
    return dd;
fail:
    free(lock);
    adp_datadir_close(dd);
    return NULL;
}

void adp_datadir_close(adp_datadir *dd)
{
    if (!dd) return;
    if (dd->lock_fd >= 0) close(dd->lock_fd); /* drops the flock */
    free(dd->path);
    free(dd->wal);
    free(dd->ckpt);
    free(dd);
}

const char *adp_datadir_path(const adp_datadir *dd)
{
    return dd->path;
}
const char *adp_datadir_wal_dir(const adp_datadir *dd)
{
    return dd->wal;
}
const char *adp_datadir_ckpt_dir(const adp_datadir *dd)
{
    return dd->ckpt;
}
