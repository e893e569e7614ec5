/* adp_settings: validation and canonical spelling of the session settings pgpeek knows. */
#include "adp_settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_tzcache.h"
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

static const struct {
    const char *name;
    const char *def;
    int flags;
} settings_table[ADP_SET_COUNT_] = {
#define ADP_X(id, name, def, flags) {name, def, flags},
    ADP_SETTINGS_LIST(ADP_X)
#undef ADP_X
};

/* Server-wide defaults given at startup (adp_settings_set_default), before any session. */
static adp_settings server_defaults;
static bool has_server_default[ADP_SET_COUNT_];

void adp_settings_init(adp_settings *s)
{
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        snprintf(s->v[i], ADP_SETTING_MAX, "%s",
                 has_server_default[i] ? server_defaults.v[i] : settings_table[i].def);
}

bool adp_settings_set_default(const char *name, const char *value, pgw_error *err)
{
    int id = adp_setting_find(name, err);
    if (id < 0 || !adp_setting_set(&server_defaults, id, name, value, err)) return false;
    has_server_default[id] = true;
    return true;
}

int adp_setting_find(const char *name, pgw_error *err)
{
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        if (strcasecmp(settings_table[i].name, name) == 0) return i;
    pgw_errorf(err, "42704", "unrecognized configuration parameter \"%s\"", name);
    return -1;
}

const char *adp_setting_name(int id)
{
    return settings_table[id].name;
}
int adp_setting_flags(int id)
{
    return settings_table[id].flags;
}

static bool invalid(pgw_error *err, const char *given, const char *value)
{
    return pgw_errorf(err, "22023", "invalid value for parameter \"%s\": \"%s\"", given, value);
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"on", "true", "yes", "1", "t", "y"};
    static const char *no[] = {"off", "false", "no", "0", "f", "n"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* Encoding names compare ignoring case, '-' and '_' as PostgreSQL does. */
static void norm_encoding(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++)
        if (*in != '-' && *in != '_') out[n++] = (char)toupper((unsigned char)*in);
    out[n] = 0;
}

static bool set_client_encoding(char *dst, const char *given, const char *value, pgw_error *err)
{
    static const char *others[] = {"SQLASCII", "LATIN1",   "LATIN2", "LATIN9",  "WIN1252",
                                   "WIN1251",  "EUCJP",    "SJIS",   "GBK",     "BIG5",
                                   "KOI8R",    "ISO88591", "EUCKR",  "WIN1250", "UHC"};
    char n[64];
    norm_encoding(value, n, sizeof n);
    if (strcmp(n, "UTF8") == 0 || strcmp(n, "UNICODE") == 0) {
        strcpy(dst, "UTF8");
        return true;
    }
    /* SQL_ASCII means "no conversion", which is what pgpeek does anyway. */
    if (strcmp(n, "SQLASCII") == 0) {
        strcpy(dst, "SQL_ASCII");
        return true;
    }
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        if (strcmp(n, others[i]) == 0)
            return pgw_errorf(err, "0A000", "client_encoding \"%s\" is not supported", value);
    return invalid(err, given, value);
}

static bool set_datestyle(char *dst, const char *value, pgw_error *err)
{
    char buf[ADP_SETTING_MAX];
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        static const char *ok[] = {"ISO", "MDY", "US", "NONEURO", "NONEUROPEAN", "DEFAULT"};
        static const char *unsupported[] = {"SQL", "POSTGRES", "GERMAN",  "DMY",
                                            "YMD", "EURO",     "EUROPEAN"};
        bool known = false;
        for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
            known |= strcasecmp(tok, ok[i]) == 0;
        if (known) continue;
        for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
            if (strcasecmp(tok, unsupported[i]) == 0)
                return pgw_errorf(err, "0A000", "DateStyle \"%s\" is not supported", value);
        pgw_errorf(err, "22023", "invalid value for parameter \"DateStyle\": \"%s\"", value);
        pgw_error_detail(err, "Unrecognized key word: \"%s\".", tok);
        return false;
    }
    strcpy(dst, "ISO, MDY");
    return true;
}

/* Zones are checked as PostgreSQL's check_timezone does; the session applies the value
 * (adp_session_sync_fmt) through the same shared cache, so this load is not repeated. */
