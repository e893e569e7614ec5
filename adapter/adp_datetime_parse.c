/* adp_datetime_parse: splits date/time input into fields and decodes them the way
 * PostgreSQL's datetime parser does for the forms people write (ISO 8601, MDY with
 * slashes, month names, AM/PM, numeric and abbreviated time zones, Julian days). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_tzcache.h"
#include "adp_value_priv.h"

enum { TK_NUM, TK_DATE, TK_TIME, TK_ALPHA, TK_TZ };

/* One field of the input; points into the caller's string. Stack data. */
typedef struct dt_tok {
    int kind;
    const char *p;
    size_t n;
} dt_tok;

#define MAX_TOKS 16

static bool is_sep(char c)
{
    return c == '-' || c == '/' || c == '.';
}

static size_t span(const char *s, size_t i, size_t len, int (*cls)(int))
{
    while (i < len && cls((unsigned char)s[i]))
        i++;
    return i;
}

static int month_of(const char *w, size_t n);

/* "1999.01.08" is a date, "1999.008" and "040506.789" are numbers with fractions. */
static bool is_dotted_date(const char *s, size_t dot, size_t len)
{
    size_t e = span(s, dot + 1, len, isdigit);
    return e > dot + 1 && e < len && s[e] == '.';
}

/* Splits into fields; false on a character no field can start with. */
static bool lex(const char *s, size_t len, dt_tok *t, int *nt)
{
    size_t i = 0;
    *nt = 0;
    while (i < len) {
        char c = s[i];
        if (isspace((unsigned char)c) || c == ',') {
            i++;
            continue;
        }
        if (*nt == MAX_TOKS) return false;
        dt_tok *k = &t[(*nt)++];
        k->p = s + i;
        size_t j;
        if (isdigit((unsigned char)c)) {
            j = span(s, i, len, isdigit);
            if (j < len && s[j] == ':') {
                while (j < len && (isdigit((unsigned char)s[j]) || s[j] == ':' || s[j] == '.'))
                    j++;
                k->kind = TK_TIME;
            } else if (j + 1 < len && is_sep(s[j]) && isalnum((unsigned char)s[j + 1]) &&
                       (s[j] != '.' || is_dotted_date(s, j, len))) {
                /* date: segments of all digits or all letters between separators */
                k->kind = TK_DATE;
                /* segments share the first separator: "2024/01/02-08" ends in a zone */
                char sep = s[j];
                while (j < len && s[j] == sep && j + 1 < len) {
                    size_t e = isdigit((unsigned char)s[j + 1]) ? span(s, j + 1, len, isdigit)
                                                                : span(s, j + 1, len, isalpha);
                    if (e == j + 1) break;
                    j = e;
                }
            } else {
                k->kind = TK_NUM;
                if (j < len && s[j] == '.') j = span(s, j + 1, len, isdigit);
            }
        } else if (isalpha((unsigned char)c)) {
            j = span(s, i, len, isalpha);
            k->kind = TK_ALPHA;
            /* a tz database name: "Europe/Paris", "America/Port-au-Prince", "Etc/GMT+5" */
            if (j + 1 < len && s[j] == '/' && isalpha((unsigned char)s[j + 1])) {
                while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '/' ||
                                   s[j] == '-' || s[j] == '+'))
                    j++;
                k->n = j - i;
                i = j;
                continue;
            }
            /* "Jan-08-1999" is a date; in "UTC+3" and "J2451187" the tail belongs to the word */
            if (j + 1 < len && (s[j] == '-' || s[j] == '/') && isdigit((unsigned char)s[j + 1]) &&
                month_of(s + i, j - i)) {
                k->kind = TK_DATE;
                while (j + 1 < len && is_sep(s[j]) && isdigit((unsigned char)s[j + 1]))
                    j = span(s, j + 1, len, isdigit);
            } else if (j < len && (s[j] == '+' || s[j] == '-') && j + 1 < len &&
                       isdigit((unsigned char)s[j + 1]))
                while (j < len &&
                       (isdigit((unsigned char)s[j]) || s[j] == ':' || s[j] == '+' || s[j] == '-'))
                    j++;
            else if (j == i + 1 && (c == 'j' || c == 'J') && j < len &&
                     isdigit((unsigned char)s[j]))
                j = span(s, j, len, isdigit);
        } else if ((c == '+' || c == '-') && i + 1 < len && isdigit((unsigned char)s[i + 1])) {
            j = i + 1;
            while (j < len && (isdigit((unsigned char)s[j]) || s[j] == ':'))
                j++;
            k->kind = TK_TZ;
        } else if ((c == '+' || c == '-') && i + 1 < len && isalpha((unsigned char)s[i + 1])) {
            j = span(s, i + 1, len, isalpha);
            k->kind = TK_ALPHA;
        } else {
            return false;
        }
        k->n = j - i;
        i = j;
    }
    return true;
}

