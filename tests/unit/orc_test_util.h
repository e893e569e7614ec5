/* orc_test_util: helpers for the oracle tests: an injectable clock, async calls on a
 * caller's own event_base, the contract checks shared by both backends, and a private
 * PostgreSQL 15 started from Debian's package on a Unix socket in a private directory. */
#ifndef ORC_TEST_UTIL_H
#define ORC_TEST_UTIL_H

#include "orc.h"
#include "protocol/pt_check.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <ftw.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Not every test uses every helper. */
#define TU_FN static __attribute__((unused))

/* The injectable wall clock: 0 = the real clock. */
TU_FN _Atomic uint64_t tu_fake_now;

TU_FN uint64_t tu_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

TU_FN uint64_t tu_clock(void *arg)
{
    (void)arg;
    uint64_t f = atomic_load(&tu_fake_now);
    return f ? f : tu_real_ms();
}

/* One async call answered on `base`, which this thread runs until the answer arrives. */
typedef struct tu_answer {
    bool done, ok;
    uint64_t ts;
    pthread_t thread;
    char err[256];
} tu_answer;

TU_FN void tu_cb(void *arg, bool ok, uint64_t ts, const char *err)
{
    tu_answer *a = arg;
    a->done = true;
    a->ok = ok;
    a->ts = ts;
    a->thread = pthread_self();
    if (!ok) snprintf(a->err, sizeof a->err, "%s", err ? err : "?");
}

TU_FN bool tu_async(orc *o, orc_inbox *in, struct event_base *base, orc_op op, uint64_t arg,
                    uint64_t *ts)
{
    tu_answer a;
    memset(&a, 0, sizeof a);
    orc_req req;
    switch (op) {
    case ORC_OP_READ:
        orc_read_ts(o, in, &req, tu_cb, &a);
        break;
    case ORC_OP_WRITE:
        orc_write_ts(o, in, &req, tu_cb, &a);
        break;
    case ORC_OP_PEEK:
        orc_peek_write_ts(o, in, &req, tu_cb, &a);
        break;
    case ORC_OP_APPLY:
        orc_apply_write(o, in, &req, arg, tu_cb, &a);
        break;
    }
    while (!a.done)
        event_base_loop(base, EVLOOP_ONCE);
    CHECK(pthread_equal(a.thread, pthread_self()));
    if (!a.ok) fprintf(stderr, "oracle call failed: %s\n", a.err);
    if (op == ORC_OP_READ) CHECK(req.covers >= req.ticket && req.ticket > 0);
    *ts = a.ts;
    return a.ok;
}

/* The four contracts of DESIGN.md, checked with real values from backend `o`, whose
 * clock must be tu_clock. */
TU_FN void tu_contracts(orc *o)
{
    struct event_base *base = event_base_new();
    orc_inbox *in = orc_inbox_new(o, base);
    CHECK(in != NULL);
    uint64_t w1, w2, w3, p, r1, r2, r3, a;

    atomic_store(&tu_fake_now, 0);
    uint64_t wall = tu_real_ms();
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w1));
    CHECK(w1 >= wall);
    CHECK(tu_async(o, in, base, ORC_OP_PEEK, 0, &p));
    CHECK_INT(p, w1);
    CHECK(tu_async(o, in, base, ORC_OP_PEEK, 0, &p)); /* peek does not advance */
    CHECK_INT(p, w1);

    CHECK(tu_async(o, in, base, ORC_OP_READ, 0, &r1));
    CHECK(r1 < w1 + 1);
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w2));
    CHECK(w2 > w1);
    CHECK(w2 > r1);

    /* apply_write: every later read is >= ts, and the atomic was raised before the
     * callback ran. */
    CHECK(tu_async(o, in, base, ORC_OP_APPLY, w2, &a));
    CHECK(a >= w2);
    CHECK(orc_read_ts_current(o) >= w2);
    CHECK(tu_async(o, in, base, ORC_OP_READ, 0, &r2));
    CHECK(r2 >= w2);
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w3));
    CHECK(w3 > r2);
    CHECK(w3 > w2);

    /* The wall clock jumps ahead: write_ts follows it. */
    uint64_t ahead = tu_real_ms() + 3600 * 1000;
    atomic_store(&tu_fake_now, ahead);
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w1));
    CHECK(w1 >= ahead);
    /* ... and steps back by an hour: still strictly increasing. */
    atomic_store(&tu_fake_now, ahead - 3600 * 1000);
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w2));
    CHECK(w2 > w1);
    CHECK(tu_async(o, in, base, ORC_OP_APPLY, w2, &a));
    CHECK(tu_async(o, in, base, ORC_OP_READ, 0, &r3));
    CHECK(r3 >= w2);
    CHECK(tu_async(o, in, base, ORC_OP_WRITE, 0, &w3));
    CHECK(w3 > r3);
    atomic_store(&tu_fake_now, 0);

    /* The blocking convenience gives the same answers. */
    char err[256];
    CHECK(orc_call_wait(o, ORC_OP_PEEK, 0, &p, err, sizeof err));
    CHECK_INT(p, w3);

    orc_inbox_free(in);
    event_base_free(base);
}

