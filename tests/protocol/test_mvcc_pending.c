/* test_mvcc_pending: statements that finish later, through the embedded server. A commit
 * goes to the commit thread without blocking its worker, and the connection answers once
 * the group is done: pipelined simple and extended messages are answered in order; a
 * failed group fails exactly its statements, leaves nothing visible and the connection
 * usable; clients that vanish while their commit is pending leave no trace; many writers
 * of one hot row share commit groups; the server stops cleanly with commits in flight. */
#include <pthread.h>
#include <stdatomic.h>

#include "adp_async.h"
#include "protocol/pt_client.h"
#include "srv_server.h"

static int port;
static pgpeek_server *srv;

static PGconn *conn(void)
{
    return pt_pq_connect(port);
}

/* Runs sql; returns "" on success, else the SQLSTATE (static buffer per call site). */
static const char *exec_state(PGconn *c, const char *sql, char *state, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    snprintf(state, cap, "%s",
             st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? ""
             : ss                                            ? ss
                                                             : "?????");
    PQclear(r);
    return state;
}

static bool run(PGconn *c, const char *sql)
{
    char st[8];
    exec_state(c, sql, st, sizeof st);
    if (st[0]) fprintf(stderr, "%s: %s\n", sql, st);
    return st[0] == 0;
}

