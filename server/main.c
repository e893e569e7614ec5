/* pgpeekd: parse flags, start the server, wait for SIGINT/SIGTERM, stop, exit 0. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "pgpeek.h"
#include "pgw_log.h"
#include "srv_config.h"

static pgpeek_log_level libevent_log_level = PGPEEK_LOG_WARN;

/* libevent's own warnings, in our log format (process-wide, hence here and not in the
 * library, which may share a process with other libevent users). */
static void libevent_log(int severity, const char *msg)
{
    pgpeek_log_level level = severity >= EVENT_LOG_ERR    ? PGPEEK_LOG_ERROR
                             : severity >= EVENT_LOG_WARN ? PGPEEK_LOG_WARN
                                                          : PGPEEK_LOG_DEBUG;
    pgw_log_at(libevent_log_level, level, "libevent", "%s", msg);
}

/* Written whole: a temp file renamed over the target, so a reader never sees half. */
static bool write_port_file(const char *path, int port)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp)
        return false;
    FILE *f = fopen(tmp, "w");
    if (!f) return false;
    bool ok = fprintf(f, "%d\n", port) > 0;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) != 0) ok = false;
    if (!ok) unlink(tmp);
    return ok;
}

int main(int argc, char **argv)
{
    srv_options opts;
    char err[512];
    if (!srv_options_parse(&opts, argc, argv, err, sizeof err)) {
        fprintf(stderr, "pgpeekd: %s\n%s", err, srv_options_usage);
        srv_options_free(&opts);
        return 2;
    }
    if (opts.version) {
        printf("pgpeekd (pgpeek) %s\n", PGPEEK_VERSION);
        srv_options_free(&opts);
        return 0;
    }
    if (opts.help) {
        fputs(srv_options_usage, stdout);
        srv_options_free(&opts);
        return 0;
    }
    libevent_log_level = opts.cfg.log_level;
    event_set_log_callback(libevent_log);
    /* Blocked before any thread starts, so every thread inherits the mask and the signals
     * wait for sigwait below; SIGPIPE never kills us (sends use MSG_NOSIGNAL anyway). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    signal(SIGPIPE, SIG_IGN);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    pgpeek_server *s = pgpeek_start(&opts.cfg, err, sizeof err);
    if (!s) {
        fprintf(stderr, "pgpeekd: %s\n", err);
        srv_options_free(&opts);
        return 1;
    }
    int port = pgpeek_port(s);
    if (opts.port_file && !write_port_file(opts.port_file, port)) {
        fprintf(stderr, "pgpeekd: cannot write port file \"%s\"\n", opts.port_file);
        pgpeek_stop(s);
        srv_options_free(&opts);
        return 1;
    }
    /* stdout after the file: whoever read the line finds the file too. */
    if (opts.cfg.listen_port == 0) {
        printf("%d\n", port);
        fflush(stdout);
    }
    /* Always shown, whatever the log level: the operator wants to see where it listens. */
    pgw_log_emit(PGPEEK_LOG_INFO, "pgpeekd", "pgpeekd %s listening on %s:%d, HTTP port %d, %s%s",
                 PGPEEK_VERSION, opts.cfg.listen_host, port, pgpeek_http_port(s),
                 opts.cfg.data_dir ? "data directory "
                                   : "EPHEMERAL mode (--data-dir none): "
                                     "nothing is written to disk",
                 opts.cfg.data_dir ? opts.cfg.data_dir : "");
    int sig = 0;
    while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
        ;
    pgw_log_emit(PGPEEK_LOG_INFO, "pgpeekd", "%s received, shutting down",
                 sig == SIGINT ? "SIGINT" : "SIGTERM");
    pgpeek_stop(s);
    srv_options_free(&opts);
    return 0;
}
