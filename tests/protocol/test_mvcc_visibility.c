/* test_mvcc_visibility: what readers may see while other connections write, through the
 * embedded server and libpq: multi-row writes are all or nothing to concurrent readers, a
 * rolled-back or failed transaction leaves nothing, and single-row registers are
 * linearizable (every read sees every write acknowledged before the read began). These
 * hold with today's lock and must keep holding once storage is multiversion. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "protocol/pt_client.h"

static int port;

static PGconn *conn(void)
{
    return pt_pq_connect(port);
}

/* Every row of t in key order, as one string. */
static void dump(PGconn *c, const char *sql, char *out, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        for (int j = 0; j < PQnfields(r); j++)
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%c", PQgetvalue(r, i, j),
                                  j + 1 == PQnfields(r) ? ';' : ',');
    PQclear(r);
}

/* ---- atomic visibility of multi-row writes ---- */

#define AV_ROUNDS 60
#define AV_READERS 3

/* Shared by the writer and the readers of one run; the counters are written by their own
 * reader thread only and read after join. */
typedef struct av_state {
    atomic_bool done;
    long reads[AV_READERS];
    long torn[AV_READERS];
    long failed[AV_READERS];
    bool writer_ok;
} av_state;

typedef struct av_reader {
    av_state *st;
    int i;
} av_reader;

/* The writer keeps two invariants between statements: the row count is a multiple of 10
 * and every row has the same v. Each statement or block breaks them if seen half done. */
static void *av_writer(void *arg)
{
    av_state *st = arg;
    PGconn *c = conn();
    bool ok = PQstatus(c) == CONNECTION_OK;
    int cur = 0;
    char sql[1024];
    for (int round = 1; ok && round <= AV_ROUNDS; round++) {
        /* Odd rounds: one 10-row statement. Even rounds: a block of two 5-row statements,
         * whose first half no other session may see before COMMIT. */
        bool block = round % 2 == 0;
        if (block) ok = pt_pq_run(c, "BEGIN", false);
        for (int half = 0; half < 2; half++) {
            size_t n = (size_t)snprintf(sql, sizeof sql, "INSERT INTO av VALUES ");
            for (int j = 0; j < 10; j++) {
                if (block && j / 5 != half) continue;
                n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(%d, %d)",
                                      sql[n - 1] == ' ' ? "" : ",", round * 10 + j, cur);
            }
            if (!block && half) break;
            ok = ok && pt_pq_run(c, sql, false);
        }
        if (block) ok = ok && pt_pq_run(c, "COMMIT", false);
        ok = ok && pt_pq_run(c, "UPDATE av SET v = v + 1", false);
        cur++;
        if (ok && round % 3 == 0) {
            snprintf(sql, sizeof sql, "DELETE FROM av WHERE k >= %d AND k < %d", round * 10 - 10,
                     round * 10);
            ok = pt_pq_run(c, sql, false);
        }
    }
    st->writer_ok = ok;
    PQfinish(c);
    atomic_store(&st->done, true);
    return NULL;
}

static void *av_reader_main(void *arg)
{
    av_reader *rd = arg;
    av_state *st = rd->st;
    PGconn *c = conn();
    if (PQstatus(c) != CONNECTION_OK) {
        st->failed[rd->i]++;
        PQfinish(c);
        return NULL;
    }
    while (!atomic_load(&st->done)) {
        PGresult *r = PQexec(c, "SELECT count(*), min(v), max(v) FROM av");
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            st->failed[rd->i]++;
        } else {
            long cnt = atol(PQgetvalue(r, 0, 0));
            bool same =
                PQgetisnull(r, 0, 1) || strcmp(PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2)) == 0;
            if (cnt % 10 != 0 || !same) st->torn[rd->i]++;
            st->reads[rd->i]++;
        }
        PQclear(r);
    }
    PQfinish(c);
    return NULL;
}

