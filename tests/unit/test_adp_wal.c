/* The write-ahead log: payload codec, append/recover across segments, restart, torn tails
 * cut at every byte, corrupt middles refused (files untouched), injected write and sync
 * failures, missing segments, the data directory lock. `--bench` measures appends/s with
 * fdatasync for 1, 16 and 64 records per group (not run by ctest). */
#include "unit/test_adp_wal_util.h"

#include <signal.h>
#include <sys/wait.h>

static char root[256];

static adp_datadir *open_dd(const char *path)
{
    char err[512];
    adp_datadir *dd = adp_datadir_open(path, err, sizeof err);
    if (!dd) fprintf(stderr, "adp_datadir_open: %s\n", err);
    return dd;
}

static adp_wal *open_wal(adp_datadir *dd, uint64_t seg_bytes, wt_seen *seen, adp_wal_info *info,
                         char *err)
{
    adp_wal_config cfg = adp_wal_config_default();
    if (seg_bytes) cfg.segment_bytes = seg_bytes;
    adp_wal_start start = {0, 0};
    memset(seen, 0, sizeof *seen);
    return adp_wal_open(dd, &cfg, &start, wt_replay, seen, info, err, 512);
}

static void test_codec(void)
{
    adp_walw w = {0};
    adp_walw_begin(&w, 2);
    adp_walw_u8(&w, 0xAB);
    adp_walw_u32(&w, 0xDEADBEEF);
    adp_walw_u64(&w, 0x0123456789ABCDEFull);
    adp_walw_i64(&w, -42);
    adp_walw_str(&w, "table_name");
    adp_walw_bytes(&w, "\0\1\2", 3);
    CHECK(adp_walw_ok(&w));
    CHECK_INT(w.len, 1 + 1 + 4 + 8 + 8 + 4 + 10 + 4 + 3);
    CHECK_INT(w.data[2], 0xEF); /* little-endian on every host */

    adp_walr r;
    uint8_t ver = 0, u8;
    uint32_t u32;
    uint64_t u64;
    int64_t i64;
    CHECK(adp_walr_begin(&r, w.data, w.len, 2, &ver));
    CHECK_INT(ver, 2);
    CHECK(adp_walr_u8(&r, &u8) && u8 == 0xAB);
    CHECK(adp_walr_u32(&r, &u32) && u32 == 0xDEADBEEF);
    CHECK(adp_walr_u64(&r, &u64) && u64 == 0x0123456789ABCDEFull);
    CHECK(adp_walr_i64(&r, &i64) && i64 == -42);
    char *s = adp_walr_strdup(&r);
    CHECK_STR(s, "table_name");
    free(s);
    const uint8_t *p;
    uint32_t n;
    CHECK(adp_walr_bytes(&r, &p, &n) && n == 3 && p[2] == 2);
    CHECK(adp_walr_done(&r));
    CHECK(!adp_walr_u8(&r, &u8)); /* past the end */

    /* Every truncation fails cleanly somewhere and never reads past the end. */
    int clean_failures = 0;
    for (size_t cut = 0; cut < w.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan catches overreads */
        memcpy(copy, w.data, cut);
        bool ok = adp_walr_begin(&r, copy, cut, 2, &ver) && adp_walr_u8(&r, &u8) &&
                  adp_walr_u32(&r, &u32) && adp_walr_u64(&r, &u64) && adp_walr_i64(&r, &i64);
        char *t = ok ? adp_walr_strdup(&r) : NULL;
        ok = t && adp_walr_bytes(&r, &p, &n) && adp_walr_done(&r);
        free(t);
        clean_failures += !ok && r.failed;
        free(copy);
    }
    CHECK_INT(clean_failures, (int)w.len);
    /* A newer version, and a length claim beyond the buffer. */
    CHECK(!adp_walr_begin(&r, w.data, w.len, 1, &ver));
    uint8_t liar[] = {1, 0xff, 0xff, 0, 0, 'x'};
    CHECK(adp_walr_begin(&r, liar, sizeof liar, 1, &ver));
    CHECK(!adp_walr_bytes(&r, &p, &n) && p == NULL && n == 0);
    adp_walw_free(&w);
}

