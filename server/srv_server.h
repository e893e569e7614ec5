/* srv_server: the server object shared by the listener, workers and HTTP thread. */
#ifndef SRV_SERVER_H
#define SRV_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "adp.h"
#include "orc.h"
#include "pgpeek.h"
#include "pgw_conn.h"
#include "srv_cancel.h"

typedef struct srv_worker srv_worker;
typedef struct srv_listener srv_listener;
typedef struct srv_http srv_http;

/* Owned by whoever called pgpeek_start; built and torn down on that thread. While running,
 * the other threads only read it, except the atomics and the cancel registry (own lock). */
struct pgpeek_server {
    pgpeek_config cfg; /* strings point at the copies below */
    char listen_host[256];
    char http_host[256];
    char *data_dir;
    char *oracle_url; /* NULL = local backend */
    orc *oracle;      /* opened before the workers start, closed after they stopped */
    char ident[48];   /* "server 127.0.0.1:6875", for log lines */
    adp_db *db;
    pgw_conn_env env;
    int port;
    int http_port;
    srv_worker *workers;
    int nworkers;
    srv_listener *listener;
    srv_http *http;
    srv_cancel_registry cancels;
    bool cancels_ready;
    /* Sessions past startup, for max_connections: changed once per connection, never per
     * query. */
    _Atomic int admitted;
    _Atomic int32_t next_pid;
};

#define srv_log(s, level, ...) pgw_log_at((s)->cfg.log_level, (level), (s)->ident, __VA_ARGS__)

#endif
