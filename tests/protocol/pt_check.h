/* pt_check: the checks and the final "N passed, M failed" line of our C tests. */
#ifndef PT_CHECK_H
#define PT_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pt_passed, pt_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            pt_passed++;                                                                           \
        } else {                                                                                   \
            pt_failed++;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long pt_a = (long long)(a), pt_b = (long long)(b);                                    \
        if (pt_a == pt_b) {                                                                        \
            pt_passed++;                                                                           \
        } else {                                                                                   \
            pt_failed++;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__,  \
                    #a, #b, pt_a, pt_b);                                                           \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *pt_a = (a), *pt_b = (b);                                                       \
        if (pt_a && pt_b && strcmp(pt_a, pt_b) == 0) {                                             \
            pt_passed++;                                                                           \
        } else {                                                                                   \
            pt_failed++;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s == %s (\"%s\" != \"%s\")\n", __FILE__,        \
                    __LINE__, #a, #b, pt_a ? pt_a : "(null)", pt_b ? pt_b : "(null)");             \
        }                                                                                          \
    } while (0)

/* Byte-exact comparison of n bytes. */
#define CHECK_BYTES(got, gotlen, want, wantlen)                                                    \
    do {                                                                                           \
        size_t pt_gl = (gotlen), pt_wl = (wantlen);                                                \
        if (pt_gl == pt_wl && memcmp((got), (want), pt_wl) == 0) {                                 \
            pt_passed++;                                                                           \
        } else {                                                                                   \
            pt_failed++;                                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: bytes of %s (%zu) != %s (%zu)\n", __FILE__,      \
                    __LINE__, #got, pt_gl, #want, pt_wl);                                          \
            pt_dump("got ", (const void *)(got), pt_gl);                                           \
            pt_dump("want", (const void *)(want), pt_wl);                                          \
        }                                                                                          \
    } while (0)

static inline void pt_dump(const char *label, const void *p, size_t n)
{
    const unsigned char *u = p;
    fprintf(stderr, "  %s:", label);
    for (size_t i = 0; i < n && i < 128; i++)
        if (u[i] > 32 && u[i] < 127)
            fprintf(stderr, "  %c", u[i]);
        else
            fprintf(stderr, " %02x", u[i]);
    fprintf(stderr, "\n");
}

/* Runs a test function unless PT_ONLY is set and not a substring of its name
 * (PT_ONLY=half_close ./test_proto_framing). */
#define PT_RUN(fn)                                                                                 \
    do {                                                                                           \
        const char *pt_only = getenv("PT_ONLY");                                                   \
        if (!pt_only || strstr(#fn, pt_only)) fn();                                                \
    } while (0)

static inline int pt_finish(void)
{
    printf("%d passed, %d failed\n", pt_passed, pt_failed);
    return pt_failed != 0 || pt_passed == 0;
}

#endif