static void test_lock(void)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/lock/nested", root);
    adp_datadir *a = open_dd(dir);
    CHECK(a != NULL);
    adp_datadir *b = adp_datadir_open(dir, err, sizeof err);
    CHECK(b == NULL);
    char pid_s[32];
    snprintf(pid_s, sizeof pid_s, "pid %ld", (long)getpid());
    CHECK(strstr(err, dir) != NULL);
    CHECK(strstr(err, pid_s) != NULL);
    printf("second open: %s\n", err);
    adp_datadir_close(a);
    b = open_dd(dir);
    CHECK(b != NULL);
    adp_datadir_close(b);

    /* Another process holds it: its pid is named; its death (SIGKILL) frees the lock. */
    int ready[2];
    CHECK(pipe(ready) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        adp_datadir *c = adp_datadir_open(dir, err, sizeof err);
        char ok = c ? 'y' : 'n';
        if (write(ready[1], &ok, 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    char ok = 0;
    CHECK(read(ready[0], &ok, 1) == 1 && ok == 'y');
    b = adp_datadir_open(dir, err, sizeof err);
    CHECK(b == NULL);
    snprintf(pid_s, sizeof pid_s, "pid %ld", (long)pid);
    CHECK(strstr(err, pid_s) != NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    b = open_dd(dir);
    CHECK(b != NULL);
    adp_datadir_close(b);
}

/* Many groups over small segments; then a clean restart and more appends. */
static void test_round_trip(void)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/rt", root);
    adp_datadir *dd = open_dd(dir);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 4096, &seen, &info, err);
    CHECK(w != NULL);
    CHECK_INT(info.records, 0);
    uint64_t seq = 0, ts = 1000;
    for (int g = 0; g < 300; g++) {
        size_t n = 1 + (size_t)g % 5;
        CHECK_INT(wt_append(w, ts++, seq, n, err), ADP_WAL_OK);
        seq += n;
    }
    adp_wal_pos end = adp_wal_end(w);
    CHECK(end.seg > 5);
    adp_wal_close(w);

    /* Read-only scan sees everything in order. */
    adp_wal_start start = {0, 0};
    memset(&seen, 0, sizeof seen);
    CHECK(adp_wal_scan(adp_datadir_wal_dir(dd), &start, wt_replay, &seen, &info, err, 512));
    CHECK_INT(seen.n, seq);
    CHECK(!seen.bad);
    CHECK_INT(info.segments, end.seg);
    CHECK_INT(info.end.seg, end.seg);
    CHECK_INT(info.end.off, end.off);
    CHECK_INT(info.last_ts, ts - 1);
    CHECK(!info.torn);

    /* Restart after a clean close, append more, restart again. */
    adp_datadir_close(dd);
    dd = open_dd(dir);
    w = open_wal(dd, 4096, &seen, &info, err);
    CHECK(w != NULL);
    CHECK_INT(seen.n, seq);
    CHECK_INT(adp_wal_last_ts(w), ts - 1);
    CHECK_INT(wt_append(w, ts - 2, seq, 1, err), ADP_WAL_EINVAL); /* ts going back */
    for (int g = 0; g < 10; g++, seq += 3)
        CHECK_INT(wt_append(w, ts++, seq, 3, err), ADP_WAL_OK);
    adp_wal_close(w);
    w = open_wal(dd, 4096, &seen, &info, err);
    CHECK(w != NULL);
    CHECK_INT(seen.n, seq);
    CHECK(!seen.bad);
    adp_wal_close(w);
    adp_datadir_close(dd);
}

/* A fresh directory with `groups` single-record groups in one segment; returns the
 * segment's path and the offset where the last record starts. */
static adp_datadir *make_log(const char *name, int groups, char *seg_path, uint64_t *last_off)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    adp_datadir *dd = open_dd(dir);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    for (int g = 0; g < groups; g++) {
        if (g == groups - 1) *last_off = adp_wal_end(w).off;
        wt_append(w, 100 + (uint64_t)g, (uint64_t)g, 1, err);
    }
    adp_wal_close(w);
    snprintf(seg_path, 400, "%s/00000001.log", adp_datadir_wal_dir(dd));
    return dd;
}

