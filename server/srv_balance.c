/* srv_balance: packs connections onto as few workers as keep up (see srv_balance.h). The
 * listener samples each worker's thread CPU clock and the machine's idle time every
 * SRV_BALANCE_PERIOD_MS, and asks
 * workers to shed connections that are between statements through their inboxes; nothing
 * of this runs per query. */
#include "srv_balance.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgw_log.h"
#include "srv_server.h"
#include "srv_worker.h"

/* Every worker takes connections again when an active worker computed this share of
 * SPREAD_TICKS periods in a row while the machine left SPREAD_IDLE CPUs idle: it is bound
 * by its own CPU (a heavy query) and another CPU is there to take half. A packed worker
 * serving cheap queries to a client on the same machine is as busy, but leaves no CPU idle
 * (the client has the other one): spreading would only bring the sleeps back. A burst of
 * connection setups lasts less than SPREAD_TICKS. */
#define SPREAD_BUSY 0.95
#define SPREAD_TICKS 3
#define SPREAD_IDLE 0.5
/* One worker fewer when the active workers' load fits in one fewer at this share each.
 * Above one CPU on purpose: a worker that no longer sleeps spends less CPU per query (no
 * switches, warm caches): two workers at 0.42 each become one at about 0.6 busy with
 * everything else, then nearly 1.0 once it serves the queries the sleeps had cost. Idle
 * CPU is no condition: spread workers leave 0.4 CPUs idle in their sleeps. */
#define PACK_BUSY 1.2
/* Ticks to wait after a change, so that the next decision sees its effect. */
#define CALM_TICKS 4
/* A spread this soon after a pack means the pack was wrong: packing then waits HOLD_TICKS, doubled
 * on every repeat up to HOLD_MAX_TICKS, so a load at the edge does not flap. */
#define REGRET_TICKS 20
#define HOLD_TICKS 40
#define HOLD_MAX_TICKS 1200

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The machine's idle and total CPU ticks (first line of /proc/stat). */
static bool read_proc_stat(uint64_t *idle, uint64_t *total)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return false;
    unsigned long long v[8] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (n < 5) return false;
    *idle = v[3] + v[4]; /* idle + iowait */
    *total = 0;
    for (int i = 0; i < 8; i++)
        *total += v[i];
    return true;
}

