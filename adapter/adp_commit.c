/* adp_commit: the commit thread and its queue (adp_commit.h). */
#include "adp_commit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adp_cert.h"
#include "adp_durable.h"
#include "adp_internal.h"
#include "adp_mvcc.h"
#include "orc_inbox.h"

/* Owned by the db; `mu` guards the queue and the done flags, the thread owns the rest. */
struct adp_committer {
    adp_db *db;
    orc *oracle;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* queue not empty, or stopping */
    pthread_cond_t done; /* some synchronous request finished */
    adp_commit_req *head, *tail;
    bool stop;
    adp_session **batch; /* the group's sessions for the log (commit thread only) */
    size_t capbatch;
    _Atomic uint64_t groups, commits, failed_groups;
    int chain_holds;       /* statements that chained on a queued commit, not queued yet */
    bool draining;         /* the thread waits for chain_holds to reach 0: no new ones */
    _Atomic int test_fail; /* TEST ONLY: groups still to fail */
    char test_state[6];
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

/* Runs on the session's worker (its inbox): the commit is over, the connection goes on. */
static void on_handed_back(void *arg, bool ok, uint64_t ts, const char *err)
{
    (void)ok;
    (void)ts;
    (void)err;
    adp_session *s = arg;
    s->resume(s->resume_arg);
}

/* Lets every session of the group go on: asynchronous ones through their worker's inbox,
 * waiting ones through the condition variable. A session handed back may commit again at
 * once, rewriting its request: nothing of it is read after it went. */
static void hand_back(adp_committer *c, adp_commit_req *group)
{
    adp_commit_req *waiters = NULL;
    for (adp_commit_req *r = group, *next; r; r = next) {
        next = r->next;
        if (r->async) {
            orc_inbox_post(r->s->inbox, &r->post, on_handed_back, r->s, true, 0, NULL);
        } else {
            r->next = waiters; /* its owner is still blocked: safe to relink */
            waiters = r;
        }
    }
    if (!waiters) return;
    pthread_mutex_lock(&c->mu);
    for (adp_commit_req *r = waiters, *next; r; r = next) {
        next = r->next;
        r->done = true;
    }
    pthread_cond_broadcast(&c->done);
    pthread_mutex_unlock(&c->mu);
}

static bool log_group(adp_committer *c, uint64_t wts, size_t nb, pgw_error *err)
{
    int n = atomic_load(&c->test_fail);
    while (n > 0)
        if (atomic_compare_exchange_weak(&c->test_fail, &n, n - 1)) {
            char state[sizeof c->test_state];
            pthread_mutex_lock(&c->mu);
            memcpy(state, c->test_state, sizeof state);
            pthread_mutex_unlock(&c->mu);
            return pgw_errorf(err, state,
                              "could not write to the write-ahead log: injected failure");
        }
    return adp_durable_log_group(c->db, wts, c->batch, nb, err);
}

/* The log refused the group: none of it may become visible. Rolled back newest first, so
 * that a change made on top of another one in the group is undone before it. */
static void fail_group(adp_committer *c, adp_commit_req *group, size_t nb, const pgw_error *err)
{
    adp_db *db = c->db;
    fprintf(stderr, "pgpeek commit: group of %zu failed: %s %s\n", nb, err->sqlstate, err->message);
    pthread_rwlock_wrlock(&db->lock);
    for (size_t i = nb; i-- > 0;)
        adp_txn_rollback_locked(c->batch[i]);
    pthread_rwlock_unlock(&db->lock);
    adp_commit_signal(db); /* writers waiting on those pending changes may go on */
    for (adp_commit_req *r = group; r; r = r->next) {
        r->failed = true;
        r->err = *err;
    }
    atomic_fetch_add_explicit(&c->failed_groups, 1, memory_order_relaxed);
}

static void *commit_main(void *arg)
{
    adp_committer *c = arg;
    adp_db *db = c->db;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->stop && !c->head)
            pthread_cond_wait(&c->work, &c->mu);
        /* Chained writers still running join this group; later ones wait for the next
         * (with many workers, holds might otherwise never all be released at once). */
        c->draining = true;
        while (!c->stop && c->chain_holds > 0)
            pthread_cond_wait(&c->work, &c->mu);
        c->draining = false;
        adp_commit_req *group = c->head;
        c->head = c->tail = NULL;
        for (adp_commit_req *r = group; r; r = r->next)
            r->state = ADP_CQ_TAKEN;
        pthread_mutex_unlock(&c->mu);
        if (!group) break; /* stopping with nothing queued */
        atomic_store(&db->committing, 1);
        uint64_t wts = oracle_call(c, ORC_OP_WRITE, 0);
        size_t nb = 0;
        for (adp_commit_req *r = group; r; r = r->next) {
            if (nb == c->capbatch) {
                c->capbatch = c->capbatch ? 2 * c->capbatch : 64;
                c->batch = realloc(c->batch, c->capbatch * sizeof *c->batch);
                if (!c->batch) abort();
            }
            c->batch[nb++] = r->s;
            r->failed = false;
        }
        pgw_error lerr;
        pgw_error_clear(&lerr);
        if (!log_group(c, wts, nb, &lerr)) {
            fail_group(c, group, nb, &lerr);
            atomic_store(&db->committing, 0);
            hand_back(c, group);
            continue;
        }
        pthread_rwlock_wrlock(&db->lock);
        uint64_t last = atomic_load_explicit(&db->commit_ts, memory_order_relaxed);
        uint64_t ts = wts > last ? wts : last + 1; /* write_ts only grows; kept as a guard */
        uint64_t seq = 0;
        for (size_t i = 0; i < nb; i++) {
            adp_txn_stamp(c->batch[i], ts);
            if (c->batch[i]->cert_seq > seq) seq = c->batch[i]->cert_seq;
        }
        atomic_store_explicit(&db->commit_ts, ts, memory_order_release);
        adp_cert_stamped(db, seq);
        atomic_store(&db->committing, 0);
        for (size_t i = 0; i < nb; i++)
            adp_txn_reclaim(c->batch[i]);
        pthread_rwlock_unlock(&db->lock);
        adp_commit_signal(db);
        adp_epoch_collect(db); /* what earlier groups retired, once readers moved on */
        oracle_call(c, ORC_OP_APPLY, ts);
        adp_set_applied(db, ts);
        atomic_fetch_add_explicit(&c->groups, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&c->commits, nb, memory_order_relaxed);
        /* Only now may the sessions answer their clients. */
        hand_back(c, group);
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

/* Certification in queue order (adp_cert.h), under c->mu. A session that fails gives up a
 * chain hold it had (only statements outside a block chain, and they are never refused). */
static bool certify(adp_committer *c, adp_session *s, pgw_error *err)
{
    if (adp_cert_commit(s, err)) return true;
    if (s->chain_held) {
        s->chain_held = false;
        if (--c->chain_holds == 0) pthread_cond_signal(&c->work);
    }
    return false;
}

static void enqueue(adp_committer *c, adp_commit_req *req)
{
    req->next = NULL;
    req->state = ADP_CQ_QUEUED;
    if (req->s->chain_held) {
        req->s->chain_held = false;
        c->chain_holds--;
    }
    if (c->tail)
        c->tail->next = req;
    else
        c->head = req;
    c->tail = req;
    pthread_cond_signal(&c->work);
}

bool adp_commit_wait(adp_committer *c, adp_session *s, pgw_error *err)
{
    adp_commit_req *req = &s->creq;
    req->s = s;
    req->async = false;
    req->done = false;
    pthread_mutex_lock(&c->mu);
    if (!certify(c, s, err)) {
        pthread_mutex_unlock(&c->mu);
        return false;
    }
    enqueue(c, req);
    while (!req->done)
        pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
    if (req->failed) *err = req->err;
    return !req->failed;
}

bool adp_commit_enqueue(adp_committer *c, adp_session *s, pgw_error *err)
{
    adp_commit_req *req = &s->creq;
    req->s = s;
    req->async = true;
    pthread_mutex_lock(&c->mu);
    bool ok = certify(c, s, err);
    if (ok) enqueue(c, req);
    pthread_mutex_unlock(&c->mu);
    return ok;
}

bool adp_commit_chain(adp_session *s, const adp_session *owner)
{
    adp_committer *c = s->db->committer;
    if (!c || !s->may_chain || !s->inbox) return false;
    pthread_mutex_lock(&c->mu);
    bool ok = owner->creq.state == ADP_CQ_QUEUED && !c->draining;
    if (ok && !s->chain_held) {
        s->chain_held = true;
        c->chain_holds++;
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

void adp_commit_unchain(adp_session *s)
{
    if (!s->chain_held) return;
    adp_committer *c = s->db->committer;
    pthread_mutex_lock(&c->mu);
    s->chain_held = false;
    if (--c->chain_holds == 0) pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
}

void adp_commit_test_fail_groups(adp_db *db, int n, const char *sqlstate)
{
    adp_committer *c = db->committer;
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    snprintf(c->test_state, sizeof c->test_state, "%s", sqlstate);
    pthread_mutex_unlock(&c->mu);
    atomic_store(&c->test_fail, n);
}

uint64_t adp_commit_failed_groups(adp_db *db)
{
    adp_committer *c = db->committer;
    return c ? atomic_load_explicit(&c->failed_groups, memory_order_relaxed) : 0;
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