static void test_torn_tail(void)
{
    char seg[400], err[512];
    uint64_t last_off = 0;
    adp_datadir *dd = make_log("torn", 20, seg, &last_off);
    size_t full_len;
    uint8_t *full = wt_slurp(seg, &full_len);
    CHECK(full_len > last_off + 32);
    int cuts = 0, good = 0;
    for (size_t cut = last_off; cut < full_len; cut++, cuts++) {
        wt_spit(seg, full, cut);
        wt_seen seen;
        adp_wal_info info;
        adp_wal *w = open_wal(dd, 0, &seen, &info, err);
        bool ok = w && seen.n == 19 && !seen.bad && info.torn == (cut > last_off) &&
                  wt_file_size(seg) == (int64_t)last_off;
        /* The log goes on where the torn record was. */
        ok = ok && wt_append(w, 500, 19, 1, err) == ADP_WAL_OK &&
             wt_file_size(seg) == (int64_t)full_len;
        if (!ok) fprintf(stderr, "torn cut at %zu failed: %s\n", cut, w ? "" : err);
        good += ok;
        adp_wal_close(w);
    }
    CHECK_INT(good, cuts);
    CHECK(cuts > 40);

    /* A damaged last record (full length, checksum mismatch) and trailing zeros are torn. */
    full[full_len - 1] ^= 0x40;
    wt_spit(seg, full, full_len);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    CHECK(w && seen.n == 19 && info.torn && wt_file_size(seg) == (int64_t)last_off);
    adp_wal_close(w);
    full[full_len - 1] ^= 0x40;
    uint8_t *z = calloc(1, full_len + 4096);
    memcpy(z, full, full_len);
    wt_spit(seg, z, full_len + 4096);
    w = open_wal(dd, 0, &seen, &info, err);
    CHECK(w && seen.n == 20 && info.torn && info.torn_bytes == 4096);
    CHECK_INT(wt_file_size(seg), full_len);
    adp_wal_close(w);
    free(z);
    free(full);
    adp_datadir_close(dd);
}

/* A group is all or nothing: cut anywhere inside the last group (also exactly between two
 * of its records, which leaves whole valid records without the group's end mark), and none
 * of it is replayed. */
static void test_torn_group(void)
{
    char dir[300], err[512], seg[400];
    snprintf(dir, sizeof dir, "%s/torngroup", root);
    adp_datadir *dd = open_dd(dir);
    snprintf(seg, sizeof seg, "%s/00000001.log", adp_datadir_wal_dir(dd));
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    for (uint64_t g = 0; g < 4; g++)
        wt_append(w, 10 + g, g * 3, 3, err);
    uint64_t gstart = adp_wal_end(w).off;
    CHECK_INT(wt_append(w, 20, 12, 5, err), ADP_WAL_OK);
    adp_wal_close(w);
    size_t full_len;
    uint8_t *full = wt_slurp(seg, &full_len);
    int cuts = 0, good = 0, boundaries = 0;
    for (size_t cut = gstart + 1; cut < full_len; cut++, cuts++) {
        wt_spit(seg, full, cut);
        adp_wal_info scan_info;
        adp_wal_start start = {0, 0};
        memset(&seen, 0, sizeof seen);
        bool scanned =
            adp_wal_scan(adp_datadir_wal_dir(dd), &start, NULL, NULL, &scan_info, err, sizeof err);
        w = open_wal(dd, 0, &seen, &info, err);
        bool ok = scanned && w && seen.n == 12 && info.torn && info.torn_at.off == gstart &&
                  wt_file_size(seg) == (int64_t)gstart;
        /* A cut between two records of the group: the scan saw only valid records. */
        size_t off = gstart;
        while (off < cut) {
            uint32_t l = (uint32_t)full[off + 8] | (uint32_t)full[off + 9] << 8;
            off += 32 + l;
        }
        boundaries += off == cut;
        if (!ok) fprintf(stderr, "group cut at %zu failed: %s\n", cut, w ? "" : err);
        good += ok;
        adp_wal_close(w);
    }
    CHECK_INT(good, cuts);
    CHECK_INT(boundaries, 4);

    /* A group whose end record is gone while later groups follow: refused, unchanged. */
    size_t off = 0, r2 = 0, r3 = 0;
    for (int r = 0; r < 6; r++) {
        uint32_t l = (uint32_t)full[off + 8] | (uint32_t)full[off + 9] << 8;
        if (r == 5) r2 = off, r3 = off + 32 + l; /* the end record of the second group */
        off += 32 + l;
    }
    uint8_t *spliced = malloc(full_len);
    memcpy(spliced, full, r2);
    memcpy(spliced + r2, full + r3, full_len - r3);
    size_t slen = full_len - (r3 - r2);
    wt_spit(seg, spliced, slen);
    w = open_wal(dd, 0, &seen, &info, err);
    CHECK(w == NULL && strstr(err, "no end record") != NULL);
    printf("group end removed: %s\n", err);
    size_t after_len;
    uint8_t *after = wt_slurp(seg, &after_len);
    CHECK_BYTES(after, after_len, spliced, slen);
    free(after);
    free(spliced);
    free(full);
    adp_datadir_close(dd);
}

