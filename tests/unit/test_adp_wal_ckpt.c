/* Checkpoints: a snapshot written while appends go on, old segments and checkpoints
 * deleted, recovery from checkpoint + log tail, a damaged checkpoint passed over (and the
 * start then refused because its segments are gone), an abandoned checkpoint changing
 * nothing, one checkpoint at a time. */
#include "unit/test_adp_wal_util.h"

#include <pthread.h>
#include <stdatomic.h>

static char root[256];

/* The snapshot: the number of records it covers, then each record's seq. */
typedef struct snap {
    adp_wal *w;
    uint64_t upto;         /* records 0..upto-1 are in it */
    uint64_t *seq, *ts;    /* appends made while it is written */
    int appends_during;    /* groups to append from inside the writer */
    bool fail;             /* abandon it */
    adp_wal_status during; /* the status of those appends */
} snap;

static bool write_snap(void *arg, adp_ckpt_out *out, char *err, size_t errlen)
{
    snap *s = arg;
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(s->upto >> (8 * i));
    if (!adp_ckpt_out_write(out, b, 8)) return false;
    for (uint64_t q = 0; q < s->upto; q++) {
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(q >> (8 * i));
        if (!adp_ckpt_out_write(out, b, 8)) return false;
        /* Appends continue while the snapshot is written: the log lock is not held. */
        if (q == s->upto / 2)
            for (int g = 0; g < s->appends_during; g++) {
                char aerr[256];
                s->during = wt_append(s->w, (*s->ts)++, *s->seq, 2, aerr);
                *s->seq += 2;
            }
    }
    if (s->fail) snprintf(err, errlen, "writer gave up");
    return !s->fail;
}

/* Loads the newest checkpoint and replays the tail; returns the records covered. */
static adp_wal *recover(adp_datadir *dd, wt_seen *seen, adp_ckpt_mark *mark, unsigned *skipped,
                        uint64_t *covered, char *err)
{
    adp_ckpt_in *in;
    *covered = 0;
    memset(seen, 0, sizeof *seen);
    if (!adp_ckpt_open_newest(dd, &in, mark, skipped, err, 512)) return NULL;
    if (*skipped) CHECK(strstr(err, "passed over damaged checkpoint") != NULL);
    if (in) {
        uint8_t b[8];
        bool ok = adp_ckpt_in_read(in, b, 8);
        uint64_t n = 0;
        for (int i = 0; i < 8; i++)
            n |= (uint64_t)b[i] << (8 * i);
        for (uint64_t q = 0; ok && q < n; q++) {
            uint64_t v = 0;
            ok = adp_ckpt_in_read(in, b, 8);
            for (int i = 0; i < 8; i++)
                v |= (uint64_t)b[i] << (8 * i);
            ok = ok && v == q;
        }
        CHECK(ok);
        CHECK_INT(adp_ckpt_in_left(in), 0);
        CHECK(!adp_ckpt_in_read(in, b, 1)); /* the trailer is not body */
        adp_ckpt_in_close(in);
        *covered = n;
    }
    seen->next = *covered;
    adp_wal_start start = adp_ckpt_start(mark);
    adp_wal_config cfg = adp_wal_config_default();
    cfg.segment_bytes = 2048;
    adp_wal_info info;
    return adp_wal_open(dd, &cfg, &start, wt_replay, seen, &info, err, 512);
}

