/* adp_wal_read: the record format and recovery's read-only scan. A bad record is a torn
 * tail (a crash mid-append: dropped) only when no valid record follows it anywhere in the
 * log; otherwise it is corruption in the middle and recovery refuses, naming file and
 * offset. Searching for *any* valid record after the bad one, rather than trusting the bad
 * header's length, keeps a flipped length bit from hiding acknowledged records. */
#include "adp_wal.h"
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

static uint64_t record_sum(const uint8_t *hdr24, const void *payload, uint32_t len)
{
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    XXH3_64bits_update(&st, hdr24, 24);
    if (len) XXH3_64bits_update(&st, payload, len);
    return XXH3_64bits_digest(&st);
}

void adp_wal_hdr_encode(uint8_t *out, uint8_t kind, uint8_t flags, uint64_t ts, const void *payload,
                        uint32_t len)
{
    memset(out, 0, ADP_WAL_HDR);
    adp_put32(out, ADP_WAL_MAGIC);
    out[4] = ADP_WAL_VERSION;
    out[5] = kind;
    out[6] = flags;
    adp_put32(out + 8, len);
    adp_put64(out + 16, ts);
    adp_put64(out + 24, record_sum(out, payload, len));
}

bool adp_wal_hdr_parse(const uint8_t *in, adp_wal_hdr *h)
{
    if (adp_get32(in) != ADP_WAL_MAGIC || in[4] != ADP_WAL_VERSION ||
        (in[6] & ~ADP_WAL_F_GROUP_END) || in[7] || adp_get32(in + 12))
        return false;
    h->kind = in[5];
    h->flags = in[6];
    h->len = adp_get32(in + 8);
    h->ts = adp_get64(in + 16);
    h->sum = adp_get64(in + 24);
    return h->len <= ADP_WAL_MAX_PAYLOAD;
}

bool adp_wal_record_valid(const uint8_t *buf, size_t avail, adp_wal_hdr *h)
{
    if (avail < ADP_WAL_HDR || !adp_wal_hdr_parse(buf, h)) return false;
    if (h->len > avail - ADP_WAL_HDR) return false;
    return record_sum(buf, buf + ADP_WAL_HDR, h->len) == h->sum;
}

void adp_wal_seg_path(char *out, size_t outlen, const char *dir, uint32_t seg)
{
    snprintf(out, outlen, "%s/%08" PRIx32 ".log", dir, seg);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

bool adp_wal_list_segments(const char *dir, uint32_t **segs, size_t *n, char *err, size_t errlen)
{
    *segs = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "could not open log directory \"%s\": %s", dir, strerror(errno));
        return false;
    }
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *s = de->d_name;
        if (strlen(s) != 12 || strcmp(s + 8, ".log") != 0 || strspn(s, "0123456789abcdef") != 8)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            uint32_t *g = realloc(*segs, cap * sizeof **segs);
            if (!g) {
                closedir(d);
                free(*segs);
                *segs = NULL;
                snprintf(err, errlen, "out of memory");
                return false;
            }
            *segs = g;
        }
        (*segs)[(*n)++] = (uint32_t)strtoul(s, NULL, 16);
    }
    closedir(d);
    if (*n) qsort(*segs, *n, sizeof **segs, cmp_u32);
    return true;
}

/* Reads a whole segment file. */
static bool read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "could not open \"%s\": %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return false;
    }
    size_t sz = (size_t)st.st_size, got = 0;
    uint8_t *b = malloc(sz ? sz : 1);
    if (!b) {
        close(fd);
        snprintf(err, errlen, "out of memory reading \"%s\"", path);
        return false;
    }
    while (got < sz) {
        ssize_t r = pread(fd, b + got, sz - got, (off_t)got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            snprintf(err, errlen, "could not read \"%s\": %s", path,
                     r < 0 ? strerror(errno) : "file shrank while reading");
            free(b);
            close(fd);
            return false;
        }
        got += (size_t)r;
    }
    close(fd);
    *buf = b;
    *len = sz;
    return true;
}

/* The offset of the first valid record starting after `from`, or -1. */
static int64_t next_valid(const uint8_t *buf, size_t len, size_t from)
{
    uint8_t magic[4];
    adp_put32(magic, ADP_WAL_MAGIC);
    for (size_t p = from + 1; p + ADP_WAL_HDR <= len;) {
        const uint8_t *m = memmem(buf + p, len - p, magic, 4);
        if (!m) return -1;
        size_t at = (size_t)(m - buf);
        adp_wal_hdr h;
        if (adp_wal_record_valid(m, len - at, &h)) return (int64_t)at;
        p = at + 1;
    }
    return -1;
}