/* Any single bit flipped anywhere in a multi-segment log: a flip in the last group is a
 * torn tail (the whole group dropped, even when later records of that group survived);
 * anywhere else the start is refused naming the file and the damaged record's offset.
 * The scan never changes a file and never hands out a damaged record. */
static void test_random_flips(void)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/flips", root);
    adp_datadir *dd = open_dd(dir);
    const char *wal_dir = adp_datadir_wal_dir(dd);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 4096, &seen, &info, err);
    enum { GROUPS = 60 };
    struct {
        uint32_t seg;
        uint64_t start, end;
        size_t n;
    } g[GROUPS];
    uint64_t seq = 0;
    for (int i = 0; i < GROUPS; i++) {
        g[i].n = 1 + (size_t)(i * 7) % 5;
        adp_wal_pos before = adp_wal_end(w);
        CHECK_INT(wt_append(w, 1 + (uint64_t)i, seq, g[i].n, err), ADP_WAL_OK);
        adp_wal_pos after = adp_wal_end(w);
        g[i].seg = after.seg;
        g[i].start = after.seg == before.seg ? before.off : 0;
        g[i].end = after.off;
        seq += g[i].n;
    }
    adp_wal_close(w);
    CHECK(g[GROUPS - 1].seg >= 4);
    unsigned rnd = 12345;
    int good = 0, torn = 0, refused = 0;
    for (int it = 0; it < 600; it++) {
        int k = it < 60 ? GROUPS - 1 : (int)(rand_r(&rnd) % GROUPS);
        char seg[400];
        snprintf(seg, sizeof seg, "%s/%08x.log", wal_dir, g[k].seg);
        size_t len;
        uint8_t *b = wt_slurp(seg, &len);
        size_t at = g[k].start + rand_r(&rnd) % (g[k].end - g[k].start);
        /* The damaged record's offset. */
        size_t rec = g[k].start;
        while (rec + 32 + ((uint32_t)b[rec + 8] | (uint32_t)b[rec + 9] << 8) <= at)
            rec += 32 + ((uint32_t)b[rec + 8] | (uint32_t)b[rec + 9] << 8);
        uint8_t orig_byte = b[at];
        b[at] ^= (uint8_t)(1u << (rand_r(&rnd) % 8));
        wt_spit(seg, b, len);
        adp_wal_start start = {0, 0};
        memset(&seen, 0, sizeof seen);
        bool ok = adp_wal_scan(wal_dir, &start, wt_replay, &seen, &info, err, sizeof err);
        bool pass;
        if (k == GROUPS - 1) {
            pass = ok && info.torn && info.torn_at.seg == g[k].seg &&
                   info.torn_at.off == g[k].start && seen.n == seq - g[k].n && !seen.bad;
            torn += pass;
        } else {
            char off[64];
            snprintf(off, sizeof off, "byte offset %zu ", rec);
            pass = !ok && strstr(err, seg) && strstr(err, off) && !seen.bad;
            refused += pass;
        }
        if (!pass)
            fprintf(stderr, "flip at %s:%zu (group %d, record at %zu): %s\n", seg, at, k, rec,
                    ok ? "accepted" : err);
        good += pass;
        size_t after_len;
        uint8_t *after = wt_slurp(seg, &after_len);
        pass = after_len == len && memcmp(after, b, len) == 0; /* scan wrote nothing */
        good -= !pass;
        free(after);
        b[at] = orig_byte;
        wt_spit(seg, b, len); /* restore */
        free(b);
    }
    CHECK_INT(good, 600);
    CHECK(torn >= 60 && refused > 400);
    adp_datadir_close(dd);
}

