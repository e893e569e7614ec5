/* Crash simulation: a child process recovers, then appends groups (reporting each durable
 * one through a pipe) while a checkpointer thread writes checkpoints; the parent kills it
 * with SIGKILL at random moments, recovers (checkpoint + log) and checks that every
 * acknowledged record is present, whole and in order. Bounded by time (~20 s). */
#include "unit/test_adp_wal_util.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#define SEG_BYTES (64u << 10)
#define CKPT_EVERY (96u << 10) /* bytes of log between checkpoints */
#define FILLER (192u << 10)    /* snapshot padding, so kills land mid-checkpoint */

static char dir[256];

static void filler_byte_init(uint64_t upto, uint64_t *x)
{
    *x = upto * 0x2545F4914F6CDD1Dull | 1;
}
static uint8_t filler_next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return (uint8_t)*x;
}

/* Recovery as the server will do it. Returns the open log (NULL: err) and the next seq. */
static adp_wal *recover(adp_datadir *dd, uint64_t *next, uint64_t *last_ts, uint64_t *covered,
                        char *err)
{
    adp_ckpt_in *in;
    adp_ckpt_mark mark;
    unsigned skipped;
    wt_seen seen = {0};
    *covered = 0;
    if (!adp_ckpt_open_newest(dd, &in, &mark, &skipped, err, 512)) return NULL;
    if (in) {
        uint8_t b[8], f;
        bool ok = adp_ckpt_in_read(in, b, 8);
        for (int i = 0; i < 8; i++)
            *covered |= (uint64_t)b[i] << (8 * i);
        uint64_t x;
        filler_byte_init(*covered, &x);
        for (size_t i = 0; ok && i < FILLER; i++)
            ok = adp_ckpt_in_read(in, &f, 1) && f == filler_next(&x);
        ok = ok && adp_ckpt_in_left(in) == 0;
        adp_ckpt_in_close(in);
        if (!ok) {
            snprintf(err, 512, "checkpoint body is wrong");
            return NULL;
        }
    }
    if (skipped) {
        snprintf(err, 512, "a damaged checkpoint was found (%u)", skipped);
        return NULL;
    }
    seen.next = *covered;
    adp_wal_start start = adp_ckpt_start(&mark);
    adp_wal_config cfg = {SEG_BYTES};
    adp_wal_info info;
    adp_wal *w = adp_wal_open(dd, &cfg, &start, wt_replay, &seen, &info, err, 512);
    if (!w) return NULL;
    *next = seen.next;
    *last_ts = info.last_ts;
    return w;
}

/* The child's checkpointer: one job at a time, handed over by the commit loop. */
typedef struct ckjob {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool pending, running;
    adp_ckpt_mark mark;
    uint64_t upto;
    adp_datadir *dd;
    adp_wal *w;
} ckjob;

static bool write_snap(void *arg, adp_ckpt_out *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    uint64_t upto = *(uint64_t *)arg, x;
    uint8_t b[4096];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(upto >> (8 * i));
    if (!adp_ckpt_out_write(out, b, 8)) return false;
    filler_byte_init(upto, &x);
    for (size_t done = 0; done < FILLER; done += sizeof b) {
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = filler_next(&x);
        if (!adp_ckpt_out_write(out, b, sizeof b)) return false;
    }
    return true;
}

static void *checkpointer(void *arg)
{
    ckjob *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->pending)
            pthread_cond_wait(&j->cv, &j->mu);
        j->pending = false;
        adp_ckpt_mark m = j->mark;
        uint64_t upto = j->upto;
        pthread_mutex_unlock(&j->mu);
        char err[512];
        if (adp_ckpt_write(j->dd, j->w, &m, write_snap, &upto, err, sizeof err) != ADP_WAL_OK) {
            fprintf(stderr, "child checkpoint: %s\n", err);
            _exit(3);
        }
        pthread_mutex_lock(&j->mu);
        j->running = false;
    }
    return NULL;
}