static void test_atomic_visibility(void)
{
    PGconn *c = conn();
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    CHECK(pt_pq_run(c, "CREATE TABLE av (k int PRIMARY KEY, v int NOT NULL)", false));
    av_state st = {0};
    atomic_init(&st.done, false);
    pthread_t w, rs[AV_READERS];
    av_reader rd[AV_READERS];
    for (int i = 0; i < AV_READERS; i++) {
        rd[i] = (av_reader){&st, i};
        pthread_create(&rs[i], NULL, av_reader_main, &rd[i]);
    }
    pthread_create(&w, NULL, av_writer, &st);
    pthread_join(w, NULL);
    for (int i = 0; i < AV_READERS; i++)
        pthread_join(rs[i], NULL);
    CHECK(st.writer_ok);
    long reads = 0;
    for (int i = 0; i < AV_READERS; i++) {
        CHECK_INT(st.torn[i], 0);
        CHECK_INT(st.failed[i], 0);
        reads += st.reads[i];
    }
    CHECK(reads > 0);
    /* The end state is what the writer did: 60 rounds of 10 rows, 20 of them deleted, and
     * every row raised once per round after its insert. */
    char out[256];
    dump(c, "SELECT count(*), min(v), max(v) FROM av", out, sizeof out);
    CHECK_STR(out, "400,60,60;");
    PQfinish(c);
}

/* ---- rollback and failed statements leave nothing ---- */

static void test_rollback(void)
{
    PGconn *a = conn(), *b = conn();
    CHECK_INT(PQstatus(a), CONNECTION_OK);
    CHECK_INT(PQstatus(b), CONNECTION_OK);
    CHECK(pt_pq_run(a, "CREATE TABLE rb (k int PRIMARY KEY, v text)", false));
    CHECK(pt_pq_run(a, "INSERT INTO rb VALUES (1, 'one'), (2, 'two'), (3, 'three')", false));
    char before[512], after[512], other[512];
    dump(a, "SELECT * FROM rb ORDER BY k", before, sizeof before);
    CHECK_STR(before, "1,one;2,two;3,three;");

    CHECK(pt_pq_run(a, "BEGIN", false));
    CHECK(pt_pq_run(a, "INSERT INTO rb VALUES (4, 'four'), (5, 'five')", false));
    CHECK(pt_pq_run(a, "UPDATE rb SET v = 'changed' WHERE k <= 2", false));
    CHECK(pt_pq_run(a, "DELETE FROM rb WHERE k = 3", false));
    dump(a, "SELECT * FROM rb ORDER BY k", other, sizeof other);
    CHECK_STR(other, "1,changed;2,changed;4,four;5,five;"); /* a sees its own writes */
    CHECK(pt_pq_run(a, "ROLLBACK", false));
    dump(a, "SELECT * FROM rb ORDER BY k", after, sizeof after);
    CHECK_STR(after, before);
    dump(b, "SELECT * FROM rb ORDER BY k", after, sizeof after);
    CHECK_STR(after, before);

    /* A failed multi-row statement changes nothing, and neither does its block. */
    CHECK(!pt_pq_run(a, "INSERT INTO rb VALUES (10, 'ten'), (1, 'dup')", true));
    CHECK(!pt_pq_run(a, "UPDATE rb SET k = 1", true));
    dump(b, "SELECT * FROM rb ORDER BY k", after, sizeof after);
    CHECK_STR(after, before);
    CHECK(pt_pq_run(a, "BEGIN", false));
    CHECK(pt_pq_run(a, "INSERT INTO rb VALUES (20, 'twenty')", false));
    CHECK(!pt_pq_run(a, "INSERT INTO rb VALUES (2, 'dup')", true));
    CHECK(pt_pq_run(a, "COMMIT", false)); /* a failed block's COMMIT rolls back */
    dump(b, "SELECT * FROM rb ORDER BY k", after, sizeof after);
    CHECK_STR(after, before);
    PQfinish(a);
    PQfinish(b);
}

/* ---- repeatable reads inside a block while another connection commits ---- */

#define RR_READERS 2
#define RR_BLOCKS 40

/* Written by its reader thread only, read after join. */
typedef struct rr_reader {
    long blocks, changed, failed, saw_other;
    atomic_bool *done;
} rr_reader;

