/* Durability through a real pgpeekd: tables, rows, indexes, catalog and timestamps survive a
 * clean restart and a kill -9 after a checkpoint; other sessions' changes to a table whose
 * CREATE commits later; a DROP TABLE during a checkpoint; checkpoint triggers; the ephemeral
 * mode. The log files themselves: test_dur_logfiles.c. */
#include <dirent.h>
#include <fcntl.h>

#include "protocol/dur_util.h"

/* Every DDL kind and value type, rolled-back changes among them. */
static const char *const setup[] = {
    "CREATE TABLE t (id int4 PRIMARY KEY, name text UNIQUE, amount numeric(10,2) DEFAULT 1.25, "
    "f float8, b bool, d date, ts timestamp, tz timestamptz, raw bytea, v varchar(5), s int2, "
    "big int8, r float4)",
    "INSERT INTO t VALUES (1, 'one', 10.5, 0.1, true, '2024-02-29', '2024-01-01 10:00:00', "
    "'2024-01-01 10:00:00+02', '\\x00ff41', 'abc', 7, 9000000000, 1.5)",
    "INSERT INTO t (id, name) VALUES (2, 'two'), (3, 'three'), (4, NULL)",
    /* values at the edges of each type */
    "INSERT INTO t VALUES (10, '', 'NaN', 'NaN', false, 'infinity', '-infinity', 'infinity', "
    "'\\x', '', -32768, -9223372036854775808, '-Infinity')",
    "INSERT INTO t VALUES (11, 'ünïcødé ☃ 𝄞', -0.01, 'Infinity', NULL, '-infinity', "
    "'294276-12-31 23:59:59.999999', '4713-01-01 00:00:00+00 BC', '\\x00', 'a''b', 32767, "
    "9223372036854775807, 3.4028235e38)",
    "INSERT INTO t (id, name, f, r) VALUES (12, repeat('long', 30000), 1e-308, 1e-45)",
    "UPDATE t SET f = -0.0, name = 'deux' WHERE id = 2",
    "DELETE FROM t WHERE id = 3",
    "BEGIN",
    "INSERT INTO t (id, name) VALUES (5, 'five')",
    "UPDATE t SET amount = 99.99 WHERE id = 5",
    "COMMIT",
    "BEGIN",
    "INSERT INTO t (id, name) VALUES (6, 'rolled back')",
    "DELETE FROM t WHERE id = 1",
    "ROLLBACK",
    "CREATE INDEX t_f ON t (f)",
    "CREATE TABLE gone (x int4)",
    "INSERT INTO gone VALUES (1)",
    "DROP TABLE gone",
    "CREATE TABLE emptied (x int4, y text)",
    "INSERT INTO emptied VALUES (1, 'a'), (2, 'b')",
    "TRUNCATE emptied",
    "INSERT INTO emptied VALUES (3, 'c')",
    "CREATE TABLE copy AS SELECT id, name FROM t WHERE id < 5",
    "CREATE DEFAULT INDEX ON copy",
    "CREATE INDEX dropme ON copy (name)",
    "DROP INDEX dropme",
    "BEGIN",
    "CREATE TABLE never (x int4)",
    "INSERT INTO never VALUES (1)",
    "ROLLBACK",
    "BEGIN",
    "CREATE TABLE tx (k int4 PRIMARY KEY, v text)",
    "INSERT INTO tx SELECT id, name FROM t",
    "CREATE INDEX tx_v ON tx (v)",
    "UPDATE tx SET v = 'x' || v WHERE k = 2",
    "COMMIT",
};

static const char *const probes[] = {
    "SELECT * FROM t ORDER BY id", "SELECT * FROM t",
    "SELECT * FROM emptied",       "SELECT * FROM copy",
    "SELECT * FROM tx ORDER BY k", "SELECT count(*) FROM t WHERE amount = 1.25",
};

static char *snapshot(int port)
{
    PGconn *c = dur_connect(port);
    size_t cap = 1 << 16, len = 0;
    char *all = calloc(1, cap);
    for (size_t i = 0; c && i < sizeof probes / sizeof probes[0]; i++) {
        char *r = dur_rows(c, probes[i]);
        size_t need = len + strlen(r) + strlen(probes[i]) + 4;
        if (need >= cap) {
            while (need >= cap)
                cap *= 2;
            all = realloc(all, cap);
        }
        len += (size_t)sprintf(all + len, "%s:\n%s", probes[i], r);
        free(r);
    }
    PQfinish(c);
    return all;
}

