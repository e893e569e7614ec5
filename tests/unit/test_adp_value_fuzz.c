/* Randomized robustness test for adp_value: random text into every input function, then
 * every cast, operator and output on what parses; whatever parses must print text that
 * reads back to an equal value with an equal hash. Deterministic seed; run under ASan and
 * UBSan it also guards against out-of-bounds reads and overflow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value.h"
#include "adp_value_ext.h"

static unsigned rng_state = 20241124u;

static unsigned rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) & 0xffffff;
}

int main(void)
{
    static const char *const alphabets[] = {
        "0123456789",
        "0123456789.-+eE ",
        "0123456789-/:. TZabcdefghijklmnopqrstuvwxyzJ+",
        "\\x0123456789abcdefABCDEF 78",
        "tfyesnoO01 rul",
        "NaNInfinity-+.0123456789e ",
    };
    adp_arena a;
    adp_arena_init(&a);
    adp_fmt fmts[2] = {
        {.extra_float_digits = 1, .tz_offset_secs = 19800, .datestyle_iso_mdy = true},
        {.extra_float_digits = 0, .tz_offset_secs = -28800, .datestyle_iso_mdy = true}};
    int passed = 0, failed = 0;
    long parsed = 0;
    for (int it = 0; it < 20000; it++) {
        char buf[64];
        int len = (int)(rnd() % 40);
        const char *al = alphabets[rnd() % 6];
        int al_n = (int)strlen(al);
        for (int i = 0; i < len; i++)
            buf[i] = rnd() % 10 == 0 ? (char)(rnd() % 255 + 1) : al[rnd() % (unsigned)al_n];
        buf[len] = 0;
        const adp_fmt *fmt = &fmts[it & 1];
        for (int t = 1; t < ADP_T_COUNT_; t++) {
            adp_type ty = {(adp_type_id)t, -1};
            if (t == ADP_T_NUMERIC && rnd() % 2)
                ty.typmod = (int32_t)((((rnd() % 20 + 1) << 16) | (rnd() % 10)) + 4);
            if (t == ADP_T_VARCHAR && rnd() % 2) ty.typmod = (int32_t)(rnd() % 10 + 5);
            adp_value v, o, v2;
            pgw_error err = {0}, e2 = {0};
            if (!adp_value_in(ty, buf, (size_t)len, fmt, &a, &v, &err)) {
                /* a rejected input always says why */
                if (err.sqlstate[0] == 0 || err.message[0] == 0) {
                    failed++;
                    printf("FAIL no error set: type %d [%s]\n", t, buf);
                }
                continue;
            }
            parsed++;
            char *s = adp_value_out_cstr(&a, ty, &v, fmt);
            adp_type plain = {ty.id, -1};
            /* extra_float_digits <= 0 rounds on purpose, as PostgreSQL does */
            bool lossy = (t == ADP_T_FLOAT4 || t == ADP_T_FLOAT8) && fmt->extra_float_digits <= 0;
            if (lossy) {
                passed++;
            } else if (!adp_value_in(plain, s, strlen(s), fmt, &a, &v2, &e2) ||
                       adp_value_cmp(ty.id, &v, &v2) != 0 ||
                       adp_value_hash(ty.id, &v) != adp_value_hash(ty.id, &v2)) {
                failed++;
                printf("FAIL round trip: type %d in [%s] out [%s] %s\n", t, buf, s, e2.message);
            } else {
                passed++;
            }
            /* binary form reads back to the same value */
            pgw_buf bin;
            pgw_buf_init(&bin);
            adp_value_send(&bin, ty, &v);
            adp_value v3;
            pgw_error e5 = {0};
            /* text input takes any bytes; binary text input checks the encoding */
            pgw_error e6 = {0};
            bool text_ok = !adp_type_is_string(ty.id) || adp_utf8_verify(v.u.s.p, v.u.s.len, &e6);
            if (text_ok && (!adp_value_recv(plain, bin.data, bin.len, &a, &v3, &e5) ||
                            adp_value_cmp(ty.id, &v, &v3) != 0)) {
                failed++;
                printf("FAIL binary round trip: type %d in [%s] %s\n", t, buf, e5.message);
            }
            pgw_buf_free(&bin);
            for (int t2 = 1; t2 < ADP_T_COUNT_; t2++) {
                adp_type to = {(adp_type_id)t2, -1};
                pgw_error e3 = {0};
                adp_value_cast(&v, ty, to, rnd() % 2, fmt, &a, &o, &e3);
            }
            adp_type_id rt;
            pgw_error e4 = {0};
            adp_value_arith("+-*/%"[rnd() % 5], ty.id, &v, &v, &a, &o, &rt, &e4);
            adp_value_neg(ty.id, &v, &a, &o, &e4);
        }
        adp_arena_reset(&a);
    }
    adp_arena_free(&a);
    printf("%ld inputs parsed\n", parsed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
