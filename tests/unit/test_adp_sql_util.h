/* Test helper for the adapter SQL tests: runs queries on a session and renders the
 * backend messages as one compact transcript string to compare with expectations:
 *   T name:oid:typmod,...   RowDescription
 *   D v1,v2 (NULL as ~)     DataRow
 *   C tag                   CommandComplete
 *   E/N sev code msg [@pos] [detail=...] [hint=...]   ErrorResponse / NoticeResponse
 *   S name=value            ParameterStatus
 *   I                       EmptyQueryResponse
 * Messages are separated by " | ". */
#ifndef TEST_ADP_SQL_UTIL_H
#define TEST_ADP_SQL_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp.h"

static int t_passed, t_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            t_passed++;                                                                            \
        } else {                                                                                   \
            t_failed++;                                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void app(char **s, size_t *n, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void app(char **s, size_t *n, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(*s + *n, *cap - *n, fmt, ap);
        va_end(ap);
        if ((size_t)k < *cap - *n) {
            *n += (size_t)k;
            return;
        }
        *cap = (*cap + (size_t)k) * 2;
        *s = realloc(*s, *cap);
    }
}

/* Renders the messages in b (caller frees). */
static char *render(const pgw_buf *b)
{
    size_t n = 0, cap = 256;
    char *s = malloc(cap);
    s[0] = 0;
    const unsigned char *p = (const unsigned char *)b->data, *end = p + b->len;
    while (p + 5 <= end) {
        char type = (char)p[0];
        uint32_t len = rd32(p + 1);
        const unsigned char *m = p + 5, *mend = p + 1 + len;
        if (n) app(&s, &n, &cap, " | ");
        switch (type) {
        case 'T': {
            int nf = m[0] << 8 | m[1];
            m += 2;
            app(&s, &n, &cap, "T ");
            for (int i = 0; i < nf; i++) {
                const char *name = (const char *)m;
                m += strlen(name) + 1;
                uint32_t oid = rd32(m + 6);
                int32_t mod = (int32_t)rd32(m + 12);
                m += 18;
                app(&s, &n, &cap, "%s%s:%u:%d", i ? "," : "", name, oid, mod);
            }
            break;
        }
        case 'D': {
            int nf = m[0] << 8 | m[1];
            m += 2;
            app(&s, &n, &cap, "D ");
            for (int i = 0; i < nf; i++) {
                int32_t l = (int32_t)rd32(m);
                m += 4;
                if (l < 0)
                    app(&s, &n, &cap, "%s~", i ? "," : "");
                else {
                    app(&s, &n, &cap, "%s%.*s", i ? "," : "", l, (const char *)m);
                    m += l;
                }
            }
            break;
        }
        case 'C':
            app(&s, &n, &cap, "C %s", (const char *)m);
            break;
        case 'I':
            app(&s, &n, &cap, "I");
            break;
        case 'S':
            app(&s, &n, &cap, "S %s=%s", (const char *)m,
                (const char *)m + strlen((const char *)m) + 1);
            break;
        case 'E':
        case 'N': {
            const char *sev = "", *code = "", *msg = "", *pos = "", *det = "", *hint = "";
            while (m < mend && *m) {
                char f = (char)*m++;
                const char *v = (const char *)m;
                m += strlen(v) + 1;
                if (f == 'S') sev = v;
                if (f == 'C') code = v;
                if (f == 'M') msg = v;
                if (f == 'P') pos = v;
                if (f == 'D') det = v;
                if (f == 'H') hint = v;
            }
            app(&s, &n, &cap, "%c %s %s %s", type, sev, code, msg);
            if (*pos) app(&s, &n, &cap, " @%s", pos);
            if (*det) app(&s, &n, &cap, " detail=%s", det);
            if (*hint) app(&s, &n, &cap, " hint=%s", hint);
            break;
        }
        default:
            app(&s, &n, &cap, "%c?", type);
        }
        p = mend;
    }
    return s;
}

/* Runs sql and returns the transcript (caller frees); appends " [status]". */
static char *run(adp_session *s, const char *sql)
{
    pgw_buf b;
    pgw_buf_init(&b);
    adp_session_simple_query(s, sql, strlen(sql), &b);
    char *r = render(&b);
    size_t n = strlen(r), cap = n + 1;
    app(&r, &n, &cap, " [%c]", adp_session_txn_status(s));
    pgw_buf_free(&b);
    return r;
}

#define EXPECT(s, sql, expected)                                                                   \
    do {                                                                                           \
        char *got_ = run((s), (sql));                                                              \
        if (strcmp(got_, (expected)) == 0)                                                         \
            t_passed++;                                                                            \
        else {                                                                                     \
            t_failed++;                                                                            \
            fprintf(stderr, "%s:%d: %s\n  expected: %s\n  got:      %s\n", __FILE__, __LINE__,     \
                    (sql), (expected), got_);                                                      \
        }                                                                                          \
        free(got_);                                                                                \
    } while (0)

/* Only checks that the transcript starts with `prefix`. */
#define EXPECT_PREFIX(s, sql, prefix)                                                              \
    do {                                                                                           \
        char *got_ = run((s), (sql));                                                              \
        if (strncmp(got_, (prefix), strlen(prefix)) == 0)                                          \
            t_passed++;                                                                            \
        else {                                                                                     \
            t_failed++;                                                                            \
            fprintf(stderr, "%s:%d: %s\n  expected prefix: %s\n  got:             %s\n", __FILE__, \
                    __LINE__, (sql), (prefix), got_);                                              \
        }                                                                                          \
        free(got_);                                                                                \
    } while (0)

static int finish(void)
{
    printf("%d passed, %d failed\n", t_passed, t_failed);
    return t_failed ? 1 : 0;
}

#endif
