/* CHECKPOINT through a real pgpeekd with one worker: while one connection's CHECKPOINT is
 * being written, another connection of the same worker keeps getting answers; CHECKPOINT
 * answers only once the checkpoint file exists; the extended protocol, pipelining, blocks
 * and multi-statement strings; a client leaving, and a server stop, while CHECKPOINT is
 * pending; the ephemeral mode. */
#include <dirent.h>

#include "protocol/dur_util.h"

/* One worker, so that every connection shares it; checkpoints only when asked. */
static const char *const one_worker[] = {"--workers",
                                         "1",
                                         "--checkpoint-interval",
                                         "3600",
                                         "--checkpoint-log-bytes",
                                         "1G",
                                         "--log-level",
                                         "info",
                                         NULL};

/* The newest complete checkpoint's file name (into name, "" if none) and how many there
 * are; *tmp: whether a checkpoint is being written. */
static int ckpt_files(const char *dir, char *name, size_t cap, bool *tmp)
{
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    DIR *dh = opendir(ck);
    int n = 0;
    name[0] = 0;
    *tmp = false;
    for (struct dirent *e; dh && (e = readdir(dh));) {
        if (strstr(e->d_name, ".tmp")) {
            *tmp = true;
        } else if (strstr(e->d_name, ".ckpt")) {
            n++;
            if (strcmp(e->d_name, name) > 0) snprintf(name, cap, "%s", e->d_name);
        }
    }
    if (dh) closedir(dh);
    return n;
}

/* A table of 2^doublings rows of ~200 bytes: its checkpoint takes a while. */
static void fill_big(PGconn *c, int doublings)
{
    CHECK(dur_exec(c, "CREATE TABLE big (i int8, pad text)", NULL) &&
          dur_exec(c, "INSERT INTO big VALUES (1, repeat('x', 200))", NULL));
    long rows = 1;
    for (int k = 0; k < doublings; k++, rows *= 2) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO big SELECT i + %ld, pad FROM big", rows);
        CHECK(dur_exec(c, sql, NULL));
    }
}

/* Every result of c's current query; true when one was a CHECKPOINT CommandComplete and
 * none an error. */
static bool checkpoint_result(PGconn *c)
{
    bool ok = false, failed = false;
    PGresult *r;
    while ((r = PQgetResult(c))) {
        if (PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "CHECKPOINT") == 0)
            ok = true;
        else if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            failed = true;
        PQclear(r);
    }
    return ok && !failed;
}

/* b asks again and again while a's query runs; how many answers came before a's (each
 * must be `want`). */
static int answers_meanwhile(PGconn *a, PGconn *b, const char *want)
{
    char buf[64];
    int answers = 0, wrong = 0;
    for (int i = 0; i < 1000000; i++) {
        const char *v = dur_val(b, "SELECT count(*) FROM small", buf, sizeof buf);
        if (!PQconsumeInput(a) || !PQisBusy(a)) break;
        answers++;
        wrong += !v || strcmp(v, want) != 0;
    }
    CHECK_INT(wrong, 0);
    return answers;
}

/* A fresh data directory, pgpeekd on one worker there, and two connections to it. */
static bool start_two(char dir[64], dur_srv *s, PGconn **a, PGconn **b)
{
    CHECK(dur_tmpdir(dir, 64) != NULL);
    CHECK(dur_start(s, dir, one_worker));
    *a = dur_connect(s->port);
    *b = dur_connect(s->port);
    CHECK(*a && *b);
    return *a && *b;
}