/* The first column of the first row as a number, or -1. */
static long long value(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    long long v =
        PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

static long long metric(const char *name)
{
    char body[16384];
    if (pt_http_get(pgpeek_http_port(srv), "/metrics", body, sizeof body) != 200) return -1;
    return pt_metric(body, name);
}

/* ---- raw protocol helpers ---- */

static int raw_session(void)
{
    int fd = pt_connect(port);
    char types[64];
    CHECK(pt_startup(fd, types, sizeof types));
    return fd;
}

/* Appends one message: type, then the body parts (strings with their NUL, or raw). */
typedef struct msgbuf {
    char data[8192];
    size_t len;
} msgbuf;

static void mb_begin(msgbuf *m, char type)
{
    m->data[m->len++] = type;
    m->len += 4; /* length back-patched by mb_end */
}

static void mb_str(msgbuf *m, const char *s)
{
    size_t l = strlen(s) + 1;
    memcpy(m->data + m->len, s, l);
    m->len += l;
}

static void mb_i16(msgbuf *m, int v)
{
    m->data[m->len++] = (char)(v >> 8);
    m->data[m->len++] = (char)v;
}

static void mb_i32(msgbuf *m, uint32_t v)
{
    pt_put32(m->data + m->len, v);
    m->len += 4;
}

static void mb_end(msgbuf *m, size_t start)
{
    pt_put32(m->data + start + 1, (uint32_t)(m->len - start - 1));
}

static void mb_query(msgbuf *m, const char *sql)
{
    size_t at = m->len;
    mb_begin(m, 'Q');
    mb_str(m, sql);
    mb_end(m, at);
}

/* Parse, Bind and Execute of sql on the unnamed statement and portal. */
static void mb_pbe(msgbuf *m, const char *sql)
{
    size_t at = m->len;
    mb_begin(m, 'P');
    mb_str(m, "");
    mb_str(m, sql);
    mb_i16(m, 0);
    mb_end(m, at);
    at = m->len;
    mb_begin(m, 'B');
    mb_str(m, "");
    mb_str(m, "");
    mb_i16(m, 0);
    mb_i16(m, 0);
    mb_i16(m, 0);
    mb_end(m, at);
    at = m->len;
    mb_begin(m, 'E');
    mb_str(m, "");
    mb_i32(m, 0);
    mb_end(m, at);
}

static void mb_sync(msgbuf *m)
{
    size_t at = m->len;
    mb_begin(m, 'S');
    mb_end(m, at);
}

/* Reads replies until `readys` ReadyForQuery messages, as one line: each message's type,
 * with CommandComplete tags in parentheses, the first DataRow value in brackets, the
 * SQLSTATE of errors in braces and the ReadyForQuery status after 'Z'. */
static void transcript(int fd, int readys, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
    char body[4096];
    size_t len;
    int t;
    while (readys > 0 && (t = pt_read_msg(fd, body, sizeof body, &len)) >= 0) {
        if (t == 'C') {
            n += (size_t)snprintf(out + n, cap - n, "C(%s)", body);
        } else if (t == 'D') {
            int32_t l = (int32_t)pt_get32(body + 2);
            n += (size_t)snprintf(out + n, cap - n, "D[%.*s]", l < 0 ? 4 : l,
                                  l < 0 ? "null" : body + 6);
        } else if (t == 'E') {
            pt_err e;
            pt_parse_err(body, len < sizeof body ? len : sizeof body - 1, &e);
            n += (size_t)snprintf(out + n, cap - n, "E{%s}", e.sqlstate);
        } else if (t == 'Z') {
            n += (size_t)snprintf(out + n, cap - n, "Z%c ", body[0]);
            readys--;
        } else if (t != 'T' && t != 'S' && t != 'N') {
            n += (size_t)snprintf(out + n, cap - n, "%c", t);
        }
        if (n >= cap) n = cap - 1;
    }
}

/* ---- pipelining ---- */

static void test_pipelined_simple(void)
{
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE p (k int PRIMARY KEY, v int)"));
    int fd = raw_session();
    msgbuf m = {.len = 0};
    mb_query(&m, "INSERT INTO p VALUES (1, 10)");
    mb_query(&m, "UPDATE p SET v = v + 1 WHERE k = 1");
    mb_query(&m, "INSERT INTO p VALUES (2, 20)");
    mb_query(&m, "SELECT v FROM p WHERE k = 1");
    mb_query(&m, "INSERT INTO p VALUES (1, 0)");
    mb_query(&m, "BEGIN; INSERT INTO p VALUES (3, 30); COMMIT; SELECT count(*) FROM p");
    mb_query(&m, "INSERT INTO p VALUES (4, 40); INSERT INTO p VALUES (5, 50)");
    mb_query(&m, "SELECT count(*) FROM p");
    CHECK(pt_send(fd, m.data, m.len)); /* one write: the server sees them all at once */
    char got[1024];
    transcript(fd, 8, got, sizeof got);
    CHECK_STR(got, "C(INSERT 0 1)ZI C(UPDATE 1)ZI C(INSERT 0 1)ZI D[11]C(SELECT 1)ZI E{23505}ZI "
                   "C(BEGIN)C(INSERT 0 1)C(COMMIT)D[3]C(SELECT 1)ZI C(INSERT 0 1)C(INSERT 0 1)ZI "
                   "D[5]C(SELECT 1)ZI ");
    close(fd);
    CHECK_INT(value(c, "SELECT count(*) FROM p"), 5);
    PQfinish(c);
}

/* Many writes in one TCP write: each waits for its own commit, the replies still leave in
 * batches (the budget and the output mark end a pass before the next statement goes
 * pending), and nothing stalls. */
static void test_pipelined_many(void)
{
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE pm (k int PRIMARY KEY)"));
    enum { N = 3000 };
    size_t cap = (size_t)N * 48, len = 0;
    char *buf = malloc(cap);
    for (int i = 0; i < N; i++) {
        char q[64];
        snprintf(q, sizeof q, "INSERT INTO pm VALUES (%d)", i);
        len += pt_query_msg(buf + len, cap - len, q);
    }
    int fd = raw_session();
    CHECK(pt_send(fd, buf, len));
    int ready = 0, done = 0;
    char body[256];
    int t;
    while (ready < N && (t = pt_read_msg(fd, body, sizeof body, NULL)) >= 0) {
        if (t == 'Z') ready++;
        if (t == 'C' && strcmp(body, "INSERT 0 1") == 0) done++;
    }
    CHECK_INT(ready, N);
    CHECK_INT(done, N);
    CHECK_INT(value(c, "SELECT count(*) FROM pm"), N);
    close(fd);
    free(buf);
    PQfinish(c);
}

static void test_pipelined_extended(void)
{
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE px (k int PRIMARY KEY)"));
    int fd = raw_session();
    msgbuf m = {.len = 0};
    /* a block with its COMMIT in the middle of one pipeline */
    mb_pbe(&m, "BEGIN");
    mb_pbe(&m, "INSERT INTO px VALUES (1)");
    mb_pbe(&m, "COMMIT");
    mb_pbe(&m, "SELECT count(*) FROM px");
    mb_sync(&m);
    /* implicit transactions committed at each Sync */
    mb_pbe(&m, "INSERT INTO px VALUES (2)");
    mb_sync(&m);
    mb_pbe(&m, "SELECT count(*) FROM px");
    mb_sync(&m);
    /* an error skips to Sync: the insert after it never runs */
    mb_pbe(&m, "INSERT INTO px VALUES (2)");
    mb_pbe(&m, "INSERT INTO px VALUES (3)");
    mb_sync(&m);
    mb_pbe(&m, "INSERT INTO px VALUES (4)");
    mb_pbe(&m, "INSERT INTO px VALUES (5)");
    mb_sync(&m);
    mb_pbe(&m, "SELECT count(*) FROM px");
    mb_sync(&m);
    CHECK(pt_send(fd, m.data, m.len));
    char got[1024];
    transcript(fd, 6, got, sizeof got);
    CHECK_STR(got, "12C(BEGIN)12C(INSERT 0 1)12C(COMMIT)12D[1]C(SELECT 1)ZI 12C(INSERT 0 1)ZI "
                   "12D[2]C(SELECT 1)ZI 12E{23505}ZI 12C(INSERT 0 1)12C(INSERT 0 1)ZI "
                   "12D[4]C(SELECT 1)ZI ");
    close(fd);
    CHECK_INT(value(c, "SELECT count(*) FROM px"), 4);
    PQfinish(c);
}

/* ---- failed commit groups ---- */

static void test_failed_groups(void)
{
    adp_db *db = srv->db;
    PGconn *c = conn();
    char st[8];
    CHECK(run(c, "CREATE TABLE f (k int PRIMARY KEY)"));
    uint64_t failed0 = adp_commit_failed_groups(db);

    /* an autocommit statement: its SQLSTATE, nothing visible, the key free again */
    adp_commit_test_fail_groups(db, 1, "53100");
    CHECK_STR(exec_state(c, "INSERT INTO f VALUES (1)", st, sizeof st), "53100");
    CHECK_INT(PQtransactionStatus(c), PQTRANS_IDLE);
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 0);
    CHECK(run(c, "INSERT INTO f VALUES (1)"));
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 1);

    /* COMMIT of a block: everything of the block goes, its SET too */
    CHECK(run(c, "SET application_name = 'before'"));
    CHECK(run(c, "BEGIN"));
    CHECK(run(c, "INSERT INTO f VALUES (2)"));
    CHECK(run(c, "UPDATE f SET k = 10 WHERE k = 1"));
    CHECK(run(c, "SET application_name = 'inside'"));
    adp_commit_test_fail_groups(db, 1, "58030");
    CHECK_STR(exec_state(c, "COMMIT", st, sizeof st), "58030");
    CHECK_INT(PQtransactionStatus(c), PQTRANS_IDLE);
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 1);
    CHECK_INT(value(c, "SELECT k FROM f"), 1);
    PGresult *r = PQexec(c, "SHOW application_name");
    CHECK_STR(PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?", "before");
    PQclear(r);
    CHECK_STR(PQparameterStatus(c, "application_name"), "before");

    /* a string of several statements committed at its end */
    adp_commit_test_fail_groups(db, 1, "53100");
    CHECK_STR(exec_state(c, "INSERT INTO f VALUES (3); INSERT INTO f VALUES (4)", st, sizeof st),
              "53100");
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 1);

    /* a COMMIT in the middle of a string waits for its group (synchronously): its failure
     * ends the string there */
    adp_commit_test_fail_groups(db, 1, "58030");
    CHECK_STR(exec_state(c, "BEGIN; INSERT INTO f VALUES (6); COMMIT; INSERT INTO f VALUES (7)", st,
                         sizeof st),
              "58030");
    CHECK_INT(PQtransactionStatus(c), PQTRANS_IDLE);
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 1);

    /* the extended protocol: the implicit transaction fails at Sync */
    adp_commit_test_fail_groups(db, 1, "53100");
    const char *v = "5";
    r = PQexecParams(c, "INSERT INTO f VALUES ($1)", 1, NULL, &v, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_FATAL_ERROR);
    CHECK_STR(PQresultErrorField(r, PG_DIAG_SQLSTATE), "53100");
    PQclear(r);
    r = PQexecParams(c, "INSERT INTO f VALUES ($1)", 1, NULL, &v, NULL, NULL, 0);
    CHECK_INT(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    CHECK_INT(value(c, "SELECT count(*) FROM f"), 2);

    /* DDL in a failed group: the table is not there, and can be created after */
    adp_commit_test_fail_groups(db, 1, "58030");
    CHECK_STR(exec_state(c, "CREATE TABLE g (a int)", st, sizeof st), "58030");
    CHECK_STR(exec_state(c, "SELECT * FROM g", st, sizeof st), "42P01");
    CHECK(run(c, "CREATE TABLE g (a int)"));
    CHECK(run(c, "INSERT INTO g VALUES (1)"));
    CHECK_INT(value(c, "SELECT count(*) FROM g"), 1);
    CHECK_INT(adp_commit_failed_groups(db) - failed0, 6);
    PQfinish(c);
}

