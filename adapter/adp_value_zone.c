/* adp_value_zone: time zones with daylight saving time, read from the system tz database
 * (TZif files, the same data Debian's PostgreSQL uses), for TimeZone settings such as
 * America/New_York: the UTC offset at an instant, and the offset of a local wall time with
 * PostgreSQL's choice for ambiguous and skipped times. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value_ext.h"
#include "adp_value_priv.h"

/* One daylight-saving rule of a POSIX TZ string ("M3.2.0/2"). Plain data. */
typedef struct tz_rule {
    char kind; /* 'M' month.week.day, 'J' Julian day 1..365 without Feb 29, 'D' day 0..365 */
    int mon, week, wday, day;
    int32_t secs; /* local time of day of the change */
} tz_rule;

/* A loaded zone: transitions from the TZif file, then the footer's rule. Immutable after
 * adp_tz_load, so sessions on any thread may share it; freed with adp_tz_free. */
struct adp_tz {
    int ntrans;
    int64_t *trans_unix; /* transition instants, seconds since 1970 */
    int32_t *trans_off;  /* offset east in force from that transition on */
    int32_t first_off;   /* before the first transition (local mean time) */
    bool has_rule, has_dst;
    int32_t std_off, dst_off; /* east */
    tz_rule start, end;
    bool leap_seconds; /* the file counts leap seconds ("right/..."): PostgreSQL refuses it */
};

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* --- POSIX TZ strings --- */

static const char *posix_name(const char *p)
{
    if (*p == '<') {
        const char *e = strchr(p, '>');
        return e ? e + 1 : NULL;
    }
    const char *s = p;
    while (isalpha((unsigned char)*p))
        p++;
    return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] in seconds; *ok false if absent. */
static const char *posix_hms(const char *p, int32_t *secs, bool *ok)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)*p)) {
        *ok = false;
        return p;
    }
    long v[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        while (isdigit((unsigned char)*p))
            v[k] = v[k] * 10 + (*p++ - '0');
        if (k < 2 && *p == ':' && isdigit((unsigned char)p[1]))
            p++;
        else
            break;
    }
    *secs = (int32_t)(sign * (v[0] * 3600 + v[1] * 60 + v[2]));
    *ok = true;
    return p;
}

static const char *posix_rule(const char *p, tz_rule *r, bool *ok)
{
    *ok = false;
    if (*p == 'M') {
        r->kind = 'M';
        r->mon = (int)strtol(p + 1, (char **)&p, 10);
        if (*p++ != '.') return p;
        r->week = (int)strtol(p, (char **)&p, 10);
        if (*p++ != '.') return p;
        r->wday = (int)strtol(p, (char **)&p, 10);
    } else if (*p == 'J') {
        r->kind = 'J';
        r->day = (int)strtol(p + 1, (char **)&p, 10);
    } else if (isdigit((unsigned char)*p)) {
        r->kind = 'D';
        r->day = (int)strtol(p, (char **)&p, 10);
    } else {
        return p;
    }
    r->secs = 7200;
    if (*p == '/') {
        bool tok;
        p = posix_hms(p + 1, &r->secs, &tok);
        if (!tok) return p;
    }
    *ok = true;
    return p;
}

/* default_rules: a zone with DST but no rules ("FOO5BAR") changes on the US dates, as
 * PostgreSQL assumes for TimeZone settings; TZif footers always spell their rules. */