static int64_t num(const char *p, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n && v < INT64_C(100000000000); i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static int month_of(const char *w, size_t n)
{
    static const char *const names[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};
    if (n < 3) return 0;
    for (int m = 0; m < 12; m++)
        if (n <= strlen(names[m]) && strncasecmp(w, names[m], n) == 0 &&
            (n == 3 || n == strlen(names[m]) || (m == 8 && n == 4)))
            return m + 1;
    return 0;
}

static bool is_day_name(const char *w, size_t n)
{
    static const char *const names[] = {"sunday",   "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday"};
    for (int d = 0; d < 7; d++)
        if ((n == 3 || n == strlen(names[d])) && strncasecmp(w, names[d], n) == 0) return true;
    return (n == 4 && (strncasecmp(w, "tues", 4) == 0 || strncasecmp(w, "thur", 4) == 0)) ||
           (n == 5 && strncasecmp(w, "thurs", 5) == 0);
}

/* Fixed-offset abbreviations from PostgreSQL's Default set, seconds east of UTC. */
static bool zone_abbrev(const char *w, size_t n, int32_t *off)
{
    static const struct {
        const char *name;
        int32_t off;
    } z[] = {{"z", 0},        {"zulu", 0},     {"utc", 0},      {"gmt", 0},       {"ut", 0},
             {"pst", -28800}, {"pdt", -25200}, {"mst", -25200}, {"mdt", -21600},  {"cst", -21600},
             {"cdt", -18000}, {"est", -18000}, {"edt", -14400}, {"akst", -32400}, {"akdt", -28800},
             {"hst", -36000}, {"ast", -14400}, {"adt", -10800}, {"nst", -12600},  {"ndt", -9000},
             {"cet", 3600},   {"cest", 7200},  {"met", 3600},   {"mest", 7200},   {"eet", 7200},
             {"eest", 10800}, {"wet", 0},      {"west", 3600},  {"bst", 3600},    {"ist", 7200},
             {"msk", 10800},  {"jst", 32400},  {"kst", 32400},  {"hkt", 28800},   {"sgt", 28800},
             {"pht", 28800},  {"awst", 28800}, {"acst", 34200}, {"acdt", 37800},  {"aest", 36000},
             {"aedt", 39600}, {"nzst", 43200}, {"nzdt", 46800}, {"sast", 7200},   {"cat", 7200},
             {"eat", 10800},  {"wat", 3600},   {"pkt", 18000},  {"ict", 25200},   {"brt", -10800},
             {"art", -10800}};
    for (size_t i = 0; i < sizeof z / sizeof z[0]; i++)
        if (strlen(z[i].name) == n && strncasecmp(w, z[i].name, n) == 0) {
            *off = z[i].off;
            return true;
        }
    return false;
}

/* "+5", "-08", "+0530", "+05:30", "+05:30:15" (after the sign). */
static int decode_offset(const char *p, size_t n, int sign, int32_t *off)
{
    size_t d = 0;
    while (d < n && isdigit((unsigned char)p[d]))
        d++;
    int h, m = 0, sec = 0;
    if (d == 0 || d > 6 || d == 5 || d == 3) return ADP_DT_SYNTAX;
    if (d <= 2) {
        h = (int)num(p, d);
        size_t i = d;
        if (i < n) {
            if (p[i] != ':' || n - i < 3 || !isdigit((unsigned char)p[i + 1]) ||
                !isdigit((unsigned char)p[i + 2]))
                return ADP_DT_SYNTAX;
            m = (int)num(p + i + 1, 2);
            i += 3;
            if (i < n) {
                if (p[i] != ':' || n - i != 3) return ADP_DT_SYNTAX;
                sec = (int)num(p + i + 1, 2);
                i += 3;
            }
        }
    } else {
        if (d != n) return ADP_DT_SYNTAX;
        h = (int)num(p, 2);
        m = (int)num(p + 2, 2);
        if (d == 6) sec = (int)num(p + 4, 2);
    }
    if (m > 59 || sec > 59) return ADP_DT_FIELD;
    if (h > 15) return ADP_DT_TZ;
    *off = sign * (h * 3600 + m * 60 + sec);
    return ADP_DT_OK;
}

static int decode_time(const dt_tok *t, adp_dt_parts *p)
{
    const char *s = t->p;
    size_t n = t->n, i = 0;
    int f[3] = {0, 0, 0}, nf = 0;
    while (nf < 3) {
        size_t d = i;
        while (d < n && isdigit((unsigned char)s[d]))
            d++;
        if (d == i || d - i > 2) return ADP_DT_SYNTAX;
        f[nf++] = (int)num(s + i, d - i);
        i = d;
        if (i < n && s[i] == ':' && nf < 3) {
            i++;
            continue;
        }
        break;
    }
    if (nf < 2) return ADP_DT_SYNTAX;
    if (i < n && s[i] == '.' && nf == 3) {
        char fb[40] = "0.";
        size_t d = i + 1, k = 2;
        while (d < n && isdigit((unsigned char)s[d])) {
            if (k < sizeof fb - 1) fb[k++] = s[d];
            d++;
        }
        fb[k] = 0;
        p->usec = (int64_t)rint(strtod(fb, NULL) * 1000000.0);
        i = d;
    }
    if (i != n) return ADP_DT_SYNTAX;
    p->hour = f[0], p->min = f[1], p->sec = f[2];
    p->has_time = true;
    return ADP_DT_OK;
}

static int64_t two_digit_year(int64_t y, size_t digits)
{
    if (digits > 2) return y;
    return y < 70 ? y + 2000 : y + 1900;
}

static int decode_date(const dt_tok *t, adp_dt_parts *p)
{
    const char *part[3];
    size_t plen[3];
    int np = 0, month_at = -1;
    size_t i = 0;
    while (i < t->n) {
        if (np == 3) return ADP_DT_SYNTAX;
        size_t e = i;
        while (e < t->n && !is_sep(t->p[e]))
            e++;
        part[np] = t->p + i;
        plen[np] = e - i;
        if (isalpha((unsigned char)t->p[i])) {
            int m = month_of(t->p + i, e - i);
            if (!m || month_at >= 0) return ADP_DT_SYNTAX;
            month_at = np;
            p->mon = m;
        }
        np++;
        i = e + 1;
    }
    if (np != 3) return ADP_DT_SYNTAX;
    int yi, di;
    if (month_at == 0) {
        di = 1, yi = 2; /* Jan-08-1999 */
    } else if (month_at == 1) {
        bool year_first = plen[0] > 2;
        yi = year_first ? 0 : 2, di = year_first ? 2 : 0;
    } else if (month_at == 2) {
        return ADP_DT_SYNTAX;
    } else if (plen[0] >= 3) {
        yi = 0, di = 2; /* ISO year-month-day */
        p->mon = (int)num(part[1], plen[1]);
    } else {
        yi = 2, di = 1; /* DateStyle MDY */
        p->mon = (int)num(part[0], plen[0]);
    }
    p->year = two_digit_year(num(part[yi], plen[yi]), plen[yi]);
    p->year_digits = (int)plen[yi];
    p->mday = (int)num(part[di], plen[di]);
    p->has_date = true;
    return ADP_DT_OK;
}

static int special_word(const char *w, size_t n)
{
    static const char *const words[] = {"infinity", "-infinity", "epoch",    "now",
                                        "today",    "tomorrow",  "yesterday"};
    static const int codes[] = {1, -1, 2, 3, 4, 5, 6};
    for (int k = 0; k < 7; k++)
        if (strlen(words[k]) == n && strncasecmp(w, words[k], n) == 0) return codes[k];
    return 0;
}

/* A full zone name ("Europe/Paris", "Japan"): a fixed offset or a zone held in p->zone. */
static int decode_zone_name(const char *w, size_t n, adp_dt_parts *p)
{
    char name[256];
    if (p->has_tz || p->zone || n >= sizeof name) return ADP_DT_SYNTAX;
    memcpy(name, w, n);
    name[n] = 0;
    const adp_tz *z;
    int32_t east;
    char shown[256];
    pgw_error err;
    /* a number or POSIX spelling is not a zone name here */
    if (!isalpha((unsigned char)name[0]) ||
        !adp_tzcache_resolve(name, &z, &east, shown, sizeof shown, &err)) {
        p->zname = w, p->zlen = n;
        return ADP_DT_ZONE;
    }
    p->zone = z; /* when set, it decides the offset; has_tz keeps a second zone out */
    p->has_tz = true, p->tz = east;
    return ADP_DT_OK;
}

void adp_dt_parts_done(adp_dt_parts *p)
{
    adp_tzcache_release(p->zone);
    p->zone = NULL;
}

static int decode_alpha(const dt_tok *t, int ntoks, adp_dt_parts *p, int *ampm)
{
    const char *w = t->p;
    size_t n = t->n, wl = 0;
    if (w[0] == '+' || w[0] == '-') { /* only "-infinity" and "+infinity" */
        int sp = special_word(w, n);
        if (!sp || ntoks != 1) return ADP_DT_SYNTAX;
        p->special = sp;
        return ADP_DT_OK;
    }
    while (wl < n && isalpha((unsigned char)w[wl]))
        wl++;
    if (memchr(w, '/', n)) return decode_zone_name(w, n, p);
    if (wl < n && (w[0] == 'j' || w[0] == 'J') && wl == 1) { /* Julian day number */
        int64_t days = num(w + 1, n - 1) - 2451545;
        adp_civil_from_days(days, &p->year, &p->mon, &p->mday);
        p->year_digits = 4;
        p->has_date = true;
        return ADP_DT_OK;
    }
    if (wl < n) { /* POSIX-style "UTC+3": the sign counts west */
        if (!(wl == 3 && (strncasecmp(w, "utc", 3) == 0 || strncasecmp(w, "gmt", 3) == 0)))
            return ADP_DT_SYNTAX;
        int32_t off;
        int r = decode_offset(w + wl + 1, n - wl - 1, w[wl] == '-' ? 1 : -1, &off);
        if (r != ADP_DT_OK) return r;
        p->has_tz = true, p->tz = off;
        return ADP_DT_OK;
    }
    int sp = special_word(w, n);
    if (sp) {
        if (sp >= 4 && sp <= 6) { /* today/tomorrow/yesterday may carry a time */
            p->special = sp;
            return ADP_DT_OK;
        }
        if (ntoks != 1) return ADP_DT_SYNTAX;
        p->special = sp;
        return ADP_DT_OK;
    }
    int32_t off;
    int m = month_of(w, n);
    if (m) {
        if (p->mon) return ADP_DT_SYNTAX;
        p->mon = m;
        p->month_named = true;
    } else if (is_day_name(w, n) || (n == 1 && (w[0] == 't' || w[0] == 'T'))) {
        /* weekday names are ignored; T separates date and time */
    } else if (n == 2 && strncasecmp(w, "am", 2) == 0) {
        *ampm = 1;
    } else if (n == 2 && strncasecmp(w, "pm", 2) == 0) {
        *ampm = 2;
    } else if (n == 2 && strncasecmp(w, "bc", 2) == 0) {
        p->bc = true;
    } else if (n == 2 && strncasecmp(w, "ad", 2) == 0) {
    } else if (n == 8 && strncasecmp(w, "allballs", 8) == 0) {
        /* midnight UTC */
        if (p->has_time || p->has_tz) return ADP_DT_SYNTAX;
        p->has_time = true, p->has_tz = true, p->tz = 0;
    } else if (zone_abbrev(w, n, &off)) {
        if (p->has_tz) return ADP_DT_SYNTAX;
        p->has_tz = true, p->tz = off;
    } else {
        /* a zone name without a slash ("Japan"); unknown words are syntax errors */
        return decode_zone_name(w, n, p) == ADP_DT_OK ? ADP_DT_OK : ADP_DT_SYNTAX;
    }
    return ADP_DT_OK;
}

int adp_dt_parse(const char *str, size_t len, adp_dt_parts *p)
{
    const char *s = str;
    adp_trim(&s, &len);
    memset(p, 0, sizeof *p);
    dt_tok t[MAX_TOKS];
    int nt, ampm = 0, r;
    if (!lex(s, len, t, &nt) || nt == 0) return ADP_DT_SYNTAX;
    /* numbers not placed by their shape wait for the month name to place them */
    int64_t loose[3];
    size_t loose_len[3];
    int nloose = 0;
    if (nt == 1 && t[0].kind == TK_NUM && t[0].n != 6 && t[0].n != 8 &&
        !memchr(t[0].p, '.', t[0].n)) /* a lone number is not a date */
        return (t[0].n <= 2 && (num(t[0].p, t[0].n) > 12 || num(t[0].p, t[0].n) == 0)) ||
                       t[0].n == 7 || t[0].n > 8
                   ? ADP_DT_FIELD
                   : ADP_DT_SYNTAX;
    for (int i = 0; i < nt; i++) {
        const dt_tok *k = &t[i];
        switch (k->kind) {
        case TK_DATE:
            if (p->has_date || p->has_time) return ADP_DT_SYNTAX;
            if ((r = decode_date(k, p)) != ADP_DT_OK) return r;
            break;
        case TK_TIME:
            if (p->has_time) return ADP_DT_SYNTAX;
            if ((r = decode_time(k, p)) != ADP_DT_OK) return r;
            break;
        case TK_TZ: {
            if (p->has_tz) return ADP_DT_SYNTAX;
            int32_t off;
            if ((r = decode_offset(k->p + 1, k->n - 1, k->p[0] == '-' ? -1 : 1, &off)) != ADP_DT_OK)
                return r;
            p->has_tz = true, p->tz = off;
            break;
        }
        case TK_ALPHA:
            /* the ISO "T" separates a date from what follows it, which must be there */
            if (k->n == 1 && (k->p[0] == 't' || k->p[0] == 'T') &&
                (i + 1 >= nt ||
                 (t[i + 1].kind != TK_NUM && t[i + 1].kind != TK_TIME && t[i + 1].kind != TK_DATE)))
                return ADP_DT_SYNTAX;
            if ((r = decode_alpha(k, nt, p, &ampm)) != ADP_DT_OK) return r;
            break;
        default: {
            const char *dot = memchr(k->p, '.', k->n);
            size_t d = dot ? (size_t)(dot - k->p) : k->n;
            if (dot && !p->has_date && !p->mon && d >= 3 && k->n - d - 1 == 3) { /* year.doy */
                int64_t doy = num(dot + 1, k->n - d - 1);
                p->year = num(k->p, d);
                p->year_digits = (int)d;
                if (doy < 1 || doy > 366) return ADP_DT_FIELD;
                adp_civil_from_days(adp_days_from_civil(p->year, 1, 1) + doy - 1, &p->year, &p->mon,
                                    &p->mday);
                p->has_date = true;
            } else if (d == 6 && p->has_date && !p->has_time) { /* hhmmss[.frac] */
                char tb[48];
                size_t fl = k->n - 6 < 30 ? k->n - 6 : 30;
                memcpy(tb, k->p, 2), tb[2] = ':', memcpy(tb + 3, k->p + 2, 2), tb[5] = ':';
                memcpy(tb + 6, k->p + 4, 2), memcpy(tb + 8, k->p + 6, fl);
                dt_tok tt = {TK_TIME, tb, 8 + fl};
                if ((r = decode_time(&tt, p)) != ADP_DT_OK) return r;
            } else if (dot) {
                return ADP_DT_SYNTAX;
            } else if (d == 8 && !p->has_date && !p->mon) {
                p->year = num(k->p, 4), p->mon = (int)num(k->p + 4, 2);
                p->mday = (int)num(k->p + 6, 2), p->year_digits = 4, p->has_date = true;
            } else if (d == 6 && !p->has_date && !p->mon && nloose == 0) {
                p->year = two_digit_year(num(k->p, 2), 2), p->mon = (int)num(k->p + 2, 2);
                p->mday = (int)num(k->p + 4, 2), p->year_digits = 2, p->has_date = true;
            } else {
                if (nloose == 3 || p->has_date) return ADP_DT_SYNTAX;
                loose[nloose] = num(k->p, d);
                loose_len[nloose++] = d;
            }
        }
        }
    }
    if (nloose > 0) {
        if (!p->month_named || nloose != 2) return ADP_DT_SYNTAX;
        bool first_is_year = loose_len[0] > 2 || loose[0] > 31;
        int yi = first_is_year ? 0 : 1;
        p->year = two_digit_year(loose[yi], loose_len[yi]);
        p->year_digits = (int)loose_len[yi];
        p->mday = (int)loose[1 - yi];
        p->has_date = true;
    }
    if (p->special) {
        if (p->has_date || p->month_named) return ADP_DT_SYNTAX;
    } else if (!p->has_date) {
        return ADP_DT_SYNTAX;
    }
    if (ampm) {
        if (p->hour > 12 || !p->has_time) return ADP_DT_FIELD;
        if (ampm == 1 && p->hour == 12) p->hour = 0;
        if (ampm == 2 && p->hour < 12) p->hour += 12;
    }
    if (p->special) return ADP_DT_OK;
    if (p->bc) {
        if (p->year == 0) return ADP_DT_FIELD;
        p->year = 1 - p->year;
    } else if (p->year == 0 && p->year_digits >= 3) {
        return ADP_DT_FIELD;
    }
    if (p->mon < 1 || p->mon > 12) return ADP_DT_FIELD_MD;
    if (p->mday < 1 || p->mday > adp_days_in_month(p->year, p->mon)) return ADP_DT_FIELD;
    if (p->hour > 24 || p->min > 59 || p->sec > 60 ||
        (p->hour == 24 && (p->min > 0 || p->sec > 0 || p->usec > 0)))
        return ADP_DT_FIELD;
    return ADP_DT_OK;
}