/* Writers of one hot row while groups fail now and then: the row ends at exactly the
 * number of increments the clients were told succeeded, whichever groups failed. */
#define HF_THREADS 8
#define HF_OPS 150

typedef struct hf_thread {
    long ok, failed, other;
} hf_thread;

static atomic_bool hf_done;

static void *hf_main(void *arg)
{
    hf_thread *t = arg;
    PGconn *c = conn();
    char st[8];
    for (int i = 0; i < HF_OPS && PQstatus(c) == CONNECTION_OK; i++) {
        exec_state(c, "UPDATE hf SET v = v + 1 WHERE k = 1", st, sizeof st);
        if (!st[0])
            t->ok++;
        else if (strcmp(st, "53100") == 0)
            t->failed++;
        else
            t->other++; /* 40001 after waiting too long for a busy row */
    }
    PQfinish(c);
    return NULL;
}

static void test_failed_groups_hot_row(void)
{
    adp_db *db = srv->db;
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE hf (k int PRIMARY KEY, v int8)"));
    CHECK(run(c, "INSERT INTO hf VALUES (1, 0)"));
    uint64_t failed0 = adp_commit_failed_groups(db);
    pthread_t th[HF_THREADS];
    hf_thread ts[HF_THREADS];
    memset(ts, 0, sizeof ts);
    atomic_store(&hf_done, false);
    for (int i = 0; i < HF_THREADS; i++)
        pthread_create(&th[i], NULL, hf_main, &ts[i]);
    for (int round = 0; round < 40; round++) {
        adp_commit_test_fail_groups(db, 1, "53100");
        struct timespec pause = {0, 3 * 1000 * 1000};
        nanosleep(&pause, NULL); /* spacing between injected failures, not a wait */
    }
    adp_commit_test_fail_groups(db, 0, "53100");
    long ok = 0, failed = 0, other = 0;
    for (int i = 0; i < HF_THREADS; i++) {
        pthread_join(th[i], NULL);
        ok += ts[i].ok;
        failed += ts[i].failed;
        other += ts[i].other;
    }
    CHECK_INT(ok + failed + other, HF_THREADS * HF_OPS);
    CHECK(failed > 0);
    CHECK(adp_commit_failed_groups(db) > failed0);
    CHECK_INT(value(c, "SELECT v FROM hf WHERE k = 1"), ok);
    CHECK_INT(value(c, "SELECT count(*) FROM hf"), 1);
    printf("hot row with failing groups: %ld ok, %ld failed (%llu groups), %ld other\n", ok, failed,
           (unsigned long long)(adp_commit_failed_groups(db) - failed0), other);
    PQfinish(c);
}