static void expect_refused(adp_datadir *dd, const char *seg, uint8_t *bytes, size_t len, size_t at,
                           const char *what)
{
    char err[512], off[64];
    wt_spit(seg, bytes, len);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    CHECK(w == NULL);
    snprintf(off, sizeof off, "byte offset %zu", at);
    CHECK(strstr(err, seg) != NULL);
    CHECK(strstr(err, off) != NULL);
    printf("%s: %s\n", what, err);
    size_t after_len;
    uint8_t *after = wt_slurp(seg, &after_len);
    CHECK_BYTES(after, after_len, bytes, len); /* nothing modified */
    free(after);
    adp_wal_close(w);
}

static void test_corrupt_middle(void)
{
    char seg[400];
    uint64_t last_off;
    adp_datadir *dd = make_log("corrupt", 20, seg, &last_off);
    size_t len;
    uint8_t *b = wt_slurp(seg, &len);
    /* Offsets of records 5 and 6. */
    size_t r5 = 0;
    for (int i = 0; i < 5; i++) {
        uint32_t l = (uint32_t)b[r5 + 8] | (uint32_t)b[r5 + 9] << 8;
        r5 += 32 + l;
    }
    b[r5 + 40] ^= 1; /* a payload byte */
    expect_refused(dd, seg, b, len, r5, "payload byte flipped");
    b[r5 + 40] ^= 1;
    b[r5 + 9] ^= 0x10; /* the length: its claimed end lands mid-record */
    expect_refused(dd, seg, b, len, r5, "length flipped");
    b[r5 + 9] ^= 0x10;
    b[r5] ^= 0xff; /* the magic */
    expect_refused(dd, seg, b, len, r5, "magic flipped");
    b[r5] ^= 0xff;
    wt_spit(seg, b, len);
    free(b);
    adp_datadir_close(dd);
}

/* A middle segment deleted: refused, naming it. */
static void test_missing_segment(void)
{
    char dir[300], err[512], path[400];
    snprintf(dir, sizeof dir, "%s/missing", root);
    adp_datadir *dd = open_dd(dir);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 2048, &seen, &info, err);
    for (uint64_t g = 0; g < 60; g++)
        wt_append(w, 10 + g, g, 1, err);
    adp_wal_close(w);
    snprintf(path, sizeof path, "%s/00000003.log", adp_datadir_wal_dir(dd));
    CHECK(unlink(path) == 0);
    w = open_wal(dd, 2048, &seen, &info, err);
    CHECK(w == NULL);
    CHECK(strstr(err, path) != NULL);
    snprintf(path, sizeof path, "%s/00000001.log", adp_datadir_wal_dir(dd));
    CHECK(unlink(path) == 0);
    w = open_wal(dd, 2048, &seen, &info, err);
    CHECK(w == NULL && strstr(err, path) != NULL); /* no checkpoint covers segment 1 */
    adp_datadir_close(dd);
}