static void test_worker_not_blocked(void)
{
    char dir[64], name[256], buf[64];
    bool tmp;
    dur_srv s;
    PGconn *a, *b;
    if (!start_two(dir, &s, &a, &b)) return;
    fill_big(a, 18);
    CHECK(dur_exec(b, "CREATE TABLE small (x int4)", NULL) &&
          dur_exec(b, "INSERT INTO small VALUES (1), (2)", NULL));
    CHECK_INT(ckpt_files(dir, name, sizeof name, &tmp), 0);
    /* b asks again and again while a's CHECKPOINT is written: with the checkpoint waited
     * for on the worker, b's first answer would come only after a's */
    CHECK(PQsendQuery(a, "CHECKPOINT"));
    int answers = answers_meanwhile(a, b, "2");
    /* answered only once its file is there, complete */
    int n = ckpt_files(dir, name, sizeof name, &tmp);
    CHECK(checkpoint_result(a));
    CHECK_INT(n, 1);
    CHECK(!tmp);
    printf("answers on the same worker while CHECKPOINT was pending: %d\n", answers);
    CHECK(answers >= 5);
    /* the same inside a block with changes of its own (not committed, not seen by b) */
    char prev[256];
    snprintf(prev, sizeof prev, "%s", name);
    CHECK(dur_exec(a, "BEGIN", NULL) && dur_exec(a, "INSERT INTO small VALUES (3)", NULL));
    CHECK(PQsendQuery(a, "CHECKPOINT"));
    answers = answers_meanwhile(a, b, "2");
    n = ckpt_files(dir, name, sizeof name, &tmp);
    CHECK(checkpoint_result(a));
    CHECK(n == 1 && !tmp && strcmp(name, prev) >= 0);
    printf("... and while one was pending in a block: %d\n", answers);
    CHECK(answers >= 5);
    CHECK_INT(PQtransactionStatus(a), PQTRANS_INTRANS);
    CHECK(dur_exec(a, "COMMIT", NULL));
    CHECK_STR(dur_val(b, "SELECT count(*) FROM small", buf, sizeof buf), "3");
    CHECK(dur_exec(a, "CHECKPOINT", NULL));
    /* every row is in it: a restart from it alone (kill -9, the log after it is empty) */
    PQfinish(a);
    PQfinish(b);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_start(&s, dir, one_worker));
    CHECK(dur_log_has(&s, "(262147 rows), then 0 log records")); /* big and small */
    a = dur_connect(s.port);
    CHECK_STR(dur_val(a, "SELECT count(*) FROM big", buf, sizeof buf), "262144");
    PQfinish(a);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

/* The next result of a pipeline: its status, and its first value into buf ("" if none). */
static ExecStatusType next_result(PGconn *c, char *buf, size_t cap)
{
    PGresult *r = PQgetResult(c);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    buf[0] = 0;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0) snprintf(buf, cap, "%s", PQgetvalue(r, 0, 0));
    if (st == PGRES_COMMAND_OK) snprintf(buf, cap, "%s", PQcmdStatus(r));
    PQclear(r);
    if (st != PGRES_PIPELINE_SYNC) {
        r = PQgetResult(c); /* the NULL that ends each query's results */
        if (r) st = PGRES_FATAL_ERROR;
        PQclear(r);
    }
    return st;
}

static void test_statement_forms(void)
{
    char dir[64], name[256], prev[256], buf[64];
    bool tmp;
    dur_srv s;
    PGconn *a, *b;
    if (!start_two(dir, &s, &a, &b)) return;
    CHECK(dur_exec(a, "CREATE TABLE k (x int4)", NULL));
    CHECK(dur_exec(a, "CHECKPOINT", NULL));
    CHECK_INT(ckpt_files(dir, prev, sizeof prev, &tmp), 1);

    /* extended protocol, pipelined: the SELECT behind the CHECKPOINT waits its turn */
    CHECK(dur_exec(a, "INSERT INTO k VALUES (1)", NULL));
    CHECK(PQenterPipelineMode(a));
    CHECK(PQsendQueryParams(a, "CHECKPOINT", 0, NULL, NULL, NULL, NULL, 0));
    CHECK(PQsendQueryParams(a, "SELECT count(*) FROM k", 0, NULL, NULL, NULL, NULL, 0));
    CHECK(PQpipelineSync(a));
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_COMMAND_OK);
    CHECK_STR(buf, "CHECKPOINT");
    CHECK_INT(ckpt_files(dir, name, sizeof name, &tmp), 1);
    CHECK(strcmp(name, prev) > 0); /* a newer one, at the insert's timestamp */
    snprintf(prev, sizeof prev, "%s", name);
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_TUPLES_OK);
    CHECK_STR(buf, "1");
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_PIPELINE_SYNC);
    /* an implicit transaction's INSERT, then CHECKPOINT, then Sync: the INSERT commits at
     * the Sync (the CHECKPOINT waits where it runs) */
    CHECK(PQsendQueryParams(a, "INSERT INTO k VALUES (2)", 0, NULL, NULL, NULL, NULL, 0));
    CHECK(PQsendQueryParams(a, "CHECKPOINT", 0, NULL, NULL, NULL, NULL, 0));
    CHECK(PQpipelineSync(a));
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_COMMAND_OK);
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_COMMAND_OK);
    CHECK_STR(buf, "CHECKPOINT");
    CHECK_INT(next_result(a, buf, sizeof buf), PGRES_PIPELINE_SYNC);
    CHECK(PQexitPipelineMode(a));
    CHECK_STR(dur_val(b, "SELECT count(*) FROM k", buf, sizeof buf), "2");

    /* inside a block: the block stays open */
    CHECK(dur_exec(a, "BEGIN", NULL) && dur_exec(a, "INSERT INTO k VALUES (3)", NULL));
    CHECK(dur_exec(a, "CHECKPOINT", NULL));
    CHECK_INT(PQtransactionStatus(a), PQTRANS_INTRANS);
    CHECK_STR(dur_val(b, "SELECT count(*) FROM k", buf, sizeof buf), "2");
    CHECK(dur_exec(a, "COMMIT", NULL));
    CHECK_STR(dur_val(b, "SELECT count(*) FROM k", buf, sizeof buf), "3");
    /* multi-statement strings, CHECKPOINT first, last, and after a change of the string */
    CHECK_STR(dur_val(a, "CHECKPOINT; SELECT 7", buf, sizeof buf), "7");
    CHECK(dur_exec(a, "SELECT 1; CHECKPOINT", NULL));
    CHECK(dur_exec(a, "INSERT INTO k VALUES (4); CHECKPOINT", NULL));
    CHECK_STR(dur_val(b, "SELECT count(*) FROM k", buf, sizeof buf), "4");
    CHECK(dur_exec(a, "SET application_name = 'x'; CHECKPOINT", NULL));
    CHECK_STR(dur_val(a, "SHOW application_name", buf, sizeof buf), "x");
    /* an error before it in the same string: it never runs */
    char ss[8];
    CHECK(!dur_exec(a, "SELECT 1/0; CHECKPOINT", ss));
    CHECK_STR(ss, "22012");
    CHECK(dur_exec(a, "CHECKPOINT", NULL));
    CHECK_INT(ckpt_files(dir, name, sizeof name, &tmp), 1);
    CHECK(strcmp(name, prev) > 0);
    PQfinish(a);
    PQfinish(b);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