/* ---- clients that vanish while their commit is pending ---- */

static void test_disconnect_pending(void)
{
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE d (k int PRIMARY KEY)"));
    char q[128];
    msgbuf m;
    /* half-close right after the query: it is answered (and committed) all the same */
    for (int i = 0; i < 100; i++) {
        int fd = raw_session();
        m.len = 0;
        snprintf(q, sizeof q, "INSERT INTO d VALUES (%d)", i);
        mb_query(&m, q);
        CHECK(pt_send(fd, m.data, m.len));
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    /* the half-closed ones all commit (they do not wait: bounded polling here) */
    long long n = 0;
    for (int i = 0; i < 5000 && (n = value(c, "SELECT count(*) FROM d WHERE k < 100")) != 100; i++)
        ;
    CHECK_INT(n, 100);
    /* reset right after: the session is freed once its commit is back */
    for (int i = 100; i < 200; i++) {
        int fd = raw_session();
        m.len = 0;
        snprintf(q, sizeof q, "INSERT INTO d VALUES (%d)", i);
        mb_query(&m, q);
        if (i % 2) adp_commit_test_fail_groups(srv->db, 1, "53100");
        CHECK(pt_send(fd, m.data, m.len));
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(fd);
    }
    adp_commit_test_fail_groups(srv->db, 0, "53100");
    CHECK(value(c, "SELECT count(*) FROM d WHERE k >= 100") <= 100);
    CHECK(pt_select1(port));
    long long open = 0;
    for (int i = 0; i < 500; i++) {
        open = metric("pgpeek_connections_open");
        if (open == 1) break;
        CHECK(pt_select1(port)); /* a round trip through the server between samples */
    }
    CHECK_INT(open, 1); /* only c is left */
    PQfinish(c);
}

/* ---- many writers of one hot row share groups ---- */

#define HR_THREADS 32
#define HR_OPS 100

static bool hr_extended; /* the threads use Parse/Bind/Execute/Sync instead of Query */

static void *hr_main(void *arg)
{
    long *ok = arg;
    PGconn *c = conn();
    char st[8];
    PGresult *p =
        hr_extended ? PQprepare(c, "up", "UPDATE hr SET v = v + $1 WHERE k = 1", 0, NULL) : NULL;
    PQclear(p);
    for (int i = 0; i < HR_OPS && PQstatus(c) == CONNECTION_OK; i++) {
        if (hr_extended) {
            const char *one = "1";
            PGresult *r = PQexecPrepared(c, "up", 1, &one, NULL, NULL, 0);
            if (PQresultStatus(r) == PGRES_COMMAND_OK) (*ok)++;
            PQclear(r);
            continue;
        }
        exec_state(c, "UPDATE hr SET v = v + 1 WHERE k = 1", st, sizeof st);
        if (!st[0]) (*ok)++;
    }
    PQfinish(c);
    return NULL;
}

static void test_hot_row_groups(bool extended)
{
    hr_extended = extended;
    PGconn *c = conn();
    CHECK(run(c, "DROP TABLE IF EXISTS hr"));
    CHECK(run(c, "CREATE TABLE hr (k int PRIMARY KEY, v int8)"));
    CHECK(run(c, "INSERT INTO hr VALUES (1, 0)"));
    long long g0 = metric("pgpeek_commit_groups_total"), n0 = metric("pgpeek_commits_total");
    pthread_t th[HR_THREADS];
    long ok[HR_THREADS] = {0};
    for (int i = 0; i < HR_THREADS; i++)
        pthread_create(&th[i], NULL, hr_main, &ok[i]);
    long total = 0;
    for (int i = 0; i < HR_THREADS; i++) {
        pthread_join(th[i], NULL);
        total += ok[i];
    }
    long long groups = metric("pgpeek_commit_groups_total") - g0;
    long long commits = metric("pgpeek_commits_total") - n0;
    CHECK(total > HR_THREADS * HR_OPS * 9 / 10);
    CHECK_INT(value(c, "SELECT v FROM hr WHERE k = 1"), total);
    CHECK_INT(commits, total);
    /* one transaction per group at most, as when a commit blocked its worker and the next
     * writer of the row waited for it, would give groups == commits */
    CHECK(groups > 0 && groups < commits);
    printf("hot row, %d connections, %s: %lld commits in %lld groups (%.1f per group)\n",
           HR_THREADS, extended ? "extended" : "simple", commits, groups,
           groups ? (double)commits / (double)groups : 0.0);
    PQfinish(c);
}

/* An Execute whose Sync comes only later does not write on top of a queued commit (it
 * would hold the queue while the client thinks): the other writer waits for it instead,
 * and both increments land. */
static void test_execute_then_sync_later(void)
{
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE es (k int PRIMARY KEY, v int8)"));
    CHECK(run(c, "INSERT INTO es VALUES (1, 0)"));
    int fd = raw_session();
    msgbuf m = {.len = 0};
    mb_pbe(&m, "UPDATE es SET v = v + 1 WHERE k = 1");
    size_t at = m.len;
    mb_begin(&m, 'H'); /* Flush: the replies so far, no Sync */
    mb_end(&m, at);
    CHECK(pt_send(fd, m.data, m.len));
    char body[256];
    CHECK_INT(pt_read_msg(fd, body, sizeof body, NULL), '1');
    CHECK_INT(pt_read_msg(fd, body, sizeof body, NULL), '2');
    CHECK_INT(pt_read_msg(fd, body, sizeof body, NULL), 'C');
    /* the row is busy in an open implicit transaction: another writer waits, then fails
     * with 40001 after a bounded wait; either way the server goes on */
    char st[8];
    exec_state(c, "UPDATE es SET v = v + 10 WHERE k = 1", st, sizeof st);
    CHECK(st[0] == 0 || strcmp(st, "40001") == 0);
    long long expect = st[0] ? 1 : 11;
    m.len = 0;
    mb_sync(&m);
    CHECK(pt_send(fd, m.data, m.len));
    char got[256];
    transcript(fd, 1, got, sizeof got);
    CHECK_STR(got, "ZI ");
    CHECK_INT(value(c, "SELECT v FROM es WHERE k = 1"), expect);
    close(fd);
    PQfinish(c);
}

/* ---- the server stops while commits are pending ---- */

static atomic_int sd_running;

static void *sd_main(void *arg)
{
    long *ok = arg;
    PGconn *c = conn();
    char st[8];
    atomic_fetch_add(&sd_running, 1);
    while (PQstatus(c) == CONNECTION_OK) {
        exec_state(c, "UPDATE sd SET v = v + 1 WHERE k = 1", st, sizeof st);
        if (st[0]) break; /* 57P01, or the connection is gone */
        (*ok)++;
    }
    PQfinish(c);
    return NULL;
}

static void test_shutdown_pending(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s2 = pt_start(&cfg);
    int saved = port;
    port = pgpeek_port(s2);
    PGconn *c = conn();
    CHECK(run(c, "CREATE TABLE sd (k int PRIMARY KEY, v int8)"));
    CHECK(run(c, "INSERT INTO sd VALUES (1, 0)"));
    pthread_t th[8];
    long ok[8] = {0};
    atomic_store(&sd_running, 0);
    for (int i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, sd_main, &ok[i]);
    /* bounded (30 s): the writers stop at their first error */
    time_t until = time(NULL) + 30;
    while (time(NULL) < until &&
           (atomic_load(&sd_running) < 8 || value(c, "SELECT v FROM sd WHERE k = 1") < 200))
        ;
    PQfinish(c);
    pgpeek_stop(s2); /* returns only once every pending commit came back */
    long total = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        total += ok[i];
    }
    CHECK(total >= 200);
    port = saved;
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    srv = pt_start(&cfg);
    port = pgpeek_port(srv);
    test_pipelined_simple();
    test_pipelined_many();
    test_pipelined_extended();
    test_failed_groups();
    test_failed_groups_hot_row();
    test_disconnect_pending();
    test_hot_row_groups(false);
    test_hot_row_groups(true);
    test_execute_then_sync_later();
    test_shutdown_pending();
    pgpeek_stop(srv);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
