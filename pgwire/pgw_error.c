/* pgw_error: filling client-visible errors. */
#include "pgw_error.h"

#include <stdio.h>
#include <string.h>

bool pgw_verrorf(pgw_error *e, const char *sqlstate, const char *fmt, va_list ap)
{
    snprintf(e->severity, sizeof e->severity, "ERROR");
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", sqlstate);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    e->detail[0] = 0;
    e->hint[0] = 0;
    e->position = 0;
    return false;
}

bool pgw_errorf(pgw_error *e, const char *sqlstate, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pgw_verrorf(e, sqlstate, fmt, ap);
    va_end(ap);
    return false;
}

void pgw_error_detail(pgw_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
}

void pgw_error_hint(pgw_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->hint, sizeof e->hint, fmt, ap);
    va_end(ap);
}