static const char *bad_reason(const uint8_t *buf, size_t avail)
{
    adp_wal_hdr h;
    if (avail < ADP_WAL_HDR) return "short header";
    if (!adp_wal_hdr_parse(buf, &h)) return "bad header";
    if (h.len > avail - ADP_WAL_HDR) return "payload runs past the end of the file";
    return "checksum mismatch";
}

/* The scan's state across segments; one call of adp_wal_scan. */
typedef struct scan {
    const adp_wal_start *start;
    adp_wal_replay_fn fn;
    void *arg;
    adp_wal_info *info;
    const char *wal_dir;
    const uint32_t *segs;
    size_t nseg;
    size_t *pend; /* offsets of the records of the group being read */
    size_t npend, cap;
    char *err;
    size_t errlen;
} scan;

/* Hands a complete group to the callback. */
static bool deliver(scan *sc, const uint8_t *buf)
{
    for (size_t k = 0; k < sc->npend; k++) {
        adp_wal_hdr h;
        adp_wal_hdr_parse(buf + sc->pend[k], &h);
        if (h.ts > sc->start->ts) {
            if (sc->fn && !sc->fn(sc->arg, h.ts, h.kind, buf + sc->pend[k] + ADP_WAL_HDR, h.len,
                                  sc->err, sc->errlen))
                return false;
            sc->info->records++;
        } else {
            sc->info->skipped++;
        }
        if (h.ts > sc->info->last_ts) sc->info->last_ts = h.ts;
    }
    sc->npend = 0;
    return true;
}

/* false (err set) when a segment after index i holds data: a bad record or incomplete
 * group in segment i can then not be a torn tail. */
static bool later_empty(scan *sc, size_t i, const char *path, size_t off, const char *why)
{
    for (size_t j = i + 1; j < sc->nseg; j++) {
        char later[4096];
        struct stat st;
        adp_wal_seg_path(later, sizeof later, sc->wal_dir, sc->segs[j]);
        if (stat(later, &st) != 0 || st.st_size > 0) {
            snprintf(sc->err, sc->errlen,
                     "corrupt write-ahead log record in \"%s\" at byte offset %zu (%s); later "
                     "segment \"%s\" holds data; refusing to start",
                     path, off, why, later);
            return false;
        }
    }
    return true;
}

/* After a bad record at `off`: the offset of a valid record of a *later* group, or -1.
 * Valid records of the bad record's own group may follow it: a group is one write, and a
 * crash can persist its pages out of order, leaving a hole before records that made it.
 * That group was never acknowledged (its fdatasync did not return), so it is torn, not
 * corrupt. Its ts is the pending records' ts, or, when the bad record opened the group,
 * that of the first valid record after it (which must then be above every earlier one:
 * group timestamps strictly increase). */
static int64_t torn_group_end(scan *sc, const uint8_t *buf, size_t len, size_t off)
{
    adp_wal_hdr h;
    uint64_t gts = 0;
    if (sc->npend) {
        adp_wal_hdr_parse(buf + sc->pend[0], &h);
        gts = h.ts;
    }
    for (int64_t nv = next_valid(buf, len, off); nv >= 0; nv = next_valid(buf, len, (size_t)nv)) {
        adp_wal_hdr_parse(buf + nv, &h);
        if (gts == 0 && h.ts > sc->info->last_ts) gts = h.ts;
        if (h.ts != gts) return nv;
    }
    return -1;
}

