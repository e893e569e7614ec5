/* adp_async: statements that finish later. A session whose transaction must commit
 * through the commit thread, or whose statement needs a read timestamp from the shared
 * oracle, goes "pending" instead of blocking its worker: the adapter call returns at once
 * and adp_session_pending says so. pgwire then stops handling that connection's input and
 * sends nothing, until the session's resume callback runs on the worker's own event loop
 * (delivered through the worker's oracle inbox). Then adp_session_finish tells how the
 * commit went; a statement that waited for its read timestamp is simply run again and
 * finds the timestamp waiting for it. */
#ifndef ADP_ASYNC_H
#define ADP_ASYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "adp.h"
#include "orc.h"

typedef enum adp_pend {
    ADP_PEND_NONE,
    ADP_PEND_COMMIT,     /* the statement ran; its commit is in the commit thread's hands */
    ADP_PEND_READ_TS,    /* the statement has not run: it waits for its read timestamp */
    ADP_PEND_CHECKPOINT, /* CHECKPOINT ran: it waits for the checkpointer (adp_durable.h) */
} adp_pend;

/* Called on the worker's thread once a pending session may go on. */
typedef void (*adp_resume_fn)(void *arg);

/* Lets s finish statements asynchronously: o is the server's oracle, in the inbox of s's
 * worker, fn(arg) the callback that resumes the connection. Without this (adapter-only
 * tests) commits wait and reads never ask the oracle. */
void adp_session_set_async(adp_session *s, orc *o, orc_inbox *in, adp_resume_fn fn, void *arg);
adp_pend adp_session_pending(const adp_session *s);
/* After the resume callback: ends the pending state. For a commit: true when it is
 * durable and visible; false with err (e.g. 53100, 58030) when it failed, its changes
 * rolled back and the session's settings restored as after a ROLLBACK. For a CHECKPOINT:
 * false with err when the checkpoint failed. */
bool adp_session_finish(adp_session *s, pgw_error *err);

/* Extended protocol: whether the next Execute may write on top of a hot row's queued
 * commit (adp_commit_chain): only when it is the first statement of its implicit
 * transaction and its Sync is already received right behind it, so that its own commit is
 * queued without waiting for the client. */
void adp_session_chain_next(adp_session *s, bool ok);
/* Whether s holds the commit queue for a chained write: pgwire must then handle the Sync
 * that follows before anything else (no yielding), since no group is taken meanwhile. */
bool adp_session_chain_held(const adp_session *s);

/* Writes ParameterStatus for the settings that changed since the last report (a failed
 * commit may have restored some). */
void adp_session_report_changed(adp_session *s, pgw_buf *out);

/* TEST ONLY: the next n commit groups fail as a write-ahead log failure with sqlstate
 * (53100 or 58030) would. */
void adp_commit_test_fail_groups(adp_db *db, int n, const char *sqlstate);
/* Commit groups that failed so far. */
uint64_t adp_commit_failed_groups(adp_db *db);

#endif
