/* orc_inbox: a worker's oracle inbox used as its general mailbox. Any thread may post a
 * request to it; the request's callback then runs on the inbox's event_base thread, after
 * the oracle's own answers delivered before it. The commit thread hands committed (or
 * failed) sessions back to their workers this way, so each worker has one queue and one
 * eventfd for everything that comes back to it. */
#ifndef ORC_INBOX_H
#define ORC_INBOX_H

#include "orc.h"

/* Queues r for in's thread, which then runs cb(arg, ok, ts, err). r is owned by the
 * caller as for an oracle call: it must stay alive and untouched until cb has run. Never
 * blocks beyond the inbox's short mutex. */
void orc_inbox_post(orc_inbox *in, orc_req *r, orc_cb cb, void *arg, bool ok, uint64_t ts,
                    const char *err);

/* Runs, on the calling thread, the callbacks of everything queued on in so far. For the
 * owner once its event loop has stopped, so that nothing posted is lost before
 * orc_inbox_free. */
void orc_inbox_drain(orc_inbox *in);

#endif