static bool set_timezone(char *dst, const char *value, pgw_error *err)
{
    const adp_tz *zone;
    int32_t east;
    char display[ADP_SETTING_MAX];
    if (!adp_tzcache_resolve(value, &zone, &east, display, sizeof display, err)) return false;
    adp_tzcache_release(zone);
    snprintf(dst, ADP_SETTING_MAX, "%s", display);
    return true;
}

static bool parse_int(const char *v, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    while (*end == ' ')
        end++;
    if (errno || end == v || *end) return false;
    *out = x;
    return true;
}

bool adp_setting_set(adp_settings *s, int id, const char *given, const char *value, pgw_error *err)
{
    char *dst = s->v[id];
    if (settings_table[id].flags & ADP_SF_FIXED)
        return pgw_errorf(err, "55P02", "parameter \"%s\" cannot be changed",
                          settings_table[id].name);
    bool b;
    long n;
    switch ((adp_setting_id)id) {
    case ADP_SET_CLIENT_ENCODING:
        return set_client_encoding(dst, given, value, err);
    case ADP_SET_DATESTYLE:
        return set_datestyle(dst, value, err);
    case ADP_SET_TIMEZONE:
        return set_timezone(dst, value, err);
    case ADP_SET_INTERVALSTYLE:
        if (strcasecmp(value, "postgres") == 0) {
            strcpy(dst, "postgres");
            return true;
        }
        if (strcasecmp(value, "postgres_verbose") == 0 || strcasecmp(value, "sql_standard") == 0 ||
            strcasecmp(value, "iso_8601") == 0)
            return pgw_errorf(err, "0A000", "IntervalStyle \"%s\" is not supported", value);
        invalid(err, given, value);
        pgw_error_hint(err,
                       "Available values: postgres, postgres_verbose, sql_standard, iso_8601.");
        return false;
    case ADP_SET_EXTRA_FLOAT_DIGITS:
        if (!parse_int(value, &n)) return invalid(err, given, value);
        if (n < -15 || n > 3)
            return pgw_errorf(err, "22023",
                              "%ld is outside the valid range for parameter \"%s\" (-15 .. 3)", n,
                              settings_table[id].name);
        snprintf(dst, ADP_SETTING_MAX, "%ld", n);
        return true;
    case ADP_SET_STD_STRINGS:
    case ADP_SET_DEFAULT_TXN_READ_ONLY:
    case ADP_SET_TXN_READ_ONLY:
        if (!parse_bool(value, &b))
            return pgw_errorf(err, "22023", "parameter \"%s\" requires a Boolean value", given);
        /* pgpeek implements only the default; accepting others would give wrong answers. */
        if (b != (id == ADP_SET_STD_STRINGS))
            return pgw_errorf(err, "0A000", "setting %s to %s is not supported",
                              settings_table[id].name, b ? "on" : "off");
        strcpy(dst, b ? "on" : "off");
        return true;
    case ADP_SET_ENABLE_FAST_PATH:
    case ADP_SET_ENABLE_PEEK_CACHE:
    case ADP_SET_ENABLE_SHARED_PEEK:
        if (!parse_bool(value, &b))
            return pgw_errorf(err, "22023", "parameter \"%s\" requires a Boolean value", given);
        strcpy(dst, b ? "on" : "off");
        return true;
    case ADP_SET_PLAN_CACHE_SIZE:
        if (!parse_int(value, &n)) return invalid(err, given, value);
        if (n < 0 || n > 100000)
            return pgw_errorf(err, "22023",
                              "%ld is outside the valid range for parameter \"%s\" (0 .. 100000)",
                              n, settings_table[id].name);
        snprintf(dst, ADP_SETTING_MAX, "%ld", n);
        return true;
    case ADP_SET_CLIENT_MIN_MESSAGES: {
        static const char *levels[] = {"debug5", "debug4", "debug3", "debug2",  "debug1", "debug",
                                       "log",    "info",   "notice", "warning", "error"};
        for (size_t i = 0; i < sizeof levels / sizeof *levels; i++)
            if (strcasecmp(value, levels[i]) == 0) {
                strcpy(dst, strcmp(levels[i], "debug") == 0 ? "debug2" : levels[i]);
                return true;
            }
        invalid(err, given, value);
        pgw_error_hint(err, "Available values: debug5, debug4, debug3, debug2, debug1, log, "
                            "notice, warning, error.");
        return false;
    }
    case ADP_SET_STATEMENT_TIMEOUT:
    case ADP_SET_LOCK_TIMEOUT:
    case ADP_SET_IDLE_TXN_TIMEOUT:
        if (!parse_int(value, &n) || n < 0) {
            /* values with units ("5s") are accepted as written: timeouts are not enforced */
            if (!value[0] || !isdigit((unsigned char)value[0])) return invalid(err, given, value);
        }
        snprintf(dst, ADP_SETTING_MAX, "%s", value);
        return true;
    case ADP_SET_TXN_ISOLATION:
    case ADP_SET_DEFAULT_TXN_ISOLATION: {
        static const char *levels[] = {"serializable", "strict serializable"};
        for (size_t i = 0; i < 2; i++)
            if (strcasecmp(value, levels[i]) == 0) {
                strcpy(dst, levels[i]);
                return true;
            }
        if (strcasecmp(value, "read committed") == 0 || strcasecmp(value, "repeatable read") == 0 ||
            strcasecmp(value, "read uncommitted") == 0)
            return pgw_errorf(err, "0A000", "transaction isolation level \"%s\" is not supported",
                              value);
        return invalid(err, given, value);
    }
    case ADP_SET_BYTEA_OUTPUT:
        if (strcasecmp(value, "hex") == 0) {
            strcpy(dst, "hex");
            return true;
        }
        if (strcasecmp(value, "escape") == 0)
            return pgw_errorf(err, "0A000", "bytea_output \"escape\" is not supported");
        return invalid(err, given, value);
    case ADP_SET_APPLICATION_NAME: {
        /* PostgreSQL keeps printable ASCII only and NAMEDATALEN-1 bytes. */
        size_t n2 = 0;
        for (const char *p = value; *p && n2 < 63; p++)
            dst[n2++] = (*p >= 32 && *p <= 126) ? *p : '?';
        dst[n2] = 0;
        return true;
    }
    default:
        snprintf(dst, ADP_SETTING_MAX, "%s", value);
        return true;
    }
}

