/* Adapter SQL: TimeZone settings with daylight saving time (SET, startup parameter, SHOW,
 * ParameterStatus), timestamptz across DST changes, zone names in timestamptz input, and
 * the process-wide zone cache. Expected values are PostgreSQL 15's. */
#include <pthread.h>
#include <stdarg.h>

#include "adp_tzcache.h"
#include "unit/test_adp_sql_util.h"

static void check(bool ok, const char *what)
{
    if (ok)
        t_passed++;
    else {
        t_failed++;
        fprintf(stderr, "FAIL: %s\n", what);
    }
}

static void test_set_and_show(adp_db *db)
{
    adp_session *s = adp_session_new(db);
    EXPECT(s, "SET TimeZone = 'america/new_york'", "C SET | S TimeZone=America/New_York [I]");
    EXPECT(s, "SHOW TimeZone", "T TimeZone:25:-1 | D America/New_York | C SHOW [I]");
    EXPECT(s, "SELECT '2024-03-10 06:59:59+00'::timestamptz, '2024-03-10 07:00:00+00'::timestamptz",
           "T timestamptz:1184:-1,timestamptz:1184:-1 | D 2024-03-10 01:59:59-05,2024-03-10 "
           "03:00:00-04 | C SELECT 1 [I]");
    EXPECT(s, "SELECT '2024-11-03 05:59:59+00'::timestamptz, '2024-11-03 06:00:00+00'::timestamptz",
           "T timestamptz:1184:-1,timestamptz:1184:-1 | D 2024-11-03 01:59:59-04,2024-11-03 "
           "01:00:00-05 | C SELECT 1 [I]");
    /* a skipped local time reads with the offset before the change, a repeated one after */
    EXPECT(s, "SELECT '2024-03-10 02:30:00'::timestamptz, '2024-11-03 01:30:00'::timestamptz",
           "T timestamptz:1184:-1,timestamptz:1184:-1 | D 2024-03-10 03:30:00-04,2024-11-03 "
           "01:30:00-05 | C SELECT 1 [I]");
    EXPECT(s,
           "SELECT '2024-07-01 12:00:00'::timestamp::timestamptz, '2024-07-01 "
           "12:00:00+00'::timestamptz::timestamp, '2024-07-01 03:00:00+00'::timestamptz::date",
           "T timestamptz:1184:-1,timestamp:1114:-1,date:1082:-1 | D 2024-07-01 "
           "12:00:00-04,2024-07-01 08:00:00,2024-06-30 | C SELECT 1 [I]");
    /* the infinities have no offset to look up (UBSan caught an overflow here) */
    EXPECT(s,
           "SELECT '-infinity'::timestamptz, 'infinity'::timestamp::timestamptz, "
           "'-infinity'::timestamptz::timestamp, '4713-11-24 12:00:00 BC'::timestamptz",
           "T timestamptz:1184:-1,timestamptz:1184:-1,timestamp:1114:-1,timestamptz:1184:-1 | D "
           "-infinity,infinity,-infinity,4713-11-24 12:00:00-04:56:02 BC | C SELECT 1 [I]");
    /* zone names inside the literal */
    EXPECT(s,
           "SELECT '2024-06-01 12:00:00 Europe/Paris'::timestamptz, '2024-06-01 12:00:00 "
           "japan'::timestamptz, '2024-06-01 Europe/Paris'::date",
           "T timestamptz:1184:-1,timestamptz:1184:-1,date:1082:-1 | D 2024-06-01 "
           "06:00:00-04,2024-05-31 23:00:00-04,2024-06-01 | C SELECT 1 [I]");
    EXPECT(s, "SELECT '2024-06-01 12:00:00 Mars/Olympus'::timestamptz",
           "E ERROR 22023 time zone \"mars/olympus\" not recognized @8 [I]");
    EXPECT(s, "SELECT '2024-06-01 12:00:00 foo'::timestamptz",
           "E ERROR 22007 invalid input syntax for type timestamp with time zone: \"2024-06-01 "
           "12:00:00 foo\" @8 [I]");
    /* POSIX strings with rules show in capitals */
    EXPECT(s, "SET TimeZone = 'est5edt,m3.2.0,m11.1.0'",
           "C SET | S TimeZone=EST5EDT,M3.2.0,M11.1.0 [I]");
    EXPECT(s, "SELECT '2024-07-01 12:00:00+00'::timestamptz, '2024-01-01 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1,timestamptz:1184:-1 | D 2024-07-01 08:00:00-04,2024-01-01 "
           "07:00:00-05 | C SELECT 1 [I]");
    EXPECT(s, "SET TimeZone = 'utc+3'", "C SET | S TimeZone=UTC+3 [I]");
    /* an interval counts east, as the ISO hours do */
    EXPECT(s, "SET TIME ZONE INTERVAL '+05:45' HOUR TO MINUTE",
           "C SET | S TimeZone=<+05:45>-05:45 [I]");
    EXPECT(s, "SELECT '2024-07-01 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 2024-07-01 17:45:00+05:45 | C SELECT 1 [I]");
    EXPECT(s, "SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE", "C SET | S TimeZone=<-08>+08 [I]");
    /* fixed-offset names keep their history: Kolkata was on local mean time in 1900 */
    EXPECT(s, "SET TimeZone = 'Asia/Kolkata'", "C SET | S TimeZone=Asia/Kolkata [I]");
    EXPECT(s, "SELECT '1900-01-01 00:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 1900-01-01 05:21:10+05:21:10 | C SELECT 1 [I]");
    EXPECT(s, "SET TimeZone = 'right/UTC'",
           "E ERROR 22023 time zone \"right/UTC\" appears to use leap seconds detail=PostgreSQL "
           "does not support leap seconds. [I]");
    EXPECT(s, "SET TimeZone = 'America'",
           "E ERROR 22023 invalid value for parameter \"TimeZone\": \"America\" [I]");
    EXPECT(s, "SET TimeZone = 'America//New_York'",
           "E ERROR 22023 invalid value for parameter \"TimeZone\": \"America//New_York\" [I]");
    EXPECT(s, "SET TimeZone = '../../etc/passwd'",
           "E ERROR 22023 invalid value for parameter \"TimeZone\": \"../../etc/passwd\" [I]");
    EXPECT(s, "SHOW TimeZone", "T TimeZone:25:-1 | D Asia/Kolkata | C SHOW [I]");
    /* ROLLBACK and RESET bring the previous zone back */
    EXPECT(s, "BEGIN", "C BEGIN [T]");
    EXPECT(s, "SET TimeZone = 'Europe/Berlin'", "C SET | S TimeZone=Europe/Berlin [T]");
    EXPECT(s, "SELECT '2024-07-01 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 2024-07-01 14:00:00+02 | C SELECT 1 [T]");
    EXPECT(s, "ROLLBACK", "C ROLLBACK | S TimeZone=Asia/Kolkata [I]");
    EXPECT(s, "SELECT '2024-07-01 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 2024-07-01 17:30:00+05:30 | C SELECT 1 [I]");
    EXPECT(s, "RESET TimeZone", "C RESET | S TimeZone=UTC [I]");
    EXPECT(s, "SELECT '2024-07-01 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 2024-07-01 12:00:00+00 | C SELECT 1 [I]");
    adp_session_free(s);
}

