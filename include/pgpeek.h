/* pgpeek: the embedded server API: start a real server in-process, learn its ports, stop it. */
#ifndef PGPEEK_H
#define PGPEEK_H

#include <stddef.h>
#include <stdint.h>

typedef enum pgpeek_log_level {
    PGPEEK_LOG_ERROR = 0,
    PGPEEK_LOG_WARN = 1,
    PGPEEK_LOG_INFO = 2,
    PGPEEK_LOG_DEBUG = 3,
} pgpeek_log_level;

/* Filled by the caller (start from pgpeek_config_default()); pgpeek_start copies what it
 * keeps, so the strings only need to live until pgpeek_start returns. */
typedef struct pgpeek_config {
    const char *listen_host;    /* default "127.0.0.1" */
    int listen_port;            /* default 6875; 0 = ephemeral (see pgpeek_port) */
    int workers;                /* worker threads; 0 = online CPUs (the default) */
    const char *data_dir;       /* NULL = in-memory (the embedded default) */
    int max_connections;        /* default 100; beyond it clients get FATAL 53300 */
    const char *http_host;      /* default "127.0.0.1" */
    int http_port;              /* default 6878; 0 = ephemeral; -1 = no HTTP listener */
    pgpeek_log_level log_level; /* default PGPEEK_LOG_WARN */
    uint32_t max_message_size;  /* default 64 MiB; larger frontend messages: FATAL 08P01 */
    /* Timestamp oracle: NULL = local backend (in data_dir, or in memory when data_dir is
     * NULL); "postgres://..." = a timeline shared through PostgreSQL/CockroachDB. */
    const char *timestamp_oracle_url;
    int oracle_max_in_flight; /* read_ts backing calls at once, 1..16; 0 = default (3) */
    /* Checkpoints (with a data_dir): every this many seconds when something was logged, and
     * after this many log bytes; 0 = defaults (300 s, 64 MiB). */
    uint32_t checkpoint_interval_s;
    uint64_t checkpoint_log_bytes;
} pgpeek_config;

typedef struct pgpeek_server pgpeek_server;

pgpeek_config pgpeek_config_default(void);
/* Binds, opens the database and starts every thread. On failure returns NULL with a
 * message in errbuf. Several servers may run in one process. Does not touch signal
 * dispositions: the caller owns them (pgpeekd's main blocks SIGINT/SIGTERM). */
pgpeek_server *pgpeek_start(const pgpeek_config *cfg, char *errbuf, size_t errlen);
/* The bound SQL port (the real one when 0 was asked for). */
int pgpeek_port(const pgpeek_server *s);
/* The bound HTTP port, or -1 when HTTP is disabled. */
int pgpeek_http_port(const pgpeek_server *s);
/* Stops accepting, sends every client FATAL 57P01, joins every thread, closes every
 * descriptor and frees everything. s may be NULL. */
void pgpeek_stop(pgpeek_server *s);

#endif
