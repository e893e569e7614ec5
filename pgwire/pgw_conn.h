/* pgw_conn: one client connection's protocol state machine, bytes in to replies out.
 * It knows nothing of sockets or threads: the server feeds `in`, drains `out`. */
#ifndef PGW_CONN_H
#define PGW_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp.h"
#include "orc.h"
#include "pgpeek.h"
#include "pgw_buf.h"
#include "pgw_error.h"
#include "pgw_stats.h"

typedef struct pgw_conn pgw_conn;

/* What the server provides to its connections. Owned by the server, read-only while any
 * connection lives; the hooks may be called from any worker thread. */
typedef struct pgw_conn_env {
    adp_db *db;
    uint32_t max_message_size;
    pgpeek_log_level log_level;
    void *ctx;
    /* After a valid StartupMessage: admit the client (max_connections) and set its
     * c->pid/c->secret; false with err set (53300) refuses it. */
    bool (*admit)(void *ctx, pgw_conn *c, pgw_error *err);
    /* Undoes admit; called once by pgw_conn_destroy for admitted connections. */
    void (*release)(void *ctx, pgw_conn *c);
    /* A CancelRequest arrived on connection c. */
    void (*cancel)(void *ctx, pgw_conn *c, int32_t pid, int32_t secret);
} pgw_conn_env;

/* X-macro so that names never drift from the enum. */
#define PGW_CONN_STATES(X)                                                                         \
    X(STARTUP) /* waiting for SSLRequest/GSSENCRequest/CancelRequest/StartupMessage */             \
    X(READY)   /* authenticated: queries */                                                        \
    X(CLOSING) /* flush what is in `out`, then close; input is ignored */

typedef enum pgw_conn_state {
#define PGW_X(name) PGW_CONN_##name,
    PGW_CONN_STATES(PGW_X)
#undef PGW_X
} pgw_conn_state;

const char *pgw_conn_state_name(pgw_conn_state s);

typedef enum pgw_conn_result {
    PGW_CONN_WAIT,  /* every complete message handled; waiting for more input */
    PGW_CONN_YIELD, /* stopped early (budget or `out` past the high mark): call again */
    PGW_CONN_CLOSE, /* flush `out`, then close the connection */
    /* A statement waits for its commit or read timestamp: send nothing and handle no
     * input until the connection's on_resume hook runs (on its worker's thread). */
    PGW_CONN_PENDING,
} pgw_conn_result;

/* Owned by the server's connection object, used only by its worker thread. */
struct pgw_conn {
    pgw_buf in;     /* received, not yet handled */
    pgw_buf out;    /* replies not yet sent */
    size_t in_need; /* bytes the message at the front of `in` needs in total */
    pgw_conn_state state;
    bool ssl_done;
    bool gss_done;
    bool admitted;
    bool ignore_till_sync;
    int32_t pid;
    int32_t secret;
    adp_session *session;
    const pgw_conn_env *env;
    pgw_stats *stats;
    char ident[128]; /* "conn 12 127.0.0.1:50000", then " user@db" after startup */
    /* Statements that finish later (adp_async.h). Set by the server before any input:
     * without an inbox every statement finishes within its adapter call. */
    orc *oracle;
    orc_inbox *inbox;
    void (*on_resume)(pgw_conn *c); /* the pending statement finished: drive c again */
    bool pending;                   /* a statement of c waits; `out` is not to be sent */
    char pend_msg;                  /* the waiting message: 'Q', 'E' or 'S' */
    size_t pend_mark;               /* where its output began in `out` */
    int execs;                      /* Execute messages since the last Sync */
    bool sync_next;                 /* a complete Sync follows the message being handled */
};

void pgw_conn_init(pgw_conn *c, const pgw_conn_env *env, pgw_stats *stats, const char *ident);
/* Frees the session and buffers, and releases the admission. */
void pgw_conn_destroy(pgw_conn *c);
void pgw_conn_set_state(pgw_conn *c, pgw_conn_state s);

/* Handles the complete messages at the front of `in` (at most a budget of them, and none
 * once `out` holds out_high_mark bytes), appending replies to `out`. */
pgw_conn_result pgw_conn_process(pgw_conn *c, size_t out_high_mark);

/* The one way to send a client-visible error: writes it, logs it, and when it is FATAL
 * puts the connection into CLOSING. severity is "ERROR" or "FATAL". */
void pgw_conn_report(pgw_conn *c, const char *severity, const pgw_error *e);
void pgw_conn_error(pgw_conn *c, const char *severity, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether a statement of c is waiting for its commit or read timestamp. A pending
 * connection must not be destroyed: its session is in other threads' hands until
 * on_resume has run. */
static inline bool pgw_conn_is_pending(const pgw_conn *c)
{
    return c->pending;
}

/* Server shutdown: FATAL 57P01 to the client and CLOSING. */
void pgw_conn_shutdown(pgw_conn *c);

#define pgw_log(c, level, ...) pgw_log_at((c)->env->log_level, (level), (c)->ident, __VA_ARGS__)

#endif
