/* pgpeekd's flags and config file. */
#include "protocol/pt_check.h"
#include "srv_config.h"

#include <stdlib.h>
#include <unistd.h>

static bool parse(srv_options *o, char *err, int argc, char **argv)
{
    return srv_options_parse(o, argc, argv, err, 256);
}

int main(void)
{
    srv_options o;
    char err[256];

    char *none[] = {"pgpeekd"};
    CHECK(parse(&o, err, 1, none));
    CHECK_STR(o.cfg.listen_host, "127.0.0.1");
    CHECK_INT(o.cfg.listen_port, 6875);
    CHECK_INT(o.cfg.http_port, 6878);
    CHECK_STR(o.cfg.data_dir, "./pgpeek-data");
    CHECK_INT(o.cfg.max_connections, 100);
    CHECK_INT(o.cfg.max_message_size, 64 << 20);
    CHECK_INT(o.cfg.log_level, PGPEEK_LOG_WARN);
    CHECK(o.port_file == NULL);
    srv_options_free(&o);

    char *flags[] = {"pgpeekd",
                     "--listen",
                     "0.0.0.0:0",
                     "--workers=3",
                     "--data-dir",
                     "none",
                     "--max-connections",
                     "7",
                     "--log-level",
                     "DEBUG",
                     "--http-listen",
                     "off",
                     "--max-message-size",
                     "1M",
                     "--port-file",
                     "/tmp/p"};
    CHECK(parse(&o, err, 16, flags));
    CHECK_STR(o.cfg.listen_host, "0.0.0.0");
    CHECK_INT(o.cfg.listen_port, 0);
    CHECK_INT(o.cfg.workers, 3);
    CHECK(o.cfg.data_dir == NULL);
    CHECK_INT(o.cfg.max_connections, 7);
    CHECK_INT(o.cfg.log_level, PGPEEK_LOG_DEBUG);
    CHECK_INT(o.cfg.http_port, -1);
    CHECK_INT(o.cfg.max_message_size, 1 << 20);
    CHECK_STR(o.port_file, "/tmp/p");
    srv_options_free(&o);

    /* The oracle: local by default; a shared URL and the batching width by flag. */
    CHECK(parse(&o, err, 1, none));
    CHECK(o.cfg.timestamp_oracle_url == NULL);
    CHECK_INT(o.cfg.oracle_max_in_flight, 0);
    srv_options_free(&o);
    char *orc_flags[] = {"pgpeekd", "--timestamp-oracle-url", "postgres://u@h:5/db",
                         "--oracle-max-in-flight=4"};
    CHECK(parse(&o, err, 4, orc_flags));
    CHECK_STR(o.cfg.timestamp_oracle_url, "postgres://u@h:5/db");
    CHECK_INT(o.cfg.oracle_max_in_flight, 4);
    srv_options_free(&o);
    char *orc_bad_url[] = {"pgpeekd", "--timestamp-oracle-url", "mysql://x"};
    CHECK(!parse(&o, err, 3, orc_bad_url));
    srv_options_free(&o);
    char *orc_bad_n[] = {"pgpeekd", "--oracle-max-in-flight", "17"};
    CHECK(!parse(&o, err, 3, orc_bad_n));
    srv_options_free(&o);
    char *orc_zero[] = {"pgpeekd", "--oracle-max-in-flight", "0"};
    CHECK(!parse(&o, err, 3, orc_zero));
    srv_options_free(&o);

    char *v6[] = {"pgpeekd", "--listen", "[::1]:5555", "--http-listen", ":7000"};
    CHECK(parse(&o, err, 5, v6));
    CHECK_STR(o.cfg.listen_host, "::1");
    CHECK_INT(o.cfg.listen_port, 5555);
    CHECK_STR(o.cfg.http_host, "");
    CHECK_INT(o.cfg.http_port, 7000);
    srv_options_free(&o);

    /* A config file; flags win wherever they appear. */
    char path[] = "/tmp/pgpeek-config-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# comment\n\nworkers = 5\nmax_connections=9\n  data-dir = \"/tmp/d x\"\n"
                       "log_level = info\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    char *withfile[] = {"pgpeekd", "--workers", "2", "--config", path};
    CHECK(parse(&o, err, 5, withfile));
    CHECK_INT(o.cfg.workers, 2);
    CHECK_INT(o.cfg.max_connections, 9);
    CHECK_STR(o.cfg.data_dir, "/tmp/d x");
    CHECK_INT(o.cfg.log_level, PGPEEK_LOG_INFO);
    srv_options_free(&o);

    FILE *f = fopen(path, "w");
    fputs("workers = 5\nbogus = 1\n", f);
    fclose(f);
    char *badfile[] = {"pgpeekd", "--config", path};
    CHECK(!parse(&o, err, 3, badfile));
    CHECK(strstr(err, ":2: unknown option \"bogus\"") != NULL);
    srv_options_free(&o);
    unlink(path);

    /* The environment sits between the file and the flags. */
    setenv("PGPEEK_MAX_CONNECTIONS", "11", 1);
    setenv("PGPEEK_LOG_LEVEL", "error", 1);
    char *envflags[] = {"pgpeekd", "--log-level", "debug"};
    CHECK(parse(&o, err, 3, envflags));
    CHECK_INT(o.cfg.max_connections, 11);
    CHECK_INT(o.cfg.log_level, PGPEEK_LOG_DEBUG);
    srv_options_free(&o);
    setenv("PGPEEK_WORKERS", "lots", 1);
    CHECK(!parse(&o, err, 1, none));
    CHECK(strstr(err, "PGPEEK_WORKERS") != NULL);
    srv_options_free(&o);
    unsetenv("PGPEEK_WORKERS");
    unsetenv("PGPEEK_MAX_CONNECTIONS");
    unsetenv("PGPEEK_LOG_LEVEL");

    char *bad[][3] = {{"pgpeekd", "--workers", "0"},
                      {"pgpeekd", "--listen", "nohost"},
                      {"pgpeekd", "--listen", "h:70000"},
                      {"pgpeekd", "--log-level", "loud"},
                      {"pgpeekd", "--max-message-size", "2G"},
                      {"pgpeekd", "--nope", "1"},
                      {"pgpeekd", "--config", "/nonexistent/x"},
                      {"pgpeekd", "stray", "x"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        CHECK(!parse(&o, err, 3, bad[i]));
        CHECK(err[0] != 0);
        srv_options_free(&o);
    }
    char *missing[] = {"pgpeekd", "--workers"};
    CHECK(!parse(&o, err, 2, missing));
    CHECK_STR(err, "option --workers needs a value");
    srv_options_free(&o);
    return pt_finish();
}