/* Validates segment i and replays its complete groups. */
static bool scan_segment(scan *sc, size_t i)
{
    char path[4096];
    uint8_t *buf;
    size_t len, off = 0, gstart = 0;
    adp_wal_seg_path(path, sizeof path, sc->wal_dir, sc->segs[i]);
    if (!read_file(path, &buf, &len, sc->err, sc->errlen)) return false;
    sc->info->segments++;
    bool ok = false;
    sc->npend = 0;
    while (off < len) {
        adp_wal_hdr h;
        if (adp_wal_record_valid(buf + off, len - off, &h)) {
            /* All records of a group share its ts; a new ts before the end mark means a
             * group lost its end, which no crash can do (a group is one write). */
            adp_wal_hdr first;
            if (sc->npend && adp_wal_hdr_parse(buf + sc->pend[0], &first) && first.ts != h.ts) {
                snprintf(sc->err, sc->errlen,
                         "corrupt write-ahead log in \"%s\": the group at byte offset %zu has "
                         "no end record before byte offset %zu; refusing to start",
                         path, gstart, off);
                goto out;
            }
            if (sc->npend == sc->cap) {
                sc->cap = sc->cap ? sc->cap * 2 : 64;
                size_t *p = realloc(sc->pend, sc->cap * sizeof *p);
                if (!p) {
                    snprintf(sc->err, sc->errlen, "out of memory");
                    goto out;
                }
                sc->pend = p;
            }
            sc->pend[sc->npend++] = off;
            off += ADP_WAL_HDR + h.len;
            if (h.flags & ADP_WAL_F_GROUP_END) {
                if (!deliver(sc, buf)) goto out;
                gstart = off;
            }
            continue;
        }
        /* A bad record: a torn tail only if no later group follows it. */
        const char *why = bad_reason(buf + off, len - off);
        int64_t nv = torn_group_end(sc, buf, len, off);
        if (nv >= 0) {
            snprintf(sc->err, sc->errlen,
                     "corrupt write-ahead log record in \"%s\" at byte offset %zu (%s); a valid "
                     "record of a later group follows at byte offset %" PRId64
                     "; refusing to start",
                     path, off, why, nv);
            goto out;
        }
        if (!later_empty(sc, i, path, off, why)) goto out;
        break;
    }
    if (gstart < len) {
        /* A bad record or a group cut short (its records without the end mark): the group
         * never became durable as a whole, so all of it goes. */
        if (off == len && !later_empty(sc, i, path, gstart, "incomplete group")) goto out;
        sc->info->torn = true;
        sc->info->torn_at.seg = sc->segs[i];
        sc->info->torn_at.off = gstart;
        sc->info->torn_bytes = len - gstart;
        sc->npend = 0;
    }
    sc->info->end.seg = sc->segs[i];
    sc->info->end.off = gstart;
    ok = true;
out:
    free(buf);
    return ok;
}

bool adp_wal_scan(const char *wal_dir, const adp_wal_start *start, adp_wal_replay_fn fn, void *arg,
                  adp_wal_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    info->last_ts = start->ts;
    uint32_t *segs;
    size_t nseg;
    if (!adp_wal_list_segments(wal_dir, &segs, &nseg, err, errlen)) return false;
    char path[4096];
    bool ok = false;
    size_t first = 0;
    if (start->seg == 0) {
        /* No checkpoint: nothing may have been deleted, so the log starts at segment 1. */
        if (nseg && segs[0] != 1) {
            adp_wal_seg_path(path, sizeof path, wal_dir, 1);
            snprintf(err, errlen,
                     "write-ahead log segment \"%s\" is missing and no checkpoint covers it "
                     "(oldest segment is %08" PRIx32 "); refusing to start",
                     path, segs[0]);
            goto out;
        }
    } else {
        while (first < nseg && segs[first] < start->seg)
            first++;
        if (first == nseg || segs[first] != start->seg) {
            adp_wal_seg_path(path, sizeof path, wal_dir, start->seg);
            snprintf(err, errlen,
                     "write-ahead log segment \"%s\" (where replay after the checkpoint at "
                     "%" PRIu64 " starts) is missing; refusing to start",
                     path, start->ts);
            goto out;
        }
    }
    for (size_t i = first; i + 1 < nseg; i++)
        if (segs[i + 1] != segs[i] + 1) {
            adp_wal_seg_path(path, sizeof path, wal_dir, segs[i] + 1);
            snprintf(err, errlen, "write-ahead log segment \"%s\" is missing; refusing to start",
                     path);
            goto out;
        }
    scan sc = {.start = start,
               .fn = fn,
               .arg = arg,
               .info = info,
               .wal_dir = wal_dir,
               .segs = segs,
               .nseg = nseg,
               .err = err,
               .errlen = errlen};
    for (size_t i = first; i < nseg; i++)
        if (!scan_segment(&sc, i)) {
            free(sc.pend);
            goto out;
        }
    free(sc.pend);
    if (info->segments == 0) info->end.seg = start->seg ? start->seg : 1;
    ok = true;
out:
    free(segs);
    return ok;
}
