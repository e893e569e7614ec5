/* pgw_startup: decoding the startup-phase packet (SSL/GSS/cancel requests, StartupMessage). */
#ifndef PGW_STARTUP_H
#define PGW_STARTUP_H

#include <stdbool.h>
#include <stdint.h>

#include "pgw_error.h"
#include "pgw_frame.h"

#define PGW_PROTO_3_0 196608u /* 3 << 16 */
#define PGW_CANCEL_REQUEST_CODE 80877102u
#define PGW_SSL_REQUEST_CODE 80877103u
#define PGW_GSSENC_REQUEST_CODE 80877104u

typedef enum pgw_startup_kind {
    PGW_STARTUP_SSL,
    PGW_STARTUP_GSSENC,
    PGW_STARTUP_CANCEL,
    PGW_STARTUP_MESSAGE, /* a protocol 3.x StartupMessage */
} pgw_startup_kind;

/* A decoded startup packet; strings borrowed from the packet. Caller's stack. */
typedef struct pgw_startup {
    pgw_startup_kind kind;
    uint32_t proto;        /* the first word */
    int32_t cancel_pid;    /* CancelRequest only */
    int32_t cancel_secret; /* CancelRequest only */
    const char *params;    /* StartupMessage: name\0value\0...\0 */
    const char *params_end;
} pgw_startup;

/* Decodes the body of a packet framed by pgw_frame_startup. ssl_done/gss_done say whether
 * that request was already answered: a repeated one is judged as a protocol version, as
 * PostgreSQL does. False with err set: 0A000 for an unsupported protocol, 08P01 for a
 * malformed packet. */
bool pgw_startup_decode(const pgw_msg *m, bool ssl_done, bool gss_done, pgw_startup *out,
                        pgw_error *err);

/* Iterates the StartupMessage's name/value pairs; *cursor starts at out->params. The
 * layout was validated by pgw_startup_decode. */
bool pgw_startup_next_param(const pgw_startup *st, const char **cursor, const char **name,
                            const char **value);

/* Splits the `options` parameter as the PostgreSQL server does (whitespace separated,
 * backslash escapes the next character) and hands each `-c name=value`, `-cname=value` or
 * `--name=value` to fn ('-' in names becomes '_'). False with err set (42601) for anything
 * else, or when fn fails (fn sets err). */
typedef bool (*pgw_option_fn)(void *ctx, const char *name, const char *value, pgw_error *err);
bool pgw_startup_split_options(const char *options, pgw_option_fn fn, void *ctx, pgw_error *err);

#endif
