/* Unit tests for adp_value's API beyond the PostgreSQL-generated tables: type names and
 * modifiers, operand resolution, aggregates helpers, storage, time zones, binary input
 * errors, relative dates, and a random check of numeric comparison. */
#include <unistd.h>

#include "test_adp_value_util.h"

/* The text-based numeric comparison agrees with the sign of the GMP difference. */
static void test_numeric_cmp_random(adp_arena *a)
{
    unsigned seed = 12345;
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        char buf[2][64];
        adp_value v[2], diff;
        adp_type num = {ADP_T_NUMERIC, -1};
        adp_fmt fmt = {.extra_float_digits = 1, .tz_offset_secs = 0, .datestyle_iso_mdy = true};
        pgw_error err = {0};
        for (int k = 0; k < 2; k++) {
            seed = seed * 1103515245u + 12345u;
            long ip = (long)(seed >> 8) % (i % 3 ? 1000 : 3);
            seed = seed * 1103515245u + 12345u;
            int scale = (int)(seed >> 16) % 5;
            seed = seed * 1103515245u + 12345u;
            long fp = (long)(seed >> 10) % 100000;
            snprintf(buf[k], sizeof buf[k], "%s%ld.%0*ld", (seed >> 3) & 1 ? "-" : "", ip,
                     scale + 1,
                     fp % (scale == 0   ? 10
                           : scale == 1 ? 100
                                        : 100000));
            adp_value in = unknown_value(buf[k]);
            if (!adp_value_cast(&in, T_UNKNOWN, num, true, &fmt, a, &v[k], &err)) bad++;
        }
        adp_type_id rt;
        if (!adp_value_arith('-', ADP_T_NUMERIC, &v[0], &v[1], a, &diff, &rt, &err)) bad++;
        int sign = diff.u.s.p[0] == '-' ? -1 : 0;
        for (uint32_t j = 0; j < diff.u.s.len && sign == 0; j++)
            if (diff.u.s.p[j] >= '1' && diff.u.s.p[j] <= '9') sign = 1;
        int c = adp_value_cmp(ADP_T_NUMERIC, &v[0], &v[1]);
        c = c < 0 ? -1 : c > 0;
        if (c != sign && bad++ < 5) printf("cmp %s %s: %d vs %d\n", buf[0], buf[1], c, sign);
        if (c == 0 && adp_value_hash(ADP_T_NUMERIC, &v[0]) != adp_value_hash(ADP_T_NUMERIC, &v[1]))
            bad++;
        adp_arena_reset(a);
    }
    check(bad == 0, "numeric cmp random", "");
}

/* TimeZone settings as PostgreSQL 15 takes them (offset seen in its timestamptz output,
 * display from current_setting('TimeZone')). */
static void test_timezones(void)
{
    static const struct {
        const char *val;
        int32_t east;
        const char *display;
    } ok_cases[] = {
        {"+05:30", -19800, "+05:30"},
        {"-08", -28800, "<-08>+08"},
        {"UTC+8", -28800, "UTC+8"},
        {"Etc/GMT+8", -28800, "Etc/GMT+8"},
        {"Asia/Kolkata", 19800, "Asia/Kolkata"},
        {"5", 18000, "<+05>-05"},
        {"-7", -25200, "<-07>+07"},
        {"EST", -18000, "EST"},
        {"UTC", 0, "UTC"},
        {"Etc/UTC", 0, "Etc/UTC"},
        {"GMT", 0, "GMT"},
        {"Etc/GMT-5", 18000, "Etc/GMT-5"},
        {"UTC-05:30", 19800, "UTC-05:30"},
        {"<+0530>-05:30", 19800, "<+0530>-05:30"},
        {"5.5", 19800, "<+05:30>-05:30"},
        {"-3.5", -12600, "<-03:30>+03:30"},
        {"UTC0", 0, "UTC0"},
        {"EST5", -18000, "EST5"},
        {"Universal", 0, "Universal"},
        {"utc", 0, "UTC"},
        {"asia/kolkata", 19800, "Asia/Kolkata"},
        {"Asia/Tokyo", 32400, "Asia/Tokyo"},
        {"+5", 18000, "<+05>-05"},
        {"GMT+0", 0, "GMT+0"},
        {"16", 57600, "<+16>-16"},
        {"UTC+16", -57600, "UTC+16"},
    };
    for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        int32_t east = 1;
        char disp[64] = "";
        pgw_error err = {0};
        bool ok = adp_timezone_parse(ok_cases[i].val, &east, disp, sizeof disp, &err);
        char detail[700];
        snprintf(detail, sizeof detail, "got %d %s [%s]", east, disp, err.message);
        check(ok && east == ok_cases[i].east && strcmp(disp, ok_cases[i].display) == 0,
              ok_cases[i].val, detail);
    }
    int32_t e0;
    char d0[64];
    pgw_error e0err = {0};
    if (access("/usr/share/zoneinfo/America/New_York", R_OK) == 0)
        check(!adp_timezone_parse("America/New_York", &e0, d0, sizeof d0, &e0err) &&
                  strcmp(e0err.sqlstate, "0A000") == 0,
              "DST zone", e0err.message);
    pgw_error lerr = {0};
    check(adp_tz_load("No/Such_Zone", &lerr) == NULL && strcmp(lerr.sqlstate, "22023") == 0,
          "tz load unknown", lerr.message);
    check(adp_tz_load("../../etc/passwd", &lerr) == NULL && strcmp(lerr.sqlstate, "22023") == 0,
          "tz load path", lerr.message);
    static const char *const bad[] = {"Z", "foo", "UTC-5:30:15", "", "../../etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int32_t east;
        char disp[64];
        pgw_error err = {0};
        check(!adp_timezone_parse(bad[i], &east, disp, sizeof disp, &err) &&
                  strcmp(err.sqlstate, "22023") == 0,
              bad[i], err.message);
    }
}

