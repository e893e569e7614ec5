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
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 730425; /* 730425: 0000-03-01 .. 2000-01-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
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

static int days_in_month(int64_t y, int m)
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

/* What a parse found. Stack-owned. */
typedef struct dt_parts {
    int64_t year;
    int mon, mday, hour, min, sec;
    int64_t usec;
    bool has_time, has_tz, bc;
    int32_t tz;  /* seconds east of UTC */
    int special; /* 0 none, 1 infinity, -1 -infinity, 2 epoch, 3 now, 4 today, 5 tomorrow, 6
                    yesterday */
} dt_parts;

enum { DT_OK, DT_SYNTAX, DT_FIELD, DT_FIELD_MD, DT_TZ };

static size_t digits_at(const char *s, size_t i, size_t len)
{
    size_t j = i;
    while (j < len && isdigit((unsigned char)s[j]))
        j++;
    return j - i;
}

static int64_t num_at(const char *s, size_t i, size_t n)
{
    int64_t v = 0;
    for (size_t k = 0; k < n && v < INT64_C(100000000000); k++)
        v = v * 10 + (s[i + k] - '0');
    return v;
}

static bool word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

static int parse_zone(const char *s, size_t *ip, size_t len, dt_parts *p)
{
    size_t i = *ip;
    if (i < len && (s[i] == 'z' || s[i] == 'Z') &&
        (i + 1 == len || !isalpha((unsigned char)s[i + 1]))) {
        p->has_tz = true, p->tz = 0, *ip = i + 1;
        return DT_OK;
    }
    if (i + 3 <= len && (strncasecmp(s + i, "utc", 3) == 0 || strncasecmp(s + i, "gmt", 3) == 0)) {
        p->has_tz = true, p->tz = 0, *ip = i + 3;
        return DT_OK;
    }
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1;
        i++;
        size_t n = digits_at(s, i, len);
        int h, m = 0, sec = 0;
        if (n == 0 || n > 6 || n == 5 || n == 3) return DT_SYNTAX;
        if (n <= 2) {
            h = (int)num_at(s, i, n);
            i += n;
            if (i < len && s[i] == ':') {
                if (digits_at(s, i + 1, len) != 2) return DT_SYNTAX;
                m = (int)num_at(s, i + 1, 2);
                i += 3;
                if (i < len && s[i] == ':') {
                    if (digits_at(s, i + 1, len) != 2) return DT_SYNTAX;
                    sec = (int)num_at(s, i + 1, 2);
                    i += 3;
                }
            }
        } else {
            h = (int)num_at(s, i, 2);
            m = (int)num_at(s, i + 2, 2);
            if (n == 6) sec = (int)num_at(s, i + 4, 2);
            i += n;
        }
        if (m > 59 || sec > 59) return DT_FIELD;
        if (h > 15) return DT_TZ;
        p->has_tz = true;
        p->tz = sign * (h * 3600 + m * 60 + sec);
        *ip = i;
        return DT_OK;
    }
    return DT_SYNTAX;
}

