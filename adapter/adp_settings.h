/* adp_settings: the session settings (GUCs) pgpeek knows: names, defaults, validation. */
#ifndef ADP_SETTINGS_H
#define ADP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "pgw_error.h"

#define ADP_SETTING_MAX 256

/* X(id, canonical name, default, flags) */
#define ADP_SETTINGS_LIST(X)                                                                       \
    X(APPLICATION_NAME, "application_name", "", ADP_SF_REPORT)                                     \
    X(CLIENT_ENCODING, "client_encoding", "UTF8", ADP_SF_REPORT)                                   \
    X(DATESTYLE, "DateStyle", "ISO, MDY", ADP_SF_REPORT)                                           \
    X(DEFAULT_TXN_READ_ONLY, "default_transaction_read_only", "off", ADP_SF_REPORT)                \
    X(IN_HOT_STANDBY, "in_hot_standby", "off", ADP_SF_REPORT | ADP_SF_FIXED)                       \
    X(INTEGER_DATETIMES, "integer_datetimes", "on", ADP_SF_REPORT | ADP_SF_FIXED)                  \
    X(INTERVALSTYLE, "IntervalStyle", "postgres", ADP_SF_REPORT)                                   \
    X(IS_SUPERUSER, "is_superuser", "on", ADP_SF_REPORT | ADP_SF_FIXED)                            \
    X(SERVER_ENCODING, "server_encoding", "UTF8", ADP_SF_REPORT | ADP_SF_FIXED)                    \
    X(SERVER_VERSION, "server_version", "15.0 (pgpeek " PGPEEK_VERSION ")",                        \
      ADP_SF_REPORT | ADP_SF_FIXED)                                                                \
    X(SESSION_AUTHORIZATION, "session_authorization", "", ADP_SF_REPORT | ADP_SF_FIXED)            \
    X(STD_STRINGS, "standard_conforming_strings", "on", ADP_SF_REPORT)                             \
    X(TIMEZONE, "TimeZone", "UTC", ADP_SF_REPORT)                                                  \
    X(EXTRA_FLOAT_DIGITS, "extra_float_digits", "1", 0)                                            \
    X(SEARCH_PATH, "search_path", "\"$user\", public", ADP_SF_LIST_QUOTE)                          \
    X(CLIENT_MIN_MESSAGES, "client_min_messages", "notice", 0)                                     \
    X(STATEMENT_TIMEOUT, "statement_timeout", "0", 0)                                              \
    X(LOCK_TIMEOUT, "lock_timeout", "0", 0)                                                        \
    X(IDLE_TXN_TIMEOUT, "idle_in_transaction_session_timeout", "0", 0)                             \
    X(TXN_ISOLATION, "transaction_isolation", "strict serializable", 0)                            \
    X(DEFAULT_TXN_ISOLATION, "default_transaction_isolation", "strict serializable", 0)            \
    X(TXN_READ_ONLY, "transaction_read_only", "off", 0)                                            \
    X(SERVER_VERSION_NUM, "server_version_num", "150000", ADP_SF_FIXED)                            \
    X(MAX_IDENTIFIER_LENGTH, "max_identifier_length", "63", ADP_SF_FIXED)                          \
    X(BYTEA_OUTPUT, "bytea_output", "hex", 0)                                                      \
    X(CLUSTER, "cluster", "quickstart", 0)                                                         \
    X(DATABASE, "database", "materialize", ADP_SF_FIXED)                                           \
    X(ENABLE_FAST_PATH, "enable_fast_path", "on", 0)                                               \
    X(PLAN_CACHE_SIZE, "plan_cache_size", "64", 0)                                                 \
    X(ENABLE_PEEK_CACHE, "enable_peek_cache", "on", 0)                                             \
    X(ENABLE_SHARED_PEEK, "enable_shared_peek_cache", "on", 0)

/* LIST_QUOTE: SET quotes each list element as an identifier when needed (search_path). */
enum { ADP_SF_REPORT = 1, ADP_SF_FIXED = 2, ADP_SF_LIST_QUOTE = 4 };

typedef enum adp_setting_id {
#define ADP_X(id, name, def, flags) ADP_SET_##id,
    ADP_SETTINGS_LIST(ADP_X)
#undef ADP_X
        ADP_SET_COUNT_
} adp_setting_id;

/* Every setting's current text value. Plain data, owned by a session. */
typedef struct adp_settings {
    char v[ADP_SET_COUNT_][ADP_SETTING_MAX];
} adp_settings;

void adp_settings_init(adp_settings *s);
/* Sets the server-wide default of a setting (validated as SET would), for sessions made
 * afterwards: a server flag such as enable_fast_path. Call before serving clients. */
bool adp_settings_set_default(const char *name, const char *value, pgw_error *err);
/* Case-insensitive lookup of a name; -1 with 42704 when unknown. */
int adp_setting_find(const char *name, pgw_error *err);
const char *adp_setting_name(int id);
int adp_setting_flags(int id);
/* Validates and canonicalizes `value` for setting id (as typed by the client: `given`
 * names it in messages) into s. 55P02 for fixed settings, 22023/0A000 for bad values. */
bool adp_setting_set(adp_settings *s, int id, const char *given, const char *value, pgw_error *err);

/* Whether schema public is on a search_path value (the only schema there is), reading
 * its elements as identifiers ("$user" is the session user). */
bool adp_search_path_has_public(const char *path, const char *user);
/* Appends `ident` to buf, double-quoted when PostgreSQL's quote_identifier would. */
void adp_quote_ident(const char *ident, char *buf, size_t cap);

#endif