static int64_t thread_cpu_ns(clockid_t clk)
{
    struct timespec ts;
    if (clock_gettime(clk, &ts) != 0) return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int nconns(const srv_worker *w)
{
    return atomic_load_explicit(&w->nconns, memory_order_relaxed);
}

/* The active worker with the fewest connections. */
static int least_loaded(const srv_balance *b)
{
    srv_worker *ws = b->server->workers;
    int best = 0;
    for (int i = 1; i < b->active; i++)
        if (nconns(&ws[i]) < nconns(&ws[best])) best = i;
    return best;
}

bool srv_balance_init(srv_balance *b, pgpeek_server *s, bool enable)
{
    memset(b, 0, sizeof *b);
    b->since_pack = REGRET_TICKS + 1; /* no pack to regret yet */
    b->server = s;
    int n = s->nworkers;
    b->active = n;
    if (n < 2 || !enable) return true;
    b->cpu_ns = calloc((size_t)n, sizeof *b->cpu_ns);
    b->clocks = calloc((size_t)n, sizeof *b->clocks);
    if (!b->cpu_ns || !b->clocks) {
        srv_balance_free(b);
        return false;
    }
    for (int i = 0; i < n; i++)
        if (pthread_getcpuclockid(s->workers[i].thread, &b->clocks[i]) != 0) {
            srv_balance_free(b);
            return true; /* no per-thread clocks: spread over every worker */
        }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    b->ncpu = ncpu > 0 ? (int)ncpu : 1;
    b->enabled = true;
    return true;
}

void srv_balance_free(srv_balance *b)
{
    free(b->cpu_ns);
    free(b->clocks);
    b->cpu_ns = NULL;
    b->clocks = NULL;
    b->enabled = false;
}

int srv_balance_pick(srv_balance *b)
{
    if (b->next >= b->active) b->next = 0;
    return b->next++;
}

/* Evens out the connection counts of the active workers (after a spread). */
static void even_out(srv_balance *b)
{
    srv_worker *ws = b->server->workers;
    int have[SRV_BALANCE_MAX_WORKERS], total = 0;
    for (int i = 0; i < b->active; i++)
        total += have[i] = nconns(&ws[i]);
    int fair = (total + b->active - 1) / b->active;
    for (int from = 0; from < b->active; from++)
        for (int to = 0; to < b->active && have[from] > fair; to++) {
            int room = fair - have[to];
            if (room <= 0) continue;
            int k = have[from] - fair < room ? have[from] - fair : room;
            if (!srv_worker_shed(&ws[from], &ws[to], k)) return;
            have[from] -= k;
            have[to] += k;
        }
}

void srv_balance_decide(srv_balance *b, const double *busy, int n, double idle)
{
    pgpeek_server *s = b->server;
    srv_worker *ws = s->workers;
    double sum = 0, most = 0;
    for (int i = 0; i < n; i++) {
        sum += busy[i];
        if (i < b->active && busy[i] > most) most = busy[i];
    }
    srv_log(s, PGPEEK_LOG_DEBUG, "placement: %d of %d workers active, %.2f CPUs busy, %.2f idle",
            b->active, n, sum, idle);
    if (b->since_pack <= REGRET_TICKS) b->since_pack++;
    b->hot = most > SPREAD_BUSY && idle > SPREAD_IDLE ? b->hot + 1 : 0;
    if (b->hold > 0) b->hold--;
    if (b->calm > 0) {
        b->calm--;
    } else if (b->active < n && b->hot >= SPREAD_TICKS) {
        if (b->since_pack <= REGRET_TICKS) {
            b->hold_next = b->hold_next ? b->hold_next * 2 : HOLD_TICKS;
            if (b->hold_next > HOLD_MAX_TICKS) b->hold_next = HOLD_MAX_TICKS;
            b->hold = b->hold_next;
        }
        b->active = n;
        b->calm = CALM_TICKS;
        even_out(b);
        srv_log(s, PGPEEK_LOG_DEBUG, "placement: spread over %d workers (busiest worker at %.2f)",
                n, most);
    } else if (b->active > 1 && b->hold == 0 && sum < (b->active - 1) * PACK_BUSY) {
        b->active--;
        b->calm = CALM_TICKS;
        b->since_pack = 0;
        srv_log(s, PGPEEK_LOG_DEBUG, "placement: packed onto %d workers (%.2f CPUs of work)",
                b->active, sum);
    }
    /* Connections left on retired workers move over (those that were busy at the last
     * request are asked again). */
    for (int i = b->active; i < n; i++) {
        int c = nconns(&ws[i]);
        if (c > 0) (void)srv_worker_shed(&ws[i], &ws[least_loaded(b)], c);
    }
}

int srv_balance_tick(srv_balance *b)
{
    if (!b->enabled) return -1;
    int64_t now = now_ns();
    int64_t period = (int64_t)SRV_BALANCE_PERIOD_MS * 1000000;
    if (b->sampled && now - b->last_ns < period)
        return (int)((period - (now - b->last_ns)) / 1000000) + 1;
    int n = b->server->nworkers;
    uint64_t idle = 0, total = 0;
    bool have_stat = read_proc_stat(&idle, &total);
    double busy[SRV_BALANCE_MAX_WORKERS];
    if (n > SRV_BALANCE_MAX_WORKERS) n = SRV_BALANCE_MAX_WORKERS;
    for (int i = 0; i < n; i++) {
        int64_t cpu = thread_cpu_ns(b->clocks[i]);
        busy[i] = b->sampled ? (double)(cpu - b->cpu_ns[i]) / (double)(now - b->last_ns) : 0;
        b->cpu_ns[i] = cpu;
    }
    if (b->sampled && have_stat && total > b->total) {
        double idle_cpus = (double)(idle - b->idle) / (double)(total - b->total) * b->ncpu;
        srv_balance_decide(b, busy, n, idle_cpus);
    }
    b->idle = idle;
    b->total = total;
    b->last_ns = now;
    b->sampled = have_stat;
    return SRV_BALANCE_PERIOD_MS;
}