bool adp_search_path_has_public(const char *path, const char *user)
{
    const char *c = path;
    while (*c) {
        char el[ADP_SETTING_MAX];
        size_t n = 0;
        while (*c == ' ' || *c == ',')
            c++;
        if (*c == '"') {
            for (c++; *c && !(*c == '"' && c[1] != '"'); c++) {
                if (*c == '"') c++; /* "" stands for one quote */
                if (n + 1 < sizeof el) el[n++] = *c;
            }
            if (*c == '"') c++;
        } else {
            for (; *c && *c != ',' && *c != ' '; c++)
                if (n + 1 < sizeof el) el[n++] = (char)tolower((unsigned char)*c);
        }
        el[n] = 0;
        const char *schema = strcmp(el, "$user") == 0 ? user : el;
        if (strcmp(schema, "public") == 0) return true;
        while (*c && *c != ',')
            c++;
    }
    return false;
}

/* A keyword PostgreSQL would quote: any but the unreserved ones. The scanner knows them. */
static bool is_quoting_keyword(const char *ident)
{
    PgQueryScanResult r = pg_query_scan(ident);
    bool kw = false;
    if (!r.error) {
        PgQuery__ScanResult *sr =
            pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
        if (sr && sr->n_tokens == 1)
            kw = sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                 sr->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD;
        if (sr) pg_query__scan_result__free_unpacked(sr, NULL);
    }
    pg_query_free_scan_result(r);
    return kw;
}

void adp_quote_ident(const char *ident, char *buf, size_t cap)
{
    bool safe = (ident[0] >= 'a' && ident[0] <= 'z') || ident[0] == '_';
    for (const char *c = ident; safe && *c; c++)
        safe = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
    if (safe && !is_quoting_keyword(ident)) {
        snprintf(buf, cap, "%s", ident);
        return;
    }
    size_t n = 0;
    if (n + 1 < cap) buf[n++] = '"';
    for (const char *c = ident; *c; c++) {
        if (*c == '"' && n + 1 < cap) buf[n++] = '"';
        if (n + 1 < cap) buf[n++] = *c;
    }
    if (n + 1 < cap) buf[n++] = '"';
    if (cap) buf[n < cap ? n : cap - 1] = 0;
}