static bool parse_footer(adp_tz *z, const char *s, bool default_rules)
{
    bool ok;
    const char *p = posix_name(s);
    if (!p) return false;
    int32_t west;
    p = posix_hms(p, &west, &ok);
    if (!ok) return false;
    z->std_off = -west;
    z->has_rule = true;
    if (*p == 0) return true;
    p = posix_name(p);
    if (!p) return false;
    z->dst_off = z->std_off + 3600;
    if (*p == 0 && default_rules) p = ",M3.2.0,M11.1.0"; /* PostgreSQL's default: US rules */
    if (*p && *p != ',') {
        p = posix_hms(p, &west, &ok);
        if (!ok) return false;
        z->dst_off = -west;
    }
    if (*p++ != ',') return false;
    p = posix_rule(p, &z->start, &ok);
    if (!ok || *p++ != ',') return false;
    p = posix_rule(p, &z->end, &ok);
    if (!ok || *p) return false;
    z->has_dst = true;
    return true;
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static int64_t days_1970(int64_t y, int m, int d)
{
    return adp_days_from_civil(y, m, d) + 10957;
}

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local day (days since 1970) on which a rule fires in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
    if (r->kind == 'J') { /* 1..365, February 29 never counted */
        int64_t d = days_1970(y, 1, 1) + r->day - 1;
        if (leap(y) && r->day >= 60) d++;
        return d;
    }
    if (r->kind == 'D') return days_1970(y, 1, 1) + r->day;
    int64_t first = days_1970(y, r->mon, 1);
    int wd_first = (int)(((first % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int64_t d = first + (r->wday - wd_first + 7) % 7 + 7 * (r->week - 1);
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = dm[r->mon - 1] + (r->mon == 2 && leap(y));
    while (d >= first + len)
        d -= 7;
    return d;
}

static int32_t rule_offset(const adp_tz *z, int64_t unix_s)
{
    if (!z->has_dst) return z->std_off;
    int64_t y;
    int m, d;
    int64_t day = unix_s >= 0 ? unix_s / 86400 : -((-unix_s + 86399) / 86400);
    adp_civil_from_days(day - 10957, &y, &m, &d);
    /* the change to DST happens on standard time, the change back on DST */
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.secs - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.secs - z->dst_off;
    bool dst = start < end ? unix_s >= start && unix_s < end : unix_s < end || unix_s >= start;
    return dst ? z->dst_off : z->std_off;
}

/* --- TZif --- */

static bool parse_tzif(adp_tz *z, const unsigned char *b, size_t n)
{
    if (n < 44 || memcmp(b, "TZif", 4) != 0) return false;
    int version = b[4];
    size_t pos = 0;
    int tsize = 4;
    if (version >= '2') {
        /* skip the 32-bit block to the 64-bit one */
        uint64_t isut = be(b + 20, 4), isstd = be(b + 24, 4), leapc = be(b + 28, 4),
                 timec = be(b + 32, 4), typec = be(b + 36, 4), charc = be(b + 40, 4);
        pos = 44 + timec * 5 + typec * 6 + charc + leapc * 8 + isstd + isut;
        if (pos + 44 > n || memcmp(b + pos, "TZif", 4) != 0) return false;
        tsize = 8;
    }
    const unsigned char *h = b + pos;
    uint64_t isut = be(h + 20, 4), isstd = be(h + 24, 4), leapc = be(h + 28, 4),
             timec = be(h + 32, 4), typec = be(h + 36, 4), charc = be(h + 40, 4);
    size_t need = 44 + timec * (size_t)(tsize + 1) + typec * 6 + charc +
                  leapc * (size_t)(tsize + 4) + isstd + isut;
    if (typec == 0 || timec > 100000 || typec > 256 || pos + need > n) return false;
    const unsigned char *tt = h + 44, *idx = tt + timec * (size_t)tsize, *types = idx + timec;
    z->leap_seconds = leapc > 0;
    z->ntrans = (int)timec;
    z->trans_unix = malloc(sizeof(int64_t) * (timec + 1));
    z->trans_off = malloc(sizeof(int32_t) * (timec + 1));
    if (!z->trans_unix || !z->trans_off) return false;
    for (uint64_t i = 0; i < timec; i++) {
        uint64_t raw = be(tt + i * (size_t)tsize, tsize);
        z->trans_unix[i] = tsize == 8 ? (int64_t)raw : (int64_t)(int32_t)(uint32_t)raw;
        if (idx[i] >= typec) return false;
        z->trans_off[i] = (int32_t)(uint32_t)be(types + idx[i] * 6, 4);
    }
    z->first_off = (int32_t)(uint32_t)be(types, 4);
    if (version >= '2') {
        const char *f = (const char *)(b + pos + need);
        size_t left = n - pos - need;
        if (left >= 2 && f[0] == '\n') {
            const char *e = memchr(f + 1, '\n', left - 1);
            if (e && e > f + 1) {
                char tz[128];
                size_t l = (size_t)(e - f - 1);
                if (l < sizeof tz) {
                    memcpy(tz, f + 1, l);
                    tz[l] = 0;
                    if (!parse_footer(z, tz, false)) z->has_rule = false;
                }
            }
        }
    }
    return true;
}

void adp_tz_free(adp_tz *z)
{
    if (!z) return;
    free(z->trans_unix);
    free(z->trans_off);
    free(z);
}

adp_tz *adp_tz_load(const char *name, pgw_error *err)
{
    char path[300];
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) > 200) {
        pgw_errorf(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", name);
        return NULL;
    }
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0;
    if (f) {
        buf = malloc(1 << 20);
        if (buf) n = fread(buf, 1, 1 << 20, f);
        fclose(f);
    }
    adp_tz *z = calloc(1, sizeof *z);
    if (!buf || !z || !parse_tzif(z, buf, n)) {
        free(buf);
        adp_tz_free(z);
        pgw_errorf(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", name);
        return NULL;
    }
    free(buf);
    if (z->leap_seconds) {
        adp_tz_free(z);
        pgw_errorf(err, "22023", "time zone \"%s\" appears to use leap seconds", name);
        pgw_error_detail(err, "PostgreSQL does not support leap seconds.");
        return NULL;
    }
    return z;
}

adp_tz *adp_tz_posix(const char *spec)
{
    adp_tz *z = calloc(1, sizeof *z);
    if (!z) abort();
    if (!parse_footer(z, spec, true)) {
        adp_tz_free(z);
        return NULL;
    }
    return z;
}

bool adp_tz_fixed(const adp_tz *z, int32_t *east)
{
    if (z->ntrans == 0) {
        if (z->has_rule && z->has_dst) return false;
        *east = z->has_rule ? z->std_off : z->first_off;
        return true;
    }
    /* one offset before, at and after every transition, and a rule that agrees */
    for (int i = 0; i < z->ntrans; i++)
        if (z->trans_off[i] != z->first_off) return false;
    if (z->has_rule && (z->has_dst || z->std_off != z->first_off)) return false;
    *east = z->first_off;
    return true;
}

int32_t adp_tz_offset_utc(const adp_tz *z, int64_t pg_usec)
{
    /* seconds since 1970, floored */
    int64_t s = pg_usec / 1000000 - (pg_usec % 1000000 < 0); /* no overflow at -infinity */
    s += INT64_C(946684800);
    if (z->ntrans == 0 || s < z->trans_unix[0])
        return z->ntrans == 0 && z->has_rule ? rule_offset(z, s) : z->first_off;
    if (s >= z->trans_unix[z->ntrans - 1] && z->has_rule) return rule_offset(z, s);
    int lo = 0, hi = z->ntrans - 1; /* last transition <= s */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (z->trans_unix[mid] <= s)
            lo = mid;
        else
            hi = mid - 1;
    }
    return z->trans_off[lo];
}

int32_t adp_tz_offset_local(const adp_tz *z, int64_t local_usec)
{
    /* candidates: the offsets a day before and a day after; a local time is valid under an
     * offset when that offset is in force at the instant it names */
    int64_t day = INT64_C(86400000000);
    if (local_usec > INT64_MAX - 3 * day || local_usec < INT64_MIN + 3 * day)
        return adp_tz_offset_utc(z, local_usec); /* +-infinity: no neighbours to look at */
    int32_t before = adp_tz_offset_utc(z, local_usec - day);
    int32_t after = adp_tz_offset_utc(z, local_usec + day);
    if (before == after) return before;
    bool after_ok = adp_tz_offset_utc(z, local_usec - (int64_t)after * 1000000) == after;
    bool before_ok = adp_tz_offset_utc(z, local_usec - (int64_t)before * 1000000) == before;
    if (after_ok != before_ok) return after_ok ? after : before;
    /* ambiguous (fall back) or skipped (spring forward): PostgreSQL takes the earlier
     * instant's reading for a skipped time and the later offset for a repeated one,
     * which is the smaller offset east either way */
    return before < after ? before : after;
}
