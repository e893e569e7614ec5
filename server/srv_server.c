/* srv_server: the embedded server API: start, ports, stop; and the connection hooks
 * (admission, cancel keys) that pgwire calls. */
#include "srv_server.h"

#include <errno.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adp_commit.h"
#include "adp_durable.h"
#include "adp_system.h"
#include "pgw_log.h"
#include "srv_conn.h"
#include "srv_http.h"
#include "srv_listener.h"
#include "srv_net.h"
#include "srv_worker.h"

#define SRV_MAX_WORKERS 256

pgpeek_config pgpeek_config_default(void)
{
    pgpeek_config c = {
        .listen_host = "127.0.0.1",
        .listen_port = 6875,
        .workers = 0,
        .data_dir = NULL,
        .max_connections = 100,
        .http_host = "127.0.0.1",
        .http_port = 6878,
        .log_level = PGPEEK_LOG_WARN,
        .max_message_size = 64u * 1024 * 1024,
    };
    return c;
}

static bool admit(void *ctx, pgw_conn *pc, pgw_error *err)
{
    pgpeek_server *s = ctx;
    srv_conn *c = (srv_conn *)pc;
    int n = atomic_fetch_add_explicit(&s->admitted, 1, memory_order_relaxed) + 1;
    if (n > s->cfg.max_connections) {
        atomic_fetch_sub_explicit(&s->admitted, 1, memory_order_relaxed);
        return pgw_errorf(err, "53300", "sorry, too many clients already");
    }
    int32_t secret;
    if (RAND_bytes((unsigned char *)&secret, sizeof secret) != 1) {
        atomic_fetch_sub_explicit(&s->admitted, 1, memory_order_relaxed);
        return pgw_errorf(err, "58000", "could not generate random cancel key");
    }
    pc->pid = atomic_fetch_add_explicit(&s->next_pid, 1, memory_order_relaxed);
    pc->secret = secret;
    c->key.pid = pc->pid;
    c->key.secret = secret;
    srv_cancel_add(&s->cancels, &c->key);
    return true;
}

static void release(void *ctx, pgw_conn *pc)
{
    pgpeek_server *s = ctx;
    srv_conn *c = (srv_conn *)pc;
    srv_cancel_remove(&s->cancels, &c->key);
    atomic_fetch_sub_explicit(&s->admitted, 1, memory_order_relaxed);
}

static void cancel(void *ctx, pgw_conn *from, int32_t pid, int32_t secret)
{
    pgpeek_server *s = ctx;
    /* Statements run to completion inside one callback for now, so a matching key has
     * nothing to interrupt; unknown keys are ignored silently, as PostgreSQL does. */
    if (srv_cancel_match(&s->cancels, pid, secret))
        pgw_log(from, PGPEEK_LOG_INFO, "cancel request for backend pid %d", (int)pid);
    else
        pgw_log(from, PGPEEK_LOG_DEBUG, "cancel request with an unknown key ignored");
}

static bool make_dirs(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errlen, "data directory path too long");
        return false;
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char saved = *p;
            *p = 0;
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create data directory \"%s\": %s", buf,
                         strerror(errno));
                return false;
            }
            *p = saved;
            if (!saved) return true;
        }
    }
}

