/* adp_durable_stmt: the CHECKPOINT statement. A checkpoint of a large database takes
 * seconds; waiting for it on the worker would stall every other connection of that worker,
 * so the session goes pending instead (adp_async.h), as a commit does, and the checkpointer
 * thread hands it back through the worker's inbox once the checkpoint file is written. */
#include <stdlib.h>

#include "adp_async.h"
#include "adp_durable.h"
#include "adp_internal.h"
#include "pgw_be_write.h"

/* One CHECKPOINT waiting: owned by the checkpointer from the post until its callback runs
 * on the session's worker, which frees it. */
typedef struct stmt_wait {
    adp_ckpt_wait w;
    adp_session *s;
} stmt_wait;

/* On the session's worker: the checkpoint is over. The outcome travels in the session's
 * commit request (idle meanwhile: nothing of the statement's transaction is queued) to
 * adp_session_finish. */
static void on_done(void *arg, bool ok, uint64_t ts, const char *msg)
{
    (void)ts;
    (void)msg;
    stmt_wait *sw = arg;
    adp_session *s = sw->s;
    s->creq.failed = !ok;
    if (!ok) s->creq.err = sw->w.err;
    free(sw);
    s->resume(s->resume_arg);
}

/* Whether the statement may finish later: pgwire must be able to hold the message (it is
 * the last of its string, or an Execute), and going pending must not skip a commit the
 * statement's end would make (run_parsed commits only sessions that are not pending). In a
 * block nothing commits at the statement's end (its changes wait for COMMIT); outside one,
 * only a lone statement with no changes of its own has nothing to commit. */
static bool may_wait_async(const adp_session *s)
{
    if (!s->inbox || !s->async_ok) return false;
    return s->txn == ADP_TXN_BLOCK || (!s->nundo && !s->in_implicit_block);
}

bool adp_durable_checkpoint_stmt(adp_session *s, pgw_buf *out, pgw_error *err)
{
    if (may_wait_async(s)) {
        stmt_wait *sw = malloc(sizeof *sw);
        if (!sw) abort();
        sw->s = s;
        sw->w = (adp_ckpt_wait){.inbox = s->inbox, .cb = on_done, .arg = sw};
        if (adp_durable_checkpoint_post(s->db, &sw->w)) {
            /* Written now, taken back (with the error) should the checkpoint fail. */
            pgw_be_write_command_complete(out, "CHECKPOINT");
            s->pend = ADP_PEND_CHECKPOINT;
            return true;
        }
        free(sw); /* the ephemeral mode: nothing to write */
    }
    if (!adp_durable_checkpoint(s->db, err)) return false;
    pgw_be_write_command_complete(out, "CHECKPOINT");
    return true;
}
