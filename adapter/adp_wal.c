/* adp_wal: opening the log after recovery, group appends (one write + fdatasync per
 * group), segment switches and the checkpoint mark. A failed append is cut off again
 * (ftruncate + fdatasync) so nothing partial survives; if even that fails the segment is
 * marked dirty and every later append or switch repairs it first, and a crash meanwhile
 * leaves only a torn tail that recovery drops (no valid record follows it). */
#include "adp_ckpt.h"
#include "adp_wal.h"
#include "adp_wal_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The open log. Appends come from the commit thread; the checkpoint calls from any
 * thread; `mu` guards every field (held across one append's write + sync). */
struct adp_wal {
    pthread_mutex_t mu;
    char *dir;
    uint64_t seg_bytes;
    uint32_t seg;       /* the segment appended to */
    int fd;             /* its descriptor */
    uint64_t off;       /* end of the last durable record in it */
    bool dirty;         /* bytes past `off` may exist: cut them before anything else */
    uint64_t last_ts;   /* the highest appended (or recovered) ts */
    uint64_t floor_ts;  /* appends must be above it: the newest checkpoint mark */
    uint64_t appended;  /* bytes appended since open */
    uint64_t ckpt_base; /* `appended` at the last completed checkpoint's mark */
    uint64_t ckpt_pending;
    bool ckpt_running;
    uint8_t *buf; /* one group's bytes */
    size_t cap;
    adp_wal_stats stats;
    int fail_errno, fail_count; /* test hook */
    bool fail_on_sync;
};

adp_wal_config adp_wal_config_default(void)
{
    adp_wal_config c = {ADP_WAL_DEFAULT_SEGMENT_BYTES};
    return c;
}

const char *adp_wal_sqlstate(adp_wal_status st)
{
    switch (st) {
    case ADP_WAL_OK:
        return NULL;
    case ADP_WAL_ENOSPC:
        return "53100";
    case ADP_WAL_EIO:
        return "58030";
    case ADP_WAL_EINVAL:
        break;
    }
    return "XX000";
}

static adp_wal_status status_of(int e)
{
    return (e == ENOSPC || e == EDQUOT) ? ADP_WAL_ENOSPC : ADP_WAL_EIO;
}

static adp_wal_status fail(int e, char *err, size_t errlen, const char *what, const char *dir,
                           uint32_t seg)
{
    char path[4096];
    adp_wal_seg_path(path, sizeof path, dir, seg);
    snprintf(err, errlen, "could not %s write-ahead log \"%s\": %s", what, path, strerror(e));
    return status_of(e);
}

/* Cuts the segment back to its last durable end. */
static adp_wal_status repair(adp_wal *w, char *err, size_t errlen)
{
    if (!w->dirty) return ADP_WAL_OK;
    if (ftruncate(w->fd, (off_t)w->off) != 0 || fdatasync(w->fd) != 0)
        return fail(errno, err, errlen, "truncate", w->dir, w->seg);
    w->dirty = false;
    return ADP_WAL_OK;
}

/* Opens (creating if needed) segment `seg` for appending; it must be empty unless
 * `expect_off` says how much of it is valid. The directory entry is made durable. */
static adp_wal_status open_segment(adp_wal *w, uint32_t seg, uint64_t expect_off, int *fdp,
                                   char *err, size_t errlen)
{
    char path[4096];
    adp_wal_seg_path(path, sizeof path, w->dir, seg);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        return fail(e, err, errlen, "open", w->dir, seg);
    }
    if ((uint64_t)st.st_size != expect_off) {
        close(fd);
        snprintf(err, errlen, "write-ahead log \"%s\" is %jd bytes, expected %" PRIu64, path,
                 (intmax_t)st.st_size, expect_off);
        return ADP_WAL_EIO;
    }
    char derr[256];
    if (!adp_datadir_fsync_dir(w->dir, derr, sizeof derr)) {
        int e = errno;
        close(fd);
        snprintf(err, errlen, "%s", derr);
        return status_of(e);
    }
    *fdp = fd;
    return ADP_WAL_OK;
}

/* Moves appends to the next segment; on failure they stay in the current one. */
static adp_wal_status switch_segment(adp_wal *w, char *err, size_t errlen)
{
    int fd;
    adp_wal_status st = open_segment(w, w->seg + 1, 0, &fd, err, errlen);
    if (st != ADP_WAL_OK) return st;
    close(w->fd); /* everything in it was synced by its append */
    w->fd = fd;
    w->seg++;
    w->off = 0;
    w->stats.segments++;
    return ADP_WAL_OK;
}

