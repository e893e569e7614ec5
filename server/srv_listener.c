/* srv_listener: a poll loop over the listening socket and a stop eventfd. */
#include "srv_listener.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pgw_log.h"
#include "srv_balance.h"
#include "srv_net.h"
#include "srv_server.h"
#include "srv_worker.h"

/* Owned by the server; `next_*` fields belong to the listener thread. */
struct srv_listener {
    pgpeek_server *server;
    int fd;
    int stop_fd; /* eventfd written by srv_listener_stop */
    pthread_t thread;
    uint64_t next_id;
    srv_balance balance; /* which workers take new connections */
    bool starved;        /* accept failed for lack of descriptors or memory */
    time_t warned_at;    /* last warning about it */
};

static void hand_over(srv_listener *l, int fd, const struct sockaddr *peer_sa)
{
    pgpeek_server *s = l->server;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char peer[64];
    srv_net_format_addr(peer_sa, peer, sizeof peer);
    srv_worker *w = &s->workers[srv_balance_pick(&l->balance)];
    if (!srv_worker_notify_conn(w, fd, ++l->next_id, peer)) {
        srv_log(s, PGPEEK_LOG_ERROR, "out of memory handing over a connection from %s", peer);
        close(fd);
    }
}

static void *listener_main(void *arg)
{
    srv_listener *l = arg;
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    /* The stop eventfd comes first: while starved of descriptors only it is watched, so
     * the 100 ms back-off really waits (the listening socket would be ready at once). */
    struct pollfd pfd[2] = {{.fd = l->stop_fd, .events = POLLIN}, {.fd = l->fd, .events = POLLIN}};
    int wait_ms = srv_balance_tick(&l->balance);
    for (;;) {
        int timeout = l->starved && (wait_ms < 0 || wait_ms > 100) ? 100 : wait_ms;
        int n = poll(pfd, l->starved ? 1 : 2, timeout);
        if (n < 0 && errno != EINTR) break;
        if (pfd[0].revents) break;
        wait_ms = srv_balance_tick(&l->balance);
        if (n <= 0 && !l->starved) continue; /* a balance tick */
        for (;;) {
            struct sockaddr_storage ss;
            socklen_t len = sizeof ss;
            int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0) {
                l->starved = false;
                hand_over(l, fd, (struct sockaddr *)&ss);
                continue;
            }
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors: back off instead of spinning on a ready socket, and
                 * say so at most once a minute. */
                time_t now = time(NULL);
                if (now - l->warned_at >= 60) {
                    srv_log(l->server, PGPEEK_LOG_WARN, "accept: %s; retrying every 100 ms",
                            strerror(errno));
                    l->warned_at = now;
                }
                l->starved = true;
            }
            break; /* EAGAIN, or an aborted connection: back to poll */
        }
    }
    return NULL;
}

srv_listener *srv_listener_start(pgpeek_server *s, int listen_fd, char *err, size_t errlen)
{
    srv_listener *l = calloc(1, sizeof *l);
    if (!l) {
        close(listen_fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->server = s;
    l->fd = listen_fd;
    l->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* PGPEEK_PLACEMENT=spread: round robin over every worker (to compare against). */
    const char *placement = getenv("PGPEEK_PLACEMENT");
    bool pack = !placement || strcmp(placement, "spread") != 0;
    if (!srv_balance_init(&l->balance, s, pack)) {
        if (l->stop_fd >= 0) close(l->stop_fd);
        close(listen_fd);
        free(l);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = l->stop_fd < 0 ? errno : pthread_create(&l->thread, NULL, listener_main, l);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the listener: %s", strerror(rc));
        if (l->stop_fd >= 0) close(l->stop_fd);
        srv_balance_free(&l->balance);
        close(listen_fd);
        free(l);
        return NULL;
    }
    return l;
}

void srv_listener_stop(srv_listener *l)
{
    if (!l) return;
    uint64_t one = 1;
    ssize_t n = write(l->stop_fd, &one, sizeof one);
    (void)n;
    pthread_join(l->thread, NULL);
    close(l->stop_fd);
    close(l->fd);
    srv_balance_free(&l->balance);
    free(l);
}
