/* float4/float8 output: PostgreSQL 15's shortest digits (never a midpoint between two
 * floats: 1e23 prints as 9.999999999999999e+22) for boundary and random values, checked
 * against the table test_adp_value_float_gen.py took from PostgreSQL; then a round-trip
 * sweep: every printed value reads back as itself and no shorter decimal would. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value_priv.h"

typedef struct float_case {
    int f4;
    const char *hex;
    const char *expect;
} float_case;

#include "unit/test_adp_value_float_cases.inc"

static int passed, failed;

static void check(bool ok, const char *what, const char *detail)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    if (failed < 30) fprintf(stderr, "FAIL %s: %s\n", what, detail);
}

int main(void)
{
    char buf[64], detail[160];
    for (size_t i = 0; i < sizeof float_cases / sizeof float_cases[0]; i++) {
        const float_case *c = &float_cases[i];
        double v = strtod(c->hex, NULL);
        adp_float_fmt(buf, c->f4 ? ADP_T_FLOAT4 : ADP_T_FLOAT8, v, 1);
        snprintf(detail, sizeof detail, "got %s want %s", buf, c->expect);
        check(strcmp(buf, c->expect) == 0, c->hex, detail);
        /* the sign only adds or takes away a minus */
        adp_float_fmt(buf, c->f4 ? ADP_T_FLOAT4 : ADP_T_FLOAT8, -v, 1);
        bool neg = c->expect[0] == '-';
        check(neg ? strcmp(buf, c->expect + 1) == 0
                  : buf[0] == '-' && strcmp(buf + 1, c->expect) == 0,
              c->hex, "negated");
    }
    /* every output reads back exactly, and one digit fewer (rounded) does not, unless it
     * is a midpoint between two floats (long double holds those exactly) */
    unsigned long long x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        bool f4 = i & 1;
        if (f4) v = (double)(float)v;
        if (!isfinite(v) || v == 0) continue;
        adp_float_fmt(buf, f4 ? ADP_T_FLOAT4 : ADP_T_FLOAT8, v, 1);
        double back = f4 ? (double)strtof(buf, NULL) : strtod(buf, NULL);
        snprintf(detail, sizeof detail, "%a printed %s", v, buf);
        check(back == v, "round trip", detail);
        char d[24];
        int e, n = adp_float_shortest(fabs(v), f4, d, &e);
        if (n > 1) {
            char shorter[48];
            snprintf(shorter, sizeof shorter, "%.*e", n - 2, fabs(v));
            double a = fabs(v), b2 = f4 ? (double)strtof(shorter, NULL) : strtod(shorter, NULL);
            long double s = strtold(shorter, NULL);
            long double up = f4 ? ((long double)a + nextafterf((float)a, INFINITY)) / 2
                                : ((long double)a + nextafter(a, INFINITY)) / 2;
            long double down = f4 ? ((long double)a + nextafterf((float)a, 0)) / 2
                                  : ((long double)a + nextafter(a, 0)) / 2;
            check(b2 != a || s == up || s == down, "shortest", detail);
        }
    }
    /* extra_float_digits <= 0 keeps %g with fewer digits */
    adp_float_fmt(buf, ADP_T_FLOAT8, 0.1 + 0.2, 0);
    check(strcmp(buf, "0.3") == 0, "efd 0", buf);
    adp_float_fmt(buf, ADP_T_FLOAT8, 1e23, 1);
    check(strcmp(buf, "9.999999999999999e+22") == 0, "1e23", buf);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
