/* adp_tzcache: the TimeZone setting read as PostgreSQL's check_timezone reads it, with the
 * tz database zones it names loaded once per process (drivers set TimeZone on every
 * connect: JDBC sends the JVM's zone) and shared read-only by every session. */
#include "adp_tzcache.h"

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ZONEINFO "/usr/share/zoneinfo"
#define NAME_MAX_LEN 255 /* PostgreSQL's TZ_STRLEN_MAX */
#define KEEP_UNUSED 64   /* zones kept loaded with no session using them */

/* One resolved TimeZone value, keyed by the value in capitals as PostgreSQL's zone cache
 * is. Owned by the cache; `zone` is immutable and shared by the sessions counted in refs. */
typedef struct tz_entry {
    char key[NAME_MAX_LEN + 1];
    char display[NAME_MAX_LEN + 1];
    adp_tz *zone; /* NULL: a fixed offset, `east` */
    int32_t east;
    unsigned refs;
    unsigned long used; /* tick of the last lookup, to drop the least recently used */
} tz_entry;

/* The process-wide cache; every field under `lock`. */
static struct {
    pthread_mutex_t lock;
    tz_entry *e;
    size_t n, cap;
    unsigned long tick, loads;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool invalid(pgw_error *err, const char *value)
{
    return pgw_errorf(err, "22023", "invalid value for parameter \"TimeZone\": \"%s\"", value);
}

static void upper(const char *in, char *out)
{
    size_t i = 0;
    for (; in[i]; i++)
        out[i] = (char)toupper((unsigned char)in[i]);
    out[i] = 0;
}

/* The tz database file a name means, each path component matched ignoring case as
 * PostgreSQL does; components that are empty or start with a dot never match. */
static bool find_file(const char *name, char *canon)
{
    char dir[NAME_MAX_LEN + sizeof ZONEINFO + 2] = ZONEINFO;
    size_t clen = 0;
    const char *p = name;
    canon[0] = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || p[0] == '.') return false;
        DIR *d = opendir(dir);
        if (!d) return false;
        struct dirent *de;
        bool found = false;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.' || strlen(de->d_name) != n ||
                strncasecmp(de->d_name, p, n) != 0)
                continue;
            memcpy(canon + clen, de->d_name, n);
            found = true;
            if (strncmp(de->d_name, p, n) == 0) break; /* the exact spelling wins */
        }
        closedir(d);
        if (!found) return false;
        clen += n;
        canon[clen] = 0;
        size_t dl = strlen(dir);
        snprintf(dir + dl, sizeof dir - dl, "/%s", canon + clen - n);
        if (!slash) break;
        if (!slash[1]) return false; /* a trailing slash names no file */
        canon[clen++] = '/';
        canon[clen] = 0;
        p = slash + 1;
    }
    return clen > 0;
}

/* Numbers are hours east; PostgreSQL tries them before zone names. */
static bool is_number(const char *v)
{
    char *end;
    (void)strtod(v, &end);
    return end != v && *end == 0 &&
           (isdigit((unsigned char)v[0]) || v[0] == '-' || v[0] == '+' || v[0] == '.');
}

/* Reads what a name means without the lock held (file reads). *zone is owned by the caller. */
static bool load(const char *value, const char *key, tz_entry *out, pgw_error *err)
{
    char canon[NAME_MAX_LEN + 1];
    pgw_error lerr = {0};
    if (find_file(value, canon)) {
        adp_tz *z = adp_tz_load(canon, &lerr);
        if (z) {
            snprintf(out->display, sizeof out->display, "%s", canon);
            if (adp_tz_fixed(z, &out->east))
                adp_tz_free(z);
            else
                out->zone = z;
            return true;
        }
        if (strstr(lerr.message, "leap seconds")) {
            *err = lerr;
            return false;
        }
    }
    /* not a zone file: a POSIX zone ("UTC+3", "<+03>-3", "EST5EDT,M3.2.0,M11.1.0") */
    char shown[NAME_MAX_LEN + 16];
    if (adp_timezone_parse(value, &out->east, shown, sizeof shown, &lerr)) {
        snprintf(out->display, sizeof out->display, "%s", key);
        return true;
    }
    adp_tz *z = adp_tz_posix(key);
    if (!z) return invalid(err, value);
    snprintf(out->display, sizeof out->display, "%s", key);
    if (adp_tz_fixed(z, &out->east))
        adp_tz_free(z);
    else
        out->zone = z;
    return true;
}

static tz_entry *find_locked(const char *key)
{
    for (size_t i = 0; i < cache.n; i++)
        if (strcmp(cache.e[i].key, key) == 0) return &cache.e[i];
    return NULL;
}