adp_wal *adp_wal_open(adp_datadir *dd, const adp_wal_config *cfg, const adp_wal_start *start,
                      adp_wal_replay_fn fn, void *arg, adp_wal_info *info, char *err, size_t errlen)
{
    const char *dir = adp_datadir_wal_dir(dd);
    adp_wal_info local;
    if (!info) info = &local;
    if (!adp_wal_scan(dir, start, fn, arg, info, err, errlen)) return NULL;
    adp_wal *w = calloc(1, sizeof *w);
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    w->seg_bytes = cfg && cfg->segment_bytes ? cfg->segment_bytes : ADP_WAL_DEFAULT_SEGMENT_BYTES;
    w->fd = -1;
    w->last_ts = info->last_ts;
    w->floor_ts = start->ts;
    /* Only now that recovery succeeded may a torn tail be cut off. */
    if (info->torn) {
        char path[4096];
        adp_wal_seg_path(path, sizeof path, dir, info->torn_at.seg);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ftruncate(fd, (off_t)info->torn_at.off) != 0 || fdatasync(fd) != 0) {
            snprintf(err, errlen,
                     "could not truncate torn tail of \"%s\" at byte offset %" PRIu64 ": %s", path,
                     info->torn_at.off, strerror(errno));
            if (fd >= 0) close(fd);
            goto fail;
        }
        close(fd);
    }
    w->seg = info->end.seg;
    w->off = info->end.off;
    if (open_segment(w, w->seg, w->off, &w->fd, err, errlen) != ADP_WAL_OK) goto fail;
    return w;
fail:
    adp_wal_close(w);
    return NULL;
}

void adp_wal_close(adp_wal *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    pthread_mutex_destroy(&w->mu);
    free(w->dir);
    free(w->buf);
    free(w);
}

/* The test hook, consumed by one write or sync. */
static bool injected(adp_wal *w, bool sync)
{
    if (w->fail_count <= 0 || w->fail_on_sync != sync) return false;
    w->fail_count--;
    errno = w->fail_errno;
    return true;
}