static bool copy_config(pgpeek_server *s, const pgpeek_config *cfg, char *err, size_t errlen)
{
    s->cfg = *cfg;
    snprintf(s->listen_host, sizeof s->listen_host, "%s",
             cfg->listen_host ? cfg->listen_host : "127.0.0.1");
    snprintf(s->http_host, sizeof s->http_host, "%s",
             cfg->http_host ? cfg->http_host : "127.0.0.1");
    s->cfg.listen_host = s->listen_host;
    s->cfg.http_host = s->http_host;
    if (cfg->data_dir && !cfg->data_dir[0]) {
        snprintf(err, errlen, "data directory must not be empty (NULL means in memory)");
        return false;
    }
    if (cfg->data_dir) {
        s->data_dir = strdup(cfg->data_dir);
        if (!s->data_dir) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    }
    s->cfg.data_dir = s->data_dir;
    if (cfg->timestamp_oracle_url && cfg->timestamp_oracle_url[0]) {
        s->oracle_url = strdup(cfg->timestamp_oracle_url);
        if (!s->oracle_url) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
    }
    s->cfg.timestamp_oracle_url = s->oracle_url;
    if (cfg->oracle_max_in_flight < 0 || cfg->oracle_max_in_flight > 16) {
        snprintf(err, errlen, "oracle_max_in_flight must be between 1 and 16");
        return false;
    }
    if (s->cfg.workers <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.workers = n > 0 ? (int)n : 1;
    }
    if (s->cfg.workers > SRV_MAX_WORKERS) s->cfg.workers = SRV_MAX_WORKERS;
    if (cfg->listen_port < 0 || cfg->listen_port > 65535 || cfg->http_port < -1 ||
        cfg->http_port > 65535) {
        snprintf(err, errlen, "port out of range");
        return false;
    }
    if (cfg->max_connections < 1) {
        snprintf(err, errlen, "max_connections must be at least 1");
        return false;
    }
    if (cfg->max_message_size < 64) {
        snprintf(err, errlen, "max_message_size must be at least 64 bytes");
        return false;
    }
    return true;
}

