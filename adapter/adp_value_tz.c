/* adp_value_tz: the TimeZone setting's accepted spellings, reduced to the fixed offset that
 * timestamptz input and output use (zones with daylight saving time are not supported). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "adp_value_ext.h"

/* Zones of the tz database with one offset today; read-only. */
static const struct {
    const char *name;
    int32_t east;
} fixed_zones[] = {
    {"UTC", 0},
    {"Etc/UTC", 0},
    {"GMT", 0},
    {"Etc/GMT", 0},
    {"UCT", 0},
    {"Etc/UCT", 0},
    {"Universal", 0},
    {"Etc/Universal", 0},
    {"Zulu", 0},
    {"Etc/Zulu", 0},
    {"Greenwich", 0},
    {"Etc/Greenwich", 0},
    {"EST", -18000},
    {"MST", -25200},
    {"HST", -36000},
    {"Asia/Kolkata", 19800},
    {"Asia/Calcutta", 19800},
    {"Asia/Tokyo", 32400},
    {"Asia/Seoul", 32400},
    {"Asia/Shanghai", 28800},
    {"Asia/Hong_Kong", 28800},
    {"Asia/Singapore", 28800},
    {"Asia/Taipei", 28800},
    {"Asia/Manila", 28800},
    {"Asia/Jakarta", 25200},
    {"Asia/Bangkok", 25200},
    {"Asia/Ho_Chi_Minh", 25200},
    {"Asia/Dhaka", 21600},
    {"Asia/Kathmandu", 20700},
    {"Asia/Karachi", 18000},
    {"Asia/Tashkent", 18000},
    {"Asia/Dubai", 14400},
    {"Asia/Riyadh", 10800},
    {"Europe/Moscow", 10800},
    {"Europe/Istanbul", 10800},
    {"Europe/Minsk", 10800},
    {"Africa/Nairobi", 10800},
    {"Africa/Johannesburg", 7200},
    {"Africa/Cairo", 7200},
    {"Africa/Lagos", 3600},
    {"Africa/Algiers", 3600},
    {"Atlantic/Reykjavik", 0},
    {"America/Sao_Paulo", -10800},
    {"America/Argentina/Buenos_Aires", -10800},
    {"America/Bogota", -18000},
    {"America/Lima", -18000},
    {"America/Panama", -18000},
    {"America/Phoenix", -25200},
    {"America/Puerto_Rico", -14400},
    {"Pacific/Honolulu", -36000},
    {"Australia/Brisbane", 36000},
    {"Australia/Perth", 28800},
    {"Australia/Darwin", 34200},
};

static int parse_hms(const char *s, int *secs)
{
    /* hh[:mm[:ss]] or hhmm; returns characters used, 0 if none */
    int h = 0, m = 0, sec = 0, i = 0, d = 0;
    while (isdigit((unsigned char)s[i]) && d < 2)
        h = h * 10 + (s[i++] - '0'), d++;
    if (d == 0) return 0;
    if (s[i] == ':' && isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2])) {
        m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
        i += 3;
        if (s[i] == ':' && isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2])) {
            sec = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
            i += 3;
        }
    }
    *secs = h * 3600 + m * 60 + sec;
    return i;
}

static void posix_display(char *buf, size_t cap, int32_t east)
{
    int a = east < 0 ? -east : east;
    char hm[16];
    if (a % 3600)
        snprintf(hm, sizeof hm, "%02d:%02d", a / 3600, a / 60 % 60);
    else
        snprintf(hm, sizeof hm, "%02d", a / 3600);
    snprintf(buf, cap, "<%c%s>%c%s", east < 0 ? '-' : '+', hm, east < 0 ? '+' : '-', hm);
}

static bool bad_value(const char *val, pgw_error *err)
{
    return pgw_errorf(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", val);
}

/* A POSIX zone without daylight saving time: name (letters or <...>), then an offset
 * counted west of Greenwich. */
static bool posix_zone(const char *val, int32_t *east)
{
    const char *p = val;
    if (*p == '<') {
        const char *e = strchr(p, '>');
        if (!e || e - p < 4) return false;
        p = e + 1;
    } else {
        const char *s = p;
        while (isalpha((unsigned char)*p))
            p++;
        if (p - s > 0 && p - s < 3) return false;
    }
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    int secs;
    int n = parse_hms(p, &secs);
    if (n == 0 || p[n] != 0 || secs % 60) return false;
    *east = -sign * secs;
    return true;
}

bool adp_timezone_parse(const char *val, int32_t *east, char *display, size_t cap, pgw_error *err)
{
    /* a plain number is hours east, the ISO way round */
    char *end;
    double h = strtod(val, &end);
    if (end != val && *end == 0 &&
        (isdigit((unsigned char)val[0]) || val[0] == '-' || val[0] == '+' || val[0] == '.')) {
        if (h < -24 || h > 24) return bad_value(val, err);
        *east = (int32_t)(h * 3600 + (h < 0 ? -0.5 : 0.5));
        posix_display(display, cap, *east);
        return true;
    }
    for (size_t i = 0; i < sizeof fixed_zones / sizeof fixed_zones[0]; i++)
        if (strcasecmp(val, fixed_zones[i].name) == 0) {
            *east = fixed_zones[i].east;
            snprintf(display, cap, "%s", fixed_zones[i].name);
            return true;
        }
    /* Etc/GMT+8 is eight hours west, as in POSIX */
    if (strncasecmp(val, "Etc/GMT", 7) == 0 && (val[7] == '+' || val[7] == '-')) {
        int secs;
        int n = parse_hms(val + 8, &secs);
        if (n == 0 || val[8 + n] != 0 || secs % 3600 || secs > 14 * 3600)
            return bad_value(val, err);
        *east = val[7] == '+' ? -secs : secs;
        snprintf(display, cap, "%s", val);
        return true;
    }
    if (posix_zone(val, east)) {
        snprintf(display, cap, "%s", val);
        return true;
    }
    /* a real zone with daylight saving time exists but cannot be applied as one offset */
    char path[300];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", val);
    if (val[0] && val[0] != '/' && !strstr(val, "..") && strlen(val) < 200 &&
        access(path, R_OK) == 0)
        return pgw_errorf(err, "0A000", "time zone \"%s\" is not supported", val);
    return bad_value(val, err);
}
