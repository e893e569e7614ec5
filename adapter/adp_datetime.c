/* adp_datetime: date, timestamp and timestamptz parsing (the common ISO forms) and ISO
 * output, in PostgreSQL's representation (days/microseconds since 2000-01-01). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "adp_value_priv.h"

/* 4714-11-24 BC (Julian day 0) and the first day past the date and timestamp ranges,
 * all as days since 2000-01-01. */
#define DATE_MIN_DAYS (-2451545)
#define DATE_END_DAYS (2147483494 - 2451545)
#define TS_MIN_USEC INT64_C(-211813488000000000)
#define TS_END_USEC INT64_C(9223371331200000000)

/* Days from 2000-01-01 to y-m-d in the proleptic Gregorian calendar (y astronomical). */
int64_t adp_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 730425; /* 730425: 0000-03-01 .. 2000-01-01 */
}

void adp_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 730425;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int adp_days_in_month(int64_t y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t adp_now_pg_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((int64_t)ts.tv_sec - INT64_C(946684800)) * 1000000 + ts.tv_nsec / 1000;
}

static bool dt_error(int code, const char *tname, const char *s, size_t len, pgw_error *err)
{
    char q[400];
    adp_quote_input(q, sizeof q, s, len);
    if (code == ADP_DT_SYNTAX)
        return pgw_errorf(err, "22007", "invalid input syntax for type %s: \"%s\"", tname, q);
    if (code == ADP_DT_TZ)
        return pgw_errorf(err, "22009", "time zone displacement out of range: \"%s\"", q);
    pgw_errorf(err, "22008", "date/time field value out of range: \"%s\"", q);
    if (code == ADP_DT_FIELD_MD)
        pgw_error_hint(err, "Perhaps you need a different \"datestyle\" setting.");
    return false;
}

static bool julian_ok(const adp_dt_parts *p)
{
    /* PostgreSQL checks the fields only to the month; the exact bound (4714-11-24 BC)
     * applies to the final value */
    return p->year > -4713 || (p->year == -4713 && p->mon >= 11);
}

/* The session zone's offset east, in microseconds: at an instant, and for a local wall
 * time. The one seam for zones with daylight saving time (adp_tz_offset_utc/_local). */
int64_t adp_fmt_off_utc(const adp_fmt *fmt, int64_t us)
{
    if (fmt && fmt->zone) return (int64_t)adp_tz_offset_utc(fmt->zone, us) * 1000000;
    return (int64_t)(fmt ? fmt->tz_offset_secs : 0) * 1000000;
}

int64_t adp_fmt_off_local(const adp_fmt *fmt, int64_t local_us)
{
    if (fmt && fmt->zone) return (int64_t)adp_tz_offset_local(fmt->zone, local_us) * 1000000;
    return (int64_t)(fmt ? fmt->tz_offset_secs : 0) * 1000000;
}

/* The zone name in the message is in lower case, as PostgreSQL prints it. */
static bool parse_parts(const char *s, size_t len, const char *tname, adp_dt_parts *p,
                        pgw_error *err)
{
    int r = adp_dt_parse(s, len, p);
    if (r == ADP_DT_OK) return true;
    if (r == ADP_DT_ZONE) {
        char z[256];
        size_t n = p->zlen < sizeof z ? p->zlen : sizeof z - 1;
        for (size_t i = 0; i < n; i++)
            z[i] = (char)tolower((unsigned char)p->zname[i]);
        z[n] = 0;
        pgw_errorf(err, "22023", "time zone \"%s\" not recognized", z);
    } else {
        dt_error(r, tname, s, len, err);
    }
    adp_dt_parts_done(p);
    return false;
}

static bool date_from_parts(adp_dt_parts p, const char *s, size_t len, const adp_fmt *fmt,
                            int64_t *out, pgw_error *err);

bool adp_date_in(const char *s, size_t len, const adp_fmt *fmt, int64_t *out, pgw_error *err)
{
    adp_dt_parts p;
    if (!parse_parts(s, len, "date", &p, err)) return false;
    bool ok = date_from_parts(p, s, len, fmt, out, err);
    adp_dt_parts_done(&p);
    return ok;
}

