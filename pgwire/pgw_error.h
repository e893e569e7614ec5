/* pgw_error: a client-visible error or notice, as ErrorResponse/NoticeResponse carry it. */
#ifndef PGW_ERROR_H
#define PGW_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

/* Owned by whoever raises it (a stack value or a session field); plain data, no pointers. */
typedef struct pgw_error {
    char severity[8]; /* ERROR, FATAL, PANIC, WARNING, NOTICE, ... ("" means ERROR) */
    char sqlstate[6]; /* five characters and a NUL; "" means no error is set */
    char message[512];
    char detail[512]; /* "" when absent */
    char hint[512];   /* "" when absent */
    int position;     /* 1-based character position in the query text, 0 when absent */
} pgw_error;

/* The one way to raise a client-visible error in any layer: fills `e` (severity ERROR)
 * and returns false so callers can `return pgw_errorf(...)`. */
bool pgw_errorf(pgw_error *e, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool pgw_verrorf(pgw_error *e, const char *sqlstate, const char *fmt, va_list ap);
/* Optional parts, set after pgw_errorf. */
void pgw_error_detail(pgw_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pgw_error_hint(pgw_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool pgw_error_is_set(const pgw_error *e)
{
    return e->sqlstate[0] != 0;
}
static inline void pgw_error_clear(pgw_error *e)
{
    e->sqlstate[0] = 0;
}

#endif
