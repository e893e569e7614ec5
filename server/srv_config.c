/* srv_config: flags (--key value, --key=value), PGPEEK_* environment variables and
 * `key = value` config files share one set of keys. */
#include "srv_config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char srv_options_usage[] =
    "usage: pgpeekd [--config FILE] [--listen HOST:PORT] [--workers N] [--data-dir DIR|none]\n"
    "               [--max-connections N] [--log-level error|warn|info|debug]\n"
    "               [--http-listen HOST:PORT|off] [--max-message-size BYTES[k|M|G]]\n"
    "               [--timestamp-oracle-url postgres://...] [--oracle-max-in-flight N]\n"
    "               [--checkpoint-interval SECONDS] [--checkpoint-log-bytes BYTES[k|M|G]]\n"
    "               [--port-file FILE] [--version] [--help]\n"
    "Every key can also be set in the config file (`key = value` lines) or in the environment\n"
    "(PGPEEK_LISTEN, PGPEEK_DATA_DIR, ...); flags win over both, the environment over the file.\n"
    "--data-dir none is the EPHEMERAL mode: nothing is written to disk, everything is lost at\n"
    "exit. Otherwise every commit is in the directory's write-ahead log before it is answered.\n";

static char *keep(srv_options *o, const char *s, size_t n)
{
    if (o->nstrings == (int)(sizeof o->strings / sizeof o->strings[0])) return NULL;
    char *copy = strndup(s, n);
    if (copy) o->strings[o->nstrings++] = copy;
    return copy;
}

static bool parse_int(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) return false;
    *out = n;
    return true;
}

/* HOST:PORT, [V6]:PORT, or :PORT (all interfaces). */
static bool parse_hostport(srv_options *o, const char *v, const char **host, int *port)
{
    const char *colon = strrchr(v, ':');
    if (!colon) return false;
    long p;
    if (!parse_int(colon + 1, 0, 65535, &p)) return false;
    const char *h = v;
    size_t hl = (size_t)(colon - v);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    *host = hl ? keep(o, h, hl) : keep(o, "", 0);
    *port = (int)p;
    return *host != NULL;
}

static bool parse_size(const char *v, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || v[0] == '-') return false;
    unsigned long long mult = 1;
    if (strcasecmp(end, "k") == 0 || strcasecmp(end, "kb") == 0)
        mult = 1024;
    else if (strcasecmp(end, "m") == 0 || strcasecmp(end, "mb") == 0)
        mult = 1024 * 1024;
    else if (strcasecmp(end, "g") == 0 || strcasecmp(end, "gb") == 0)
        mult = 1024 * 1024 * 1024;
    else if (*end)
        return false;
    if (n > (1ull << 30) / mult) return false;
    *out = (uint32_t)(n * mult);
    return true;
}