static bool date_from_parts(adp_dt_parts p, const char *s, size_t len, const adp_fmt *fmt,
                            int64_t *out, pgw_error *err)
{
    switch (p.special) {
    case 1:
        return *out = ADP_DATE_NOEND, true;
    case -1:
        return *out = ADP_DATE_NOBEGIN, true;
    case 2:
        return *out = adp_days_from_civil(1970, 1, 1), true;
    case 3:
    case 4:
    case 5:
    case 6: {
        int64_t now = adp_now_pg_usec();
        int64_t today = floor_div(now + adp_fmt_off_utc(fmt, now), ADP_USECS_PER_DAY);
        *out = today + (p.special == 5 ? 1 : p.special == 6 ? -1 : 0);
        return true;
    }
    default:
        break;
    }
    char q[400];
    int64_t d = adp_days_from_civil(p.year, p.mon, p.mday);
    if (!julian_ok(&p) || d < DATE_MIN_DAYS || d >= DATE_END_DAYS)
        return pgw_errorf(err, "22008", "date out of range: \"%s\"",
                          adp_quote_input(q, sizeof q, s, len));
    *out = d;
    return true;
}

static bool timestamp_from_parts(adp_dt_parts p, bool tz, const char *s, size_t len,
                                 const adp_fmt *fmt, int64_t *out, pgw_error *err);

bool adp_timestamp_in(adp_type_id t, const char *s, size_t len, const adp_fmt *fmt, int64_t *out,
                      pgw_error *err)
{
    bool tz = t == ADP_T_TIMESTAMPTZ;
    adp_dt_parts p;
    if (!parse_parts(s, len, tz ? "timestamp with time zone" : "timestamp", &p, err)) return false;
    bool ok = timestamp_from_parts(p, tz, s, len, fmt, out, err);
    adp_dt_parts_done(&p);
    return ok;
}

static bool timestamp_from_parts(adp_dt_parts p, bool tz, const char *s, size_t len,
                                 const adp_fmt *fmt, int64_t *out, pgw_error *err)
{
    int64_t local_days, now;
    switch (p.special) {
    case 1:
        return *out = ADP_TS_NOEND, true;
    case -1:
        return *out = ADP_TS_NOBEGIN, true;
    case 2:
        return *out = adp_days_from_civil(1970, 1, 1) * ADP_USECS_PER_DAY, true;
    case 3:
        now = adp_now_pg_usec();
        *out = tz ? now : now + adp_fmt_off_utc(fmt, now);
        return true;
    case 4:
    case 5:
    case 6:
        now = adp_now_pg_usec();
        local_days =
            floor_div(now + adp_fmt_off_utc(fmt, now), ADP_USECS_PER_DAY) + (p.special == 5   ? 1
                                                                             : p.special == 6 ? -1
                                                                                              : 0);
        /* the day in the session's zone, then any time and zone given with it */
        adp_civil_from_days(local_days, &p.year, &p.mon, &p.mday);
        break;
    default:
        break;
    }
    char q[400];
    if (!julian_ok(&p) || p.year > 294277)
        return pgw_errorf(err, "22008", "timestamp out of range: \"%s\"",
                          adp_quote_input(q, sizeof q, s, len));
    int64_t us = adp_days_from_civil(p.year, p.mon, p.mday) * ADP_USECS_PER_DAY +
                 ((int64_t)p.hour * 3600 + p.min * 60 + p.sec) * 1000000 + p.usec;
    if (tz && p.zone)
        us -= (int64_t)adp_tz_offset_local(p.zone, us) * 1000000;
    else if (tz)
        us -= p.has_tz ? (int64_t)p.tz * 1000000 : adp_fmt_off_local(fmt, us);
    if (us < TS_MIN_USEC || us >= TS_END_USEC)
        return pgw_errorf(err, "22008", "timestamp out of range: \"%s\"",
                          adp_quote_input(q, sizeof q, s, len));
    *out = us;
    return true;
}