static bool write_all(adp_wal *w, const uint8_t *p, size_t n, uint64_t at)
{
    if (injected(w, false)) {
        /* Leave half of the group behind, as a real short write would. */
        int e = errno;
        if (pwrite(w->fd, p, n / 2, (off_t)at) < 0) {
        }
        errno = e;
        return false;
    }
    while (n) {
        ssize_t r = pwrite(w->fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return false;
        p += r;
        n -= (size_t)r;
        at += (uint64_t)r;
    }
    return true;
}

static adp_wal_status append_locked(adp_wal *w, uint64_t ts, const adp_wal_rec *recs, size_t n,
                                    char *err, size_t errlen)
{
    if (ts <= w->last_ts || ts <= w->floor_ts) {
        snprintf(err, errlen,
                 "write-ahead log append at ts %" PRIu64 " not above last %" PRIu64
                 " or checkpoint %" PRIu64,
                 ts, w->last_ts, w->floor_ts);
        return ADP_WAL_EINVAL;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (recs[i].len > ADP_WAL_MAX_PAYLOAD) {
            snprintf(err, errlen, "write-ahead log record of %zu bytes is too large", recs[i].len);
            return ADP_WAL_EINVAL;
        }
        total += ADP_WAL_HDR + recs[i].len;
    }
    if (total == 0) return ADP_WAL_OK;
    adp_wal_status st = repair(w, err, errlen);
    if (st != ADP_WAL_OK) return st;
    if (w->off > 0 && w->off + total > w->seg_bytes) {
        st = switch_segment(w, err, errlen);
        if (st != ADP_WAL_OK) return st;
    }
    if (total > w->cap) {
        uint8_t *b = realloc(w->buf, total);
        if (!b) {
            snprintf(err, errlen, "out of memory for a write-ahead log group of %zu bytes", total);
            return ADP_WAL_EIO;
        }
        w->buf = b;
        w->cap = total;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        adp_wal_hdr_encode(w->buf + at, recs[i].kind, i + 1 == n ? ADP_WAL_F_GROUP_END : 0, ts,
                           recs[i].data, (uint32_t)recs[i].len);
        if (recs[i].len) memcpy(w->buf + at + ADP_WAL_HDR, recs[i].data, recs[i].len);
        at += ADP_WAL_HDR + recs[i].len;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool wrote = write_all(w, w->buf, total, w->off);
    if (!wrote || injected(w, true) || fdatasync(w->fd) != 0) {
        int e = errno;
        st = fail(e, err, errlen, wrote ? "sync" : "write", w->dir, w->seg);
        if (st == ADP_WAL_ENOSPC)
            w->stats.enospc++;
        else
            w->stats.eio++;
        w->dirty = true;
        char ignore[256];
        repair(w, ignore, sizeof ignore); /* if it fails now, the next call retries it */
        return st;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    uint64_t ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec -
                  (uint64_t)t0.tv_nsec;
    w->off += total;
    w->last_ts = ts;
    w->appended += total;
    w->stats.groups++;
    w->stats.records += n;
    w->stats.bytes += total;
    w->stats.sync_ns += ns;
    if (ns > w->stats.sync_max_ns) w->stats.sync_max_ns = ns;
    return ADP_WAL_OK;
}

adp_wal_status adp_wal_append(adp_wal *w, uint64_t ts, const adp_wal_rec *recs, size_t n, char *err,
                              size_t errlen)
{
    pthread_mutex_lock(&w->mu);
    adp_wal_status st = append_locked(w, ts, recs, n, err, errlen);
    pthread_mutex_unlock(&w->mu);
    return st;
}

uint64_t adp_wal_size_since_checkpoint(adp_wal *w)
{
    pthread_mutex_lock(&w->mu);
    uint64_t v = w->appended - w->ckpt_base;
    pthread_mutex_unlock(&w->mu);
    return v;
}

adp_wal_pos adp_wal_end(adp_wal *w)
{
    pthread_mutex_lock(&w->mu);
    adp_wal_pos p = {w->seg, w->off};
    pthread_mutex_unlock(&w->mu);
    return p;
}

uint64_t adp_wal_last_ts(adp_wal *w)
{
    pthread_mutex_lock(&w->mu);
    uint64_t v = w->last_ts;
    pthread_mutex_unlock(&w->mu);
    return v;
}

void adp_wal_get_stats(adp_wal *w, adp_wal_stats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    pthread_mutex_unlock(&w->mu);
}

void adp_wal_test_fail_writes(adp_wal *w, int errnum, int count, bool on_sync)
{
    pthread_mutex_lock(&w->mu);
    w->fail_errno = errnum;
    w->fail_count = count;
    w->fail_on_sync = on_sync;
    pthread_mutex_unlock(&w->mu);
}

adp_wal_status adp_wal_checkpoint_begin(adp_wal *w, uint64_t ts, adp_ckpt_mark *mark, char *err,
                                        size_t errlen)
{
    pthread_mutex_lock(&w->mu);
    adp_wal_status st = ADP_WAL_OK;
    if (w->ckpt_running || ts < w->last_ts || ts < w->floor_ts) {
        snprintf(err, errlen,
                 w->ckpt_running ? "a checkpoint is already in progress"
                                 : "checkpoint timestamp is below the last logged one");
        st = ADP_WAL_EINVAL;
        goto out;
    }
    if ((st = repair(w, err, errlen)) != ADP_WAL_OK) goto out;
    /* A fresh segment makes the cut a whole-file boundary: the snapshot covers every
     * segment before it, appends go on in it while the snapshot is written. */
    if (w->off > 0 && (st = switch_segment(w, err, errlen)) != ADP_WAL_OK) goto out;
    mark->ts = ts;
    mark->seg = w->seg;
    w->floor_ts = ts;
    w->ckpt_pending = w->appended;
    w->ckpt_running = true;
out:
    pthread_mutex_unlock(&w->mu);
    return st;
}

void adp_wal_checkpoint_end(adp_wal *w, bool completed)
{
    pthread_mutex_lock(&w->mu);
    if (w->ckpt_running && completed) {
        w->ckpt_base = w->ckpt_pending;
        w->stats.checkpoints++;
    }
    w->ckpt_running = false;
    pthread_mutex_unlock(&w->mu);
}

bool adp_wal_drop_segments_before(adp_wal *w, uint32_t seg, char *err, size_t errlen)
{
    pthread_mutex_lock(&w->mu);
    uint32_t cur = w->seg;
    pthread_mutex_unlock(&w->mu);
    uint32_t *segs;
    size_t n;
    if (!adp_wal_list_segments(w->dir, &segs, &n, err, errlen)) return false;
    bool ok = true, any = false;
    for (size_t i = 0; i < n && ok; i++) {
        if (segs[i] >= seg || segs[i] >= cur) break;
        char path[4096];
        adp_wal_seg_path(path, sizeof path, w->dir, segs[i]);
        if (unlink(path) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "could not remove \"%s\": %s", path, strerror(errno));
            ok = false;
        }
        any = true;
    }
    free(segs);
    if (ok && any) ok = adp_datadir_fsync_dir(w->dir, err, errlen);
    return ok;
}
