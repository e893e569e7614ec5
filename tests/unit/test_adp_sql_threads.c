/* Adapter SQL: sessions on several threads sharing one db (the catalog lock), with
 * rollbacks and DDL racing with reads. Counts are checked at the end. */
#include <pthread.h>
#include <stdarg.h>

#include "unit/test_adp_sql_util.h"

#define THREADS 4
#define ROUNDS 300

static adp_db *db;
static int errors;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void q(adp_session *s, const char *sql, const char *want_prefix)
{
    char *got = run(s, sql);
    if (strncmp(got, want_prefix, strlen(want_prefix)) != 0) {
        pthread_mutex_lock(&mu);
        errors++;
        fprintf(stderr, "%s\n  want prefix: %s\n  got: %s\n", sql, want_prefix, got);
        pthread_mutex_unlock(&mu);
    }
    free(got);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    adp_session *s = adp_session_new(db);
    char sql[256];
    for (int i = 0; i < ROUNDS; i++) {
        int key = id * 100000 + i;
        snprintf(sql, sizeof sql, "INSERT INTO shared VALUES (%d, %d)", key, id);
        q(s, sql, "C INSERT 0 1");
        snprintf(sql, sizeof sql, "BEGIN; INSERT INTO shared VALUES (%d, -1); ROLLBACK",
                 key + 50000);
        q(s, sql, "C BEGIN | C INSERT 0 1 | C ROLLBACK");
        snprintf(sql, sizeof sql, "INSERT INTO shared VALUES (%d, 0)", key);
        q(s, sql, "E ERROR 23505");
        snprintf(sql, sizeof sql, "SELECT count(*) FROM shared WHERE owner = %d", id);
        snprintf(sql + 200, 56, "T count:20:-1 | D %d |", i + 1);
        q(s, sql, sql + 200);
        snprintf(sql, sizeof sql, "CREATE TABLE own%d_%d (a int); DROP TABLE own%d_%d", id, i, id,
                 i);
        q(s, sql, "C CREATE TABLE | C DROP TABLE");
    }
    snprintf(sql, sizeof sql, "UPDATE shared SET owner = owner + 10 WHERE owner = %d", id);
    q(s, sql, "C UPDATE 300");
    adp_session_free(s);
    return NULL;
}

int main(void)
{
    pgw_error err;
    db = adp_db_open(NULL, &err);
    adp_session *s = adp_session_new(db);
    EXPECT(s, "CREATE TABLE shared (k int PRIMARY KEY, owner int)", "C CREATE TABLE [I]");
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    if (errors)
        t_failed += errors;
    else
        t_passed++;
    EXPECT(s, "SELECT count(*), count(DISTINCT owner), min(owner), max(owner) FROM shared",
           "T count:20:-1,count:20:-1,min:23:-1,max:23:-1 | D 1200,4,10,13 | C SELECT 1 [I]");
    adp_session_free(s);
    adp_db_close(db);
    return finish();
}
