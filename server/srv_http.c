/* srv_http: /health and /metrics. Off the hot path, so evhttp and evbuffers are fine. */
#include "srv_http.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "adp_durable.h"
#include "pgw_log.h"
#include "srv_metrics.h"
#include "adp_fastpath.h"
#include "srv_net.h"
#include "srv_server.h"

static void render_wal(pgpeek_server *s, pgw_buf *out);

/* Owned by the server; everything but stop_fd is used by the HTTP thread while it runs. */
struct srv_http {
    pgpeek_server *server;
    struct event_base *base;
    struct evhttp *http;
    int stop_fd;
    struct event *stop_ev;
    pthread_t thread;
    bool thread_started;
};

static void reply_text(struct evhttp_request *req, int code, const char *reason, const char *ctype,
                       const char *body, size_t len)
{
    struct evbuffer *buf = evbuffer_new();
    if (!buf) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    evbuffer_add(buf, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
    evhttp_send_reply(req, code, reason, buf);
    evbuffer_free(buf);
}

static void request_cb(struct evhttp_request *req, void *arg)
{
    srv_http *h = arg;
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
        evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
        evhttp_send_error(req, 405, "Method Not Allowed");
        return;
    }
    if (path && strcmp(path, "/health") == 0) {
        reply_text(req, 200, "OK", "text/plain", "ok", 2);
    } else if (path && strcmp(path, "/metrics") == 0) {
        srv_metrics m;
        pgw_buf out;
        pgw_buf_init(&out);
        render_wal(h->server, &out); /* the log's metrics first: they need no summing */
        srv_metrics_sum(h->server, &m);
        srv_metrics_render(&m, &out);
        adp_fastpath_metrics(&out);
        if (out.failed)
            evhttp_send_error(req, 500, "out of memory");
        else
            reply_text(req, 200, "OK", "text/plain; version=0.0.4", out.data, out.len);
        pgw_buf_free(&out);
    } else {
        evhttp_send_error(req, 404, "Not Found");
    }
}

/* The write-ahead log and checkpoints (absent in the ephemeral mode). */
static void render_wal(pgpeek_server *s, pgw_buf *out)
{
    adp_durable_stats d;
    if (!s->db || !adp_durable_get_stats(s->db, &d)) return;
    static const struct {
        const char *name, *type, *help;
        size_t off;
    } rows[] = {
#define W(n, t, h, f) {"pgpeek_wal_" n, t, h, offsetof(adp_durable_stats, f)}
        W("groups_total", "counter", "Commit groups appended and fdatasynced.", groups),
        W("records_total", "counter", "Log records (one per transaction).", records),
        W("bytes_total", "counter", "Log bytes appended.", bytes),
        W("sync_seconds_total", "counter", "Time in write + fdatasync.", sync_ns),
        W("sync_seconds_max", "gauge", "Longest write + fdatasync of one group.", sync_max_ns),
        W("failures_total{cause=\"enospc\"}", "counter", "Groups that failed to append.", enospc),
        W("failures_total{cause=\"eio\"}", "counter", "", eio),
        W("segments_total", "counter", "Log segments started.", segments),
        W("bytes_since_checkpoint", "gauge", "Log bytes since the last checkpoint.",
          log_bytes_since_checkpoint),
        W("checkpoints_total", "counter", "Checkpoints completed.", checkpoints),
        W("checkpoints_failed_total", "counter", "Checkpoints failed or abandoned.",
          checkpoints_failed),
        W("checkpoint_last_rows", "gauge", "Rows in the last checkpoint.", checkpoint_last_rows),
        W("checkpoint_last_seconds", "gauge", "Duration of the last checkpoint.",
          checkpoint_last_ms),
#undef W
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint64_t v;
        memcpy(&v, (const char *)&d + rows[i].off, sizeof v);
        char line[512];
        size_t n = strcspn(rows[i].name, "{");
        if (rows[i].help[0])
            snprintf(line, sizeof line, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, rows[i].name,
                     rows[i].help, (int)n, rows[i].name, rows[i].type);
        else
            line[0] = 0;
        pgw_buf_put_str(out, line);
        bool ns = strstr(rows[i].name, "sync_seconds") != NULL;
        bool ms = strstr(rows[i].name, "last_seconds") != NULL;
        if (ns || ms)
            snprintf(line, sizeof line, "%s %.6f\n", rows[i].name,
                     ns ? (double)v / 1e9 : (double)v / 1e3);
        else
            snprintf(line, sizeof line, "%s %llu\n", rows[i].name, (unsigned long long)v);
        pgw_buf_put_str(out, line);
    }
}

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    evconnlistener_enable(arg);
}

/* accept failed (out of descriptors): pause the listener for 100 ms instead of letting a
 * ready socket spin the loop. The one-shot timer belongs to the base, which frees it. */
static void accept_error_cb(struct evconnlistener *listener, void *arg)
{
    (void)arg;
    static const struct timeval pause = {0, 100 * 1000};
    evconnlistener_disable(listener);
    if (event_base_once(evconnlistener_get_base(listener), -1, EV_TIMEOUT, resume_cb, listener,
                        &pause) != 0)
        evconnlistener_enable(listener);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    srv_http *h = arg;
    event_base_loopbreak(h->base);
}

static void *http_main(void *arg)
{
    srv_http *h = arg;
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    event_base_dispatch(h->base);
    return NULL;
}

void srv_http_stop(srv_http *h)
{
    if (!h) return;
    if (h->thread_started) {
        uint64_t one = 1;
        ssize_t n = write(h->stop_fd, &one, sizeof one);
        (void)n;
        pthread_join(h->thread, NULL);
    }
    if (h->http) evhttp_free(h->http);
    if (h->stop_ev) event_free(h->stop_ev);
    if (h->base) event_base_free(h->base);
    if (h->stop_fd >= 0) close(h->stop_fd);
    free(h);
}

srv_http *srv_http_start(pgpeek_server *s, int *bound_port, char *err, size_t errlen)
{
    srv_http *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->server = s;
    h->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    h->base = event_base_new();
    h->http = h->base ? evhttp_new(h->base) : NULL;
    if (h->stop_fd < 0 || !h->http) {
        snprintf(err, errlen, "cannot set up the HTTP listener");
        srv_http_stop(h);
        return NULL;
    }
    h->stop_ev = event_new(h->base, h->stop_fd, EV_READ, stop_cb, h);
    if (!h->stop_ev || event_add(h->stop_ev, NULL) != 0) {
        snprintf(err, errlen, "cannot set up the HTTP listener");
        srv_http_stop(h);
        return NULL;
    }
    int fd = srv_net_listen(s->cfg.http_host, s->cfg.http_port, bound_port, err, errlen);
    if (fd < 0) {
        srv_http_stop(h);
        return NULL;
    }
    struct evhttp_bound_socket *bound = evhttp_accept_socket_with_handle(h->http, fd);
    if (!bound) {
        close(fd);
        snprintf(err, errlen, "cannot accept HTTP connections");
        srv_http_stop(h);
        return NULL;
    }
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(bound), accept_error_cb);
    evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
    evhttp_set_gencb(h->http, request_cb, h);
    evhttp_set_timeout(h->http, 10);
    int rc = pthread_create(&h->thread, NULL, http_main, h);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the HTTP thread: %s", strerror(rc));
        srv_http_stop(h);
        return NULL;
    }
    h->thread_started = true;
    return h;
}