/* JDBC sends the JVM's zone as a startup parameter. */
static void test_startup(adp_db *db)
{
    adp_session *s = adp_session_new(db);
    pgw_error err = {0};
    check(adp_session_startup_param(s, "TimeZone", "America/New_York", &err), "startup TimeZone");
    pgw_buf b;
    pgw_buf_init(&b);
    adp_session_report_params(s, &b);
    char *r = render(&b);
    check(strstr(r, "S TimeZone=America/New_York") != NULL, "ParameterStatus at startup");
    free(r);
    pgw_buf_free(&b);
    EXPECT(s, "SELECT '2024-01-15 12:00:00+00'::timestamptz",
           "T timestamptz:1184:-1 | D 2024-01-15 07:00:00-05 | C SELECT 1 [I]");
    EXPECT(s, "SET TimeZone = 'UTC'", "C SET | S TimeZone=UTC [I]");
    EXPECT(s, "RESET TimeZone", "C RESET | S TimeZone=America/New_York [I]");
    EXPECT(s, "DISCARD ALL", "C DISCARD ALL [I]");
    check(!adp_session_startup_param(s, "TimeZone", "Nowhere/Else", &err) &&
              strcmp(err.sqlstate, "22023") == 0,
          "startup TimeZone invalid");
    adp_session_free(s);
    s = adp_session_new(db);
    check(adp_session_startup_param(s, "TimeZone", "Etc/UTC", &err), "startup Etc/UTC");
    /* without adp_session_report_params the first query reports the changed setting */
    EXPECT(s, "SHOW TimeZone", "T TimeZone:25:-1 | D Etc/UTC | C SHOW | S TimeZone=Etc/UTC [I]");
    adp_session_free(s);
}

