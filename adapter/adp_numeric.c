/* adp_numeric: arbitrary-precision numeric on GMP (a scaled mpz), with PostgreSQL's
 * input syntax, display scales, typmod rounding and special values. */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "adp_value_priv.h"

#define NUM_MAX_DISPLAY_SCALE 1000
#define NUM_MIN_SIG_DIGITS 16

void adp_num_init(adp_num *n)
{
    n->kind = ADP_NUM_FINITE;
    n->dscale = 0;
    mpz_init(n->v);
}

void adp_num_clear(adp_num *n)
{
    mpz_clear(n->v);
}

static bool bad_syntax(const char *s, size_t len, pgw_error *err)
{
    char q[400];
    return pgw_errorf(err, "22P02", "invalid input syntax for type numeric: \"%s\"",
                      adp_quote_input(q, sizeof q, s, len));
}

/* PostgreSQL's storage limits: 131072 digits before the point, 16383 after. */
bool adp_num_check_format(const adp_num *n, pgw_error *err)
{
    if (n->kind != ADP_NUM_FINITE) return true;
    bool over = n->dscale > 16383;
    if (!over && mpz_sgn(n->v) != 0 && (long)mpz_sizeinbase(n->v, 10) - n->dscale > 131072) {
        mpz_t lim;
        mpz_init(lim);
        mpz_ui_pow_ui(lim, 10, (unsigned long)(131072 + n->dscale));
        over = mpz_cmpabs(n->v, lim) >= 0;
        mpz_clear(lim);
    }
    if (over) return pgw_errorf(err, "22003", "value overflows numeric format");
    return true;
}

static void mul_pow10(mpz_t v, unsigned long k)
{
    if (k == 0) return;
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, k);
    mpz_mul(v, v, p);
    mpz_clear(p);
}

