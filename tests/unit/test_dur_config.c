/* pgpeekd's durability settings: --data-dir none (ephemeral), the checkpoint flags, their
 * config-file keys and PGPEEK_* environment variables, and bad values. */
#include <stdlib.h>
#include <unistd.h>

#include "protocol/pt_check.h"
#include "srv_config.h"

static bool parse(srv_options *o, const char *const *argv, int argc, char *err, size_t n)
{
    return srv_options_parse(o, argc, (char **)argv, err, n);
}

int main(void)
{
    srv_options o;
    char err[256];
    const char *none[] = {"pgpeekd", "--data-dir", "none"};
    CHECK(parse(&o, none, 3, err, sizeof err));
    CHECK(o.cfg.data_dir == NULL); /* ephemeral */
    srv_options_free(&o);
    const char *dflt[] = {"pgpeekd"};
    CHECK(parse(&o, dflt, 1, err, sizeof err));
    CHECK_STR(o.cfg.data_dir, "./pgpeek-data");
    CHECK_INT(o.cfg.checkpoint_interval_s, 0); /* 0: the adapter's default */
    CHECK_INT(o.cfg.checkpoint_log_bytes, 0);
    srv_options_free(&o);
    const char *flags[] = {"pgpeekd", "--checkpoint-interval", "30", "--checkpoint-log-bytes=16M"};
    CHECK(parse(&o, flags, 4, err, sizeof err));
    CHECK_INT(o.cfg.checkpoint_interval_s, 30);
    CHECK_INT(o.cfg.checkpoint_log_bytes, 16 << 20);
    srv_options_free(&o);
    setenv("PGPEEK_CHECKPOINT_INTERVAL", "7", 1);
    setenv("PGPEEK_CHECKPOINT_LOG_BYTES", "64k", 1);
    CHECK(parse(&o, dflt, 1, err, sizeof err));
    CHECK_INT(o.cfg.checkpoint_interval_s, 7);
    CHECK_INT(o.cfg.checkpoint_log_bytes, 64 << 10);
    srv_options_free(&o);
    unsetenv("PGPEEK_CHECKPOINT_INTERVAL");
    unsetenv("PGPEEK_CHECKPOINT_LOG_BYTES");
    char path[] = "/tmp/pgpeek-dur-conf-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "checkpoint_interval = 11\ncheckpoint-log-bytes = 1M\n";
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    const char *file[] = {"pgpeekd", "--config", path, "--checkpoint-interval", "12"};
    CHECK(parse(&o, file, 5, err, sizeof err));
    CHECK_INT(o.cfg.checkpoint_interval_s, 12); /* the flag wins */
    CHECK_INT(o.cfg.checkpoint_log_bytes, 1 << 20);
    srv_options_free(&o);
    unlink(path);
    const char *bad[][3] = {{"pgpeekd", "--checkpoint-interval", "0"},
                            {"pgpeekd", "--checkpoint-interval", "x"},
                            {"pgpeekd", "--checkpoint-log-bytes", "100"},
                            {"pgpeekd", "--checkpoint-log-bytes", "-5"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(!parse(&o, bad[i], 3, err, sizeof err));
        CHECK(strstr(err, "invalid value for") != NULL);
        srv_options_free(&o);
    }
    return pt_finish();
}
