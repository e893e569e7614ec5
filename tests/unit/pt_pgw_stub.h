/* pt_pgw_stub: what tests that drive pgw_conn directly, with no server, give it: hooks
 * that admit every client (pid 1, secret 2) and do nothing else, and a message writer. */
#ifndef PT_PGW_STUB_H
#define PT_PGW_STUB_H

#include <stdbool.h>
#include <stdint.h>

#include "pgw_conn.h"

static inline bool pt_stub_admit(void *ctx, pgw_conn *c, pgw_error *err)
{
    (void)ctx;
    (void)err;
    c->pid = 1;
    c->secret = 2;
    return true;
}

static inline void pt_stub_release(void *ctx, pgw_conn *c)
{
    (void)ctx;
    (void)c;
}

static inline void pt_stub_cancel(void *ctx, pgw_conn *c, int32_t pid, int32_t secret)
{
    (void)ctx;
    (void)c;
    (void)pid;
    (void)secret;
}

/* An environment over db with the hooks above; errors only in the log. */
static inline pgw_conn_env pt_stub_env(adp_db *db, uint32_t max_message_size)
{
    return (pgw_conn_env){.db = db,
                          .max_message_size = max_message_size,
                          .log_level = PGPEEK_LOG_ERROR,
                          .admit = pt_stub_admit,
                          .release = pt_stub_release,
                          .cancel = pt_stub_cancel};
}

/* One frontend message into b: type, length, n bytes of body. */
static inline void pt_pgw_msg(pgw_buf *b, char type, const void *body, size_t n)
{
    pgw_buf_put_u8(b, (uint8_t)type);
    pgw_buf_put_i32(b, (int32_t)(n + 4));
    pgw_buf_put(b, body, n);
}

#endif