/* Makes room by dropping the least recently used zone no session holds. */
static void evict_locked(void)
{
    size_t unused = 0, victim = SIZE_MAX;
    for (size_t i = 0; i < cache.n; i++)
        if (cache.e[i].refs == 0) {
            unused++;
            if (victim == SIZE_MAX || cache.e[i].used < cache.e[victim].used) victim = i;
        }
    if (unused < KEEP_UNUSED || victim == SIZE_MAX) return;
    adp_tz_free(cache.e[victim].zone);
    cache.e[victim] = cache.e[--cache.n];
}

static void hand_out(tz_entry *e, const adp_tz **zone, int32_t *east, char *display, size_t cap)
{
    e->used = ++cache.tick;
    if (e->zone) e->refs++;
    *zone = e->zone;
    *east = e->east;
    snprintf(display, cap, "%s", e->display);
}

/* SET TIME ZONE INTERVAL '+05:45' HOUR TO MINUTE arrives as "interval '+05:45'": an offset
 * east, [+-]hh[:mm[:ss]], shown as the hours are. */
static bool interval_zone(const char *value, int32_t *east, char *display, size_t cap,
                          pgw_error *err)
{
    const char *q = strchr(value, '\'');
    int sign = 1, f[3] = {0, 0, 0}, nf = 0;
    const char *p = q ? q + 1 : "";
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    while (nf < 3 && isdigit((unsigned char)*p)) {
        while (isdigit((unsigned char)*p))
            f[nf] = f[nf] * 10 + (*p++ - '0');
        nf++;
        if (*p != ':') break;
        p++;
    }
    if (nf == 0 || *p != '\'' || f[0] > 24 || f[1] > 59 || f[2] > 59) return invalid(err, value);
    char hours[32];
    snprintf(hours, sizeof hours, "%.10g", sign * (f[0] + f[1] / 60.0 + f[2] / 3600.0));
    return adp_timezone_parse(hours, east, display, cap, err);
}

bool adp_tzcache_resolve(const char *value, const adp_tz **zone, int32_t *east, char *display,
                         size_t cap, pgw_error *err)
{
    *zone = NULL;
    *east = 0;
    if (strlen(value) > NAME_MAX_LEN) return invalid(err, value);
    if (strncasecmp(value, "interval '", 10) == 0)
        return interval_zone(value, east, display, cap, err);
    if (is_number(value)) return adp_timezone_parse(value, east, display, cap, err);
    char key[NAME_MAX_LEN + 1];
    upper(value, key);
    pthread_mutex_lock(&cache.lock);
    tz_entry *e = find_locked(key);
    if (e) {
        hand_out(e, zone, east, display, cap);
        pthread_mutex_unlock(&cache.lock);
        return true;
    }
    pthread_mutex_unlock(&cache.lock);

    tz_entry fresh = {0};
    if (!load(value, key, &fresh, err)) return false;
    snprintf(fresh.key, sizeof fresh.key, "%s", key);
    pthread_mutex_lock(&cache.lock);
    if (fresh.zone) cache.loads++;
    e = find_locked(key);
    if (e) { /* another session loaded it meanwhile: use theirs */
        adp_tz_free(fresh.zone);
    } else {
        evict_locked();
        if (cache.n == cache.cap) {
            size_t nc = cache.cap ? cache.cap * 2 : 16;
            tz_entry *ne = realloc(cache.e, nc * sizeof *ne);
            if (!ne) abort();
            cache.e = ne;
            cache.cap = nc;
        }
        e = &cache.e[cache.n++];
        *e = fresh;
    }
    hand_out(e, zone, east, display, cap);
    pthread_mutex_unlock(&cache.lock);
    return true;
}

void adp_tzcache_release(const adp_tz *zone)
{
    if (!zone) return;
    pthread_mutex_lock(&cache.lock);
    for (size_t i = 0; i < cache.n; i++)
        if (cache.e[i].zone == zone && cache.e[i].refs > 0) {
            cache.e[i].refs--;
            break;
        }
    pthread_mutex_unlock(&cache.lock);
}

void adp_tzcache_trim(void)
{
    pthread_mutex_lock(&cache.lock);
    size_t k = 0;
    for (size_t i = 0; i < cache.n; i++) {
        if (cache.e[i].refs == 0)
            adp_tz_free(cache.e[i].zone);
        else
            cache.e[k++] = cache.e[i];
    }
    cache.n = k;
    if (k == 0) {
        free(cache.e);
        cache.e = NULL;
        cache.cap = 0;
    }
    pthread_mutex_unlock(&cache.lock);
}

unsigned long adp_tzcache_loads(void)
{
    pthread_mutex_lock(&cache.lock);
    unsigned long n = cache.loads;
    pthread_mutex_unlock(&cache.lock);
    return n;
}