/* Injected write and sync failures: distinct statuses, nothing partial kept, next works. */
static void test_injected_failures(void)
{
    char dir[300], err[512], seg[400];
    snprintf(dir, sizeof dir, "%s/inject", root);
    adp_datadir *dd = open_dd(dir);
    snprintf(seg, sizeof seg, "%s/00000001.log", adp_datadir_wal_dir(dd));
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    uint64_t seq = 0, ts = 1;
    for (; seq < 10; seq++)
        CHECK_INT(wt_append(w, ts++, seq, 1, err), ADP_WAL_OK);
    int64_t good = wt_file_size(seg);
    adp_wal_test_fail_writes(w, ENOSPC, 1, false);
    CHECK_INT(wt_append(w, ts++, seq, 8, err), ADP_WAL_ENOSPC);
    CHECK(strstr(err, "No space") != NULL);
    CHECK_INT(wt_file_size(seg), good);
    adp_wal_test_fail_writes(w, EIO, 1, false);
    CHECK_INT(wt_append(w, ts++, seq, 8, err), ADP_WAL_EIO);
    CHECK_INT(wt_file_size(seg), good);
    CHECK_STR(adp_wal_sqlstate(ADP_WAL_ENOSPC), "53100");
    CHECK_STR(adp_wal_sqlstate(ADP_WAL_EIO), "58030");
    CHECK(adp_wal_sqlstate(ADP_WAL_OK) == NULL);
    adp_wal_test_fail_writes(w, EIO, 1, true); /* the data was written, the sync failed */
    CHECK_INT(wt_append(w, ts++, seq, 8, err), ADP_WAL_EIO);
    CHECK_INT(wt_file_size(seg), good);
    CHECK_INT(wt_append(w, ts++, seq, 4, err), ADP_WAL_OK);
    seq += 4;
    adp_wal_stats stats;
    adp_wal_get_stats(w, &stats);
    CHECK_INT(stats.groups, 11);
    CHECK_INT(stats.records, 14);
    CHECK_INT(stats.enospc, 1);
    CHECK_INT(stats.eio, 2);
    CHECK_INT(stats.bytes, wt_file_size(seg));
    CHECK(stats.sync_ns >= stats.sync_max_ns && stats.sync_max_ns > 0);
    adp_wal_close(w);
    w = open_wal(dd, 0, &seen, &info, err);
    CHECK(w != NULL && !info.torn);
    CHECK_INT(seen.n, seq);
    CHECK(!seen.bad);
    adp_wal_close(w);
    adp_datadir_close(dd);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Rounds interleave the group sizes so that load from other processes hits each size
 * alike; the median round is reported. */
static void bench(const char *base)
{
    char dir[300], err[512];
    wt_tmpdir(dir, sizeof dir, base);
    adp_datadir *dd = open_dd(dir);
    wt_seen seen;
    adp_wal_info info;
    adp_wal *w = open_wal(dd, 0, &seen, &info, err);
    enum { ROUNDS = 7 };
    size_t sizes[] = {1, 16, 64};
    double rate[3][ROUNDS];
    uint64_t seq = 0, ts = 1;
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < 3; k++) {
            double t0 = wt_now(), t;
            uint64_t groups = 0;
            while ((t = wt_now()) - t0 < 1.0) {
                if (wt_append(w, ts++, seq, sizes[k], err) != ADP_WAL_OK) {
                    fprintf(stderr, "append: %s\n", err);
                    exit(1);
                }
                seq += sizes[k];
                groups++;
            }
            rate[k][r] = groups / (t - t0);
        }
    printf("bench in %s: fdatasync per group, records of 8..400 B, %d x 1 s rounds\n", dir, ROUNDS);
    printf("%-14s %14s %14s %10s %10s\n", "records/group", "groups/s med", "records/s med",
           "min g/s", "max g/s");
    for (int k = 0; k < 3; k++) {
        qsort(rate[k], ROUNDS, sizeof rate[k][0], cmp_double);
        printf("%-14zu %14.0f %14.0f %10.0f %10.0f\n", sizes[k], rate[k][ROUNDS / 2],
               rate[k][ROUNDS / 2] * (double)sizes[k], rate[k][0], rate[k][ROUNDS - 1]);
    }
    adp_wal_close(w);
    adp_datadir_close(dd);
    wt_rmrf(dir);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--bench") == 0) {
        bench(argc > 2 ? argv[2] : NULL);
        return 0;
    }
    wt_tmpdir(root, sizeof root, NULL);
    test_codec();
    test_lock();
    test_round_trip();
    test_torn_tail();
    test_torn_group();
    test_random_flips();
    test_corrupt_middle();
    test_missing_segment();
    test_injected_failures();
    wt_rmrf(root);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed != 0;
}