/* The catalog as behaviour shows it (no EXPLAIN or pg_catalog yet): names taken, keys
 * enforced, dropped things gone. */
static void check_catalog(int port)
{
    PGconn *c = dur_connect(port);
    CHECK(c != NULL);
    if (!c) return;
    char ss[8];
    CHECK(!dur_exec(c, "INSERT INTO t (id) VALUES (1)", ss));
    CHECK_STR(ss, "23505"); /* primary key */
    CHECK(!dur_exec(c, "INSERT INTO t (id, name) VALUES (100, 'one')", ss));
    CHECK_STR(ss, "23505"); /* unique */
    CHECK(!dur_exec(c, "INSERT INTO tx VALUES (1, 'y')", ss));
    CHECK_STR(ss, "23505"); /* key of a table made in a block */
    CHECK(!dur_exec(c, "CREATE INDEX t_f ON t (b)", ss));
    CHECK_STR(ss, "42P07");
    CHECK(!dur_exec(c, "CREATE INDEX copy_primary_idx ON t (b)", ss));
    CHECK_STR(ss, "42P07");
    CHECK(!dur_exec(c, "CREATE INDEX tx_v ON t (b)", ss));
    CHECK_STR(ss, "42P07");
    CHECK(!dur_exec(c, "SELECT * FROM gone", ss));
    CHECK_STR(ss, "42P01");
    CHECK(!dur_exec(c, "SELECT * FROM never", ss));
    CHECK_STR(ss, "42P01");
    CHECK(!dur_exec(c, "DROP INDEX t_pkey", ss));
    CHECK_STR(ss, "2BP01"); /* still a constraint's index */
    /* dropme was dropped: the name is free again (and given back at once) */
    CHECK(dur_exec(c, "BEGIN", NULL) && dur_exec(c, "CREATE INDEX dropme ON copy (id)", NULL) &&
          dur_exec(c, "ROLLBACK", NULL));
    PQfinish(c);
}

static void run_all(PGconn *c, const char *const *sql, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = dur_exec(c, sql[i], NULL);
        if (!ok) fprintf(stderr, "setup failed: %s\n", sql[i]);
        CHECK(ok);
    }
}