static void child(int fd, unsigned seed)
{
    char err[512];
    adp_datadir *dd = adp_datadir_open(dir, err, sizeof err);
    if (!dd) {
        fprintf(stderr, "child: %s\n", err);
        _exit(2);
    }
    uint64_t seq, ts, covered;
    adp_wal *w = recover(dd, &seq, &ts, &covered, err);
    if (!w) {
        fprintf(stderr, "child recovery: %s\n", err);
        _exit(2);
    }
    ckjob j = {.dd = dd, .w = w};
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.cv, NULL);
    pthread_t th;
    pthread_create(&th, NULL, checkpointer, &j);
    for (;;) {
        size_t n = 1 + (size_t)(rand_r(&seed) % 8u);
        if (wt_append(w, ++ts, seq, n, err) != ADP_WAL_OK) {
            fprintf(stderr, "child append: %s\n", err);
            _exit(3);
        }
        seq += n;
        if (write(fd, &seq, sizeof seq) != sizeof seq) _exit(4);
        /* The commit thread cuts the checkpoint between groups: all up to `ts` is in it. */
        pthread_mutex_lock(&j.mu);
        if (!j.running && adp_wal_size_since_checkpoint(w) > CKPT_EVERY) {
            if (adp_wal_checkpoint_begin(w, ts, &j.mark, err, sizeof err) != ADP_WAL_OK) {
                fprintf(stderr, "child checkpoint begin: %s\n", err);
                _exit(3);
            }
            j.upto = seq;
            j.running = j.pending = true;
            pthread_cond_signal(&j.cv);
        }
        pthread_mutex_unlock(&j.mu);
    }
}

static bool tmp_left(const char *ckdir)
{
    DIR *d = opendir(ckdir);
    bool found = false;
    struct dirent *de;
    while (d && (de = readdir(d)))
        found |= strstr(de->d_name, ".tmp") != NULL;
    if (d) closedir(d);
    return found;
}

int main(int argc, char **argv)
{
    double budget = argc > 1 ? atof(argv[1]) : 20.0;
    wt_tmpdir(dir, sizeof dir, NULL);
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    printf("seed %u, dir %s\n", seed, dir);
    double t0 = wt_now();
    uint64_t acked = 0, checked = 0;
    int kills = 0, mid_ckpt = 0, failures = 0, from_ckpt = 0;
    while (wt_now() - t0 < budget && failures == 0) {
        int p[2];
        if (pipe(p) != 0) return 2;
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            child(p[1], seed + (unsigned)kills);
        }
        close(p[1]);
        /* Once it appends (recovery done: slow under sanitizers), let it run a random
         * while reading acks, then kill it. */
        int delay_ms = 5 + rand_r(&seed) % 120;
        double until = wt_now() + 10.0;
        bool started = false;
        uint64_t v;
        for (double now; (now = wt_now()) < until;) {
            struct pollfd pf = {p[0], POLLIN, 0};
            if (poll(&pf, 1, (int)((until - now) * 1000) + 1) > 0) {
                if (read(p[0], &v, sizeof v) != sizeof v) break; /* child died */
                if (v > acked) acked = v;
                if (!started) until = wt_now() + delay_ms / 1000.0;
                started = true;
            }
        }
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        /* Acks already in the pipe were durable before the kill. */
        while (read(p[0], &v, sizeof v) == sizeof v)
            if (v > acked) acked = v;
        close(p[0]);
        if (!WIFSIGNALED(status)) {
            fprintf(stderr, "child exited on its own (status %d)\n", status);
            failures++;
            break;
        }
        kills++;
        char ckdir[300], err[512];
        snprintf(ckdir, sizeof ckdir, "%s/ckpt", dir);
        mid_ckpt += tmp_left(ckdir);

        adp_datadir *dd = adp_datadir_open(dir, err, sizeof err);
        uint64_t next = 0, last_ts, covered;
        adp_wal *w = dd ? recover(dd, &next, &last_ts, &covered, err) : NULL;
        if (!w || next < acked) {
            fprintf(stderr, "after kill %d: %s (recovered up to %" PRIu64 ", acked %" PRIu64 ")\n",
                    kills, w ? "records lost" : err, next, acked);
            failures++;
        }
        checked += next - covered; /* each one compared byte for byte */
        from_ckpt += covered > 0;
        adp_wal_close(w);
        adp_datadir_close(dd);
    }
    CHECK_INT(failures, 0);
    CHECK(kills >= 20);
    CHECK(acked > 1000);
    CHECK(mid_ckpt > 0);
    CHECK(from_ckpt > kills / 2); /* recoveries started from a checkpoint */
    printf("%d kills (%d during a checkpoint write, %d recoveries from a checkpoint), %" PRIu64
           " records acknowledged, %" PRIu64 " replayed records verified after recoveries\n",
           kills, mid_ckpt, from_ckpt, acked, checked);
    if (failures == 0) wt_rmrf(dir);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed != 0;
}
