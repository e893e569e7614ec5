/* pgw_log: the one logging function; every line names who it is about (a connection, a
 * server). Lines go to stderr whole. */
#ifndef PGW_LOG_H
#define PGW_LOG_H

#include "pgpeek.h"

void pgw_log_emit(pgpeek_log_level level, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs when `level` is enabled by `threshold`; arguments are not evaluated otherwise. */
#define pgw_log_at(threshold, level, who, ...)                                                     \
    do {                                                                                           \
        if ((int)(level) <= (int)(threshold)) pgw_log_emit((level), (who), __VA_ARGS__);           \
    } while (0)

#endif