/* Many sessions on several threads setting zones load each file once. */
static void *zone_thread(void *arg)
{
    adp_db *db = arg;
    static const char *zones[] = {"America/Chicago", "Europe/Madrid", "Asia/Tehran",
                                  "america/chicago", "Australia/Adelaide"};
    for (int i = 0; i < 40; i++) {
        adp_session *s = adp_session_new(db);
        pgw_error err = {0};
        if (!adp_session_startup_param(s, "TimeZone", zones[i % 5], &err)) abort();
        pgw_buf b;
        pgw_buf_init(&b);
        const char *q = "SELECT '2024-07-01 12:00:00+00'::timestamptz";
        adp_session_simple_query(s, q, strlen(q), &b);
        pgw_buf_free(&b);
        adp_session_free(s);
    }
    return NULL;
}

static void test_cache(adp_db *db)
{
    adp_tzcache_trim();
    unsigned long before = adp_tzcache_loads();
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, zone_thread, db);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    unsigned long loads = adp_tzcache_loads() - before;
    char what[100];
    /* 4 distinct files (two spellings of Chicago share the capitalized key); a race may
     * load a file twice before one copy wins, never once per session */
    snprintf(what, sizeof what, "zone files loaded %lu times for 160 sessions", loads);
    check(loads >= 4 && loads <= 16, what);

    const adp_tz *z1, *z2;
    int32_t east;
    char disp[256];
    pgw_error err = {0};
    check(adp_tzcache_resolve("Europe/Madrid", &z1, &east, disp, sizeof disp, &err) && z1,
          "resolve Madrid");
    check(adp_tzcache_resolve("EUROPE/MADRID", &z2, &east, disp, sizeof disp, &err) && z2 == z1 &&
              strcmp(disp, "Europe/Madrid") == 0,
          "shared zone, canonical name");
    adp_tzcache_release(z1);
    adp_tzcache_release(z2);
    /* zones with one offset forever come back as offsets */
    check(adp_tzcache_resolve("Etc/GMT+5", &z1, &east, disp, sizeof disp, &err) && !z1 &&
              east == -18000,
          "Etc/GMT+5 fixed");
    check(adp_tzcache_resolve("-3.5", &z1, &east, disp, sizeof disp, &err) && !z1 &&
              east == -12600 && strcmp(disp, "<-03:30>+03:30") == 0,
          "hours east");
    adp_tzcache_trim();
}

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    test_set_and_show(db);
    test_startup(db);
    test_cache(db);
    adp_db_close(db);
    adp_tzcache_trim();
    return finish();
}
