/* adp_commit: the commit thread and its queue (adp_commit.h). */
#include "adp_commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adp_durable.h"
#include "adp_internal.h"
#include "adp_mvcc.h"

/* One session waiting for its commit; on the committing worker's stack. */
typedef struct adp_commit_req {
    adp_session *s;
    bool done;
    struct adp_commit_req *next;
} adp_commit_req;

/* Owned by the db; `mu` guards the queue and the done flags, the thread owns the rest. */
struct adp_committer {
    adp_db *db;
    orc *oracle;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* queue not empty, or stopping */
    pthread_cond_t done; /* some request finished */
    adp_commit_req *head, *tail;
    bool stop;
    adp_session **batch; /* the group's sessions for the log (commit thread only) */
    size_t capbatch;
    _Atomic uint64_t groups, commits;
};

/* The oracle may be unreachable for a while (shared backend): a commit waits rather than
 * use a timestamp nobody handed out. */
static uint64_t oracle_call(adp_committer *c, orc_op op, uint64_t arg)
{
    for (;;) {
        uint64_t ts = 0;
        char err[128];
        if (orc_call_wait(c->oracle, op, arg, &ts, err, sizeof err)) return ts;
        fprintf(stderr, "pgpeek commit: oracle %s failed (%s), retrying\n",
                op == ORC_OP_WRITE ? "write_ts" : "apply_write", err);
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void *commit_main(void *arg)
{
    adp_committer *c = arg;
    adp_db *db = c->db;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->head && !c->stop)
            pthread_cond_wait(&c->work, &c->mu);
        adp_commit_req *group = c->head;
        c->head = c->tail = NULL;
        pthread_mutex_unlock(&c->mu);
        if (!group) break; /* stopping with nothing queued */
        uint64_t wts = oracle_call(c, ORC_OP_WRITE, 0);
        size_t nb = 0;
        for (adp_commit_req *r = group; r; r = r->next) {
            if (nb == c->capbatch) {
                c->capbatch = c->capbatch ? 2 * c->capbatch : 64;
                c->batch = realloc(c->batch, c->capbatch * sizeof *c->batch);
                if (!c->batch) abort();
            }
            c->batch[nb++] = r->s;
        }
        pgw_error lerr;
        pgw_error_clear(&lerr);
        if (!adp_durable_log_group(db, wts, c->batch, nb, &lerr)) {
            /* Not yet possible (the stub accepts everything); the pending-commit work
             * turns this into failing every statement of the group with lerr. */
            fprintf(stderr, "pgpeek commit: %s\n", lerr.message);
            abort();
        }
        pthread_rwlock_wrlock(&db->lock);
        uint64_t last = atomic_load_explicit(&db->commit_ts, memory_order_relaxed);
        uint64_t ts = wts > last ? wts : last + 1; /* write_ts only grows; kept as a guard */
        uint64_t n = 0;
        for (adp_commit_req *r = group; r; r = r->next, n++)
            adp_txn_stamp(r->s, ts);
        atomic_store_explicit(&db->commit_ts, ts, memory_order_release);
        for (adp_commit_req *r = group; r; r = r->next)
            adp_txn_reclaim(r->s);
        pthread_rwlock_unlock(&db->lock);
        adp_commit_signal(db);
        oracle_call(c, ORC_OP_APPLY, ts);
        atomic_fetch_add_explicit(&c->groups, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&c->commits, n, memory_order_relaxed);
        /* Only now may the sessions answer their clients. */
        pthread_mutex_lock(&c->mu);
        for (adp_commit_req *r = group; r; r = r->next)
            r->done = true;
        pthread_cond_broadcast(&c->done);
        pthread_mutex_unlock(&c->mu);
    }
    return NULL;
}

bool adp_commit_start(adp_db *db, orc *o, char *err, size_t errlen)
{
    adp_committer *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    c->db = db;
    c->oracle = o;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    pthread_cond_init(&c->done, NULL);
    int rc = pthread_create(&c->thread, NULL, commit_main, c);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the commit thread: %s", strerror(rc));
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->work);
        pthread_cond_destroy(&c->done);
        free(c);
        return false;
    }
    db->committer = c;
    return true;
}

void adp_commit_stop(adp_db *db)
{
    adp_committer *c = db ? db->committer : NULL;
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->work);
    pthread_cond_destroy(&c->done);
    db->committer = NULL;
    free(c->batch);
    free(c);
}

void adp_commit_stats(adp_db *db, uint64_t *groups, uint64_t *commits)
{
    adp_committer *c = db->committer;
    *groups = c ? atomic_load_explicit(&c->groups, memory_order_relaxed) : 0;
    *commits = c ? atomic_load_explicit(&c->commits, memory_order_relaxed) : 0;
}

void adp_commit_wait(adp_committer *c, adp_session *s)
{
    adp_commit_req req = {s, false, NULL};
    pthread_mutex_lock(&c->mu);
    if (c->tail)
        c->tail->next = &req;
    else
        c->head = &req;
    c->tail = &req;
    pthread_cond_signal(&c->work);
    while (!req.done)
        pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
}

void adp_commit_signal(adp_db *db)
{
    pthread_mutex_lock(&db->commit_mu);
    db->commit_gen++;
    pthread_cond_broadcast(&db->commit_cv);
    pthread_mutex_unlock(&db->commit_mu);
}

uint64_t adp_commit_gen(adp_db *db)
{
    pthread_mutex_lock(&db->commit_mu);
    uint64_t gen = db->commit_gen;
    pthread_mutex_unlock(&db->commit_mu);
    return gen;
}

void adp_commit_wait_next(adp_db *db, uint64_t gen, long timeout_us)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += timeout_us * 1000;
    until.tv_sec += until.tv_nsec / 1000000000;
    until.tv_nsec %= 1000000000;
    pthread_mutex_lock(&db->commit_mu);
    while (db->commit_gen == gen)
        if (pthread_cond_timedwait(&db->commit_cv, &db->commit_mu, &until) != 0) break;
    pthread_mutex_unlock(&db->commit_mu);
}
