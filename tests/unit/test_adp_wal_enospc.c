/* Full disk: the data directory on a 1 MiB tmpfs mounted by the test (root needed; a
 * failure to mount fails the test, saying why). Appends fail with ADP_WAL_ENOSPC leaving
 * nothing partial, a read-only scan still sees every acknowledged record, a checkpoint
 * fails cleanly, and after space is freed appends and checkpoints work again and a restart
 * recovers everything acknowledged. */
#include "unit/test_adp_wal_util.h"

#include <sched.h>
#include <sys/mount.h>

static char mnt[256];
static bool mounted;

static void cleanup(void)
{
    if (mounted && umount(mnt) != 0) fprintf(stderr, "umount %s: %s\n", mnt, strerror(errno));
    mounted = false;
    rmdir(mnt);
}

static bool snap_small(void *arg, adp_ckpt_out *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    uint64_t n = *(uint64_t *)arg;
    static uint8_t pad[64 << 10];
    /* 64 KiB x 8: more than is left when the disk is full, less than the freed space. */
    for (int i = 0; i < 8; i++)
        if (!adp_ckpt_out_write(out, pad, sizeof pad)) return false;
    return adp_ckpt_out_write(out, &n, sizeof n);
}

static void scan_all(const char *wal_dir, adp_wal_start *start, uint64_t from, uint64_t expect)
{
    char err[512];
    wt_seen seen = {.next = from};
    adp_wal_info info;
    CHECK(adp_wal_scan(wal_dir, start, wt_replay, &seen, &info, err, sizeof err));
    CHECK_INT(seen.next, expect);
    CHECK(!seen.bad);
    CHECK(!info.torn);
}

int main(void)
{
    if (geteuid() != 0) {
        printf("FAIL: the full-disk test mounts a tmpfs and must run as root (euid %d)\n",
               (int)geteuid());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    wt_tmpdir(mnt, sizeof mnt, NULL);
    atexit(cleanup);
    /* In a private mount namespace the tmpfs goes away with this process however it ends
     * (a crash or sanitizer abort included); without one, atexit unmounts it. */
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        printf("private mount namespace\n");
    else
        printf("no private mount namespace (%s): unmounting at exit\n", strerror(errno));
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
        printf("FAIL: cannot mount a tmpfs on %s: %s\n", mnt, strerror(errno));
        printf("0 passed, 1 failed\n");
        return 1;
    }
    mounted = true;
    char data[300], filler[300], err[512];
    snprintf(data, sizeof data, "%s/data", mnt);
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    /* Space to free later. */
    static uint8_t junk[640 << 10];
    CHECK(wt_spit(filler, junk, sizeof junk));

    adp_datadir *dd = adp_datadir_open(data, err, sizeof err);
    CHECK(dd != NULL);
    if (!dd) return 1;
    const char *wal_dir = adp_datadir_wal_dir(dd);
    adp_wal_config cfg = {128u << 10};
    adp_wal_start start = {0, 0};
    wt_seen seen = {0};
    adp_wal_info info;
    adp_wal *w = adp_wal_open(dd, &cfg, &start, wt_replay, &seen, &info, err, sizeof err);
    CHECK(w != NULL);
    uint64_t seq = 0, ts = 1;
    adp_wal_status st;
    while ((st = wt_append(w, ts, seq, 4, err)) == ADP_WAL_OK) {
        seq += 4;
        ts++;
    }
    printf("disk full after %" PRIu64 " records: %s\n", seq, err);
    CHECK_INT(st, ADP_WAL_ENOSPC);
    CHECK(strstr(err, "No space left") != NULL);
    CHECK(seq > 1000);
    /* Nothing partial: the segment ends exactly after the last acknowledged group. */
    adp_wal_pos end = adp_wal_end(w);
    char seg[400];
    snprintf(seg, sizeof seg, "%s/%08x.log", wal_dir, end.seg);
    CHECK_INT(wt_file_size(seg), end.off);
    for (int i = 0; i < 3; i++)
        CHECK_INT(wt_append(w, ts, seq, 4, err), ADP_WAL_ENOSPC);
    CHECK_INT(wt_file_size(seg), end.off);
    /* Recovery (read-only here: we hold the lock) sees every acknowledged record. */
    scan_all(wal_dir, &start, 0, seq);

    /* A checkpoint fails cleanly too: no temp file left, the log untouched. */
    adp_ckpt_mark mark;
    uint32_t lowest;
    int segs = wt_count_segments(wal_dir, &lowest);
    st = adp_wal_checkpoint_begin(w, ts - 1, &mark, err, sizeof err);
    if (st == ADP_WAL_OK) {
        st = adp_ckpt_write(dd, w, &mark, snap_small, &seq, err, sizeof err);
        CHECK_INT(st, ADP_WAL_ENOSPC);
        printf("checkpoint on a full disk: %s\n", err);
    } else {
        CHECK_INT(st, ADP_WAL_ENOSPC);
    }
    DIR *d = opendir(adp_datadir_ckpt_dir(dd));
    int ckfiles = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        ckfiles += de->d_name[0] != '.';
    if (d) closedir(d);
    CHECK_INT(ckfiles, 0);
    CHECK(wt_count_segments(wal_dir, &lowest) >= segs && lowest == 1);

    /* Space comes back: appends work again, then a checkpoint frees the old log. */
    CHECK(unlink(filler) == 0);
    for (int g = 0; g < 20; g++, seq += 4)
        CHECK_INT(wt_append(w, ++ts, seq, 4, err), ADP_WAL_OK);
    CHECK_INT(adp_wal_checkpoint_begin(w, ts, &mark, err, sizeof err), ADP_WAL_OK);
    uint64_t covered = seq;
    CHECK_INT(adp_ckpt_write(dd, w, &mark, snap_small, &covered, err, sizeof err), ADP_WAL_OK);
    CHECK_INT(wt_count_segments(wal_dir, &lowest), 1);
    for (int g = 0; g < 20; g++, seq += 4)
        CHECK_INT(wt_append(w, ++ts, seq, 4, err), ADP_WAL_OK);
    adp_wal_close(w);

    /* Restart: the checkpoint plus the log hold everything acknowledged. */
    adp_ckpt_in *in;
    unsigned skipped;
    CHECK(adp_ckpt_open_newest(dd, &in, &mark, &skipped, err, sizeof err) && in);
    uint64_t body_n = 0;
    if (in) {
        uint8_t pad[64 << 10];
        for (int i = 0; i < 8; i++)
            CHECK(adp_ckpt_in_read(in, pad, sizeof pad));
        CHECK(adp_ckpt_in_read(in, &body_n, sizeof body_n));
        adp_ckpt_in_close(in);
    }
    CHECK_INT(body_n, covered);
    start = adp_ckpt_start(&mark);
    memset(&seen, 0, sizeof seen);
    seen.next = covered;
    w = adp_wal_open(dd, &cfg, &start, wt_replay, &seen, &info, err, sizeof err);
    CHECK(w != NULL);
    CHECK_INT(seen.next, seq);
    CHECK_INT(info.records, 80);
    adp_wal_close(w);
    adp_datadir_close(dd);
    cleanup();
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed != 0;
}
