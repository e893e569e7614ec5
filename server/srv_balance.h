/* srv_balance: how many workers take connections, and moving connections between them.
 *
 * Connections are packed onto as few workers as their load fits in: a worker that always
 * finds input never sleeps, so its clients' sends wake nobody, and the CPUs go to work
 * instead of wakeups and switches. On two CPUs with the client on the same machine, 64
 * connections on one worker serve about 285k SELECTs/s at 0.01 sleeps per query; split
 * over two, 225k at 0.37 (bench/fastpath/ctxsw.sh). When an active worker is bound by its
 * own CPU (a heavy query) while another CPU sits idle, every worker takes connections
 * again, and a pack that had to be undone soon holds packing back for a while. Decisions
 * come from the workers' thread CPU clocks and the machine's idle time (/proc/stat),
 * sampled by the listener every SRV_BALANCE_PERIOD_MS. PGPEEK_PLACEMENT=spread in the
 * environment turns this off (plain round robin, for comparison). */
#ifndef SRV_BALANCE_H
#define SRV_BALANCE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct pgpeek_server pgpeek_server;

/* Workers beyond this many are never sampled (the server starts at most 256). */
#define SRV_BALANCE_MAX_WORKERS 256
/* How often the listener looks at the workers' load, in milliseconds. */
#define SRV_BALANCE_PERIOD_MS 250

/* Owned and used by the listener thread only. */
typedef struct srv_balance {
    pgpeek_server *server;
    bool enabled;   /* more than one worker, and PGPEEK_PLACEMENT is not "spread" */
    int active;     /* workers [0, active) take new connections */
    int next;       /* round robin among them */
    int calm;       /* ticks left before another change (the load must settle first) */
    int since_pack; /* ticks since the last pack */
    int hold;       /* ticks left before packing is allowed again (after a wrong pack) */
    int hot;        /* periods in a row an active worker was bound by its CPU */
    int hold_next;  /* the hold a next wrong pack gets */
    int ncpu;
    int64_t last_ns;      /* monotonic time of the last sample */
    uint64_t idle, total; /* /proc/stat ticks at the last sample */
    int64_t *cpu_ns;      /* each worker's thread CPU time at the last sample */
    clockid_t *clocks;    /* each worker's thread CPU clock */
    bool sampled;         /* the fields above hold a sample */
} srv_balance;

/* Listener thread, once the workers run. Without enable (or with one worker), plain round
 * robin over every worker. False when out of memory. */
bool srv_balance_init(srv_balance *b, pgpeek_server *s, bool enable);
void srv_balance_free(srv_balance *b);
/* The worker that takes the next connection. */
int srv_balance_pick(srv_balance *b);
/* Samples the load when a period has passed and acts on it. Returns the poll timeout in
 * milliseconds until the next sample (-1: never). */
int srv_balance_tick(srv_balance *b);
/* Acts on one period's load (called by srv_balance_tick; tests call it with made-up
 * loads): busy[i] is worker i's share of a CPU, idle how many CPUs sat idle. */
void srv_balance_decide(srv_balance *b, const double *busy, int n, double idle);

#endif