/* ---- a private PostgreSQL 15 ---- */

#define TU_PG_BIN "/usr/lib/postgresql/15/bin"

typedef struct tu_pg {
    char dir[64];
    char url[256];
    pid_t pid;
    uid_t uid;
    gid_t gid;
} tu_pg;

TU_FN bool tu_run_as(tu_pg *s, const char *log, char *const argv[], pid_t *bg)
{
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (getuid() == 0 && (setgid(s->gid) != 0 || setuid(s->uid) != 0)) _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (bg) {
        *bg = pid;
        return true;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

TU_FN int tu_rm(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

TU_FN void tu_pg_tail(tu_pg *s, const char *name)
{
    char path[128], line[512];
    snprintf(path, sizeof path, "%s/%s", s->dir, name);
    FILE *f = fopen(path, "r");
    if (!f) return;
    while (fgets(line, sizeof line, f))
        fprintf(stderr, "  %s: %s", name, line);
    fclose(f);
}

/* Starts (or restarts, when s->dir is already set up) the server and waits for it by
 * connecting, with a bound. */
TU_FN bool tu_pg_start(tu_pg *s)
{
    char data[96], sock[96], log[96];
    snprintf(data, sizeof data, "%s/data", s->dir);
    snprintf(sock, sizeof sock, "%s/sock", s->dir);
    snprintf(log, sizeof log, "%s/postgres.log", s->dir);
    char *argv[] = {TU_PG_BIN "/postgres",
                    "-D",
                    data,
                    "-k",
                    sock,
                    "-p",
                    "5432",
                    "-c",
                    "listen_addresses=",
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=60",
                    "-c",
                    "shared_buffers=16MB",
                    NULL};
    if (!tu_run_as(s, log, argv, &s->pid)) return false;
    for (int i = 0; i < 3000; i++) { /* at most ~30 s */
        if (PQping(s->url) == PQPING_OK) return true;
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            fprintf(stderr, "PostgreSQL exited at startup\n");
            tu_pg_tail(s, "postgres.log");
            s->pid = 0;
            return false;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL); /* between connection attempts */
    }
    fprintf(stderr, "PostgreSQL did not accept connections within 30 s\n");
    tu_pg_tail(s, "postgres.log");
    return false;
}

/* Fast shutdown (SIGINT), waiting for the postmaster to exit. */
TU_FN void tu_pg_halt(tu_pg *s)
{
    if (s->pid <= 0) return;
    kill(s->pid, SIGINT);
    int st;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {
    }
    s->pid = 0;
}

/* initdb into a fresh private directory (as user postgres when we are root) and start.
 * Prints why and returns false when that is impossible: the caller then FAILS. */
TU_FN bool tu_pg_init(tu_pg *s)
{
    memset(s, 0, sizeof s[0]);
    if (access(TU_PG_BIN "/initdb", X_OK) != 0 || access(TU_PG_BIN "/postgres", X_OK) != 0) {
        fprintf(stderr,
                "cannot start PostgreSQL: %s/initdb or postgres missing (install "
                "Debian's postgresql-15)\n",
                TU_PG_BIN);
        return false;
    }
    s->uid = getuid();
    s->gid = getgid();
    if (getuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw) {
            fprintf(stderr, "cannot start PostgreSQL: running as root and there is no user "
                            "postgres to run initdb as\n");
            return false;
        }
        s->uid = pw->pw_uid;
        s->gid = pw->pw_gid;
    }
    snprintf(s->dir, sizeof s->dir, "/tmp/orc_pg_XXXXXX");
    if (!mkdtemp(s->dir)) {
        fprintf(stderr, "cannot start PostgreSQL: mkdtemp: %s\n", strerror(errno));
        return false;
    }
    char sock[96], data[96], log[96];
    snprintf(sock, sizeof sock, "%s/sock", s->dir);
    snprintf(data, sizeof data, "%s/data", s->dir);
    snprintf(log, sizeof log, "%s/initdb.log", s->dir);
    if (mkdir(sock, 0700) != 0 || chown(s->dir, s->uid, s->gid) != 0 ||
        chown(sock, s->uid, s->gid) != 0) {
        fprintf(stderr, "cannot start PostgreSQL: preparing %s: %s\n", s->dir, strerror(errno));
        return false;
    }
    /* The socket lives in our private directory, so the fixed port cannot collide. */
    snprintf(s->url, sizeof s->url, "postgresql://postgres@/postgres?host=%s&port=5432", sock);
    char *argv[] = {TU_PG_BIN "/initdb", "-D", data,   "-A",        "trust", "-U",
                    "postgres",          "-E", "UTF8", "--no-sync", NULL};
    if (!tu_run_as(s, log, argv, NULL)) {
        fprintf(stderr, "cannot start PostgreSQL: initdb failed\n");
        tu_pg_tail(s, "initdb.log");
        return false;
    }
    return tu_pg_start(s);
}

TU_FN void tu_pg_stop(tu_pg *s)
{
    tu_pg_halt(s);
    if (s->dir[0]) nftw(s->dir, tu_rm, 16, FTW_DEPTH | FTW_PHYS);
    s->dir[0] = 0;
}

/* One SQL statement on a fresh blocking connection; returns the first value as a number
 * (or -1 on error). */
TU_FN long long tu_pg_exec(tu_pg *s, const char *sql)
{
    PGconn *c = PQconnectdb(s->url);
    long long v = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = PQexec(c, sql);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK && PQntuples(r) > 0)
            v = atoll(PQgetvalue(r, 0, 0));
        else if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
            v = 0;
        else
            fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
        PQclear(r);
    } else {
        fprintf(stderr, "connect: %s", PQerrorMessage(c));
    }
    PQfinish(c);
    return v;
}

