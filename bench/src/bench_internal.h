/* bench_internal: connection, worker and run state shared by bench_run.c, bench_worker.c and
 * bench_conn.c. Not part of the API used by bench_main.c. */
#ifndef BENCH_INTERNAL_H
#define BENCH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "bench_auth.h"
#include "bench_proto.h"
#include "bench_run.h"

typedef enum conn_state {
    CS_IDLE,       /* no socket: waiting to connect (or reconnect) */
    CS_CONNECTING, /* non-blocking connect in progress */
    CS_STARTUP,    /* StartupMessage sent, authenticating until ReadyForQuery */
    CS_PREPARING,  /* prepared mode: named Parse + Sync sent */
    CS_READY,      /* usable: queries may be in flight */
    CS_DEAD,       /* failed or finished; never used again */
} conn_state;

/* Per-job request bytes, built once so each query is a single memcpy. Owned by bench_run_state. */
typedef struct job_plan {
    const bench_job_spec *spec;
    bench_buf request; /* one query, ending in its own ReadyForQuery trigger */
    bench_buf prepare; /* prepared mode: Parse(named) + Sync, sent once per connection */
    uint32_t conns;
    uint64_t total; /* queries to run over all connections; 0 = unlimited */
    uint64_t start_ns_off, stop_ns_off;
    uint64_t interval_ns; /* per connection, rate jobs */
} job_plan;

/* One client connection; owned by exactly one worker thread. */
typedef struct bench_conn {
    int fd;
    conn_state state;
    uint32_t job;
    bool churn;    /* beyond -max-idle-conns: reconnect after every query */
    bool want_out; /* EPOLLOUT armed */
    bool in_queue; /* waiting in the worker's connect queue */
    bool first_pending;
    bool done;       /* counted in the worker's finished */
    uint32_t evmask; /* epoll events registered */
    bench_buf in, out;
    uint64_t t_begin, t_connected, t_ready, t_first_sent;
    uint64_t pending_since; /* when the next query was wanted while (re)connecting */
    uint64_t *sent;         /* ring of send (or scheduled) times, one per query in flight */
    uint32_t head, inflight;
    uint64_t issued, quota; /* quota 0 = unlimited */
    uint64_t next_due;      /* rate jobs: scheduled time of the next query */
    uint64_t rows_cur;      /* DataRows of the oldest query in flight */
    bool query_failed;
    char sqlstate[6];
    char errmsg[160];
    bench_scram scram;
} bench_conn;

/* Per-thread counters for one job; merged into bench_job_result after the run. */
typedef struct worker_job {
    uint64_t queries, rows, conns_lost, last_done_ns;
    bench_errors errors;
    bench_hist lat;
} worker_job;

struct bench_run_state;

/* One load thread with its own epoll set; touches only its own connections and stats. */
typedef struct bench_worker {
    struct bench_run_state *run;
    pthread_t thread;
    int epfd;
    bench_conn **conns;
    size_t nconns;
    bench_conn **queue; /* connect queue (ring) */
    size_t qhead, qlen;
    uint32_t handshaking, handshake_limit;
    size_t settled; /* connections ready or dead after the pre-auth phase */
    size_t finished;
    uint64_t inflight;
    bool running, stopping, timed;
    uint64_t record_from_ns, end_ns;
    uint64_t next_timeout_scan;
    worker_job *jobs;
    bench_hist connect, auth, first_query, to_first_row;
    uint64_t conns_opened, conns_failed;
    bench_errors conn_errors;
} bench_worker;

enum run_phase { PHASE_CONNECT, PHASE_RUN };

/* Shared state of one run: written by the main thread before PHASE_RUN, read-only after,
 * except the mutex-protected ready count and the atomics. */
typedef struct bench_run_state {
    const bench_opts *o;
    job_plan *plans;
    size_t nplans;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    bench_worker *workers;
    uint32_t nworkers;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint32_t workers_ready;
    int phase;
    uint64_t start_ns, record_from_ns, end_ns; /* end 0 = no time limit */
    atomic_uint workers_done;
} bench_run_state;

void *bench_worker_main(void *arg);
/* bench_worker.c: the first answer on a fresh connection arrived (row or completion). */
void bench_worker_first_answer(bench_worker *w, bench_conn *c, uint64_t now);
/* bench_conn.c: handles one complete backend message; false = connection must be dropped. */
bool bench_conn_message(bench_worker *w, bench_conn *c, char type, const char *body, uint32_t len,
                        uint64_t now);
/* bench_worker.c services used by bench_conn.c */
void bench_worker_conn_ready(bench_worker *w, bench_conn *c, uint64_t now);
void bench_worker_query_done(bench_worker *w, bench_conn *c, uint64_t now);
void bench_worker_conn_fail(bench_worker *w, bench_conn *c, const char *sqlstate, const char *msg,
                            uint64_t now);

#endif
