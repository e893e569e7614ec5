/* adp_ckpt: checkpoint files. <ckpt>/<ts, 20 digits>.ckpt =
 *   header  u32 magic "PPCK", u32 version, u64 ts, u32 first log segment, u32 zero (24 B)
 *   body    the caller's snapshot bytes
 *   trailer u64 body length, u64 XXH3-64 of header + body, u32 magic "PPCE", u32 zero
 * A file is only ever renamed into place complete and synced, so a damaged one is passed
 * over on load; the log check (segment from the mark on present) decides if that is safe. */
#include "adp_ckpt.h"
#include "adp_fileio.h"
#include "adp_wal_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#define CK_MAGIC 0x4b435050u /* "PPCK" */
#define CK_END 0x45435050u   /* "PPCE" */
#define CK_VERSION 1
#define CK_HDR 24
#define CK_TRAILER 24
#define CK_BUF (256u << 10)

/* The stream a writer callback fills; adp_ckpt_write's, one thread. */
struct adp_ckpt_out {
    int fd;
    uint8_t *buf;
    size_t used;
    uint64_t body;
    XXH3_state_t sum;
    int err; /* errno of the first failure, 0 while fine */
};

/* An open verified checkpoint body; one thread. */
struct adp_ckpt_in {
    int fd;
    uint64_t left;
    uint8_t *buf;
    size_t pos, have;
};

static bool flush_out(adp_ckpt_out *o)
{
    size_t done = 0;
    while (!o->err && done < o->used) {
        ssize_t r = write(o->fd, o->buf + done, o->used - done);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
            o->err = errno;
        else
            done += (size_t)r;
    }
    o->used = 0;
    return !o->err;
}

static bool out_put(adp_ckpt_out *o, const void *p, size_t n)
{
    const uint8_t *s = p;
    XXH3_64bits_update(&o->sum, s, n);
    while (n && !o->err) {
        size_t k = CK_BUF - o->used < n ? CK_BUF - o->used : n;
        memcpy(o->buf + o->used, s, k);
        o->used += k;
        s += k;
        n -= k;
        if (o->used == CK_BUF) flush_out(o);
    }
    return !o->err;
}

bool adp_ckpt_out_write(adp_ckpt_out *out, const void *p, size_t n)
{
    if (!out_put(out, p, n)) return false;
    out->body += n;
    return true;
}

static void ck_name(char *out, size_t n, const char *dir, uint64_t ts, const char *suffix)
{
    snprintf(out, n, "%s/%020" PRIu64 ".ckpt%s", dir, ts, suffix);
}

/* The ts of a "<20 digits>.ckpt" name; false for anything else (temp files included). */
static bool ck_parse(const char *name, uint64_t *ts)
{
    if (strlen(name) != 25 || strcmp(name + 20, ".ckpt") != 0 || strspn(name, "0123456789") != 20)
        return false;
    *ts = strtoull(name, NULL, 10);
    return true;
}

/* Removes checkpoints older than `keep` and leftover temp files. */
static void drop_old(const char *dir, uint64_t keep)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    char path[4096];
    while ((de = readdir(d))) {
        uint64_t ts;
        size_t l = strlen(de->d_name);
        bool tmp = l > 4 && strcmp(de->d_name + l - 4, ".tmp") == 0;
        if (tmp || (ck_parse(de->d_name, &ts) && ts < keep)) {
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

adp_wal_status adp_ckpt_write(adp_datadir *dd, adp_wal *w, const adp_ckpt_mark *mark,
                              adp_ckpt_writer_fn fn, void *arg, char *err, size_t errlen)
{
    const char *dir = adp_datadir_ckpt_dir(dd);
    char tmp[4096], path[4096];
    ck_name(tmp, sizeof tmp, dir, mark->ts, ".tmp");
    ck_name(path, sizeof path, dir, mark->ts, "");
    adp_ckpt_out o = {.fd = -1};
    adp_wal_status st = ADP_WAL_EIO;
    const char *what = "write";
    o.buf = malloc(CK_BUF);
    if (!o.buf) {
        snprintf(err, errlen, "out of memory for checkpoint");
        goto out;
    }
    XXH3_64bits_reset(&o.sum);
    o.fd = adp_file_create_tmp(tmp);
    if (o.fd < 0) {
        o.err = errno;
        what = "create";
        goto io;
    }
    uint8_t h[CK_HDR] = {0};
    adp_put32(h, CK_MAGIC);
    adp_put32(h + 4, CK_VERSION);
    adp_put64(h + 8, mark->ts);
    adp_put32(h + 16, mark->seg);
    out_put(&o, h, sizeof h);
    char cerr[512] = "";
    if (!fn(arg, &o, cerr, sizeof cerr)) {
        if (o.err) goto io;
        snprintf(err, errlen, "checkpoint at %" PRIu64 " abandoned: %s", mark->ts, cerr);
        st = ADP_WAL_EINVAL;
        goto out;
    }
    uint8_t t[CK_TRAILER] = {0};
    adp_put64(t, o.body);
    adp_put64(t + 8, XXH3_64bits_digest(&o.sum));
    adp_put32(t + 16, CK_END);
    out_put(&o, t, sizeof t);
    if (!flush_out(&o)) goto io;
    int fd = o.fd;
    o.fd = -1; /* closed by the commit, whatever happens */
    adp_file_step step;
    if (!adp_file_commit(fd, tmp, path, &step)) {
        o.err = errno;
        what = adp_file_step_name(step);
        goto io;
    }
    /* Durable: now the covered log and older checkpoints can go. */
    drop_old(dir, mark->ts);
    if (!adp_wal_drop_segments_before(w, mark->seg, err, errlen)) {
        /* The checkpoint stands; leftover segments are ignored by recovery. */
        adp_wal_checkpoint_end(w, true);
        free(o.buf);
        return ADP_WAL_EIO;
    }
    st = ADP_WAL_OK;
    goto out;
io:
    st = (o.err == ENOSPC || o.err == EDQUOT) ? ADP_WAL_ENOSPC : ADP_WAL_EIO;
    snprintf(err, errlen, "could not %s checkpoint \"%s\": %s", what, tmp, strerror(o.err));
out:
    if (o.fd >= 0) close(o.fd);
    if (st != ADP_WAL_OK) unlink(tmp);
    free(o.buf);
    adp_wal_checkpoint_end(w, st == ADP_WAL_OK);
    return st;
}

/* 1: valid (header in h), 0: damaged, -1: I/O error (errno set). */
static int verify(const char *path, uint64_t name_ts, uint8_t *h, uint64_t *body)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        errno = e;
        return e == ENOENT ? 0 : -1;
    }
    int res = 0;
    uint64_t size = (uint64_t)st.st_size;
    uint8_t *buf = malloc(CK_BUF);
    if (!buf) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    if (size < CK_HDR + CK_TRAILER) goto done;
    XXH3_state_t sum;
    XXH3_64bits_reset(&sum);
    uint64_t hashed = size - CK_TRAILER, at = 0;
    while (at < hashed) {
        size_t want = hashed - at < CK_BUF ? (size_t)(hashed - at) : CK_BUF;
        ssize_t r = pread(fd, buf, want, (off_t)at);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            res = r < 0 ? -1 : 0;
            goto done;
        }
        if (at == 0) {
            if ((size_t)r < CK_HDR) goto done;
            memcpy(h, buf, CK_HDR);
        }
        XXH3_64bits_update(&sum, buf, (size_t)r);
        at += (uint64_t)r;
    }
    uint8_t t[CK_TRAILER];
    if (pread(fd, t, CK_TRAILER, (off_t)hashed) != CK_TRAILER) {
        res = -1;
        goto done;
    }
    if (adp_get32(h) == CK_MAGIC && adp_get32(h + 4) == CK_VERSION && adp_get64(h + 8) == name_ts &&
        adp_get32(t + 16) == CK_END && adp_get64(t) == size - CK_HDR - CK_TRAILER &&
        adp_get64(t + 8) == XXH3_64bits_digest(&sum)) {
        *body = adp_get64(t);
        res = 1;
    }
