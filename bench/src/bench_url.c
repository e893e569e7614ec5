/* bench_url: URL parsing with percent-decoding; defaults follow libpq. */
#include "bench_url.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes [s, s+n) into a fresh string; NULL on a bad escape or no memory. */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                return NULL;
            }
            *o++ = (char)(hi * 16 + lo);
            i += 2;
            continue;
        }
        *o++ = s[i];
    }
    *o = '\0';
    return out;
}

void bench_url_free(bench_url *u)
{
    free(u->user);
    free(u->password);
    free(u->host);
    free(u->port);
    free(u->dbname);
    free(u->application_name);
    memset(u, 0, sizeof(*u));
}

bool bench_url_parse(const char *text, bench_url *u, char *err, size_t errlen)
{
    memset(u, 0, sizeof(*u));
    const char *p;
    if (strncmp(text, "postgres://", 11) == 0)
        p = text + 11;
    else if (strncmp(text, "postgresql://", 13) == 0)
        p = text + 13;
    else {
        snprintf(err, errlen, "url must start with postgres:// or postgresql://");
        return false;
    }
    const char *auth_end = NULL;
    const char *path = p + strcspn(p, "/?");
    for (const char *q = p; q < path; q++)
        if (*q == '@') auth_end = q; /* the last @ before the path ends the credentials */
    if (auth_end) {
        const char *colon = memchr(p, ':', (size_t)(auth_end - p));
        if (colon) {
            u->user = decode(p, (size_t)(colon - p));
            u->password = decode(colon + 1, (size_t)(auth_end - colon - 1));
            if (!u->password) goto bad;
        } else {
            u->user = decode(p, (size_t)(auth_end - p));
        }
        if (!u->user) goto bad;
        p = auth_end + 1;
    }
    const char *hp_end = path;
    const char *port_colon = NULL;
    if (*p == '[') { /* [ipv6]:port */
        const char *close = memchr(p, ']', (size_t)(hp_end - p));
        if (!close) goto bad;
        u->host = decode(p + 1, (size_t)(close - p - 1));
        if (close[1] == ':')
            port_colon = close + 1;
        else if (close + 1 != hp_end)
            goto bad;
    } else {
        port_colon = memchr(p, ':', (size_t)(hp_end - p));
        const char *host_end = port_colon ? port_colon : hp_end;
        u->host = decode(p, (size_t)(host_end - p));
    }
    if (!u->host) goto bad;
    if (port_colon) {
        u->port = decode(port_colon + 1, (size_t)(hp_end - port_colon - 1));
        if (!u->port || !*u->port || strspn(u->port, "0123456789") != strlen(u->port) ||
            atoi(u->port) <= 0 || atoi(u->port) > 65535)
            goto bad;
    }
    p = path;
    if (*p == '/') {
        size_t n = strcspn(p + 1, "?");
        if (n > 0 && !(u->dbname = decode(p + 1, n))) goto bad;
        p += 1 + n;
    }
    if (*p == '?') {
        p++;
        while (*p) {
            size_t n = strcspn(p, "&");
            const char *eq = memchr(p, '=', n);
            if (eq && (size_t)(eq - p) == 16 && strncmp(p, "application_name", 16) == 0) {
                free(u->application_name);
                u->application_name = decode(eq + 1, (size_t)(p + n - eq - 1));
            }
            /* other parameters (sslmode=disable...) are accepted and ignored */
            p += n;
            if (*p == '&') p++;
        }
    }
    if (!u->user) {
        const char *env = getenv("PGUSER");
        if (!env) env = getenv("USER");
        u->user = strdup(env ? env : "postgres");
    }
    if (!u->host || !*u->host) {
        free(u->host);
        u->host = strdup("127.0.0.1");
    }
    if (!u->port) u->port = strdup("5432");
    if (!u->dbname) u->dbname = strdup(u->user);
    if (!u->user || !u->host || !u->port || !u->dbname) goto bad;
    return true;
bad:
    snprintf(err, errlen, "malformed url '%s'", text);
    bench_url_free(u);
    return false;
}

void bench_url_display(const bench_url *u, char *out, size_t outlen)
{
    bool v6 = strchr(u->host, ':') != NULL;
    snprintf(out, outlen, "postgres://%s%s@%s%s%s:%s/%s", u->user, u->password ? ":***" : "",
             v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, u->dbname);
}
