/* test_alter_system: ALTER SYSTEM SET/RESET through libpq against the embedded server with a
 * data directory: new sessions take the value, running ones keep theirs, bad input gets the
 * right SQLSTATE, the values survive a restart, and a damaged auto.conf stops the start. */
#include <sys/stat.h>

#include "protocol/pt_client.h"

static int port;
static char dir[] = "/tmp/pgpeek-altersys-XXXXXX";

static PGconn *conn(void)
{
    PGconn *c = pt_pq_connect(port);
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    return c;
}

static void expect_show(PGconn *c, const char *name, const char *want)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SHOW %s", name);
    PGresult *r = PQexec(c, sql);
    CHECK_INT(PQresultStatus(r), PGRES_TUPLES_OK);
    CHECK_STR(PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : NULL, want);
    PQclear(r);
}

static pgpeek_server *start(void)
{
    pgpeek_config cfg = pt_config();
    cfg.data_dir = dir;
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    return s;
}

static void read_file(const char *path, char *buf, size_t cap)
{
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = 0;
    fclose(f);
}

static void test_set_and_scope(void)
{
    pgpeek_server *s = start();
    PGconn *a = conn();
    expect_show(a, "enable_fast_path", "on");
    pt_pq_expect(a, "ALTER SYSTEM SET enable_fast_path = off", "ALTER SYSTEM");
    pt_pq_expect(a, "ALTER SYSTEM SET TimeZone = 'Europe/Berlin'", "ALTER SYSTEM");
    pt_pq_expect(a, "ALTER SYSTEM SET oracle_max_in_flight = 2", "ALTER SYSTEM");
    /* the running session keeps its values; a new one takes the server's */
    expect_show(a, "enable_fast_path", "on");
    PGconn *b = conn();
    expect_show(b, "enable_fast_path", "off");
    expect_show(b, "TimeZone", "Europe/Berlin");
    /* a session may still change its own */
    pt_pq_expect(b, "SET enable_fast_path = on", "SET");
    expect_show(b, "enable_fast_path", "on");
    /* bad input: nothing changes */
    pt_pq_expect(a, "ALTER SYSTEM SET no_such_setting = 1", "42704");
    pt_pq_expect(a, "ALTER SYSTEM SET enable_fast_path = 'maybe'", "22023");
    pt_pq_expect(a, "ALTER SYSTEM SET oracle_max_in_flight = 17", "22023");
    pt_pq_expect(a, "ALTER SYSTEM SET server_version = '1'", "55P02");
    pt_pq_expect(a, "BEGIN", "BEGIN");
    pt_pq_expect(a, "ALTER SYSTEM SET enable_fast_path = on", "25001");
    pt_pq_expect(a, "ROLLBACK", "ROLLBACK");
    pt_pq_expect(a, "SELECT 1; ALTER SYSTEM SET enable_fast_path = on", "25001");
    PGconn *c = conn();
    expect_show(c, "enable_fast_path", "off");
    char path[256], text[2048];
    snprintf(path, sizeof path, "%s/pgpeek.auto.conf", dir);
    read_file(path, text, sizeof text);
    CHECK(strstr(text, "enable_fast_path = 'off'") != NULL);
    CHECK(strstr(text, "TimeZone = 'Europe/Berlin'") != NULL);
    CHECK(strstr(text, "oracle_max_in_flight = '2'") != NULL);
    PQfinish(a);
    PQfinish(b);
    PQfinish(c);
    pgpeek_stop(s);

    /* after a restart */
    s = start();
    a = conn();
    expect_show(a, "enable_fast_path", "off");
    expect_show(a, "TimeZone", "Europe/Berlin");
    pt_pq_expect(a, "ALTER SYSTEM RESET enable_fast_path", "ALTER SYSTEM");
    PGconn *d = conn();
    expect_show(d, "enable_fast_path", "on");
    expect_show(d, "TimeZone", "Europe/Berlin");
    pt_pq_expect(a, "ALTER SYSTEM RESET ALL", "ALTER SYSTEM");
    PGconn *e = conn();
    expect_show(e, "TimeZone", "UTC");
    read_file(path, text, sizeof text);
    CHECK(strstr(text, "TimeZone") == NULL && strstr(text, "oracle_max_in_flight") == NULL);
    PQfinish(a);
    PQfinish(d);
    PQfinish(e);
    pgpeek_stop(s);
}

static void test_damaged_file(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/pgpeek.auto.conf", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fprintf(f, "# comment\nenable_fast_path = 'off'\nenable_fast_path = 'sometimes'\n");
    fclose(f);
    pgpeek_config cfg = pt_config();
    cfg.data_dir = dir;
    char err[512];
    pgpeek_server *s = pgpeek_start(&cfg, err, sizeof err);
    CHECK(s == NULL);
    if (s) {
        pgpeek_stop(s);
        return;
    }
    CHECK(strstr(err, "pgpeek.auto.conf") != NULL && strstr(err, "line 3") != NULL);
    /* fixed by hand: starts again and the good line counts */
    f = fopen(path, "w");
    fprintf(f, "enable_fast_path = off\n");
    fclose(f);
    s = start();
    PGconn *a = conn();
    expect_show(a, "enable_fast_path", "off");
    PQfinish(a);
    pgpeek_stop(s);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    PT_RUN(test_set_and_scope);
    PT_RUN(test_damaged_file);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return pt_finish();
}
