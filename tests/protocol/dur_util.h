/* dur_util: the durability tests' helpers: start a real pgpeekd on a data directory (port
 * read from its stdout, stderr kept in a file), stop it (SIGTERM) or kill -9 it, and talk
 * to it through libpq. */
#ifndef DUR_UTIL_H
#define DUR_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adp_wal.h"
#include "protocol/pt_check.h"

/* A running (or exited) pgpeekd; owned by the test's main thread. */
typedef struct dur_srv {
    pid_t pid;
    int port;
    int status; /* exit status once it exited without listening; -1 killed by a signal */
    char log[4200];
} dur_srv;

static char dur_daemon[4096];

/* pgpeekd sits next to the tests directory of the build tree. */
static inline bool dur_find_daemon(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    snprintf(dur_daemon, sizeof dur_daemon, "%s/../pgpeekd", dirname(self));
    if (access(dur_daemon, X_OK) == 0) return true;
    fprintf(stderr, "no pgpeekd at %s\n", dur_daemon);
    return false;
}

static inline char *dur_tmpdir(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/pgpeek-dur-XXXXXX");
    return mkdtemp(buf);
}

/* Starts pgpeekd on data dir `dir` with extra flags (NULL-terminated, may be NULL). True
 * once it listens (s->port); false when it exited first (s->status, s->log). */
static inline bool dur_start(dur_srv *s, const char *dir, const char *const *extra)
{
    memset(s, 0, sizeof *s);
    snprintf(s->log, sizeof s->log, "%s.log", dir);
    const char *args[40] = {dur_daemon, "--listen",    "127.0.0.1:0", "--http-listen",
                            "off",      "--data-dir",  dir,           "--workers",
                            "2",        "--log-level", "warn"};
    int na = 11;
    for (int i = 0; extra && extra[i] && na < 38; i++)
        args[na++] = extra[i];
    args[na] = NULL;
    int p[2];
    if (pipe(p) != 0) exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        int lf = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(p[1], 1);
        if (lf >= 0) dup2(lf, 2);
        close(p[0]);
        close(p[1]);
        execv(dur_daemon, (char **)args);
        _exit(127);
    }
    close(p[1]);
    s->pid = pid;
    char line[64];
    size_t n = 0;
    while (n + 1 < sizeof line) {
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        if (poll(&pfd, 1, 60000) <= 0 || read(p[0], line + n, 1) != 1) break;
        if (line[n] == '\n') break;
        n++;
    }
    line[n] = 0;
    close(p[0]);
    s->port = atoi(line);
    if (s->port > 0) return true;
    int st = 0;
    waitpid(pid, &st, 0);
    s->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    s->pid = 0;
    return false;
}

static inline bool dur_log_has(const dur_srv *s, const char *needle);

/* SIGTERM (clean) or SIGKILL; returns the exit status (0 clean, -1 by a signal, 99 when
 * the log holds a sanitizer report). */
static inline int dur_stop(dur_srv *s, int sig)
{
    if (s->pid <= 0) return s->status;
    kill(s->pid, sig);
    int st = 0;
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    if (dur_log_has(s, "runtime error:") || dur_log_has(s, "Sanitizer")) {
        fprintf(stderr, "sanitizer report in %s\n", s->log);
        return 99;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Whether the server's log file contains needle. */
static inline bool dur_log_has(const dur_srv *s, const char *needle)
{
    FILE *f = fopen(s->log, "r");
    if (!f) return false;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, needle) != NULL;
}

static inline PGconn *dur_connect(int port)
{
    char ci[256];
    snprintf(ci, sizeof ci,
             "host=127.0.0.1 port=%d user=materialize dbname=materialize connect_timeout=10", port);
    PGconn *c = PQconnectdb(ci);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Runs sql; true when it succeeded. On failure *sqlstate (when given) gets the SQLSTATE,
 * or "" when the connection broke. */
static inline bool dur_exec(PGconn *c, const char *sql, char *sqlstate)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok) {
        const char *ss = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (sqlstate) snprintf(sqlstate, 6, "%s", ss ? ss : "");
        if (!sqlstate && getenv("DUR_DEBUG"))
            fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    }
    PQclear(r);
    return ok;
}

/* The first value of the first row (into buf), or NULL on error / no row. */
static inline const char *dur_val(PGconn *c, const char *sql, char *buf, size_t cap)
{
    PGresult *r = PQexec(c, sql);
    const char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
        snprintf(buf, cap, "%s", PQgetisnull(r, 0, 0) ? "NULL" : PQgetvalue(r, 0, 0));
        v = buf;
    } else if (getenv("DUR_DEBUG")) {
        fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
    }
    PQclear(r);
    return v;
}

/* All rows of sql, one line each, columns separated by '|' (for exact comparisons). */
static inline char *dur_rows(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    if (!out) exit(1);
    out[0] = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(out, cap, "ERROR %s", PQresultErrorMessage(r));
        PQclear(r);
        return out;
    }
    for (int i = 0; i < PQntuples(r); i++)
        for (int k = 0; k < PQnfields(r); k++) {
            const char *v = PQgetisnull(r, i, k) ? "NULL" : PQgetvalue(r, i, k);
            size_t need = len + strlen(v) + 2;
            if (need >= cap) {
                while (need >= cap)
                    cap *= 2;
                out = realloc(out, cap);
                if (!out) exit(1);
            }
            len += (size_t)sprintf(out + len, "%s%c", v, k + 1 == PQnfields(r) ? '\n' : '|');
        }
    PQclear(r);
    return out;
}

static inline bool dur_rm_rf(const char *dir)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.log'", dir, dir);
    return system(cmd) == 0;
}

/* --- the log, read back with its own scanner (adp_wal.h) --- */

typedef struct ts_scan {
    uint64_t max, min_after;
    uint64_t boundary;
    uint64_t records;
} ts_scan;

static inline bool on_rec(void *arg, uint64_t ts, uint8_t kind, const uint8_t *p, uint32_t len,
                          char *err, size_t errlen)
{
    (void)kind, (void)p, (void)len, (void)err, (void)errlen;
    ts_scan *s = arg;
    s->records++;
    if (ts > s->max) s->max = ts;
    if (ts > s->boundary && (!s->min_after || ts < s->min_after)) s->min_after = ts;
    return true;
}

/* Highest logged ts (and the lowest above `boundary`), read with the log's own scanner,
 * from the oldest segment there (a checkpoint may have deleted the ones before it). */
static inline ts_scan scan_ts(const char *dir, uint64_t boundary)
{
    char wal[4200], err[512];
    snprintf(wal, sizeof wal, "%s/wal", dir);
    ts_scan s = {.boundary = boundary};
    uint32_t oldest = 0;
    DIR *dh = opendir(wal);
    for (struct dirent *e; dh && (e = readdir(dh));) {
        unsigned n;
        char tail[8];
        if (sscanf(e->d_name, "%8x%7s", &n, tail) == 2 && strcmp(tail, ".log") == 0 &&
            (!oldest || n < oldest))
            oldest = n;
    }
    if (dh) closedir(dh);
    adp_wal_start start = {0, oldest};
    adp_wal_info info;
    if (!adp_wal_scan(wal, &start, on_rec, &s, &info, err, sizeof err))
        fprintf(stderr, "scan: %s\n", err);
    return s;
}

#endif