static int parse_dt(const char *str, size_t len0, dt_parts *p)
{
    const char *s = str;
    size_t len = len0;
    adp_trim(&s, &len);
    memset(p, 0, sizeof *p);
    static const char *const specials[] = {"infinity", "-infinity", "epoch",     "now",
                                           "today",    "tomorrow",  "yesterday", "+infinity"};
    static const int codes[] = {1, -1, 2, 3, 4, 5, 6, 1};
    for (int k = 0; k < 8; k++)
        if (word_is(s, len, specials[k])) {
            p->special = codes[k];
            return DT_OK;
        }
    size_t i = 0;
    size_t n1 = digits_at(s, i, len);
    if (n1 == 0) return DT_SYNTAX;
    if (n1 == len && n1 != 6 && n1 != 8) /* a lone number is not a date */
        return (n1 <= 2 && num_at(s, 0, n1) > 12) || n1 == 7 || n1 > 8 ? DT_FIELD : DT_SYNTAX;
    if (n1 == 6 && n1 == len) {
        p->year = 2000 + num_at(s, 0, 2), p->mon = (int)num_at(s, 2, 2);
        p->mday = (int)num_at(s, 4, 2);
        if (p->year >= 2070) p->year -= 100;
        i = 6;
    } else if (n1 == 8 && (i + n1 == len || !(s[n1] == '-' || s[n1] == '/' || s[n1] == '.'))) {
        p->year = num_at(s, 0, 4), p->mon = (int)num_at(s, 4, 2), p->mday = (int)num_at(s, 6, 2);
        i = 8;
    } else {
        char sep = n1 < len ? s[n1] : 0;
        if (sep != '-' && sep != '/' && sep != '.') return DT_SYNTAX;
        size_t i2 = n1 + 1, n2 = digits_at(s, i2, len);
        if (n2 == 0 || i2 + n2 >= len || s[i2 + n2] != sep) return DT_SYNTAX;
        size_t i3 = i2 + n2 + 1, n3 = digits_at(s, i3, len);
        if (n3 == 0) return DT_SYNTAX;
        int64_t a = num_at(s, 0, n1), b = num_at(s, i2, n2), c = num_at(s, i3, n3);
        if (n1 >= 3) {
            p->year = a, p->mon = (int)b, p->mday = (int)c;
        } else {
            /* DateStyle MDY */
            p->mon = (int)a, p->mday = (int)b, p->year = c;
            if (n3 <= 2) p->year += c < 70 ? 2000 : 1900;
        }
        i = i3 + n3;
    }
    /* time */
    size_t j = i;
    if (j < len && (s[j] == 'T' || s[j] == 't'))
        j++;
    else
        while (j < len && isspace((unsigned char)s[j]))
            j++;
    size_t nh = digits_at(s, j, len);
    if (nh >= 1 && nh <= 2 && j + nh < len && s[j + nh] == ':') {
        p->has_time = true;
        p->hour = (int)num_at(s, j, nh);
        j += nh + 1;
        size_t nm = digits_at(s, j, len);
        if (nm < 1 || nm > 2) return DT_SYNTAX;
        p->min = (int)num_at(s, j, nm);
        j += nm;
        if (j < len && s[j] == ':') {
            size_t ns = digits_at(s, j + 1, len);
            if (ns < 1 || ns > 2) return DT_SYNTAX;
            p->sec = (int)num_at(s, j + 1, ns);
            j += 1 + ns;
            if (j < len && s[j] == '.') {
                size_t nf = digits_at(s, j + 1, len);
                char fb[40] = "0.";
                size_t take = nf < 30 ? nf : 30;
                memcpy(fb + 2, s + j + 1, take);
                fb[2 + take] = 0;
                p->usec = (int64_t)rint(strtod(fb, NULL) * 1000000.0);
                j += 1 + nf;
            }
        }
        i = j;
    }
    /* zone and era, each optionally preceded by spaces */
    for (;;) {
        size_t k = i;
        while (k < len && isspace((unsigned char)s[k]))
            k++;
        if (k == len) {
            i = k;
            break;
        }
        if (!p->has_tz && (p->has_time || k == i)) {
            size_t z = k;
            int r = parse_zone(s, &z, len, p);
            if (r == DT_FIELD || r == DT_TZ) return r;
            if (r == DT_OK) {
                i = z;
                continue;
            }
        }
        if (k > i && k + 2 <= len && (k + 2 == len || isspace((unsigned char)s[k + 2]))) {
            if (strncasecmp(s + k, "bc", 2) == 0 && !p->bc) {
                p->bc = true;
                i = k + 2;
                continue;
            }
            if (strncasecmp(s + k, "ad", 2) == 0) {
                i = k + 2;
                continue;
            }
        }
        return DT_SYNTAX;
    }
    if (p->bc) {
        if (p->year == 0) return DT_FIELD;
        p->year = 1 - p->year;
    } else if (p->year == 0 && n1 >= 3) {
        return DT_FIELD;
    }
    if (p->mon < 1 || p->mon > 12) return DT_FIELD_MD;
    if (p->mday < 1 || p->mday > days_in_month(p->year, p->mon)) return DT_FIELD;
    if (p->hour > 24 || p->min > 59 || p->sec > 60 ||
        (p->hour == 24 && (p->min > 0 || p->sec > 0 || p->usec > 0)))
        return DT_FIELD;
    return DT_OK;
}

static bool dt_error(int code, const char *tname, const char *s, size_t len, pgw_error *err)
{
    char q[400];
    adp_quote_input(q, sizeof q, s, len);
    if (code == DT_SYNTAX)
        return pgw_errorf(err, "22007", "invalid input syntax for type %s: \"%s\"", tname, q);
    if (code == DT_TZ)
        return pgw_errorf(err, "22009", "time zone displacement out of range: \"%s\"", q);
    pgw_errorf(err, "22008", "date/time field value out of range: \"%s\"", q);
    if (code == DT_FIELD_MD)
        pgw_error_hint(err, "Perhaps you need a different \"datestyle\" setting.");
    return false;
}