static void *rr_writer(void *arg)
{
    atomic_bool *done = arg;
    PGconn *c = conn();
    /* Moves value between rows: the sum stays 1000, but every read after a commit
     * differs row by row. */
    for (int i = 0; PQstatus(c) == CONNECTION_OK && !atomic_load(done) && i < 100000; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "UPDATE rr SET v = v - 1 WHERE k = %d", i % 4);
        if (!pt_pq_run(c, sql, true)) break;
        snprintf(sql, sizeof sql, "UPDATE rr SET v = v + 1 WHERE k = %d", (i + 1) % 4);
        if (!pt_pq_run(c, sql, true)) break;
    }
    PQfinish(c);
    return NULL;
}

static void *rr_reader_main(void *arg)
{
    rr_reader *rd = arg;
    PGconn *c = conn();
    char first[256], again[256], key[64], key_again[64];
    for (int b = 0; PQstatus(c) == CONNECTION_OK && b < RR_BLOCKS; b++) {
        if (!pt_pq_run(c, "BEGIN", false)) {
            rd->failed++;
            break;
        }
        dump(c, "SELECT k, v FROM rr ORDER BY k", first, sizeof first);
        dump(c, "SELECT v FROM rr WHERE k = 2", key, sizeof key);
        for (int i = 0; i < 5; i++) {
            dump(c, "SELECT k, v FROM rr ORDER BY k", again, sizeof again);
            dump(c, "SELECT v FROM rr WHERE k = 2", key_again, sizeof key_again);
            if (strcmp(first, again) != 0 || strcmp(key, key_again) != 0) rd->changed++;
        }
        if (!pt_pq_run(c, "COMMIT", false)) rd->failed++;
        dump(c, "SELECT k, v FROM rr ORDER BY k", again, sizeof again);
        if (strcmp(first, again) != 0) rd->saw_other++; /* commits show after the block */
        rd->blocks++;
    }
    PQfinish(c);
    return NULL;
}

static void test_repeatable_reads(void)
{
    PGconn *c = conn();
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    CHECK(pt_pq_run(c, "CREATE TABLE rr (k int PRIMARY KEY, v int NOT NULL)", false));
    CHECK(pt_pq_run(c, "INSERT INTO rr VALUES (0, 250), (1, 250), (2, 250), (3, 250)", false));
    atomic_bool done;
    atomic_init(&done, false);
    pthread_t w, rs[RR_READERS];
    rr_reader rd[RR_READERS];
    pthread_create(&w, NULL, rr_writer, &done);
    for (int i = 0; i < RR_READERS; i++) {
        rd[i] = (rr_reader){0, 0, 0, 0, &done};
        pthread_create(&rs[i], NULL, rr_reader_main, &rd[i]);
    }
    for (int i = 0; i < RR_READERS; i++)
        pthread_join(rs[i], NULL);
    atomic_store(&done, true);
    pthread_join(w, NULL);
    long saw_other = 0;
    for (int i = 0; i < RR_READERS; i++) {
        CHECK_INT(rd[i].blocks, RR_BLOCKS);
        CHECK_INT(rd[i].changed, 0);
        CHECK_INT(rd[i].failed, 0);
        saw_other += rd[i].saw_other;
    }
    CHECK(saw_other > 0); /* the writer did commit while blocks were open */
    char out[64];
    dump(c, "SELECT sum(v) FROM rr", out, sizeof out);
    CHECK_STR(out, "1000;");
    PQfinish(c);
}

#include "protocol/mvcc_lz.h"

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    test_atomic_visibility();
    test_rollback();
    test_repeatable_reads();
    test_linearizable_registers();

    /* Every commit went through the commit thread: one oracle write_ts and one apply_write
     * per group, several transactions per group at times. */
    char body[8192];
    CHECK_INT(pt_http_get(pgpeek_http_port(s), "/metrics", body, sizeof body), 200);
    long long groups = pt_metric(body, "pgpeek_commit_groups_total");
    long long commits = pt_metric(body, "pgpeek_commits_total");
    CHECK(groups > 0);
    CHECK(commits >= groups);
    CHECK(pt_metric(body, "pgpeek_oracle_calls_total{op=\"write\"}") == groups);
    CHECK(pt_metric(body, "pgpeek_oracle_calls_total{op=\"apply\"}") == groups);
    /* the local backend: reads never ask the oracle */
    CHECK_INT(pt_metric(body, "pgpeek_oracle_calls_total{op=\"read\"}"), 0);
    printf("commits: %lld transactions in %lld groups\n", commits, groups);
    pgpeek_stop(s);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
