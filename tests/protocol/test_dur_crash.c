/* Crash test: concurrent writer connections record every acknowledged INSERT while pgpeekd
 * is killed with SIGKILL at random moments, with checkpoints forced often (every 32 KiB of
 * log and by CHECKPOINT). After each restart every acknowledged row must be there, and a
 * multi-row INSERT must be there whole or not at all. A fifth connection creates, fills,
 * indexes and drops tables meanwhile; its acknowledged DDL must survive too. DUR_CRASH_SECONDS sets
 * the budget (default 25). Prints kills, kills during a checkpoint, and rows checked. */
#include <dirent.h>
#include <pthread.h>
#include <time.h>

#include "protocol/dur_util.h"

#define WRITERS 4
#define MAXI 200000

/* One writer connection; the main thread reads its results after joining it. */
typedef struct writer {
    int w, port;
    int next;              /* the batch number to insert next */
    int acked;             /* highest acknowledged batch */
    unsigned char *status; /* per batch: 0 never sent, 1 in flight/unknown, 2 acknowledged */
    int other_errors;
    unsigned seed;
    bool checkpointer; /* also issues CHECKPOINT now and then */
} writer;

/* Batch i of writer w has 1 + i % 4 rows (parts 0..n-1), so a half-present one shows. */
static int parts(int i)
{
    return 1 + i % 4;
}

static void *writer_main(void *arg)
{
    writer *wr = arg;
    PGconn *c = dur_connect(wr->port);
    if (!c) return NULL;
    char sql[1024];
    for (; wr->next < MAXI; wr->next++) {
        int i = wr->next, n = parts(i);
        size_t len = (size_t)snprintf(sql, sizeof sql, "INSERT INTO ack VALUES ");
        for (int p = 0; p < n; p++)
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s(%d, %d, %d, %d, 'w%d-%d')",
                                    p ? ", " : "", wr->w, i, p, n, wr->w, i);
        wr->status[i] = 1;
        char ss[8] = "";
        bool ok = dur_exec(c, sql, ss);
        if (ok) {
            wr->status[i] = 2;
            wr->acked = i;
        } else if (ss[0] || PQstatus(c) == CONNECTION_OK) {
            wr->other_errors++;
            if (getenv("DUR_DEBUG")) fprintf(stderr, "writer %d: %s: %s\n", wr->w, ss, sql);
        } else {
            break; /* the server is gone: batch i's fate is unknown */
        }
        /* some no-op updates, so the log has deletes and re-inserts of acknowledged rows */
        if (wr->w == 0 && i % 3 == 0 && wr->acked > 0) {
            snprintf(sql, sizeof sql, "UPDATE ack SET label = label WHERE w = 0 AND i = %d",
                     (int)(rand_r(&wr->seed) % (unsigned)wr->acked));
            if (!dur_exec(c, sql, ss) && (ss[0] || PQstatus(c) == CONNECTION_OK))
                wr->other_errors++;
            if (PQstatus(c) != CONNECTION_OK) break;
        }
        if (wr->checkpointer && i % 50 == 0) {
            if (!dur_exec(c, "CHECKPOINT", ss) && PQstatus(c) != CONNECTION_OK) break;
        }
    }
    wr->next++; /* batch `next` may have landed: never reuse its number */
    PQfinish(c);
    return NULL;
}

/* Temp files of checkpoints left over by earlier kills (they go with the next checkpoint). */
static char leftovers[8192];

static void note_leftovers(const char *dir)
{
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    DIR *dh = opendir(ck);
    leftovers[0] = 0;
    for (struct dirent *e; dh && (e = readdir(dh));)
        if (strstr(e->d_name, ".tmp") &&
            strlen(leftovers) + strlen(e->d_name) + 2 < sizeof leftovers)
            strcat(strcat(leftovers, e->d_name), "/");
    if (dh) closedir(dh);
}

/* A checkpoint is being written now: a temp file that is not a leftover. */
/* The DDL writer: creates tables d<n> (with a key), fills each with a few rows, indexes it,
 * and drops the one two before, so kills land among CREATE/INDEX/DROP and their rows.
 * Per table: 0 not done, 1 in flight at a kill (either outcome), 2 acknowledged. */
