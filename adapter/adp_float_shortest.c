/* adp_float_shortest: the digits PostgreSQL 15's float4out/float8out print with
 * extra_float_digits > 0: the fewest significant digits of a decimal that lies strictly
 * between the value's rounding boundaries (the midpoints to its neighbours: PostgreSQL
 * builds Ryu with STRICTLY_SHORTEST 0, so a decimal exactly on a midpoint is never chosen,
 * even when round-half-even would read it back correctly: 1e23 prints as
 * 9.999999999999999e+22), and of those the one nearest the value (ties to even).
 *
 * Our method: scale the value and both boundaries to integers of about 18 digits with
 * exact arithmetic (128-bit integers where they suffice, GMP beyond), then drop decimal
 * digits while a multiple of the next power of ten still lies strictly inside. */
#include <float.h>
#include <gmp.h>
#include <math.h>
#include <string.h>

#include "adp_value_priv.h"

typedef unsigned __int128 u128;

static const uint64_t POW5[28] = {1ull,
                                  5ull,
                                  25ull,
                                  125ull,
                                  625ull,
                                  3125ull,
                                  15625ull,
                                  78125ull,
                                  390625ull,
                                  1953125ull,
                                  9765625ull,
                                  48828125ull,
                                  244140625ull,
                                  1220703125ull,
                                  6103515625ull,
                                  30517578125ull,
                                  152587890625ull,
                                  762939453125ull,
                                  3814697265625ull,
                                  19073486328125ull,
                                  95367431640625ull,
                                  476837158203125ull,
                                  2384185791015625ull,
                                  11920928955078125ull,
                                  59604644775390625ull,
                                  298023223876953125ull,
                                  1490116119384765625ull,
                                  7450580596923828125ull};

static int bit_length(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    if (hi) return 128 - __builtin_clzll(hi);
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* floor(x * 2^s / 5^q5) for q5 >= 0, or floor(x * 2^s * 5^-q5) for q5 < 0, with *exact
 * telling whether nothing was cut; false when 128 bits do not suffice. */
static bool floor_fast(uint64_t x, int s, int q5, uint64_t *out, bool *exact)
{
    u128 num = x;
    uint64_t den5 = 1;
    if (q5 < 0) {
        if (-q5 > 27) return false;
        num *= POW5[-q5];
    } else {
        if (q5 > 27) return false;
        den5 = POW5[q5];
    }
    bool ex = true;
    if (s >= 0) {
        if (s >= 128 || bit_length(num) + s > 127) return false;
        num <<= s;
    }
    if (den5 > 1) {
        ex = num % den5 == 0;
        num /= den5;
    }
    if (s < 0) {
        if (-s >= 128) return false;
        ex = ex && (num & (((u128)1 << -s) - 1)) == 0;
        num >>= -s;
    }
    if (num >> 64) return false;
    *out = (uint64_t)num;
    *exact = ex;
    return true;
}

/* The same with GMP, for the far exponents. */
static uint64_t floor_big(uint64_t x, int s, int q5, bool *exact)
{
    mpz_t num, den, r;
    mpz_inits(num, den, r, NULL);
    mpz_set_ui(num, x);
    mpz_set_ui(den, 1);
    if (q5 < 0) {
        mpz_ui_pow_ui(r, 5, (unsigned long)-q5);
        mpz_mul(num, num, r);
    } else {
        mpz_ui_pow_ui(den, 5, (unsigned long)q5);
    }
    if (s >= 0)
        mpz_mul_2exp(num, num, (mp_bitcnt_t)s);
    else
        mpz_mul_2exp(den, den, (mp_bitcnt_t)-s);
    mpz_fdiv_qr(num, r, num, den);
    *exact = mpz_sgn(r) == 0;
    uint64_t v = mpz_get_ui(num);
    mpz_clears(num, den, r, NULL);
    return v;
}

/* floor(x * 2^e2 / 10^q). */
static uint64_t scaled_floor(uint64_t x, int e2, int q, bool *exact)
{
    uint64_t v;
    if (floor_fast(x, e2 - q, q, &v, exact)) return v;
    return floor_big(x, e2 - q, q, exact);
}

int adp_float_shortest(double value, bool f4, char *digits, int *exp10)
{
    /* the value as m2 * 2^e2 (two extra bits so that the boundaries are integers too) */
    uint64_t m2, mant;
    int e2, bexp;
    if (f4) {
        float f = (float)value;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        mant = bits & ((1u << 23) - 1);
        bexp = (int)(bits >> 23) & 0xff;
        m2 = bexp ? mant | (1u << 23) : mant;
        e2 = (bexp ? bexp : 1) - 127 - 23 - 2;
    } else {
        uint64_t bits;
        memcpy(&bits, &value, sizeof bits);
        mant = bits & ((UINT64_C(1) << 52) - 1);
        bexp = (int)(bits >> 52) & 0x7ff;
        m2 = bexp ? mant | (UINT64_C(1) << 52) : mant;
        e2 = (bexp ? bexp : 1) - 1023 - 52 - 2;
    }
    /* at a power of two the neighbour below is nearer: the lower boundary is too */
    uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - (mant == 0 && bexp > 1 ? 1 : 2);

    /* about 18 digits for the value: enough room for several candidates at the start */
    int q = (int)floor(log10(fabs(value))) - 17;
    bool vr_exact, vp_exact, vm_exact;
    uint64_t vr = scaled_floor(mv, e2, q, &vr_exact);
    uint64_t vp = scaled_floor(mp, e2, q, &vp_exact);
    uint64_t vm = scaled_floor(mm, e2, q, &vm_exact);
    (void)vm_exact; /* floor(lower) + 1 is the first candidate above it either way */

    /* drop digits while some multiple of ten remains strictly between the boundaries */
    int removed = 0, last = 0;
    bool rest_zero = vr_exact;
    for (;;) {
        uint64_t p10 = vp / 10, m10 = vm / 10;
        bool p10_exact = vp_exact && vp % 10 == 0;
        if (p10 == 0 || p10 - (p10_exact ? 1 : 0) < m10 + 1) break;
        rest_zero = rest_zero && last == 0;
        last = (int)(vr % 10);
        vr /= 10;
        vp = p10;
        vp_exact = p10_exact;
        vm = m10;
        removed++;
    }
    /* nearest to the value, half to even, kept inside the boundaries */
    uint64_t out = vr;
    if (last > 5 || (last == 5 && (!rest_zero || (vr & 1)))) out++;
    uint64_t lo = vm + 1, hi = vp - (vp_exact ? 1 : 0);
    if (out < lo) out = lo;
    if (out > hi) out = hi;

    char tmp[24];
    int n = 0;
    for (uint64_t t = out; t; t /= 10)
        tmp[n++] = (char)('0' + t % 10);
    int e = q + removed + n - 1;
    while (n > 1 && tmp[0] == '0') { /* trailing zeros (cannot happen; kept safe) */
        memmove(tmp, tmp + 1, (size_t)--n);
    }
    for (int i = 0; i < n; i++)
        digits[i] = tmp[n - 1 - i];
    digits[n] = 0;
    *exp10 = e;
    return n;
}
