/* test_adp_wal_util: helpers for the log tests: private temp directories, deterministic
 * record payloads derived from a sequence number, and a replay callback that checks them. */
#ifndef TEST_ADP_WAL_UTIL_H
#define TEST_ADP_WAL_UTIL_H

#include "adp_ckpt.h"
#include "adp_datadir.h"
#include "adp_wal.h"
#include "adp_wal_codec.h"
#include "protocol/pt_check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WT_FN static __attribute__((unused))
#define WT_MAX_PAYLOAD 512

WT_FN void wt_tmpdir(char *out, size_t n, const char *base)
{
    snprintf(out, n, "%s/pgpeek-wal-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(out)) {
        perror("mkdtemp");
        exit(2);
    }
}

static int wt_rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

WT_FN void wt_rmrf(const char *path)
{
    nftw(path, wt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

WT_FN double wt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The payload of record `seq`: its seq, then bytes of a seq-seeded xorshift; 8..~400 B. */
WT_FN size_t wt_payload(uint64_t seq, uint8_t *buf)
{
    size_t len = 8 + (size_t)((seq * 7919u) % 390u);
    uint64_t x = seq * 0x9E3779B97F4A7C15ull + 1;
    for (int i = 0; i < 8; i++)
        buf[i] = (uint8_t)(seq >> (8 * i));
    for (size_t i = 8; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    return len;
}

WT_FN uint8_t wt_kind(uint64_t seq)
{
    return (uint8_t)(seq % 7u + 1u);
}

/* Appends records first..first+n-1 as one group at ts. */
WT_FN adp_wal_status wt_append(adp_wal *w, uint64_t ts, uint64_t first, size_t n, char *err)
{
    static uint8_t bufs[64][WT_MAX_PAYLOAD];
    adp_wal_rec recs[64];
    if (n > 64) n = 64;
    for (size_t i = 0; i < n; i++) {
        recs[i].kind = wt_kind(first + i);
        recs[i].len = wt_payload(first + i, bufs[i]);
        recs[i].data = bufs[i];
    }
    return adp_wal_append(w, ts, recs, n, err, 256);
}

/* What a replay saw: record seqs in order; `bad` once any payload did not match. */
typedef struct wt_seen {
    uint64_t n, next; /* records seen; the seq expected next */
    uint64_t last_ts;
    bool bad;
} wt_seen;

WT_FN bool wt_replay(void *arg, uint64_t ts, uint8_t kind, const uint8_t *p, uint32_t len,
                     char *err, size_t errlen)
{
    wt_seen *s = arg;
    uint8_t want[WT_MAX_PAYLOAD];
    uint64_t seq = 0;
    for (int i = 0; i < 8 && i < (int)len; i++)
        seq |= (uint64_t)p[i] << (8 * i);
    size_t wl = wt_payload(seq, want);
    if (seq != s->next || len != wl || memcmp(p, want, wl) != 0 || kind != wt_kind(seq) ||
        ts < s->last_ts) {
        if (!s->bad)
            fprintf(stderr,
                    "replay: record %" PRIu64 " (expected %" PRIu64 ") len %u ts %" PRIu64
                    " is wrong\n",
                    seq, s->next, len, ts);
        s->bad = true;
        snprintf(err, errlen, "replayed record does not match");
        return false;
    }
    s->n++;
    s->next = seq + 1;
    s->last_ts = ts;
    return true;
}

WT_FN int64_t wt_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Reads a whole file (caller frees). */
WT_FN uint8_t *wt_slurp(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

WT_FN bool wt_spit(const char *path, const uint8_t *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    bool ok = fwrite(b, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Number of segment files in <dd>/wal and the lowest one. */
WT_FN int wt_count_segments(const char *wal_dir, uint32_t *lowest)
{
    DIR *d = opendir(wal_dir);
    int n = 0;
    *lowest = UINT32_MAX;
    if (!d) return -1;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strlen(de->d_name) != 12 || strcmp(de->d_name + 8, ".log") != 0) continue;
        uint32_t s = (uint32_t)strtoul(de->d_name, NULL, 16);
        if (s < *lowest) *lowest = s;
        n++;
    }
    closedir(d);
    return n;
}

#endif