static bool julian_ok(const dt_parts *p)
{
    /* PostgreSQL checks the fields only to the month; the exact bound (4714-11-24 BC)
     * applies to the final value */
    return p->year > -4713 || (p->year == -4713 && p->mon >= 11);
}

bool adp_date_in(const char *s, size_t len, const adp_fmt *fmt, int64_t *out, pgw_error *err)
{
    dt_parts p;
    int r = parse_dt(s, len, &p);
    if (r != DT_OK) return dt_error(r, "date", s, len, err);
    int32_t off = fmt ? fmt->tz_offset_secs : 0;
    switch (p.special) {
    case 1:
        return *out = ADP_DATE_NOEND, true;
    case -1:
        return *out = ADP_DATE_NOBEGIN, true;
    case 2:
        return *out = days_from_civil(1970, 1, 1), true;
    case 3:
    case 4:
    case 5:
    case 6: {
        int64_t today = floor_div(adp_now_pg_usec() + (int64_t)off * 1000000, ADP_USECS_PER_DAY);
        *out = today + (p.special == 5 ? 1 : p.special == 6 ? -1 : 0);
        return true;
    }
    default:
        break;
    }
    char q[400];
    int64_t d = days_from_civil(p.year, p.mon, p.mday);
    if (!julian_ok(&p) || d < DATE_MIN_DAYS || d >= DATE_END_DAYS)
        return pgw_errorf(err, "22008", "date out of range: \"%s\"",
                          adp_quote_input(q, sizeof q, s, len));
    *out = d;
    return true;
}

bool adp_timestamp_in(adp_type_id t, const char *s, size_t len, const adp_fmt *fmt, int64_t *out,
                      pgw_error *err)
{
    bool tz = t == ADP_T_TIMESTAMPTZ;
    const char *tname = tz ? "timestamp with time zone" : "timestamp";
    dt_parts p;
    int r = parse_dt(s, len, &p);
    if (r != DT_OK) return dt_error(r, tname, s, len, err);
    int32_t off = fmt ? fmt->tz_offset_secs : 0;
    int64_t local_days;
    switch (p.special) {
    case 1:
        return *out = ADP_TS_NOEND, true;
    case -1:
        return *out = ADP_TS_NOBEGIN, true;
    case 2:
        return *out = days_from_civil(1970, 1, 1) * ADP_USECS_PER_DAY, true;
    case 3:
        *out = adp_now_pg_usec();
        if (!tz) *out += (int64_t)off * 1000000;
        return true;
    case 4:
    case 5:
    case 6:
        local_days = floor_div(adp_now_pg_usec() + (int64_t)off * 1000000, ADP_USECS_PER_DAY) +
                     (p.special == 5   ? 1
                      : p.special == 6 ? -1
                                       : 0);
        *out = local_days * ADP_USECS_PER_DAY - (tz ? (int64_t)off * 1000000 : 0);
        return true;
    default:
        break;
    }
    char q[400];
    if (!julian_ok(&p) || p.year > 294277)
        return pgw_errorf(err, "22008", "timestamp out of range: \"%s\"",
                          adp_quote_input(q, sizeof q, s, len));
    int64_t us = days_from_civil(p.year, p.mon, p.mday) * ADP_USECS_PER_DAY +
                 ((int64_t)p.hour * 3600 + p.min * 60 + p.sec) * 1000000 + p.usec;
    if (tz) us -= (int64_t)(p.has_tz ? p.tz : off) * 1000000;
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
    civil_from_days(days, &y, &m, &d);
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
    civil_from_days(days, &y, &m, &d);
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
    if (tz) us -= (int64_t)(fmt ? fmt->tz_offset_secs : 0) * 1000000;
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
    if (tz) us += (int64_t)(fmt ? fmt->tz_offset_secs : 0) * 1000000;
    *out = floor_div(us, ADP_USECS_PER_DAY);
    return true;
}

bool adp_ts_convert(int64_t us, bool from_tz, bool to_tz, const adp_fmt *fmt, int64_t *out,
                    pgw_error *err)
{
    if (us == ADP_TS_NOEND || us == ADP_TS_NOBEGIN || from_tz == to_tz) return *out = us, true;
    int64_t off = (int64_t)(fmt ? fmt->tz_offset_secs : 0) * 1000000;
    us = to_tz ? us - off : us + off;
    if (!ts_range(us, err)) return false;
    *out = us;
    return true;
}