#define DDL_MAX 4096
#define DDL_ROWS 5
typedef struct ddl_writer {
    int port, next;
    unsigned char created[DDL_MAX], indexed[DDL_MAX], dropped[DDL_MAX];
    unsigned char rows[DDL_MAX];         /* acknowledged rows 0..rows-1 */
    unsigned char row_inflight[DDL_MAX]; /* row `rows` was in flight at a kill */
    int other_errors;
    long ops;
} ddl_writer;

/* One statement; false when the server is gone (then *state = 1: in flight). */
static bool ddl_step(ddl_writer *d, PGconn *c, const char *sql, unsigned char *state)
{
    char ss[8] = "";
    *state = 1;
    if (dur_exec(c, sql, ss)) {
        *state = 2;
        d->ops++;
        return true;
    }
    if (ss[0] || PQstatus(c) == CONNECTION_OK) {
        *state = 0;
        d->other_errors++;
        if (getenv("DUR_DEBUG")) fprintf(stderr, "ddl: %s: %s\n", ss, sql);
        return true;
    }
    return false;
}

static void *ddl_main(void *arg)
{
    ddl_writer *d = arg;
    PGconn *c = dur_connect(d->port);
    if (!c) return NULL;
    char sql[256];
    for (; d->next < DDL_MAX; d->next++) {
        int n = d->next;
        snprintf(sql, sizeof sql, "CREATE TABLE d%d (k int4 PRIMARY KEY, v text)", n);
        if (!ddl_step(d, c, sql, &d->created[n])) break;
        for (int r = 0; r < DDL_ROWS; r++) {
            unsigned char st;
            snprintf(sql, sizeof sql, "INSERT INTO d%d VALUES (%d, 'v%d')", n, r, r);
            bool alive = ddl_step(d, c, sql, &st);
            if (st == 2) d->rows[n]++;
            if (st == 1) d->row_inflight[n] = 1;
            if (!alive) goto gone;
        }
        snprintf(sql, sizeof sql, "CREATE INDEX d%d_v ON d%d (v)", n, n);
        if (!ddl_step(d, c, sql, &d->indexed[n])) break;
        if (n >= 2 && d->created[n - 2] == 2 && !d->dropped[n - 2]) {
            snprintf(sql, sizeof sql, "DROP TABLE d%d", n - 2);
            if (!ddl_step(d, c, sql, &d->dropped[n - 2])) break;
        }
    }
gone:
    d->next++; /* table `next` may exist: never reuse its name */
    PQfinish(c);
    return NULL;
}

/* Every acknowledged DDL and row there, nothing unacknowledged; in-flight ones resolved to
 * what recovery shows. Returns the checks made. */
static long verify_ddl(int port, ddl_writer *d)
{
    PGconn *c = dur_connect(port);
    if (!c) return 0;
    long checks = 0, bad = 0;
    char sql[256], ss[8];
    for (int n = 0; n < d->next && n < DDL_MAX; n++) {
        snprintf(sql, sizeof sql, "SELECT k FROM d%d ORDER BY k", n);
        PGresult *r = PQexec(c, sql);
        bool exists = PQresultStatus(r) == PGRES_TUPLES_OK;
        int nrows = exists ? PQntuples(r) : 0;
        bool dense = true;
        for (int i = 0; i < nrows; i++)
            dense &= atoi(PQgetvalue(r, i, 0)) == i;
        PQclear(r);
        bool should = d->created[n] == 2 && d->dropped[n] == 0;
        bool may = d->created[n] != 0 && d->dropped[n] != 2;
        if ((should && !exists) || (exists && !may)) {
            bad++;
            fprintf(stderr, "d%d: exists %d, created %d, dropped %d\n", n, exists, d->created[n],
                    d->dropped[n]);
        }
        if (d->created[n] == 1) d->created[n] = exists || d->dropped[n] ? 2 : 0;
        if (d->dropped[n] == 1) d->dropped[n] = exists ? 0 : 2;
        checks++;
        if (!exists) continue;
        /* rows: every acknowledged one, plus the one in flight or not */
        if (!dense || nrows < d->rows[n] || nrows > d->rows[n] + d->row_inflight[n]) {
            bad++;
            fprintf(stderr, "d%d: %d rows (dense %d), %d acknowledged, %d in flight\n", n, nrows,
                    dense, d->rows[n], d->row_inflight[n]);
        }
        d->rows[n] = (unsigned char)nrows;
        d->row_inflight[n] = 0;
        checks += nrows;
        /* the index: its name taken exactly when its CREATE INDEX committed */
        snprintf(sql, sizeof sql, "CREATE INDEX d%d_v ON d%d (k)", n, n);
        bool taken = !dur_exec(c, "BEGIN", NULL) || !dur_exec(c, sql, ss);
        dur_exec(c, "ROLLBACK", NULL);
        if ((d->indexed[n] == 2 && !taken) || (d->indexed[n] == 0 && taken)) {
            bad++;
            fprintf(stderr, "d%d: index name taken %d, indexed %d\n", n, taken, d->indexed[n]);
        }
        if (d->indexed[n] == 1) d->indexed[n] = taken ? 2 : 0;
        checks++;
    }
    PQfinish(c);
    if (bad) fprintf(stderr, "verify_ddl: %ld tables wrong\n", bad);
    CHECK_INT(bad, 0);
    return checks;
}

