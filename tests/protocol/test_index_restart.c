/* test_index_restart: recovery (a checkpoint, then the log) rebuilds every index from the
 * current rows: the embedded server with a data directory is stopped and started again,
 * and lookups through each index answer as before. */
#include <stdlib.h>

#include "protocol/pt_client.h"

static int port;

static PGconn *conn(void)
{
    return pt_pq_connect(port);
}

/* The whole result (or the error) as one string; caller frees. */
static char *result(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        for (int i = 0; i < PQntuples(r); i++)
            for (int j = 0; j < PQnfields(r); j++)
                n += (size_t)snprintf(out + n, cap - n, "%s%c",
                                      PQgetisnull(r, i, j) ? "~" : PQgetvalue(r, i, j),
                                      j + 1 == PQnfields(r) ? ';' : ',');
    } else if (PQresultStatus(r) == PGRES_COMMAND_OK) {
        snprintf(out, cap, "%s", PQcmdStatus(r));
    } else {
        snprintf(out, cap, "ERROR %s", PQresultErrorMessage(r));
    }
    PQclear(r);
    return out;
}

static bool ok(PGconn *c, const char *sql)
{
    char *r = result(c, sql);
    bool good = strncmp(r, "ERROR", 5) != 0;
    if (!good) fprintf(stderr, "%s: %s", sql, r);
    free(r);
    return good;
}

static const char *queries[] = {
    "SELECT * FROM d WHERE g = 3",
    "SELECT k, t FROM d WHERE g BETWEEN 10 AND 13 AND k > 5",
    "SELECT count(*), sum(k) FROM d WHERE g >= 2",
    "SELECT k FROM d WHERE k > 95",
    "SELECT k, g FROM d WHERE t = 'z'",
    "EXPLAIN SELECT * FROM d WHERE t = 'z'",
    "EXPLAIN SELECT * FROM d WHERE g = 1 AND t > 'a'",
};
#define NQ (int)(sizeof queries / sizeof *queries)

int main(void)
{
    char dir[] = "/tmp/pgpeek-ixrestart.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    pgpeek_config cfg = pt_config();
    cfg.data_dir = dir;
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PGconn *c = conn();
    CHECK(ok(c, "CREATE TABLE d (k int PRIMARY KEY, g int, t text)"));
    CHECK(ok(c, "CREATE INDEX d_g ON d (g, t)"));
    char sql[128];
    for (int i = 0; i < 100; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO d VALUES (%d, %d, 't%d')", i, i % 7, i % 3);
        CHECK(ok(c, sql));
    }
    CHECK(ok(c, "UPDATE d SET g = g + 10 WHERE k < 30"));
    CHECK(ok(c, "DELETE FROM d WHERE k >= 90"));
    CHECK(ok(c, "CHECKPOINT"));
    CHECK(ok(c, "UPDATE d SET t = 'z' WHERE g = 3 AND t < 't2'"));
    CHECK(ok(c, "INSERT INTO d VALUES (96, 3, 'q'), (97, 12, NULL)"));
    CHECK(ok(c, "BEGIN; DELETE FROM d WHERE g = 3; INSERT INTO d VALUES (98, 3, 'r'); ROLLBACK"));
    CHECK(ok(c, "CREATE INDEX d_t ON d (t)"));
    CHECK(ok(c, "CREATE INDEX d_gone ON d (k, g)"));
    CHECK(ok(c, "DROP INDEX d_gone"));
    char *before[NQ];
    for (int q = 0; q < NQ; q++)
        before[q] = result(c, queries[q]);
    CHECK(strstr(before[5], "Index Scan using d_t on d") != NULL);
    CHECK(strstr(before[6], "Index Scan using d_g on d") != NULL);
    PQfinish(c);
    pgpeek_stop(s);

    s = pt_start(&cfg);
    port = pgpeek_port(s);
    c = conn();
    for (int q = 0; q < NQ; q++) {
        char *after = result(c, queries[q]);
        if (strcmp(after, before[q]) != 0)
            fprintf(stderr, "after restart: %s\n  before: %s\n  after:  %s\n", queries[q],
                    before[q], after);
        CHECK(strcmp(after, before[q]) == 0);
        CHECK(strncmp(after, "ERROR", 5) != 0 && after[0]);
        free(after);
        free(before[q]);
    }
    /* the indexes keep working for writes after recovery */
    CHECK(ok(c, "UPDATE d SET g = 50 WHERE g = 3 AND t = 'z'"));
    char *r = result(c, "SELECT count(*) FROM d WHERE g = 50");
    char *r2 = result(c, "SELECT count(*) FROM d WHERE g + 0 = 50");
    CHECK(strcmp(r, r2) == 0 && strcmp(r, "0;") != 0);
    free(r);
    free(r2);
    PQfinish(c);
    pgpeek_stop(s);
    char rm[256];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    CHECK(system(rm) == 0);
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed ? 1 : 0;
}
