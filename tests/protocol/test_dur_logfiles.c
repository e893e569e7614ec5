/* Durability through a real pgpeekd, the log files themselves: a torn tail is recovered, a
 * corrupt record in the middle refuses the start (file and offset named, files unchanged),
 * a lost oracle state is moved past the log, a second pgpeekd on the same directory exits
 * with a clear message. */
#include <dirent.h>
#include <fcntl.h>

#include "protocol/dur_util.h"

/* The newest segment of dir/wal. */
static void last_segment(const char *dir, char *path, size_t cap)
{
    char wal[4200];
    snprintf(wal, sizeof wal, "%s/wal", dir);
    DIR *dh = opendir(wal);
    char best[256] = "";
    for (struct dirent *e; dh && (e = readdir(dh));)
        if (strstr(e->d_name, ".log") && strcmp(e->d_name, best) > 0)
            snprintf(best, sizeof best, "%s", e->d_name);
    if (dh) closedir(dh);
    snprintf(path, cap, "%s/%s", wal, best);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    *n = file_size(path);
    char *b = malloc(*n > 0 ? (size_t)*n : 1);
    if (f && *n > 0 && fread(b, 1, (size_t)*n, f) != (size_t)*n) *n = -1;
    if (f) fclose(f);
    return b;
}

/* Ten single-row commits (ten groups) into a fresh directory, then kill -9: the records
 * stay in the log (a clean stop would checkpoint them and delete it). */
static void ten_commits(char *dir, size_t cap)
{
    CHECK(dur_tmpdir(dir, cap) != NULL);
    dur_srv s;
    CHECK(dur_start(&s, dir, NULL));
    PGconn *c = dur_connect(s.port);
    CHECK(dur_exec(c, "CREATE TABLE k (i int4, pad text)", NULL));
    for (int i = 1; i <= 10; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO k VALUES (%d, repeat('x', 100))", i);
        CHECK(dur_exec(c, sql, NULL));
    }
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
}

static void test_torn_tail(void)
{
    char dir[64], seg[4300], buf[64];
    ten_commits(dir, sizeof dir);
    last_segment(dir, seg, sizeof seg);
    long n = file_size(seg);
    CHECK(n > 1000);
    CHECK(truncate(seg, n - 7) == 0); /* a crash in the middle of the last append */
    dur_srv s;
    CHECK(dur_start(&s, dir, NULL));
    CHECK(dur_log_has(&s, "torn tail"));
    PGconn *c = dur_connect(s.port);
    CHECK_STR(dur_val(c, "SELECT count(*) FROM k", buf, sizeof buf), "9");
    CHECK_STR(dur_val(c, "SELECT max(i) FROM k", buf, sizeof buf), "9");
    CHECK(dur_exec(c, "INSERT INTO k VALUES (11, 'after')", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_start(&s, dir, NULL));
    c = dur_connect(s.port);
    CHECK_STR(dur_val(c, "SELECT count(*) FROM k", buf, sizeof buf), "10");
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

static void test_corrupt_middle(void)
{
    char dir[64], seg[4300];
    ten_commits(dir, sizeof dir);
    last_segment(dir, seg, sizeof seg);
    long n;
    char *orig = slurp(seg, &n);
    CHECK(n > 1000);
    /* a payload byte of the third record (the CREATE TABLE and two rows come first) */
    long at = n / 3;
    int fd = open(seg, O_WRONLY);
    char flipped = (char)(orig[at] ^ 0x20);
    CHECK(pwrite(fd, &flipped, 1, at) == 1);
    close(fd);
    long n1;
    char *damaged = slurp(seg, &n1);
    dur_srv s;
    CHECK(!dur_start(&s, dir, NULL));
    CHECK_INT(s.status, 1);
    CHECK(dur_log_has(&s, "corrupt write-ahead log record in"));
    CHECK(dur_log_has(&s, seg));
    CHECK(dur_log_has(&s, "byte offset"));
    CHECK(dur_log_has(&s, "refusing to start"));
    long n2;
    char *after = slurp(seg, &n2);
    CHECK(n2 == n1 && memcmp(after, damaged, (size_t)n1) == 0); /* nothing changed */
    /* repaired, it starts with everything */
    fd = open(seg, O_WRONLY);
    CHECK(pwrite(fd, &orig[at], 1, at) == 1);
    close(fd);
    CHECK(dur_start(&s, dir, NULL));
    PGconn *c = dur_connect(s.port);
    char buf[32];
    CHECK_STR(dur_val(c, "SELECT count(*) FROM k", buf, sizeof buf), "10");
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    free(orig), free(damaged), free(after);
    CHECK(dur_rm_rf(dir));
}

/* The oracle's state file lost while the log survives: pgpeekd moves the oracle past the
 * recovered commits (and says so), so the next write is still above every logged one. */
static void test_oracle_behind(void)
{
    char dir[64], ora[128], buf[32];
    ten_commits(dir, sizeof dir);
    ts_scan t1 = scan_ts(dir, 0);
    snprintf(ora, sizeof ora, "%s/timestamp_oracle", dir);
    CHECK(unlink(ora) == 0);
    dur_srv s;
    CHECK(dur_start(&s, dir, NULL));
    CHECK(dur_log_has(&s, "was below the recovered commit timestamp"));
    PGconn *c = dur_connect(s.port);
    CHECK_STR(dur_val(c, "SELECT count(*) FROM k", buf, sizeof buf), "10");
    CHECK(dur_exec(c, "INSERT INTO k VALUES (11, 'after')", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGKILL), -1); /* the insert stays in the log */
    ts_scan t2 = scan_ts(dir, t1.max);
    CHECK(t2.min_after > t1.max);
    CHECK_INT(t2.records, t1.records + 1);
    CHECK(dur_rm_rf(dir));
}

static void test_second_server(void)
{
    char dir[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    dur_srv a, b;
    CHECK(dur_start(&a, dir, NULL));
    CHECK(!dur_start(&b, dir, NULL));
    CHECK_INT(b.status, 1);
    CHECK(dur_log_has(&b, "is in use by another pgpeek process"));
    /* the first one is unharmed */
    PGconn *c = dur_connect(a.port);
    CHECK(c && dur_exec(c, "CREATE TABLE still_here (x int4)", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&a, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

int main(void)
{
    if (!dur_find_daemon()) return 1;
    PT_RUN(test_torn_tail);
    PT_RUN(test_corrupt_middle);
    PT_RUN(test_oracle_behind);
    PT_RUN(test_second_server);
    return pt_finish();
}