/* One key, as a flag name without dashes or a config-file key ('_' and '-' alike). */
static bool apply(srv_options *o, const char *key_in, const char *v, char *err, size_t errlen)
{
    char key[64];
    snprintf(key, sizeof key, "%s", key_in);
    for (char *c = key; *c; c++)
        if (*c == '_') *c = '-';
    pgpeek_config *c = &o->cfg;
    long n = 0;
    bool ok = true;
    if (strcmp(key, "listen") == 0) {
        ok = parse_hostport(o, v, &c->listen_host, &c->listen_port);
    } else if (strcmp(key, "http-listen") == 0) {
        if (strcmp(v, "off") == 0)
            c->http_port = -1;
        else
            ok = parse_hostport(o, v, &c->http_host, &c->http_port);
    } else if (strcmp(key, "workers") == 0) {
        ok = parse_int(v, 1, 256, &n);
        c->workers = (int)n;
    } else if (strcmp(key, "max-connections") == 0) {
        ok = parse_int(v, 1, 1000000, &n);
        c->max_connections = (int)n;
    } else if (strcmp(key, "data-dir") == 0) {
        c->data_dir = strcmp(v, "none") == 0 ? NULL : keep(o, v, strlen(v));
        ok = strcmp(v, "none") == 0 || c->data_dir;
    } else if (strcmp(key, "port-file") == 0) {
        o->port_file = keep(o, v, strlen(v));
        ok = o->port_file != NULL;
    } else if (strcmp(key, "max-message-size") == 0) {
        ok = parse_size(v, &c->max_message_size) && c->max_message_size >= 64;
    } else if (strcmp(key, "timestamp-oracle-url") == 0) {
        if (!*v) {
            c->timestamp_oracle_url = NULL; /* the local backend */
        } else {
            ok = strncmp(v, "postgres://", 11) == 0 || strncmp(v, "postgresql://", 13) == 0;
            c->timestamp_oracle_url = ok ? keep(o, v, strlen(v)) : NULL;
            ok = ok && c->timestamp_oracle_url;
        }
    } else if (strcmp(key, "checkpoint-interval") == 0) {
        ok = parse_int(v, 1, 86400 * 7, &n);
        c->checkpoint_interval_s = (uint32_t)n;
    } else if (strcmp(key, "checkpoint-log-bytes") == 0) {
        uint32_t b = 0;
        ok = parse_size(v, &b) && b >= 4096;
        c->checkpoint_log_bytes = b;
    } else if (strcmp(key, "oracle-max-in-flight") == 0) {
        ok = parse_int(v, 1, 16, &n);
        c->oracle_max_in_flight = (int)n;
    } else if (strcmp(key, "log-level") == 0) {
        static const char *const names[] = {"error", "warn", "info", "debug"};
        ok = false;
        for (int i = 0; i < 4; i++)
            if (strcasecmp(v, names[i]) == 0) {
                c->log_level = (pgpeek_log_level)i;
                ok = true;
            }
    } else {
        snprintf(err, errlen, "unknown option \"%s\"", key_in);
        return false;
    }
    if (!ok) snprintf(err, errlen, "invalid value for %s: \"%s\"", key_in, v);
    return ok;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

static bool load_file(srv_options *o, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open config file \"%s\": %s", path, strerror(errno));
        return false;
    }
    char line[1024];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key = value", path, lineno);
            ok = false;
            break;
        }
        *eq = 0;
        char *key = trim(s);
        char *value = trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
            value[vl - 1] = 0;
            value++;
        }
        char msg[256];
        if (!apply(o, key, value, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
            ok = false;
        }
    }
    fclose(f);
    return ok;
}

static const char *const env_keys[] = {"listen",
                                       "workers",
                                       "data-dir",
                                       "max-connections",
                                       "log-level",
                                       "http-listen",
                                       "max-message-size",
                                       "port-file",
                                       "timestamp-oracle-url",
                                       "oracle-max-in-flight",
                                       "checkpoint-interval",
                                       "checkpoint-log-bytes"};

/* PGPEEK_LISTEN, PGPEEK_DATA_DIR, ...: between the config file and the flags. */
static bool load_env(srv_options *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
        char name[64] = "PGPEEK_";
        size_t n = strlen(name);
        for (const char *k = env_keys[i]; *k && n + 1 < sizeof name; k++)
            name[n++] = *k == '-' ? '_' : (char)(*k - 'a' + 'A');
        name[n] = 0;
        const char *v = getenv(name);
        char msg[256];
        if (v && !apply(o, env_keys[i], v, msg, sizeof msg)) {
            snprintf(err, errlen, "%s: %s", name, msg);
            return false;
        }
    }
    return true;
}

bool srv_options_parse(srv_options *o, int argc, char **argv, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->cfg = pgpeek_config_default();
    o->cfg.data_dir = "./pgpeek-data";
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 1; i < argc; i++) {
            const char *a = argv[i];
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                o->help = true;
                continue;
            }
            if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
                o->version = true;
                continue;
            }
            if (strncmp(a, "--", 2) != 0) {
                snprintf(err, errlen, "unexpected argument \"%s\"", a);
                return false;
            }
            char name[64];
            const char *value;
            const char *eq = strchr(a, '=');
            if (eq) {
                snprintf(name, sizeof name, "%.*s", (int)(eq - a - 2), a + 2);
                value = eq + 1;
            } else {
                snprintf(name, sizeof name, "%s", a + 2);
                if (i + 1 >= argc) {
                    snprintf(err, errlen, "option --%s needs a value", name);
                    return false;
                }
                value = argv[++i];
            }
            /* The file first, so that flags override it wherever they appear. */
            bool is_config = strcmp(name, "config") == 0;
            if (pass == 0 && is_config && !load_file(o, value, err, errlen)) return false;
            if (pass == 1 && !is_config && !apply(o, name, value, err, errlen)) return false;
        }
        if (pass == 0 && !load_env(o, err, errlen)) return false;
    }
    return true;
}

void srv_options_free(srv_options *o)
{
    for (int i = 0; i < o->nstrings; i++)
        free(o->strings[i]);
    o->nstrings = 0;
}
