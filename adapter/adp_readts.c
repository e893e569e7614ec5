/* adp_readts: strict serializable reads with a shared timestamp oracle. Another process
 * may have committed on the timeline, so the newest local commit is not a linearizable
 * read timestamp: the statement asks the oracle's batching layer first, and its
 * connection waits (pending, nothing run or written) until the answer arrives on the
 * worker's inbox; then the same message runs again and reads at that timestamp. With the
 * local backend, and for `serializable`, nothing is asked. */
#include <stdio.h>
#include <string.h>

#include "adp_internal.h"
#include "adp_mvcc.h"

static bool strict(const adp_session *s)
{
    return strcmp(s->settings.v[ADP_SET_TXN_ISOLATION], "strict serializable") == 0;
}

/* Whether a statement that reads a snapshot (`writes`: and changes rows) must ask. */
static bool needed(const adp_session *s, bool writes)
{
    if (!s->inbox || !s->oracle || orc_read_ts_fast_safe(s->oracle) || !strict(s)) return false;
    /* A write outside a block reads the newest local state: it is answered only after its
     * own group's apply_write, so it cannot reveal anything too early. */
    if (s->txn == ADP_TXN_IDLE) return !writes;
    return s->txn == ADP_TXN_BLOCK && !s->snap_held;
}

bool adp_readts_needed(const adp_session *s, const PgQuery__Node *stmt)
{
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
    case PG_QUERY__NODE__NODE_EXECUTE_STMT: /* whatever it runs may read */
        return needed(s, false);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        return needed(s, true);
    default:
        return false;
    }
}

/* A group that took its write timestamp but is not stamped yet may lie at or below ts:
 * reading before it lands would let a block see it appear later at its own timestamp. The
 * wait is one log write at most. */
static void wait_for_committing(adp_db *db, uint64_t ts)
{
    for (int i = 0; i < 1000; i++) {
        uint64_t gen = adp_commit_gen(db);
        if (!atomic_load(&db->committing) ||
            atomic_load_explicit(&db->commit_ts, memory_order_acquire) >= ts)
            return;
        adp_commit_wait_next(db, gen, 1000);
    }
}

static void on_read_ts(void *arg, bool ok, uint64_t ts, const char *err)
{
    adp_session *s = arg;
    s->oracle_ts_ready = true;
    s->oracle_ts_failed = !ok;
    s->oracle_ts = ts;
    if (!ok) snprintf(s->oracle_err, sizeof s->oracle_err, "%s", err ? err : "unknown error");
    if (ok) wait_for_committing(s->db, ts);
    s->resume(s->resume_arg);
}

adp_readts_result adp_readts_wait(adp_session *s, const PgQuery__Node *stmt, pgw_error *err)
{
    return adp_readts_ask(s, !s->oracle_ts_ready && adp_readts_needed(s, stmt), err);
}

adp_readts_result adp_readts_wait_select(adp_session *s, pgw_error *err)
{
    return adp_readts_ask(s, !s->oracle_ts_ready && needed(s, false), err);
}

adp_readts_result adp_readts_ask(adp_session *s, bool ask, pgw_error *err)
{
    if (s->oracle_ts_ready) {
        if (!s->oracle_ts_failed) return ADP_READTS_GO;
        adp_readts_done(s);
        pgw_errorf(err, "58000", "could not get a read timestamp from the timestamp oracle: %s",
                   s->oracle_err);
        return ADP_READTS_FAILED;
    }
    if (!ask) return ADP_READTS_GO;
    /* Versions the answer may need must outlive the wait (they end after the newest
     * applied commit, which the answer is not below). */
    s->rts_hold = adp_hold_applied(s->db);
    s->rts_held = true;
    uint64_t ts;
    if (orc_read_ts_strict(s->oracle, s->inbox, &s->oreq, on_read_ts, s, &ts)) {
        s->oracle_ts_ready = true;
        s->oracle_ts = ts;
        return ADP_READTS_GO;
    }
    s->pend = ADP_PEND_READ_TS;
    return ADP_READTS_WAIT;
}

void adp_readts_done(adp_session *s)
{
    s->oracle_ts_ready = false;
    s->oracle_ts_failed = false;
    if (s->rts_held) adp_hold_remove(s->db, s->rts_hold);
    s->rts_held = false;
}