static bool ckpt_tmp_exists(const char *dir)
{
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    DIR *dh = opendir(ck);
    bool found = false;
    for (struct dirent *e; dh && (e = readdir(dh));)
        found |= strstr(e->d_name, ".tmp") != NULL && !strstr(leftovers, e->d_name);
    if (dh) closedir(dh);
    return found;
}

/* Every acknowledged batch whole, every other batch whole or absent. Returns rows checked. */
static long verify(int port, writer *ws)
{
    PGconn *c = dur_connect(port);
    CHECK(c != NULL);
    if (!c) return 0;
    PGresult *r = PQexec(c, "SELECT w, i, part, n, label FROM ack");
    CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
    static unsigned char seen[WRITERS][MAXI];
    memset(seen, 0, sizeof seen);
    long rows = PQntuples(r), bad = 0;
    for (long k = 0; k < rows; k++) {
        int w = atoi(PQgetvalue(r, (int)k, 0)), i = atoi(PQgetvalue(r, (int)k, 1));
        int p = atoi(PQgetvalue(r, (int)k, 2)), n = atoi(PQgetvalue(r, (int)k, 3));
        char label[64];
        snprintf(label, sizeof label, "w%d-%d", w, i);
        if (w < 0 || w >= WRITERS || i < 0 || i >= MAXI || n != parts(i) || p < 0 || p >= n ||
            strcmp(PQgetvalue(r, (int)k, 4), label) != 0 || (seen[w][i] & (1u << p))) {
            bad++;
            continue;
        }
        seen[w][i] |= (unsigned char)(1u << p);
    }
    PQclear(r);
    PQfinish(c);
    long lost = 0, half = 0, ghost = 0;
    for (int w = 0; w < WRITERS; w++)
        for (int i = 0; i < MAXI; i++) {
            unsigned full = (1u << parts(i)) - 1;
            if (ws[w].status[i] == 2 && seen[w][i] != full) lost++;
            if (seen[w][i] && seen[w][i] != full) half++;
            if (seen[w][i] && ws[w].status[i] == 0) ghost++;
            /* a batch in flight at the kill that did land counts as acknowledged from now */
            if (ws[w].status[i] == 1 && seen[w][i] == full) ws[w].status[i] = 2;
            if (ws[w].status[i] == 1 && !seen[w][i]) ws[w].status[i] = 0;
        }
    if (bad || lost || half || ghost)
        fprintf(stderr,
                "verify: %ld bad rows, %ld acknowledged batches lost, %ld half there, "
                "%ld never sent\n",
                bad, lost, half, ghost);
    CHECK_INT(bad, 0);
    CHECK_INT(lost, 0);
    CHECK_INT(half, 0);
    CHECK_INT(ghost, 0);
    return rows;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    if (!dur_find_daemon()) return 1;
    double budget = getenv("DUR_CRASH_SECONDS") ? atof(getenv("DUR_CRASH_SECONDS")) : 25;
    char dir[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *flags[] = {"--checkpoint-log-bytes", "32k", "--checkpoint-interval", "1", NULL};
    dur_srv s;
    CHECK(dur_start(&s, dir, flags));
    PGconn *c = dur_connect(s.port);
    CHECK(c && dur_exec(c,
                        "CREATE TABLE ack (w int4, i int4, part int4, n int4, label text, "
                        "PRIMARY KEY (w, i, part))",
                        NULL));
    PQfinish(c);
    writer ws[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        ws[w] = (writer){.w = w, .acked = -1, .seed = (unsigned)(w * 7919 + 1)};
        ws[w].status = calloc(MAXI, 1);
        ws[w].checkpointer = w == WRITERS - 1;
    }
    unsigned seed = (unsigned)time(NULL);
    printf("seed %u\n", seed);
    long kills = 0, during_ckpt = 0, checked = 0, restarts_failed = 0, ddl_checks = 0;
    ddl_writer *ddl = calloc(1, sizeof *ddl);
    double t0 = now_s();
    while (now_s() - t0 < budget && !pt_failed) {
        pthread_t th[WRITERS], dth;
        for (int w = 0; w < WRITERS; w++) {
            ws[w].port = s.port;
            pthread_create(&th[w], NULL, writer_main, &ws[w]);
        }
        ddl->port = s.port;
        pthread_create(&dth, NULL, ddl_main, ddl);
        /* a random moment: 20..400 ms into the writes */
        struct timespec d = {0, (long)(20 + rand_r(&seed) % 380) * 1000000L};
        nanosleep(&d, NULL);
        /* every other round: wait (up to 300 ms) for a checkpoint being written, kill then */
        bool in_ckpt = ckpt_tmp_exists(dir);
        for (int k = 0; kills % 2 && !in_ckpt && k < 300; k++) {
            struct timespec ms = {0, 1000000L};
            nanosleep(&ms, NULL);
            in_ckpt = ckpt_tmp_exists(dir);
        }
        CHECK_INT(dur_stop(&s, SIGKILL), -1);
        kills++;
        for (int w = 0; w < WRITERS; w++)
            pthread_join(th[w], NULL);
        pthread_join(dth, NULL);
        /* a new temp file right after the kill: the kill interrupted a checkpoint */
        if (in_ckpt || ckpt_tmp_exists(dir)) during_ckpt++;
        if (!dur_start(&s, dir, flags)) {
            restarts_failed++;
            fprintf(stderr, "restart failed (status %d), log %s\n", s.status, s.log);
            CHECK(false);
            break;
        }
        note_leftovers(dir);
        checked += verify(s.port, ws);
        ddl_checks += verify_ddl(s.port, ddl);
    }
    long acked = 0, other = 0;
    for (int w = 0; w < WRITERS; w++) {
        for (int i = 0; i < MAXI; i++)
            acked += ws[w].status[i] == 2 ? parts(i) : 0;
        other += ws[w].other_errors;
    }
    CHECK_INT(other, 0);
    CHECK_INT(ddl->other_errors, 0);
    CHECK(kills >= 5);
    CHECK(ddl->next > 3);
    /* checkpoints completed: they delete the segments they cover */
    char seg1[4200];
    snprintf(seg1, sizeof seg1, "%s/wal/00000001.log", dir);
    CHECK(access(seg1, F_OK) != 0);
    if (s.pid > 0) CHECK_INT(dur_stop(&s, SIGTERM), 0);
    printf("crash: %ld kills (%ld with a checkpoint file being written), %ld acknowledged rows "
           "at the end, %ld row checks over all restarts, %ld failed restarts\n",
           kills, during_ckpt, acked, checked, restarts_failed);
    printf(
        "crash: DDL writer: %d tables, %ld acknowledged statements, %ld table/row/index checks\n",
        ddl->next, ddl->ops, ddl_checks);
    free(ddl);
    for (int w = 0; w < WRITERS; w++)
        free(ws[w].status);
    if (!pt_failed) CHECK(dur_rm_rf(dir));
    return pt_finish();
}