static void test_recv_errors(adp_arena *a)
{
    static const struct {
        adp_type_id t;
        const char *bytes;
        size_t len;
        const char *state, *msg;
    } cases[] = {
        {ADP_T_INT4, "\0\0\1", 3, "08P01", "insufficient data left in message"},
        {ADP_T_INT4, "\0\0\0\1\0", 5, "22P03", "incorrect binary data format"},
        {ADP_T_INT8, "\0\0\0\1", 4, "08P01", "insufficient data left in message"},
        {ADP_T_BOOL, "", 0, "08P01", "insufficient data left in message"},
        {ADP_T_NUMERIC, "\0\0\0\0\x12\x34\0\0", 8, "22P03",
         "invalid sign in external \"numeric\" value"},
        {ADP_T_NUMERIC, "\0\0\0\0\0\0\x40\0", 8, "22P03",
         "invalid scale in external \"numeric\" value"},
        {ADP_T_NUMERIC, "\0\1\0\0\0\0\0\0\x27\x10", 10, "22P03",
         "invalid digit in external \"numeric\" value"},
        {ADP_T_NUMERIC, "\0\1\0\0\0\0\0", 7, "08P01", "insufficient data left in message"},
        {ADP_T_TEXT, "\xc3\x28", 2, "22021",
         "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28"},
        {ADP_T_TEXT, "a\0", 2, "22021", "invalid byte sequence for encoding \"UTF8\": 0x00"},
        {ADP_T_TEXT, "\xed\xa0\x80", 3, "22021",
         "invalid byte sequence for encoding \"UTF8\": 0xed 0xa0 0x80"},
        {ADP_T_DATE, "\x7f\xff\xff\xfe", 4, "22008", "date out of range"},
        {ADP_T_TIMESTAMP, "\x7f\xff\xff\xff\xff\xff\xff\xfe", 8, "22008", "timestamp out of range"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pgw_error err = {0};
        adp_value v;
        bool ok =
            adp_value_recv((adp_type){cases[i].t, -1}, cases[i].bytes, cases[i].len, a, &v, &err);
        char detail[700];
        snprintf(detail, sizeof detail, "%s %s", err.sqlstate, err.message);
        check(!ok && strcmp(err.sqlstate, cases[i].state) == 0 &&
                  strcmp(err.message, cases[i].msg) == 0,
              cases[i].msg, detail);
    }
    /* digits hidden by the scale are cut off; the typmod applies */
    pgw_error err = {0};
    adp_value v;
    const char num[] = {0, 2, 0, 0, 0, 0, 0, 1, 0, 12, 0x0d, 0x48}; /* 12.3400, scale 1 */
    check(adp_value_recv((adp_type){ADP_T_NUMERIC, -1}, num, sizeof num, a, &v, &err) &&
              v.u.s.len == 4 && memcmp(v.u.s.p, "12.3", 4) == 0,
          "numeric recv truncates to its scale", "");
    check(!adp_value_recv((adp_type){ADP_T_NUMERIC, ((3 << 16) | 2) + 4}, num, sizeof num, a, &v,
                          &err) &&
              strcmp(err.sqlstate, "22003") == 0,
          "numeric recv typmod", err.message);
    check(!adp_value_recv((adp_type){ADP_T_VARCHAR, 6}, "abc", 3, a, &v, &err) &&
              strcmp(err.sqlstate, "22001") == 0,
          "varchar recv typmod", err.message);
}

static void test_api(adp_arena *a)
{
    char buf[64];
    pgw_error err = {0};
    adp_type t;
    int32_t m2[2] = {10, 2}, m1[1] = {10};
    check(adp_type_lookup("numeric", m2, 2, &t, &err) &&
              strcmp(adp_type_name(t, buf, sizeof buf), "numeric(10,2)") == 0,
          "name numeric(10,2)", buf);
    check(adp_type_lookup("varchar", m1, 1, &t, &err) && t.typmod == 14 &&
              strcmp(adp_type_name(t, buf, sizeof buf), "character varying(10)") == 0,
          "name varchar(10)", buf);
    static const struct {
        const char *in, *name;
        uint32_t oid;
    } names[] = {{"int4", "integer", 23},
                 {"int2", "smallint", 21},
                 {"int8", "bigint", 20},
                 {"float4", "real", 700},
                 {"float8", "double precision", 701},
                 {"numeric", "numeric", 1700},
                 {"text", "text", 25},
                 {"varchar", "character varying", 1043},
                 {"bool", "boolean", 16},
                 {"bytea", "bytea", 17},
                 {"date", "date", 1082},
                 {"timestamp", "timestamp without time zone", 1114},
                 {"timestamptz", "timestamp with time zone", 1184}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool ok = adp_type_lookup(names[i].in, NULL, 0, &t, &err);
        check(ok && strcmp(adp_type_name(t, buf, sizeof buf), names[i].name) == 0 &&
                  adp_type_oid(t.id) == names[i].oid,
              names[i].in, buf);
    }
    int32_t m3[1] = {3}, mneg[2] = {2, -3};
    check(adp_type_lookup("timestamp", m3, 1, &t, &err) &&
              strcmp(adp_type_name(t, buf, sizeof buf), "timestamp(3) without time zone") == 0,
          "name timestamp(3)", buf);
    check(adp_type_lookup("timestamptz", m3, 1, &t, &err) &&
              strcmp(adp_type_name(t, buf, sizeof buf), "timestamp(3) with time zone") == 0,
          "name timestamptz(3)", buf);
    check(adp_type_lookup("numeric", mneg, 2, &t, &err) &&
              strcmp(adp_type_name(t, buf, sizeof buf), "numeric(2,-3)") == 0,
          "name numeric(2,-3)", buf);
    check(!adp_type_lookup("bpchar", m3, 1, &t, &err) && strcmp(err.sqlstate, "0A000") == 0 &&
              strcmp(err.message, "type character is not supported") == 0,
          "bpchar", err.message);
    check(!adp_type_lookup("string", NULL, 0, &t, &err) && strcmp(err.sqlstate, "42704") == 0 &&
              strcmp(err.message, "type \"string\" does not exist") == 0,
          "unknown type", err.message);
    check(!adp_type_lookup("interval", NULL, 0, &t, &err) && strcmp(err.sqlstate, "0A000") == 0,
          "unsupported type", err.message);
    check(!adp_type_lookup("int4", m1, 1, &t, &err) && strcmp(err.sqlstate, "42601") == 0 &&
              strcmp(err.message, "type modifier is not allowed for type \"int4\"") == 0,
          "int4 typmod", err.message);
    int32_t m0[1] = {0};
    check(!adp_type_lookup("varchar", m0, 1, &t, &err) &&
              strcmp(err.message, "length for type varchar must be at least 1") == 0,
          "varchar(0)", err.message);
    check(!adp_type_lookup("numeric", m0, 1, &t, &err) &&
              strcmp(err.message, "NUMERIC precision 0 must be between 1 and 1000") == 0,
          "numeric(0)", err.message);
    int32_t bad[2] = {10, 1001};
    check(!adp_type_lookup("numeric", bad, 2, &t, &err) &&
              strcmp(err.message, "NUMERIC scale 1001 must be between -1000 and 1000") == 0,
          "numeric(10,1001)", err.message);

    /* numeric field overflow carries PostgreSQL's DETAIL */
    adp_fmt fmt = {.extra_float_digits = 1, .tz_offset_secs = 0, .datestyle_iso_mdy = true};
    adp_value v;
    int32_t m42[2] = {4, 2};
    adp_type_lookup("numeric", m42, 2, &t, &err);
    check(!adp_value_in(t, "123.456", 7, &fmt, a, &v, &err) &&
              strcmp(err.detail, "A field with precision 4, scale 2 must round to an absolute "
                                 "value less than 10^2.") == 0,
          "numeric detail", err.detail);
    /* input with a varchar typmod fails rather than truncating */
    adp_type_lookup("varchar", (int32_t[]){3}, 1, &t, &err);
    check(!adp_value_in(t, "abcd", 4, &fmt, a, &v, &err) && strcmp(err.sqlstate, "22001") == 0,
          "varchar in", err.message);

    /* operand resolution */
    adp_type i4 = {ADP_T_INT4, -1}, txt = {ADP_T_TEXT, -1}, num = {ADP_T_NUMERIC, -1},
             f4 = {ADP_T_FLOAT4, -1}, vc = {ADP_T_VARCHAR, 14}, d = {ADP_T_DATE, -1},
             ts = {ADP_T_TIMESTAMP, -1}, tstz = {ADP_T_TIMESTAMPTZ, -1}, out;
    check(adp_type_common(i4, num, "=", &out, &err) && out.id == ADP_T_NUMERIC, "int4=numeric", "");
    check(adp_type_common(i4, f4, "<", &out, &err) && out.id == ADP_T_FLOAT8, "int4<float4", "");
    check(adp_type_common(txt, vc, "=", &out, &err) && out.id == ADP_T_TEXT, "text=varchar", "");
    check(adp_type_common(d, ts, "=", &out, &err) && out.id == ADP_T_TIMESTAMP, "date=ts", "");
    check(adp_type_common(ts, tstz, "=", &out, &err) && out.id == ADP_T_TIMESTAMPTZ, "ts=tstz", "");
    check(adp_type_common(T_UNKNOWN, i4, "=", &out, &err) && out.id == ADP_T_INT4, "unknown=int4",
          "");
    check(!adp_type_common(txt, i4, "=", &out, &err) && strcmp(err.sqlstate, "42883") == 0 &&
              strcmp(err.message, "operator does not exist: text = integer") == 0,
          "text=int4", err.message);
    /* CASE / COALESCE / UNION resolution (select_common_type) */
    adp_type i2 = {ADP_T_INT2, -1}, i8 = {ADP_T_INT8, -1}, vc5 = {ADP_T_VARCHAR, 9};
    check(adp_type_common(i4, f4, "COALESCE", &out, &err) && out.id == ADP_T_FLOAT4,
          "coalesce int4 real", "");
    check(adp_type_common(num, f4, "COALESCE", &out, &err) && out.id == ADP_T_FLOAT4,
          "coalesce numeric real", "");
    check(adp_type_common(i8, i2, "CASE", &out, &err) && out.id == ADP_T_INT8, "case int8 int2",
          "");
    check(adp_type_common(vc, txt, "COALESCE", &out, &err) && out.id == ADP_T_VARCHAR,
          "coalesce varchar text", "");
    check(adp_type_common(vc, vc5, "UNION", &out, &err) && out.id == ADP_T_VARCHAR &&
              out.typmod == -1,
          "union varchar typmods", "");
    check(adp_type_common(T_UNKNOWN, T_UNKNOWN, "CASE", &out, &err) && out.id == ADP_T_TEXT,
          "case unknown", "");
    check(adp_type_common(d, tstz, "COALESCE", &out, &err) && out.id == ADP_T_TIMESTAMPTZ,
          "coalesce date tstz", "");
    check(!adp_type_common(i4, txt, "COALESCE", &out, &err) && strcmp(err.sqlstate, "42804") == 0 &&
              strcmp(err.message, "COALESCE types integer and text cannot be matched") == 0,
          "coalesce int text", err.message);
    check(adp_type_common(vc, T_UNKNOWN, "~~", &out, &err) && out.id == ADP_T_TEXT, "like", "");
    check(!adp_type_common(i4, txt, "~~", &out, &err) &&
              strcmp(err.message, "operator does not exist: integer ~~ text") == 0,
          "int like", err.message);
    adp_type lc, rc, res;
    check(!adp_arith_resolve('-', ts, ts, &lc, &rc, &res, &err) &&
              strcmp(err.sqlstate, "0A000") == 0,
          "interval unsupported", err.message);
    check(adp_arith_resolve('+', d, i4, &lc, &rc, &res, &err) && res.id == ADP_T_DATE &&
              rc.id == ADP_T_INT4,
          "date + int4", "");
    check(adp_cast_exists(i4, txt, false) && !adp_cast_exists(txt, i4, false) &&
              adp_cast_exists(txt, i4, true) && !adp_cast_exists(d, i4, true),
          "cast_exists", "");
    check(adp_sum_result_type(ADP_T_INT4).id == ADP_T_INT8 &&
              adp_sum_result_type(ADP_T_INT8).id == ADP_T_NUMERIC &&
              adp_avg_result_type(ADP_T_INT4).id == ADP_T_NUMERIC &&
              adp_avg_result_type(ADP_T_FLOAT4).id == ADP_T_FLOAT8,
          "aggregate types", "");

    /* avg(1, 2) = 1.5000000000000000 as PostgreSQL prints it */
    adp_value s3 = unknown_value("3"), avg;
    check(adp_numeric_div_int(&s3, 2, a, &avg, &err) && avg.u.s.len == 18 &&
              memcmp(avg.u.s.p, "1.5000000000000000", 18) == 0,
          "avg", "");
    adp_value x1 = unknown_value("1.25"), x2 = unknown_value("-0.250"), sum;
    check(adp_numeric_add(&x1, &x2, a, &sum, &err) && sum.u.s.len == 5 &&
              memcmp(sum.u.s.p, "1.000", 5) == 0,
          "numeric add", "");

    /* heap copies survive the arena */
    adp_value h, src = unknown_value("hello");
    adp_value_copy_heap(ADP_T_TEXT, &src, &h);
    check(h.u.s.p != src.u.s.p && h.u.s.len == 5 && memcmp(h.u.s.p, "hello", 5) == 0, "copy", "");
    adp_value_free_heap(ADP_T_TEXT, &h);

    /* output into a pgw_buf */
    pgw_buf b;
    pgw_buf_init(&b);
    adp_value fv = {.isnull = false, .u.f = 1e16};
    adp_value_out(&b, (adp_type){ADP_T_FLOAT8, -1}, &fv, &fmt);
    check(b.len == 5 && memcmp(b.data, "1e+16", 5) == 0, "value_out", "");
    pgw_buf_free(&b);

    int64_t now = adp_now_pg_usec();
    check(now > INT64_C(800000000) * 1000000, "now", "");
    /* relative words, in a zone 5:30 east (the day may differ from UTC's) */
    adp_fmt east = {.extra_float_digits = 1, .tz_offset_secs = 19800, .datestyle_iso_mdy = true};
    int64_t day = INT64_C(86400000000), today = (now + INT64_C(19800000000)) / day;
    adp_value dv, tv2;
    check(adp_value_in((adp_type){ADP_T_DATE, -1}, "today", 5, &east, a, &dv, &err) &&
              (dv.u.i == today || dv.u.i == today + 1),
          "today", "");
    check(adp_value_in((adp_type){ADP_T_DATE, -1}, "tomorrow", 8, &east, a, &tv2, &err) &&
              tv2.u.i == dv.u.i + 1,
          "tomorrow", "");
    check(
        adp_value_in((adp_type){ADP_T_TIMESTAMPTZ, -1}, "today 10:00", 11, &east, a, &tv2, &err) &&
            tv2.u.i == dv.u.i * day + INT64_C(36000000000) - INT64_C(19800000000),
        "today 10:00", "");
    check(adp_value_in((adp_type){ADP_T_TIMESTAMPTZ, -1}, "now", 3, &east, a, &tv2, &err) &&
              tv2.u.i >= now && tv2.u.i - now < INT64_C(60000000),
          "now()", "");
}

int main(void)
{
    adp_arena a;
    adp_arena_init(&a);
    test_api(&a);
    test_timezones();
    adp_arena_reset(&a);
    test_numeric_cmp_random(&a);
    adp_arena_reset(&a);
    test_recv_errors(&a);
    adp_arena_free(&a);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
