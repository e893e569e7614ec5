/* Full disk through SQL: a whole pgpeekd on a 4 MiB tmpfs that the test mounts in a private
 * mount namespace (root needed; without it the test fails saying why). Once the log cannot
 * grow, writes fail with 53100 and nothing of them is visible, reads go on, the connection
 * stays usable; after space is freed writes work again, and a restart after kill -9
 * recovers every acknowledged row. */
#include <sched.h>
#include <sys/mount.h>

#include "protocol/dur_util.h"

static char mnt[64];
static bool mounted;

static void cleanup(void)
{
    if (mounted && umount2(mnt, MNT_DETACH) != 0)
        fprintf(stderr, "umount %s: %s\n", mnt, strerror(errno));
    mounted = false;
    rmdir(mnt);
}

static int count_rows(int port)
{
    PGconn *c = dur_connect(port);
    char buf[32];
    const char *v = c ? dur_val(c, "SELECT count(*) FROM big", buf, sizeof buf) : NULL;
    PQfinish(c);
    return v ? atoi(v) : -1;
}

int main(void)
{
    if (!dur_find_daemon()) return 1;
    if (geteuid() != 0) {
        printf("FAIL: the full-disk test mounts a tmpfs and must run as root (euid %d)\n",
               (int)geteuid());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    CHECK(dur_tmpdir(mnt, sizeof mnt) != NULL);
    atexit(cleanup);
    /* In a private namespace the mount goes away with this process (and pgpeekd, which
     * inherits it), however they end. */
    if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
        printf("private mount namespace\n");
    else
        printf("no private mount namespace (%s): unmounting at exit\n", strerror(errno));
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=4m") != 0) {
        printf("FAIL: cannot mount a tmpfs on %s: %s\n", mnt, strerror(errno));
        printf("0 passed, 1 failed\n");
        return 1;
    }
    mounted = true;
    char data[128], filler[128];
    snprintf(data, sizeof data, "%s/data", mnt);
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    /* space to free later */
    FILE *f = fopen(filler, "w");
    static char junk[2560 << 10]; /* more than the log will hold: a checkpoint fits later */
    CHECK(f && fwrite(junk, 1, sizeof junk, f) == sizeof junk);
    if (f) fclose(f);
    const char *flags[] = {"--checkpoint-interval", "3600", "--checkpoint-log-bytes", "1G", NULL};
    dur_srv s;
    CHECK(dur_start(&s, data, flags));
    PGconn *c = dur_connect(s.port);
    CHECK(c && dur_exec(c, "CREATE TABLE big (i int4 PRIMARY KEY, pad text)", NULL));
    int acked = 0, failed = 0;
    char ss[8] = "", sql[256];
    for (int i = 1; i < 5000 && !failed; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO big VALUES (%d, repeat('p', 2000))", i);
        if (dur_exec(c, sql, ss))
            acked = i;
        else
            failed = i;
    }
    printf("the disk filled after %d acknowledged rows\n", acked);
    if (PQstatus(c) != CONNECTION_OK)
        printf("FAIL: pgpeekd died at the full disk instead of failing the statement with 53100 "
               "(the commit thread must fail the group: the pending helper's change)\n");
    CHECK(failed > 0 && acked > 100);
    CHECK_STR(ss, "53100");
    CHECK(PQstatus(c) == CONNECTION_OK);
    /* nothing of the failed statement is visible; reads go on */
    char buf[32];
    snprintf(sql, sizeof sql, "%d", acked);
    CHECK_STR(dur_val(c, "SELECT count(*) FROM big", buf, sizeof buf), sql);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM big WHERE i = %d", failed);
    CHECK_STR(dur_val(c, sql, buf, sizeof buf), "0");
    /* a multi-statement block fails as a whole too */
    CHECK(dur_exec(c, "BEGIN", NULL));
    snprintf(sql, sizeof sql, "INSERT INTO big VALUES (%d, repeat('q', 2000))", failed);
    CHECK(dur_exec(c, sql, NULL));
    CHECK(!dur_exec(c, "COMMIT", ss));
    CHECK_STR(ss, "53100");
    CHECK(dur_exec(c, "ROLLBACK", NULL)); /* whatever state COMMIT left, this is fine */
    snprintf(sql, sizeof sql, "%d", acked);
    CHECK_STR(dur_val(c, "SELECT count(*) FROM big", buf, sizeof buf), sql);
    /* a checkpoint cannot be written either: it fails cleanly, the previous state stays */
    CHECK(!dur_exec(c, "CHECKPOINT", ss));
    CHECK_STR(ss, "53100");
    /* its error comes back to a pending CHECKPOINT: in a block it aborts the block */
    CHECK(dur_exec(c, "BEGIN", NULL));
    CHECK(!dur_exec(c, "CHECKPOINT", ss));
    CHECK_STR(ss, "53100");
    CHECK_INT(PQtransactionStatus(c), PQTRANS_INERROR);
    CHECK(dur_exec(c, "ROLLBACK", NULL));
    PGresult *r = PQexecParams(c, "CHECKPOINT", 0, NULL, NULL, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_FATAL_ERROR);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "53100");
    PQclear(r);
    CHECK_INT(PQtransactionStatus(c), PQTRANS_IDLE);
    /* space back: writes resume on the same connection */
    CHECK(unlink(filler) == 0);
    for (int i = failed; i < failed + 20; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO big VALUES (%d, repeat('r', 2000))", i);
        bool ok = dur_exec(c, sql, ss);
        CHECK(ok);
        if (ok) acked++;
    }
    CHECK(dur_exec(c, "CHECKPOINT", NULL));
    PQfinish(c);
    CHECK_INT(count_rows(s.port), acked);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_start(&s, data, flags));
    CHECK_INT(count_rows(s.port), acked);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    printf("full disk: %d acknowledged rows recovered\n", acked);
    return pt_finish();
}