/* Terminates every other client backend (the oracle's pool); returns how many. */
TU_FN long long tu_pg_kill_clients(tu_pg *s)
{
    return tu_pg_exec(s, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
}

/* ---- the many-thread stress of the batching layer ---- */

/* Shared by every stress caller: the largest timestamps whose calls have FINISHED. */
TU_FN _Atomic uint64_t tu_applied, tu_read_seen, tu_write_seen;
TU_FN _Atomic uint64_t tu_violations, tu_answers, tu_failures;

TU_FN void tu_raise(_Atomic uint64_t *a, uint64_t v)
{
    uint64_t cur = atomic_load(a);
    while (cur < v && !atomic_compare_exchange_weak(a, &cur, v)) {
    }
}

TU_FN void tu_violation(const char *what, uint64_t got, uint64_t bound)
{
    if (atomic_fetch_add(&tu_violations, 1) < 10)
        fprintf(stderr, "stress: %s: got %llu, bound %llu\n", what, (unsigned long long)got,
                (unsigned long long)bound);
}

struct tu_sthread;
/* One closed-loop caller: issues an operation, checks its answer, issues the next. */
typedef struct tu_caller {
    struct tu_sthread *t;
    orc_req req;
    int left;
    uint64_t lower, lower_w, pending_w;
    unsigned seed;
} tu_caller;

/* One caller thread: its own event_base and inbox. */
typedef struct tu_sthread {
    orc *o;
    pthread_t th;
    struct event_base *base;
    orc_inbox *in;
    tu_caller *callers;
    int ncallers, active, write_pct;
} tu_sthread;

TU_FN void tu_next(tu_caller *c);

TU_FN void tu_on_read(void *arg, bool ok, uint64_t ts, const char *err)
{
    tu_caller *c = arg;
    atomic_fetch_add(&tu_answers, 1);
    if (!ok) {
        fprintf(stderr, "stress read failed: %s\n", err);
        atomic_fetch_add(&tu_failures, 1);
    } else {
        /* >= every apply_write (and every read answer: strict serializability) that
         * finished before the call began; answered by a call started after its ticket. */
        if (ts < c->lower) tu_violation("read_ts below a finished apply/read", ts, c->lower);
        if (c->req.covers < c->req.ticket)
            tu_violation("answered by a batch started before the ticket", c->req.covers,
                         c->req.ticket);
        tu_raise(&tu_read_seen, ts);
    }
    tu_next(c);
}

TU_FN void tu_on_apply(void *arg, bool ok, uint64_t ts, const char *err)
{
    tu_caller *c = arg;
    atomic_fetch_add(&tu_answers, 1);
    if (!ok) {
        fprintf(stderr, "stress apply failed: %s\n", err);
        atomic_fetch_add(&tu_failures, 1);
    } else {
        uint64_t cur = orc_read_ts_current(c->t->o);
        if (cur < c->pending_w) tu_violation("atomic not raised by apply_write", cur, c->pending_w);
        if (ts < c->pending_w) tu_violation("apply_write answer", ts, c->pending_w);
        tu_raise(&tu_applied, c->pending_w);
    }
    tu_next(c);
}

TU_FN void tu_on_write(void *arg, bool ok, uint64_t ts, const char *err)
{
    tu_caller *c = arg;
    atomic_fetch_add(&tu_answers, 1);
    if (!ok) {
        fprintf(stderr, "stress write failed: %s\n", err);
        atomic_fetch_add(&tu_failures, 1);
        tu_next(c);
        return;
    }
    if (ts <= c->lower) tu_violation("write_ts not above an earlier read_ts", ts, c->lower);
    if (ts <= c->lower_w) tu_violation("write_ts not above an earlier write_ts", ts, c->lower_w);
    tu_raise(&tu_write_seen, ts);
    c->pending_w = ts;
    orc_apply_write(c->t->o, c->t->in, &c->req, ts, tu_on_apply, c);
}

TU_FN void tu_on_peek(void *arg, bool ok, uint64_t ts, const char *err)
{
    tu_caller *c = arg;
    atomic_fetch_add(&tu_answers, 1);
    if (!ok) {
        fprintf(stderr, "stress peek failed: %s\n", err);
        atomic_fetch_add(&tu_failures, 1);
    } else if (ts < c->lower_w) {
        tu_violation("peek_write_ts below a finished write_ts", ts, c->lower_w);
    }
    tu_next(c);
}

TU_FN void tu_next(tu_caller *c)
{
    tu_sthread *t = c->t;
    if (c->left-- <= 0) {
        if (--t->active == 0) event_base_loopbreak(t->base);
        return;
    }
    unsigned r = (unsigned)rand_r(&c->seed) % 100;
    uint64_t a = atomic_load(&tu_applied), rs = atomic_load(&tu_read_seen);
    c->lower = a > rs ? a : rs;
    c->lower_w = atomic_load(&tu_write_seen);
    if ((int)r < t->write_pct)
        orc_write_ts(t->o, t->in, &c->req, tu_on_write, c);
    else if (r == 99)
        orc_peek_write_ts(t->o, t->in, &c->req, tu_on_peek, c);
    else
        orc_read_ts(t->o, t->in, &c->req, tu_on_read, c);
}

TU_FN void *tu_stress_thread(void *arg)
{
    tu_sthread *t = arg;
    t->active = t->ncallers;
    for (int i = 0; i < t->ncallers; i++)
        tu_next(&t->callers[i]);
    event_base_dispatch(t->base);
    return NULL;
}

/* threads x callers closed-loop callers, `ops` operations each (write_pct % of them
 * write_ts + apply_write). Returns the number of contract violations seen. */
TU_FN uint64_t tu_stress(orc *o, int threads, int callers, int ops, int write_pct)
{
    /* Bounds start from what this oracle has already answered (a new oracle from 0). */
    atomic_store(&tu_applied, 0);
    atomic_store(&tu_read_seen, 0);
    atomic_store(&tu_write_seen, 0);
    atomic_store(&tu_violations, 0);
    atomic_store(&tu_failures, 0);
    atomic_store(&tu_answers, 0);
    tu_sthread *ts = calloc((size_t)threads, sizeof *ts);
    for (int i = 0; i < threads; i++) {
        tu_sthread *t = &ts[i];
        t->o = o;
        t->base = event_base_new();
        t->in = orc_inbox_new(o, t->base);
        t->ncallers = callers;
        t->write_pct = write_pct;
        t->callers = calloc((size_t)callers, sizeof *t->callers);
        for (int j = 0; j < callers; j++) {
            t->callers[j].t = t;
            t->callers[j].left = ops;
            t->callers[j].seed = (unsigned)(i * 1000 + j + 1);
        }
        pthread_create(&t->th, NULL, tu_stress_thread, t);
    }
    for (int i = 0; i < threads; i++) {
        tu_sthread *t = &ts[i];
        pthread_join(t->th, NULL);
        orc_inbox_free(t->in);
        event_base_free(t->base);
        free(t->callers);
    }
    free(ts);
    CHECK_INT(atomic_load(&tu_failures), 0);
    return atomic_load(&tu_violations);
}

#endif