/* A client that leaves while its CHECKPOINT is pending; a server stop while one is. */
static void test_leave_and_stop(void)
{
    char dir[64], buf[64];
    dur_srv s;
    PGconn *a, *b;
    if (!start_two(dir, &s, &a, &b)) return;
    fill_big(a, 17);
    CHECK(PQsendQuery(a, "CHECKPOINT"));
    PQfinish(a); /* gone before the answer */
    CHECK_STR(dur_val(b, "SELECT count(*) FROM big", buf, sizeof buf), "131072");
    CHECK(dur_exec(b, "CHECKPOINT", NULL));
    /* stop while b's CHECKPOINT is pending: it is answered, then the goodbye */
    CHECK(dur_exec(b, "INSERT INTO big VALUES (0, 'last')", NULL));
    char before[256], now[256];
    bool tmp = false;
    ckpt_files(dir, before, sizeof before, &tmp);
    CHECK(PQsendQuery(b, "CHECKPOINT"));
    /* once it is being written (or, on a fast machine, already written) */
    for (int i = 0; i < 100000; i++) {
        ckpt_files(dir, now, sizeof now, &tmp);
        if (tmp || strcmp(now, before) != 0) break;
        usleep(100);
    }
    CHECK(tmp || strcmp(now, before) != 0);
    kill(s.pid, SIGTERM);
    PGresult *r = PQgetResult(b);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    while ((r = PQgetResult(b)))
        PQclear(r);
    PQfinish(b);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    /* the stop found nothing logged after that CHECKPOINT: no second one */
    CHECK(!dur_log_has(&s, "shutdown checkpoint written"));
    CHECK(dur_start(&s, dir, one_worker));
    CHECK(dur_log_has(&s, "(131073 rows), then 0 log records"));
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

/* --data-dir none: CHECKPOINT answers at once, in both protocols. */
static void test_ephemeral(void)
{
    dur_srv s;
    CHECK(dur_start(&s, "none", one_worker));
    PGconn *c = dur_connect(s.port);
    CHECK(c != NULL);
    if (!c) return;
    CHECK(dur_exec(c, "CHECKPOINT", NULL));
    PGresult *r = PQexecParams(c, "CHECKPOINT", 0, NULL, NULL, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    CHECK_STR(PQcmdStatus(r), "CHECKPOINT");
    PQclear(r);
    CHECK(dur_exec(c, "BEGIN", NULL) && dur_exec(c, "CHECKPOINT", NULL) &&
          dur_exec(c, "COMMIT", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(!dur_log_has(&s, "shutdown checkpoint"));
    unlink("none.log");
}

int main(void)
{
    if (!dur_find_daemon()) return 1;
    PT_RUN(test_worker_not_blocked);
    PT_RUN(test_statement_forms);
    PT_RUN(test_leave_and_stop);
    PT_RUN(test_ephemeral);
    return pt_finish();
}