static int fmt_ymd(char *buf, int64_t days)
{
    int64_t y;
    int m, d;
    adp_civil_from_days(days, &y, &m, &d);
    bool bc = y <= 0;
    return snprintf(buf, 32, "%04lld-%02d-%02d%s", (long long)(bc ? 1 - y : y), m, d,
                    bc ? " BC" : "");
}

int adp_date_fmt(char *buf, int64_t days)
{
    if (days == ADP_DATE_NOEND) return snprintf(buf, 32, "infinity");
    if (days == ADP_DATE_NOBEGIN) return snprintf(buf, 32, "-infinity");
    return fmt_ymd(buf, days);
}

int adp_timestamp_fmt(char *buf, int64_t us, bool tz, int32_t off)
{
    if (us == ADP_TS_NOEND) return snprintf(buf, 48, "infinity");
    if (us == ADP_TS_NOBEGIN) return snprintf(buf, 48, "-infinity");
    if (tz) us += (int64_t)off * 1000000;
    int64_t days = floor_div(us, ADP_USECS_PER_DAY);
    int64_t rest = us - days * ADP_USECS_PER_DAY;
    int64_t y;
    int m, d;
    adp_civil_from_days(days, &y, &m, &d);
    bool bc = y <= 0;
    int secs = (int)(rest / 1000000), frac = (int)(rest % 1000000);
    int o = snprintf(buf, 48, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)(bc ? 1 - y : y), m, d,
                     secs / 3600, secs / 60 % 60, secs % 60);
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, "%06d", frac);
        int n = 6;
        while (f[n - 1] == '0')
            n--;
        buf[o++] = '.';
        memcpy(buf + o, f, (size_t)n);
        o += n;
    }
    if (tz) {
        int a = off < 0 ? -off : off;
        o += snprintf(buf + o, 16, "%c%02d", off < 0 ? '-' : '+', a / 3600);
        if (a % 3600) o += snprintf(buf + o, 8, ":%02d", a / 60 % 60);
        if (a % 60) o += snprintf(buf + o, 8, ":%02d", a % 60);
    }
    if (bc) o += snprintf(buf + o, 8, " BC");
    buf[o] = 0;
    return o;
}

static bool ts_range(int64_t us, pgw_error *err)
{
    if (us < TS_MIN_USEC || us >= TS_END_USEC)
        return pgw_errorf(err, "22008", "timestamp out of range");
    return true;
}

bool adp_date_to_ts(int64_t days, bool tz, const adp_fmt *fmt, int64_t *out, pgw_error *err)
{
    if (days == ADP_DATE_NOEND) return *out = ADP_TS_NOEND, true;
    if (days == ADP_DATE_NOBEGIN) return *out = ADP_TS_NOBEGIN, true;
    if (days >= TS_END_USEC / ADP_USECS_PER_DAY)
        return pgw_errorf(err, "22008", "date out of range for timestamp");
    int64_t us = days * ADP_USECS_PER_DAY;
    if (tz) us -= adp_fmt_off_local(fmt, us);
    if (us < TS_MIN_USEC || us >= TS_END_USEC)
        return pgw_errorf(err, "22008", "date out of range for timestamp");
    *out = us;
    return true;
}

bool adp_ts_to_date(int64_t us, bool tz, const adp_fmt *fmt, int64_t *out, pgw_error *err)
{
    (void)err;
    if (us == ADP_TS_NOEND) return *out = ADP_DATE_NOEND, true;
    if (us == ADP_TS_NOBEGIN) return *out = ADP_DATE_NOBEGIN, true;
    if (tz) us += adp_fmt_off_utc(fmt, us);
    *out = floor_div(us, ADP_USECS_PER_DAY);
    return true;
}

bool adp_ts_convert(int64_t us, bool from_tz, bool to_tz, const adp_fmt *fmt, int64_t *out,
                    pgw_error *err)
{
    if (us == ADP_TS_NOEND || us == ADP_TS_NOBEGIN || from_tz == to_tz) return *out = us, true;
    us = to_tz ? us - adp_fmt_off_local(fmt, us) : us + adp_fmt_off_utc(fmt, us);
    if (!ts_range(us, err)) return false;
    *out = us;
    return true;
}