bool adp_num_parse(const char *str, size_t len, adp_num *n, pgw_error *err)
{
    const char *s = str;
    size_t l = len;
    adp_trim(&s, &l);
    n->dscale = 0;
    mpz_set_ui(n->v, 0);
    n->kind = ADP_NUM_FINITE;
    if (l == 3 && strncasecmp(s, "nan", 3) == 0) return n->kind = ADP_NUM_NAN, true;
    {
        const char *w = s;
        size_t wl = l;
        int sign = 1;
        if (wl > 0 && (*w == '+' || *w == '-')) sign = *w == '-' ? -1 : 1, w++, wl--;
        if ((wl == 8 && strncasecmp(w, "infinity", 8) == 0) ||
            (wl == 3 && strncasecmp(w, "inf", 3) == 0))
            return n->kind = sign > 0 ? ADP_NUM_PINF : ADP_NUM_NINF, true;
    }
    size_t i = 0;
    bool neg = false;
    if (i < l && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    char stack[128];
    char *digits = l < sizeof stack ? stack : malloc(l + 1);
    if (!digits) return pgw_errorf(err, "53200", "out of memory");
    size_t nd = 0;
    int frac = 0;
    bool seen_point = false;
    for (; i < l; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits[nd++] = s[i];
            if (seen_point) frac++;
        } else if (s[i] == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    long exp10 = 0;
    bool ok = nd > 0;
    if (ok && i < l && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        /* the exponent is read by strtol, which skips leading white space */
        while (i < l && isspace((unsigned char)s[i]))
            i++;
        if (i < l && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        size_t e0 = i;
        while (i < l && s[i] >= '0' && s[i] <= '9') {
            if (exp10 < 10000000) exp10 = exp10 * 10 + (s[i] - '0');
            i++;
        }
        if (i == e0) ok = false;
        if (eneg) exp10 = -exp10;
    }
    if (i != l) ok = false;
    if (ok) {
        digits[nd] = 0;
        mpz_set_str(n->v, digits, 10);
        if (neg) mpz_neg(n->v, n->v);
        long ds = frac - exp10;
        if (ds < 0 && mpz_sgn(n->v) == 0) ds = 0; /* zero stays zero at any exponent */
        if (ds > 16383 || ds < -131073) {
            if (digits != stack) free(digits);
            return pgw_errorf(err, "22003", "value overflows numeric format");
        }
        if (ds < 0) {
            mul_pow10(n->v, (unsigned long)-ds);
            ds = 0;
        }
        n->dscale = (int)ds;
    }
    if (digits != stack) free(digits);
    if (!ok) return bad_syntax(str, len, err);
    return adp_num_check_format(n, err);
}

void adp_num_load(adp_num *n, const adp_value *v)
{
    pgw_error e;
    if (!adp_num_parse(v->u.s.p, v->u.s.len, n, &e)) {
        n->kind = ADP_NUM_NAN; /* not reached for our own canonical text */
    }
}

void adp_num_store(const adp_num *n, adp_arena *a, adp_value *out)
{
    out->isnull = false;
    const char *sp = n->kind == ADP_NUM_NAN    ? "NaN"
                     : n->kind == ADP_NUM_PINF ? "Infinity"
                     : n->kind == ADP_NUM_NINF ? "-Infinity"
                                               : NULL;
    if (sp) {
        out->u.s.p = sp;
        out->u.s.len = (uint32_t)strlen(sp);
        return;
    }
    size_t nd = mpz_sizeinbase(n->v, 10);
    size_t cap = nd + (size_t)n->dscale + 4;
    char *digs = adp_arena_alloc(a, nd + 2);
    mpz_get_str(digs, 10, n->v);
    bool neg = digs[0] == '-';
    const char *d = neg ? digs + 1 : digs;
    size_t dl = strlen(d);
    char *r = adp_arena_alloc(a, cap + 2), *w = r;
    if (neg) *w++ = '-';
    size_t ds = (size_t)n->dscale;
    if (dl <= ds) {
        *w++ = '0';
        if (ds > 0) {
            *w++ = '.';
            for (size_t k = dl; k < ds; k++)
                *w++ = '0';
            memcpy(w, d, dl);
            w += dl;
        }
    } else {
        memcpy(w, d, dl - ds);
        w += dl - ds;
        if (ds > 0) {
            *w++ = '.';
            memcpy(w, d + dl - ds, ds);
            w += ds;
        }
    }
    *w = 0;
    out->u.s.p = r;
    out->u.s.len = (uint32_t)(w - r);
}

/* Rounds half away from zero to `scale` digits after the point (negative: to tens,
 * hundreds...); the display scale becomes max(scale, 0). */
void adp_num_round(adp_num *n, int scale)
{
    if (n->kind != ADP_NUM_FINITE) return;
    if (scale >= n->dscale) {
        mul_pow10(n->v, (unsigned long)(scale - n->dscale));
        n->dscale = scale;
        return;
    }
    mpz_t p, r;
    mpz_inits(p, r, NULL);
    mpz_ui_pow_ui(p, 10, (unsigned long)(n->dscale - scale));
    int sign = mpz_sgn(n->v);
    mpz_abs(n->v, n->v);
    mpz_tdiv_qr(n->v, r, n->v, p);
    mpz_mul_2exp(r, r, 1);
    if (mpz_cmp(r, p) >= 0) mpz_add_ui(n->v, n->v, 1);
    if (sign < 0) mpz_neg(n->v, n->v);
    mpz_clears(p, r, NULL);
    if (scale < 0) {
        mul_pow10(n->v, (unsigned long)-scale);
        scale = 0;
    }
    n->dscale = scale;
}

bool adp_num_apply_typmod(adp_num *n, int32_t typmod, pgw_error *err)
{
    if (typmod < 4 || n->kind == ADP_NUM_NAN) return true;
    int32_t tm = typmod - 4;
    int prec = (tm >> 16) & 0xffff;
    int scale = ((tm & 0x7ff) ^ 1024) - 1024;
    int maxdigits = prec - scale;
    if (n->kind != ADP_NUM_FINITE) {
        pgw_errorf(err, "22003", "numeric field overflow");
        pgw_error_detail(err, "A field with precision %d, scale %d cannot hold an infinite value.",
                         prec, scale);
        return false;
    }
    adp_num_round(n, scale);
    if (mpz_sgn(n->v) != 0) {
        /* integer digits = total digits - dscale; must not exceed maxdigits */
        mpz_t lim;
        mpz_init(lim);
        long e = (long)maxdigits + n->dscale;
        bool over;
        if (e < 0) {
            over = true;
        } else {
            mpz_ui_pow_ui(lim, 10, (unsigned long)e);
            over = mpz_cmpabs(n->v, lim) >= 0;
        }
        mpz_clear(lim);
        if (over) {
            pgw_errorf(err, "22003", "numeric field overflow");
            pgw_error_detail(err,
                             "A field with precision %d, scale %d must round to an absolute "
                             "value less than %s%d.",
                             prec, scale, maxdigits ? "10^" : "", maxdigits ? maxdigits : 1);
            return false;
        }
    }
    return true;
}

bool adp_num_in(adp_type t, const char *s, size_t len, adp_arena *a, adp_value *out, pgw_error *err)
{
    adp_num n;
    adp_num_init(&n);
    bool ok = adp_num_parse(s, len, &n, err) && adp_num_apply_typmod(&n, t.typmod, err);
    if (ok) adp_num_store(&n, a, out);
    adp_num_clear(&n);
    return ok;
}

void adp_num_from_int(int64_t i, adp_arena *a, adp_value *out)
{
    char buf[24];
    int n = adp_int_fmt(buf, i);
    out->isnull = false;
    out->u.s.p = adp_arena_strndup(a, buf, (size_t)n);
    out->u.s.len = (uint32_t)n;
}

bool adp_num_from_float(double f, bool is_float4, adp_arena *a, adp_value *out, pgw_error *err)
{
    char buf[64];
    if (isnan(f))
        strcpy(buf, "NaN");
    else if (isinf(f))
        strcpy(buf, f > 0 ? "Infinity" : "-Infinity");
    else
        snprintf(buf, sizeof buf, "%.*g", is_float4 ? FLT_DIG : DBL_DIG, f);
    adp_type t = {ADP_T_NUMERIC, -1};
    return adp_num_in(t, buf, strlen(buf), a, out, err);
}

bool adp_num_to_int(const adp_value *v, adp_type_id to, int64_t *out, pgw_error *err)
{
    adp_num n;
    adp_num_init(&n);
    adp_num_load(&n, v);
    bool ok = true;
    const char *tn = to == ADP_T_INT2 ? "smallint" : to == ADP_T_INT4 ? "integer" : "bigint";
    if (n.kind == ADP_NUM_NAN) {
        ok = pgw_errorf(err, "0A000", "cannot convert NaN to %s", tn);
    } else if (n.kind != ADP_NUM_FINITE) {
        ok = pgw_errorf(err, "0A000", "cannot convert infinity to %s", tn);
    } else {
        adp_num_round(&n, 0);
        if (!mpz_fits_slong_p(n.v))
            ok = pgw_errorf(err, "22003", "%s", adp_int_range_msg(to));
        else
            ok = adp_int_check(to, mpz_get_si(n.v), err);
        if (ok) *out = mpz_get_si(n.v);
    }
    adp_num_clear(&n);
    return ok;
}

bool adp_num_to_float(const adp_value *v, adp_type_id to, double *out, pgw_error *err)
{
    return adp_float_in(to, v->u.s.p, v->u.s.len, out, err);
}

/* Brings both to the same scale (the larger). */
static void align(adp_num *a, adp_num *b)
{
    if (a->dscale < b->dscale)
        adp_num_round(a, b->dscale);
    else if (b->dscale < a->dscale)
        adp_num_round(b, a->dscale);
}

/* Rank of a canonical text among the special values: NaN above +Infinity above numbers. */
static int text_rank(const char *p, uint32_t n)
{
    if (n == 3 && p[0] == 'N') return 2;
    if (n == 8 && p[0] == 'I') return 1;
    if (n == 9 && p[1] == 'I') return -1;
    return 0;
}

/* Compares magnitudes of canonical texts without sign: no leading zeros but a lone "0"
 * before the point, so longer integer parts are larger. */
static int cmp_magnitude(const char *a, uint32_t an, const char *b, uint32_t bn)
{
    const char *ad = memchr(a, '.', an), *bd = memchr(b, '.', bn);
    uint32_t ai = ad ? (uint32_t)(ad - a) : an, bi = bd ? (uint32_t)(bd - b) : bn;
    if (ai != bi) return ai < bi ? -1 : 1;
    int c = memcmp(a, b, ai);
    if (c) return c < 0 ? -1 : 1;
    uint32_t af = ad ? an - ai - 1 : 0, bf = bd ? bn - bi - 1 : 0;
    const char *fa = a + ai + 1, *fb = b + bi + 1;
    uint32_t m = af > bf ? af : bf;
    for (uint32_t i = 0; i < m; i++) {
        char x = i < af ? fa[i] : '0', y = i < bf ? fb[i] : '0';
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

int adp_num_cmp_values(const adp_value *a, const adp_value *b)
{
    const char *ap = a->u.s.p, *bp = b->u.s.p;
    uint32_t an = a->u.s.len, bn = b->u.s.len;
    int ra = text_rank(ap, an), rb = text_rank(bp, bn);
    if (ra || rb) return ra < rb ? -1 : ra > rb;
    /* canonical zero carries no sign, so the sign alone orders different signs */
    bool na = an > 0 && ap[0] == '-', nb = bn > 0 && bp[0] == '-';
    if (na != nb) return na ? -1 : 1;
    int c = na ? cmp_magnitude(bp + 1, bn - 1, ap + 1, an - 1) : cmp_magnitude(ap, an, bp, bn);
    return c;
}

uint64_t adp_num_hash(const adp_value *v)
{
    /* Equal values differ only in trailing fractional zeros: hash the text without them. */
    const char *p = v->u.s.p;
    size_t n = v->u.s.len;
    if (memchr(p, '.', n)) {
        while (n > 0 && p[n - 1] == '0')
            n--;
        if (n > 0 && p[n - 1] == '.') n--;
    }
    if (n == 2 && p[0] == '-' && p[1] == '0') n = 1, p++;
    return XXH3_64bits(p, n);
}

/* Weight and first digit in PostgreSQL's base-10000 representation, which its division
 * scale rule is stated in. */
static void base10000_lead(const adp_num *n, int *weight, int *first)
{
    if (mpz_sgn(n->v) == 0) {
        *weight = 0;
        *first = 0;
        return;
    }
    char *s = mpz_get_str(NULL, 10, n->v);
    const char *d = s[0] == '-' ? s + 1 : s;
    int nd = (int)strlen(d);
    int e = nd - 1 - n->dscale;
    int w = e >= 0 ? e / 4 : -((-e + 3) / 4);
    int take = nd - n->dscale - 4 * w;
    int f = 0;
    for (int i = 0; i < take; i++)
        f = f * 10 + (i < nd ? d[i] - '0' : 0);
    *weight = w;
    *first = f;
    void (*freefn)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &freefn);
    freefn(s, strlen(s) + 1);
}

static int select_div_scale(const adp_num *a, const adp_num *b)
{
    int w1, f1, w2, f2;
    base10000_lead(a, &w1, &f1);
    base10000_lead(b, &w2, &f2);
    int qweight = w1 - w2;
    if (f1 <= f2) qweight--;
    int rscale = NUM_MIN_SIG_DIGITS - qweight * 4;
    if (rscale < a->dscale) rscale = a->dscale;
    if (rscale < b->dscale) rscale = b->dscale;
    if (rscale < 0) rscale = 0;
    if (rscale > NUM_MAX_DISPLAY_SCALE) rscale = NUM_MAX_DISPLAY_SCALE;
    return rscale;
}

static void num_div(adp_num *r, const adp_num *a, const adp_num *b, int rscale)
{
    mpz_t num, den, rem;
    mpz_inits(num, den, rem, NULL);
    mpz_set(num, a->v);
    mpz_set(den, b->v);
    long k = (long)rscale + b->dscale - a->dscale;
    if (k >= 0)
        mul_pow10(num, (unsigned long)k);
    else
        mul_pow10(den, (unsigned long)-k);
    int sign = mpz_sgn(num) * mpz_sgn(den);
    mpz_abs(num, num);
    mpz_abs(den, den);
    mpz_tdiv_qr(r->v, rem, num, den);
    mpz_mul_2exp(rem, rem, 1);
    if (mpz_cmp(rem, den) >= 0) mpz_add_ui(r->v, r->v, 1);
    if (sign < 0) mpz_neg(r->v, r->v);
    r->dscale = rscale;
    r->kind = ADP_NUM_FINITE;
    mpz_clears(num, den, rem, NULL);
}

static int inf_sign(const adp_num *n)
{
    return n->kind == ADP_NUM_PINF ? 1 : n->kind == ADP_NUM_NINF ? -1 : 0;
}

static int num_sign(const adp_num *n)
{
    return n->kind == ADP_NUM_FINITE ? mpz_sgn(n->v) : inf_sign(n);
}

static void set_inf(adp_num *r, int sign)
{
    r->kind = sign > 0 ? ADP_NUM_PINF : ADP_NUM_NINF;
}

/* Special operands (NaN, infinities): sets r and returns true when the result is decided. */
static bool special_arith(char op, adp_num *a, adp_num *b, adp_num *r, pgw_error *err, bool *ok)
{
    *ok = true;
    if (a->kind == ADP_NUM_NAN || b->kind == ADP_NUM_NAN) {
        r->kind = ADP_NUM_NAN;
        return true;
    }
    int ia = inf_sign(a), ib = inf_sign(b);
    if ((op == '/' || op == '%') && num_sign(b) == 0 && !ib) {
        *ok = pgw_errorf(err, "22012", "division by zero");
        return true;
    }
    if (!ia && !ib) return false;
    switch (op) {
    case '+':
        if (ia && ib && ia != ib)
            r->kind = ADP_NUM_NAN;
        else
            set_inf(r, ia ? ia : ib);
        break;
    case '-':
        if (ia && ib && ia == ib)
            r->kind = ADP_NUM_NAN;
        else
            set_inf(r, ia ? ia : -ib);
        break;
    case '*': {
        int s = num_sign(a) * num_sign(b);
        if (s == 0)
            r->kind = ADP_NUM_NAN;
        else
            set_inf(r, s);
        break;
    }
    case '/':
        if (ia && ib)
            r->kind = ADP_NUM_NAN;
        else if (ia)
            set_inf(r, ia * num_sign(b));
        else
            r->kind = ADP_NUM_FINITE, mpz_set_ui(r->v, 0), r->dscale = 0;
        break;
    case '%':
        if (ia)
            r->kind = ADP_NUM_NAN;
        else
            r->kind = a->kind, mpz_set(r->v, a->v), r->dscale = a->dscale;
        break;
    }
    return true;
}

static bool num_arith(char op, adp_num *a, adp_num *b, adp_num *r, pgw_error *err)
{
    bool ok;
    if (special_arith(op, a, b, r, err, &ok)) return ok;
    r->kind = ADP_NUM_FINITE;
    switch (op) {
    case '+':
    case '-':
        align(a, b);
        if (op == '+')
            mpz_add(r->v, a->v, b->v);
        else
            mpz_sub(r->v, a->v, b->v);
        r->dscale = a->dscale;
        return true;
    case '*':
        mpz_mul(r->v, a->v, b->v);
        r->dscale = a->dscale + b->dscale;
        if (r->dscale > 16383) adp_num_round(r, 16383);
        return true;
    case '/':
        num_div(r, a, b, select_div_scale(a, b));
        return true;
    case '%':
        align(a, b);
        mpz_tdiv_r(r->v, a->v, b->v);
        r->dscale = a->dscale;
        return true;
    default:
        return pgw_errorf(err, "42883", "operator does not exist: numeric %c numeric", op);
    }
}

bool adp_num_arith(char op, const adp_value *av, const adp_value *bv, adp_arena *ar, adp_value *out,
                   pgw_error *err)
{
    adp_num a, b, r;
    adp_num_init(&a);
    adp_num_init(&b);
    adp_num_init(&r);
    adp_num_load(&a, av);
    adp_num_load(&b, bv);
    bool ok = num_arith(op, &a, &b, &r, err) && adp_num_check_format(&r, err);
    if (ok) adp_num_store(&r, ar, out);
    adp_num_clear(&a);
    adp_num_clear(&b);
    adp_num_clear(&r);
    return ok;
}

bool adp_numeric_add(const adp_value *a, const adp_value *b, adp_arena *ar, adp_value *out,
                     pgw_error *err)
{
    return adp_num_arith('+', a, b, ar, out, err);
}

bool adp_numeric_div_int(const adp_value *sum, int64_t count, adp_arena *ar, adp_value *out,
                         pgw_error *err)
{
    adp_value c;
    adp_num_from_int(count, ar, &c);
    return adp_num_arith('/', sum, &c, ar, out, err);
}