pgpeek_server *pgpeek_start(const pgpeek_config *cfg, char *errbuf, size_t errlen)
{
    char scratch[1];
    if (!errbuf || errlen == 0) {
        errbuf = scratch;
        errlen = sizeof scratch;
    }
    errbuf[0] = 0;
    pgpeek_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    s->http_port = -1;
    snprintf(s->ident, sizeof s->ident, "server");
    atomic_init(&s->admitted, 0);
    atomic_init(&s->next_pid, 1);
    srv_cancel_init(&s->cancels);
    s->cancels_ready = true;
    if (!copy_config(s, cfg, errbuf, errlen)) goto fail;
    if (s->data_dir && !make_dirs(s->data_dir, errbuf, errlen)) goto fail;
    pgw_error perr;
    pgw_error_clear(&perr);
    s->db = adp_db_open(s->data_dir, &perr);
    if (!s->db) {
        snprintf(errbuf, errlen, "cannot open the database: %s", perr.message);
        goto fail;
    }
    adp_durable_set_checkpoint(s->db, (uint64_t)s->cfg.checkpoint_interval_s * 1000,
                               s->cfg.checkpoint_log_bytes);
    orc_config oc = orc_config_default();
    oc.url = s->oracle_url;
    oc.data_dir = s->data_dir;
    if (s->cfg.oracle_max_in_flight > 0) oc.max_in_flight = s->cfg.oracle_max_in_flight;
    char oerr[256];
    s->oracle = orc_open(&oc, oerr, sizeof oerr);
    if (!s->oracle) {
        snprintf(errbuf, errlen, "cannot open the timestamp oracle: %s", oerr);
        goto fail;
    }
    /* ALTER SYSTEM values kept in the data directory (they override flags, as
     * postgresql.auto.conf overrides postgresql.conf). */
    if (!adp_system_load(s->db, s->oracle, s->data_dir, &perr)) {
        snprintf(errbuf, errlen, "%s", perr.message);
        goto fail;
    }
    /* Every later write timestamp must be above every recovered commit. The oracle's own
     * state says so unless it was lost or replaced: then raise its read timestamp to the
     * recovered one and take a read, since every later write_ts is above every earlier
     * read_ts (orc.h). */
    uint64_t rec = adp_durable_recovered_ts(s->db), peek = 0;
    if (rec && !orc_call_wait(s->oracle, ORC_OP_PEEK, 0, &peek, oerr, sizeof oerr)) {
        snprintf(errbuf, errlen, "cannot read the timestamp oracle: %s", oerr);
        goto fail;
    }
    if (rec > peek) {
        uint64_t r = 0;
        if (!orc_call_wait(s->oracle, ORC_OP_APPLY, rec, &r, oerr, sizeof oerr) ||
            !orc_call_wait(s->oracle, ORC_OP_READ, 0, &r, oerr, sizeof oerr) || r < rec) {
            snprintf(errbuf, errlen,
                     "the timestamp oracle is behind the recovered commit timestamp %llu and "
                     "cannot be moved past it (%s); refusing to start",
                     (unsigned long long)rec, oerr);
            goto fail;
        }
        pgw_log_emit(PGPEEK_LOG_WARN, "recovery",
                     "the timestamp oracle's last write timestamp %llu was below the recovered "
                     "commit timestamp %llu (its state lost?): moved it past it",
                     (unsigned long long)peek, (unsigned long long)rec);
    }
    /* Commits take their timestamps from the oracle from now on. */
    if (!adp_commit_start(s->db, s->oracle, errbuf, errlen)) goto fail;
    s->env = (pgw_conn_env){
        .db = s->db,
        .max_message_size = s->cfg.max_message_size,
        .log_level = s->cfg.log_level,
        .ctx = s,
        .admit = admit,
        .release = release,
        .cancel = cancel,
    };
    int fd = srv_net_listen(s->listen_host, s->cfg.listen_port, &s->port, errbuf, errlen);
    if (fd < 0) goto fail;
    snprintf(s->ident, sizeof s->ident, "server %.32s:%d", s->listen_host, s->port);
    s->workers = calloc((size_t)s->cfg.workers, sizeof *s->workers);
    if (!s->workers) {
        close(fd);
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    for (int i = 0; i < s->cfg.workers; i++) {
        s->nworkers = i + 1; /* so that a failure stops the partly started one too */
        if (!srv_worker_start(&s->workers[i], s, i, errbuf, errlen)) {
            close(fd);
            goto fail;
        }
    }
    s->listener = srv_listener_start(s, fd, errbuf, errlen);
    if (!s->listener) goto fail;
    if (s->cfg.http_port >= 0) {
        s->http = srv_http_start(s, &s->http_port, errbuf, errlen);
        if (!s->http) goto fail;
    }
    srv_log(s, PGPEEK_LOG_INFO, "listening with %d workers, HTTP port %d, %s%s", s->nworkers,
            s->http_port,
            s->data_dir ? "durable, data directory "
                        : "EPHEMERAL (--data-dir none): data is in "
                          "memory only and lost at exit",
            s->data_dir ? s->data_dir : "");
    return s;
fail:
    pgpeek_stop(s);
    return NULL;
}

int pgpeek_port(const pgpeek_server *s)
{
    return s->port;
}

int pgpeek_http_port(const pgpeek_server *s)
{
    return s->http ? s->http_port : -1;
}

void pgpeek_stop(pgpeek_server *s)
{
    if (!s) return;
    /* Order: no new sockets, then every worker says goodbye to its clients and exits
     * (statements run inside callbacks, so running ones finish first, pending commits and
     * CHECKPOINTs come back first), then HTTP. */
    bool started = s->listener != NULL; /* a refused start leaves the data directory as is */
    srv_listener_stop(s->listener);
    for (int i = 0; i < s->nworkers; i++)
        srv_worker_stop(&s->workers[i]);
    srv_http_stop(s->http);
    /* Workers have stopped issuing oracle calls and freed their inboxes. */
    adp_commit_stop(s->db); /* idle: the workers' sessions are gone */
    /* After the last group, before the log closes: the next start replays nothing. */
    if (started && s->db) adp_durable_shutdown_checkpoint(s->db);
    if (s->oracle) orc_close(s->oracle);
    if (s->db) adp_db_close(s->db);
    if (s->cancels_ready) srv_cancel_destroy(&s->cancels);
    srv_log(s, PGPEEK_LOG_INFO, "stopped");
    free(s->workers);
    free(s->data_dir);
    free(s->oracle_url);
    free(s);
}
