/* pgw_conn_move: what a session needs to change when its connection moves to another worker.
 * The session keeps no per-thread state between statements: everything that finishes later
 * comes back through the inbox recorded here, so that is all that changes. */
#include "pgw_conn_move.h"

#include "adp_async.h"
#include "pgw_conn_int.h"

bool pgw_conn_movable(const pgw_conn *c)
{
    return c->state == PGW_CONN_READY && !c->pending && c->in.len == 0 && c->out.len == 0 &&
           (!c->session || !adp_session_chain_held(c->session));
}

void pgw_conn_rehome(pgw_conn *c, pgw_stats *stats, orc_inbox *inbox)
{
    c->stats = stats;
    c->inbox = inbox;
    if (c->session && inbox)
        adp_session_set_async(c->session, c->oracle, inbox, pgw_conn_resume, c);
}