static void test_checkpoint(void)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/ck", root);
    adp_datadir *dd = adp_datadir_open(dir, err, sizeof err);
    CHECK(dd != NULL);
    const char *wal_dir = adp_datadir_wal_dir(dd);
    wt_seen seen;
    adp_ckpt_mark mark;
    unsigned skipped;
    uint64_t covered, seq = 0, ts = 1000;
    adp_wal *w = recover(dd, &seen, &mark, &skipped, &covered, err);
    CHECK(w != NULL && covered == 0 && mark.seg == 0);
    for (int g = 0; g < 100; g++, seq += 3)
        CHECK_INT(wt_append(w, ts++, seq, 3, err), ADP_WAL_OK);
    uint32_t lowest;
    int before = wt_count_segments(wal_dir, &lowest);
    CHECK(before > 10 && lowest == 1);
    CHECK(adp_wal_size_since_checkpoint(w) > 20000);

    /* Checkpoint at the last group's ts; 5 groups are appended while it is written. */
    snap s = {.w = w, .upto = seq, .seq = &seq, .ts = &ts, .appends_during = 5};
    CHECK_INT(adp_wal_checkpoint_begin(w, ts - 1, &mark, err, sizeof err), ADP_WAL_OK);
    adp_ckpt_mark other;
    CHECK_INT(adp_wal_checkpoint_begin(w, ts - 1, &other, err, sizeof err), ADP_WAL_EINVAL);
    CHECK_INT(mark.seg, before + 1);
    CHECK_INT(adp_ckpt_write(dd, w, &mark, write_snap, &s, err, sizeof err), ADP_WAL_OK);
    CHECK_INT(s.during, ADP_WAL_OK);
    int after = wt_count_segments(wal_dir, &lowest);
    CHECK_INT(lowest, mark.seg);
    CHECK(after >= 1 && after <= 3);
    uint64_t since = adp_wal_size_since_checkpoint(w);
    CHECK(since > 0 && since < 5000); /* only the 5 groups appended during it */
    for (int g = 0; g < 20; g++, seq += 3)
        CHECK_INT(wt_append(w, ts++, seq, 3, err), ADP_WAL_OK);
    adp_wal_stats stats;
    adp_wal_get_stats(w, &stats);
    CHECK_INT(stats.checkpoints, 1);
    CHECK_INT(stats.groups, 125);
    CHECK(stats.segments >= (uint64_t)before);
    adp_wal_close(w);

    /* Recovery: checkpoint + tail = everything, in order. */
    w = recover(dd, &seen, &mark, &skipped, &covered, err);
    CHECK(w != NULL);
    CHECK_INT(covered, 300);
    CHECK_INT(skipped, 0);
    CHECK_INT(seen.n, 10 + 60);
    CHECK_INT(seen.next, seq);
    CHECK(!seen.bad);

    /* An abandoned checkpoint leaves the log, the old checkpoint and the counter alone. */
    uint64_t since_before = adp_wal_size_since_checkpoint(w);
    int segs_before = wt_count_segments(wal_dir, &lowest);
    snap f = {.w = w, .upto = seq, .seq = &seq, .ts = &ts, .fail = true};
    CHECK_INT(adp_wal_checkpoint_begin(w, ts - 1, &mark, err, sizeof err), ADP_WAL_OK);
    CHECK_INT(adp_ckpt_write(dd, w, &mark, write_snap, &f, err, sizeof err), ADP_WAL_EINVAL);
    CHECK(strstr(err, "writer gave up") != NULL);
    CHECK_INT(wt_count_segments(wal_dir, &lowest), segs_before + 1);
    CHECK(adp_wal_size_since_checkpoint(w) == since_before);
    for (int g = 0; g < 4; g++, seq += 3)
        CHECK_INT(wt_append(w, ts++, seq, 3, err), ADP_WAL_OK);

    /* A second checkpoint replaces the first. */
    char first_ck[400];
    snprintf(first_ck, sizeof first_ck, "%s/%020" PRIu64 ".ckpt", adp_datadir_ckpt_dir(dd),
             (uint64_t)1099);
    CHECK(wt_file_size(first_ck) > 0);
    snap t = {.w = w, .upto = seq, .seq = &seq, .ts = &ts};
    CHECK_INT(adp_wal_checkpoint_begin(w, ts - 1, &mark, err, sizeof err), ADP_WAL_OK);
    CHECK_INT(adp_ckpt_write(dd, w, &mark, write_snap, &t, err, sizeof err), ADP_WAL_OK);
    CHECK_INT(wt_file_size(first_ck), -1);
    CHECK_INT(wt_count_segments(wal_dir, &lowest), 1);
    for (int g = 0; g < 4; g++, seq += 3)
        CHECK_INT(wt_append(w, ts++, seq, 3, err), ADP_WAL_OK);
    adp_wal_close(w);
    w = recover(dd, &seen, &mark, &skipped, &covered, err);
    CHECK(w != NULL);
    CHECK_INT(covered + seen.n, seq);
    CHECK_INT(seen.n, 12);
    adp_wal_close(w);

    /* A damaged (only) checkpoint is passed over, and since its log segments are gone
     * the start is refused, changing nothing. */
    char ck[400];
    snprintf(ck, sizeof ck, "%s/%020" PRIu64 ".ckpt", adp_datadir_ckpt_dir(dd), mark.ts);
    size_t len = 0;
    uint8_t *b = wt_slurp(ck, &len);
    CHECK(b && len > 100);
    b[len / 2] ^= 4;
    wt_spit(ck, b, len);
    w = recover(dd, &seen, &mark, &skipped, &covered, err);
    CHECK(w == NULL);
    CHECK_INT(skipped, 1);
    CHECK(strstr(err, "00000001.log") != NULL);
    printf("damaged checkpoint: %s\n", err);
    b[len / 2] ^= 4;
    wt_spit(ck, b, len);
    w = recover(dd, &seen, &mark, &skipped, &covered, err);
    CHECK(w != NULL && covered + seen.n == seq);
    adp_wal_close(w);
    free(b);
    adp_datadir_close(dd);
}

