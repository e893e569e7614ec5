/* pgw_log: timestamped log lines on stderr, one write(2) per line so threads do not mix. */
#include "pgw_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static const char *level_name(pgpeek_log_level level)
{
    switch (level) {
    case PGPEEK_LOG_ERROR:
        return "ERROR";
    case PGPEEK_LOG_WARN:
        return "WARN";
    case PGPEEK_LOG_INFO:
        return "INFO";
    case PGPEEK_LOG_DEBUG:
        return "DEBUG";
    }
    return "?";
}

void pgw_log_emit(pgpeek_log_level level, const char *who, const char *fmt, ...)
{
    char line[1024];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "%04d-%02d-%02d %02d:%02d:%02d.%03ld UTC %s [%s] ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     ts.tv_nsec / 1000000, level_name(level), who);
    if (n < 0 || (size_t)n >= sizeof line - 2) n = 0;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0) m = 0;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