done:
    free(buf);
    int e = errno;
    close(fd);
    errno = e;
    return res;
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x > y ? -1 : x < y;
}

bool adp_ckpt_open_newest(const adp_datadir *dd, adp_ckpt_in **in, adp_ckpt_mark *mark,
                          unsigned *skipped, char *err, size_t errlen)
{
    const char *dir = adp_datadir_ckpt_dir(dd);
    *in = NULL;
    memset(mark, 0, sizeof *mark);
    *skipped = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "could not open checkpoint directory \"%s\": %s", dir,
                 strerror(errno));
        return false;
    }
    uint64_t *ts = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        uint64_t v;
        if (!ck_parse(de->d_name, &v)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            uint64_t *g = realloc(ts, cap * sizeof *ts);
            if (!g) break;
            ts = g;
        }
        ts[n++] = v;
    }
    closedir(d);
    if (n) qsort(ts, n, sizeof *ts, cmp_desc);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        uint8_t h[CK_HDR];
        uint64_t body = 0;
        ck_name(path, sizeof path, dir, ts[i], "");
        int v = verify(path, ts[i], h, &body);
        if (v < 0) {
            snprintf(err, errlen, "could not read checkpoint \"%s\": %s", path, strerror(errno));
            ok = false;
            break;
        }
        if (v == 0) {
            /* Reported through err even when an older one is then used: log it. */
            if (!*skipped) snprintf(err, errlen, "passed over damaged checkpoint \"%s\"", path);
            (*skipped)++;
            continue;
        }
        adp_ckpt_in *c = calloc(1, sizeof *c);
        if (c) c->buf = malloc(CK_BUF);
        if (c) c->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (!c || !c->buf || c->fd < 0 || lseek(c->fd, CK_HDR, SEEK_SET) != CK_HDR) {
            snprintf(err, errlen, "could not open checkpoint \"%s\": %s", path, strerror(errno));
            if (c && c->fd > 0) close(c->fd);
            if (c) free(c->buf);
            free(c);
            ok = false;
            break;
        }
        c->left = body;
        mark->ts = adp_get64(h + 8);
        mark->seg = adp_get32(h + 16);
        *in = c;
        break;
    }
    free(ts);
    return ok;
}

bool adp_ckpt_in_read(adp_ckpt_in *in, void *p, size_t n)
{
    uint8_t *d = p;
    if (n > in->left + (in->have - in->pos)) return false;
    while (n) {
        if (in->pos == in->have) {
            size_t want = in->left < CK_BUF ? (size_t)in->left : CK_BUF;
            ssize_t r = read(in->fd, in->buf, want);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return false;
            in->have = (size_t)r;
            in->pos = 0;
            in->left -= (uint64_t)r;
        }
        size_t k = in->have - in->pos < n ? in->have - in->pos : n;
        memcpy(d, in->buf + in->pos, k);
        in->pos += k;
        d += k;
        n -= k;
    }
    return true;
}

uint64_t adp_ckpt_in_left(const adp_ckpt_in *in)
{
    return in->left + (in->have - in->pos);
}

void adp_ckpt_in_close(adp_ckpt_in *in)
{
    if (!in) return;
    close(in->fd);
    free(in->buf);
    free(in);
}