static void test_restart(void)
{
    char dir[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *quiet[] = {"--checkpoint-interval", "3600", NULL};
    dur_srv s;
    CHECK(dur_start(&s, dir, quiet));
    PGconn *c = dur_connect(s.port);
    CHECK(c != NULL);
    if (!c) return;
    run_all(c, setup, sizeof setup / sizeof setup[0]);
    PQfinish(c);
    char *before = snapshot(s.port);
    CHECK(strstr(before, "deux") && strstr(before, "five|99.99") && !strstr(before, "rolled"));
    /* kill -9 with no checkpoint yet: the restart replays the whole log */
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    ts_scan t1 = scan_ts(dir, 0);
    CHECK(t1.records > 10);
    CHECK(dur_start(&s, dir, quiet));
    char *after = snapshot(s.port);
    CHECK_STR(after, before);
    check_catalog(s.port);
    c = dur_connect(s.port);
    CHECK(dur_exec(c, "INSERT INTO t (id, name) VALUES (7, 'seven')", NULL));
    PQfinish(c);
    char *before1 = snapshot(s.port);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    ts_scan t2 = scan_ts(dir, t1.max);
    /* the write after the restart got a timestamp above every one before it */
    CHECK(t2.min_after > t1.max);
    CHECK(t2.records == t1.records + 1);

    /* clean stop (its checkpoint), clean restart from it alone, nothing replayed */
    const char *info[] = {"--checkpoint-interval", "3600", "--log-level", "info", NULL};
    CHECK(dur_start(&s, dir, info));
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_log_has(&s, "shutdown checkpoint written"));
    CHECK_INT(scan_ts(dir, 0).records, 0);
    CHECK(dur_start(&s, dir, info));
    CHECK(dur_log_has(&s, "then 0 log records"));
    char *after1 = snapshot(s.port);
    CHECK_STR(after1, before1);
    check_catalog(s.port);
    c = dur_connect(s.port);
    CHECK(dur_exec(c, "INSERT INTO t (id, name) VALUES (9, 'nine')", NULL) &&
          dur_exec(c, "DELETE FROM t WHERE id = 9", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    ts_scan t3 = scan_ts(dir, 0);
    /* the writes after a restart from the checkpoint are above it too */
    CHECK(t3.records == 2 && t3.min_after > t2.max);

    /* a checkpoint, more writes in the log after it, then kill -9 */
    CHECK(dur_start(&s, dir, quiet));
    c = dur_connect(s.port);
    CHECK(dur_exec(c, "CHECKPOINT", NULL));
    CHECK(dur_exec(c, "INSERT INTO t (id, name) VALUES (8, 'eight')", NULL));
    CHECK(dur_exec(c, "DELETE FROM t WHERE id = 7", NULL));
    CHECK(dur_exec(c, "CREATE INDEX t_b ON t (b)", NULL));
    PQfinish(c);
    char *before2 = snapshot(s.port);
    CHECK(strstr(before2, "eight") && !strstr(before2, "seven"));
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    DIR *dh = opendir(ck);
    int nck = 0;
    for (struct dirent *e; dh && (e = readdir(dh));)
        nck += strstr(e->d_name, ".ckpt") != NULL;
    if (dh) closedir(dh);
    CHECK_INT(nck, 1);
    CHECK(dur_start(&s, dir, quiet));
    char *after2 = snapshot(s.port);
    CHECK_STR(after2, before2);
    check_catalog(s.port);
    c = dur_connect(s.port);
    char ss[8];
    CHECK(!dur_exec(c, "CREATE INDEX t_b ON t (f)", ss));
    CHECK_STR(ss, "42P07");
    /* a second checkpoint over the first, then a clean restart from it alone */
    CHECK(dur_exec(c, "CHECKPOINT", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_start(&s, dir, quiet));
    char *after3 = snapshot(s.port);
    CHECK_STR(after3, before2);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    free(before), free(after), free(before1), free(after1), free(before2), free(after2),
        free(after3);
    CHECK(dur_rm_rf(dir));
}

/* DDL is visible before it commits: another connection's changes to a table can reach the
 * log before the table's CREATE does. Replay keeps them until the CREATE comes, and drops
 * them with the table when its creator rolled back. */
static void cross_session(bool checkpoint_between)
{
    char dir[64], buf[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    dur_srv s;
    CHECK(dur_start(&s, dir, NULL));
    PGconn *a = dur_connect(s.port), *b = dur_connect(s.port), *c = dur_connect(s.port);
    CHECK(a && b && c);
    CHECK(dur_exec(a, "BEGIN", NULL) && dur_exec(a, "CREATE TABLE late (x int4, y text)", NULL));
    CHECK(dur_exec(b, "INSERT INTO late VALUES (1, 'from b')", NULL)); /* commits first */
    CHECK(dur_exec(b, "CREATE INDEX late_y ON late (y)", NULL));
    CHECK(dur_exec(c, "BEGIN", NULL) && dur_exec(c, "CREATE TABLE undone (x int4)", NULL));
    CHECK(dur_exec(b, "INSERT INTO undone VALUES (1)", NULL));
    /* a checkpoint here holds b's rows and index of tables whose CREATE has not committed;
     * only the log after it says whether they ever did */
    if (checkpoint_between) CHECK(dur_exec(b, "CHECKPOINT", NULL));
    CHECK(dur_exec(a, "INSERT INTO late VALUES (2, 'from a')", NULL) &&
          dur_exec(a, "COMMIT", NULL));
    CHECK(dur_exec(c, "ROLLBACK", NULL));
    PQfinish(c);
    char *before = dur_rows(a, "SELECT x, y FROM late ORDER BY x");
    CHECK_STR(before, "1|from b\n2|from a\n");
    PQfinish(a);
    PQfinish(b);
    /* the same after a restart from the log alone, then from a checkpoint */
    for (int round = 0; round < 2; round++) {
        CHECK_INT(dur_stop(&s, round ? SIGTERM : SIGKILL), round ? 0 : -1);
        CHECK(dur_start(&s, dir, NULL));
        /* from the log: b's insert into "undone" is dropped with it (logged before the port) */
        if (round == 0 && !checkpoint_between)
            CHECK(dur_log_has(&s, "whose creator never committed"));
        a = dur_connect(s.port);
        char *after = dur_rows(a, "SELECT x, y FROM late ORDER BY x");
        CHECK_STR(after, before);
        free(after);
        char ss[8];
        CHECK(!dur_exec(a, "CREATE INDEX late_y ON late (x)", ss));
        CHECK_STR(ss, "42P07");
        CHECK(!dur_exec(a, "SELECT * FROM undone", ss));
        CHECK_STR(ss, "42P01");
        CHECK_STR(dur_val(a, "SELECT count(*) FROM late", buf, sizeof buf), "2");
        CHECK(dur_exec(a, "CHECKPOINT", NULL));
        PQfinish(a);
    }
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    free(before);
    CHECK(dur_rm_rf(dir));
}

/* The HTTP port from the startup line, then one metric from /metrics (curl), or -1. */
static long long http_metric(const dur_srv *s, const char *name)
{
    FILE *f = fopen(s->log, "r");
    char line[1024];
    int port = -1;
    while (f && fgets(line, sizeof line, f))
        if (strstr(line, "HTTP port ")) port = atoi(strstr(line, "HTTP port ") + 10);
    if (f) fclose(f);
    if (port <= 0) return -1;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "curl -s http://127.0.0.1:%d/metrics", port);
    FILE *p = popen(cmd, "r");
    long long v = -1;
    size_t n = strlen(name);
    while (p && fgets(line, sizeof line, p))
        if (strncmp(line, name, n) == 0 && line[n] == ' ') v = atoll(line + n + 1);
    if (p) pclose(p);
    return v;
}

/* A DROP TABLE committing while a checkpoint reads that table: the checkpoint stops reading
 * it (its rows are freed) and completes; recovery drops it again from the log. */
static void test_drop_during_checkpoint(void)
{
    char dir[64], buf[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *http[] = {"--http-listen", "127.0.0.1:0", "--checkpoint-interval", "3600", NULL};
    dur_srv s;
    CHECK(dur_start(&s, dir, http));
    PGconn *a = dur_connect(s.port), *b = dur_connect(s.port);
    CHECK(dur_exec(a, "CREATE TABLE keep (x int4)", NULL) &&
          dur_exec(a, "INSERT INTO keep VALUES (1), (2)", NULL));
    CHECK(dur_exec(a, "CREATE TABLE big (i int8, pad text)", NULL) &&
          dur_exec(a, "INSERT INTO big VALUES (1, repeat('x', 200))", NULL));
    long rows = 1;
    for (int k = 0; k < 18; k++, rows *= 2) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO big SELECT i + %ld, pad FROM big", rows);
        CHECK(dur_exec(a, sql, NULL));
    }
    snprintf(buf, sizeof buf, "%ld", rows);
    char got[64];
    CHECK_STR(dur_val(a, "SELECT count(*) FROM big", got, sizeof got), buf);
    /* the checkpoint, and the drop as soon as its file is being written */
    CHECK(PQsendQuery(a, "CHECKPOINT"));
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    bool writing = false;
    for (int i = 0; i < 20000 && !writing; i++) {
        DIR *dh = opendir(ck);
        for (struct dirent *e; dh && (e = readdir(dh));)
            writing |= strstr(e->d_name, ".tmp") != NULL;
        if (dh) closedir(dh);
        if (!writing) usleep(100);
    }
    CHECK(writing);
    CHECK(dur_exec(b, "DROP TABLE big", NULL));
    PGresult *r;
    bool ok = false;
    while ((r = PQgetResult(a))) {
        ok |= PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    CHECK(ok);
    long long last = http_metric(&s, "pgpeek_wal_checkpoint_last_rows");
    printf("drop during checkpoint: %lld of %ld rows of the dropped table written\n", last - 2,
           rows);
    /* Below rows + 2 when it stopped reading the dropped table (the usual case; on a very
     * slow machine the checkpoint may have read it all before the drop committed). */
    CHECK(last >= 2 && last <= rows + 2);
    CHECK(dur_exec(a, "INSERT INTO keep VALUES (3)", NULL));
    PQfinish(a);
    PQfinish(b);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_start(&s, dir, NULL));
    a = dur_connect(s.port);
    char ss[8];
    CHECK(!dur_exec(a, "SELECT * FROM big", ss));
    CHECK_STR(ss, "42P01");
    char *k = dur_rows(a, "SELECT x FROM keep ORDER BY x");
    CHECK_STR(k, "1\n2\n3\n");
    free(k);
    PQfinish(a);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

/* A rolled-back table's oid is never given to a new table after a restart: the log still
 * holds another session's insert into it, which must not land in the new table. */
static void test_oid_reuse(void)
{
    char dir[64], buf[32];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    dur_srv s;
    CHECK(dur_start(&s, dir, NULL));
    PGconn *a = dur_connect(s.port), *b = dur_connect(s.port);
    CHECK(dur_exec(a, "BEGIN", NULL) && dur_exec(a, "CREATE TABLE undone (x int4)", NULL));
    CHECK(dur_exec(b, "INSERT INTO undone VALUES (1)", NULL));
    CHECK(dur_exec(a, "ROLLBACK", NULL));
    PQfinish(a);
    PQfinish(b);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_start(&s, dir, NULL));
    a = dur_connect(s.port);
    CHECK(dur_exec(a, "CREATE TABLE fresh (x int4)", NULL));
    PQfinish(a);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_start(&s, dir, NULL));
    a = dur_connect(s.port);
    CHECK_STR(dur_val(a, "SELECT count(*) FROM fresh", buf, sizeof buf), "0");
    PQfinish(a);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

static void test_cross_session(void)
{
    cross_session(false);
    cross_session(true);
}

static int count_ckpts(const char *dir)
{
    char ck[4200];
    snprintf(ck, sizeof ck, "%s/ckpt", dir);
    DIR *dh = opendir(ck);
    int n = 0;
    for (struct dirent *e; dh && (e = readdir(dh));)
        n += strstr(e->d_name, ".ckpt") && !strstr(e->d_name, ".tmp");
    if (dh) closedir(dh);
    return n;
}

/* Polls (bounded, 10 s) for a completed checkpoint file. */
static bool wait_ckpt(const char *dir)
{
    for (int i = 0; i < 1000; i++) {
        if (count_ckpts(dir) > 0) return true;
        usleep(10000);
    }
    return false;
}

/* The time trigger fires once something was logged, the size trigger once enough was. */
static void test_triggers(void)
{
    char dir[64];
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *timed[] = {"--checkpoint-interval", "1", NULL};
    dur_srv s;
    CHECK(dur_start(&s, dir, timed));
    usleep(1300 * 1000); /* a second passes with nothing logged: no checkpoint */
    CHECK_INT(count_ckpts(dir), 0);
    PGconn *c = dur_connect(s.port);
    CHECK(dur_exec(c, "CREATE TABLE tr (x int4)", NULL));
    CHECK(wait_ckpt(dir));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));

    /* what a start replayed counts as logged: the time trigger covers it with no write */
    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *slow[] = {"--checkpoint-interval", "3600", NULL};
    CHECK(dur_start(&s, dir, slow));
    c = dur_connect(s.port);
    CHECK(dur_exec(c, "CREATE TABLE tr (x int4)", NULL));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK_INT(count_ckpts(dir), 0);
    CHECK(dur_start(&s, dir, timed));
    CHECK(wait_ckpt(dir));
    CHECK_INT(dur_stop(&s, SIGKILL), -1);
    CHECK(dur_rm_rf(dir));

    CHECK(dur_tmpdir(dir, sizeof dir) != NULL);
    const char *sized[] = {"--checkpoint-interval", "3600", "--checkpoint-log-bytes", "8k", NULL};
    CHECK(dur_start(&s, dir, sized));
    c = dur_connect(s.port);
    CHECK(dur_exec(c, "CREATE TABLE tr (x int4, pad text)", NULL));
    CHECK_INT(count_ckpts(dir), 0);
    for (int i = 0; i < 10; i++)
        CHECK(dur_exec(c, "INSERT INTO tr VALUES (1, repeat('p', 1000))", NULL));
    CHECK(wait_ckpt(dir));
    PQfinish(c);
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    CHECK(dur_rm_rf(dir));
}

static void test_ephemeral(void)
{
    /* --data-dir none writes nothing and says so */
    dur_srv s;
    CHECK(dur_start(&s, "none", NULL));
    PGconn *c = dur_connect(s.port);
    CHECK(c && dur_exec(c, "CREATE TABLE e (x int4)", NULL) && dur_exec(c, "CHECKPOINT", NULL));
    PQfinish(c);
    CHECK(dur_log_has(&s, "EPHEMERAL")); /* written right after the port, before any query */
    CHECK_INT(dur_stop(&s, SIGTERM), 0);
    struct stat st;
    CHECK(stat("none", &st) != 0); /* no directory called "none" */
    unlink("none.log");
}

int main(void)
{
    if (!dur_find_daemon()) return 1;
    PT_RUN(test_restart);
    PT_RUN(test_cross_session);
    PT_RUN(test_oid_reuse);
    PT_RUN(test_drop_during_checkpoint);
    PT_RUN(test_triggers);
    PT_RUN(test_ephemeral);
    return pt_finish();
}
