/* The pgpeekd binary itself: port 0 printed on stdout and written to the port file, data
 * directory created, SIGTERM/SIGINT say 57P01 to clients and exit 0, bad flags exit 2. */
#include <libgen.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "protocol/pt_client.h"

static char daemon_path[4096];

/* pgpeekd sits next to the tests directory of the build tree. */
static void find_daemon(void)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = 0;
    snprintf(daemon_path, sizeof daemon_path, "%s/../pgpeekd", dirname(self));
}

/* Starts pgpeekd with args; *out_fd reads its stdout. */
static pid_t spawn(char **args, int *out_fd)
{
    int p[2];
    if (pipe(p) != 0) exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(daemon_path, args);
        _exit(127);
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

/* One line from fd within 20 seconds. */
static bool read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 20000) <= 0) return false;
        if (read(fd, buf + n, 1) != 1) return false;
        if (buf[n] == '\n') break;
        n++;
    }
    buf[n] = 0;
    return true;
}

static int wait_exit(pid_t pid)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static void test_run_and_signal(int sig)
{
    char dir[] = "/tmp/pgpeekd-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char data[4200], portfile[4200];
    snprintf(data, sizeof data, "%s/sub/data", dir);
    snprintf(portfile, sizeof portfile, "%s/port", dir);
    char *args[] = {daemon_path,   "--listen",   "127.0.0.1:0", "--http-listen",
                    "127.0.0.1:0", "--data-dir", data,          "--port-file",
                    portfile,      "--workers",  "2",           "--log-level",
                    "error",       NULL};
    int out;
    pid_t pid = spawn(args, &out);
    char line[64];
    CHECK(read_line(out, line, sizeof line));
    int port = atoi(line);
    CHECK(port > 0);
    FILE *f = fopen(portfile, "r");
    int from_file = -1;
    CHECK(f != NULL);
    if (f) {
        CHECK(fscanf(f, "%d", &from_file) == 1);
        fclose(f);
    }
    CHECK_INT(from_file, port);
    struct stat st;
    CHECK(stat(data, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(pt_select1(port));

    int fd = pt_connect(port);
    char t[64];
    CHECK(pt_startup(fd, t, sizeof t));
    kill(pid, sig);
    pt_err e;
    CHECK(pt_read_error(fd, &e));
    CHECK_STR(e.sqlstate, "57P01");
    CHECK(pt_closed(fd));
    close(fd);
    CHECK_INT(wait_exit(pid), 0);
    close(out);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

static void test_bad_flags(void)
{
    char *args[] = {daemon_path, "--workers", "zero", NULL};
    int out;
    pid_t pid = spawn(args, &out);
    CHECK_INT(wait_exit(pid), 2);
    close(out);
    /* Help is not an error. */
    char *help[] = {daemon_path, "--help", NULL};
    pid = spawn(help, &out);
    char line[256];
    CHECK(read_line(out, line, sizeof line));
    CHECK(strncmp(line, "usage: pgpeekd", 14) == 0);
    CHECK_INT(wait_exit(pid), 0);
    close(out);
    char *version[] = {daemon_path, "--version", NULL};
    pid = spawn(version, &out);
    CHECK(read_line(out, line, sizeof line));
    CHECK(strncmp(line, "pgpeekd (pgpeek) ", 17) == 0);
    CHECK_INT(wait_exit(pid), 0);
    close(out);
}

int main(void)
{
    find_daemon();
    if (access(daemon_path, X_OK) != 0) {
        fprintf(stderr, "no pgpeekd at %s\n", daemon_path);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    test_run_and_signal(SIGTERM);
    test_run_and_signal(SIGINT);
    test_bad_flags();
    return pt_finish();
}