/* Appends from one thread while another begins and writes checkpoints: group k (ts k)
 * holds records 2(k-1) and 2(k-1)+1, so a checkpoint at ts T covers exactly 2T records. */
typedef struct race {
    adp_wal *w;
    int groups;
    _Atomic int done;
    int failures;
} race;

static void *appender(void *arg)
{
    race *r = arg;
    char err[256];
    for (int k = 1; k <= r->groups; k++)
        if (wt_append(r->w, (uint64_t)k, 2 * (uint64_t)(k - 1), 2, err) != ADP_WAL_OK) {
            fprintf(stderr, "appender: %s\n", err);
            r->failures++;
        }
    r->done = 1;
    return NULL;
}

static bool write_ts(void *arg, adp_ckpt_out *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return adp_ckpt_out_write(out, arg, sizeof(uint64_t));
}

static void test_concurrent(void)
{
    char dir[300], err[512];
    snprintf(dir, sizeof dir, "%s/race", root);
    adp_datadir *dd = adp_datadir_open(dir, err, sizeof err);
    adp_wal_config cfg = {4096};
    adp_wal_start start = {0, 0};
    adp_wal *w = adp_wal_open(dd, &cfg, &start, NULL, NULL, NULL, err, sizeof err);
    CHECK(w != NULL);
    race r = {.w = w, .groups = 3000};
    pthread_t th;
    pthread_create(&th, NULL, appender, &r);
    int made = 0, raced = 0;
    while (!r.done) {
        adp_ckpt_mark mark;
        uint64_t t = adp_wal_last_ts(w);
        /* An append may slip in between: then the ts is stale and begin refuses. */
        adp_wal_status st = adp_wal_checkpoint_begin(w, t, &mark, err, sizeof err);
        if (st == ADP_WAL_EINVAL) {
            raced++;
            continue;
        }
        CHECK_INT(st, ADP_WAL_OK);
        if (st != ADP_WAL_OK) break;
        uint64_t ts = mark.ts;
        CHECK_INT(adp_ckpt_write(dd, w, &mark, write_ts, &ts, err, sizeof err), ADP_WAL_OK);
        made++;
    }
    pthread_join(th, NULL);
    CHECK_INT(r.failures, 0);
    CHECK(made > 3);
    adp_wal_close(w);

    adp_ckpt_in *in;
    adp_ckpt_mark mark;
    unsigned skipped;
    uint64_t ts = 0;
    CHECK(adp_ckpt_open_newest(dd, &in, &mark, &skipped, err, sizeof err) && in);
    if (in) {
        CHECK(adp_ckpt_in_read(in, &ts, sizeof ts));
        adp_ckpt_in_close(in);
    }
    CHECK_INT(ts, mark.ts);
    wt_seen seen = {.next = 2 * ts};
    start = adp_ckpt_start(&mark);
    adp_wal_info info;
    w = adp_wal_open(dd, &cfg, &start, wt_replay, &seen, &info, err, sizeof err);
    CHECK(w != NULL);
    CHECK_INT(seen.next, 2 * 3000);
    CHECK(!seen.bad);
    printf("concurrent: %d checkpoints (%d begins raced with an append), last at ts %" PRIu64
           ", %" PRIu64 " records replayed after it\n",
           made, raced, ts, seen.n);
    adp_wal_close(w);
    adp_datadir_close(dd);
}

int main(void)
{
    wt_tmpdir(root, sizeof root, NULL);
    test_checkpoint();
    test_concurrent();
    wt_rmrf(root);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed != 0;
}
