/* adp_arith: operators on values: arithmetic, negation, comparison and hashing. */
#include <math.h>
#include <string.h>
#include <xxhash.h>

#include "adp_value_ext.h"
#include "adp_value_priv.h"

static bool no_operator(char op, adp_type_id l, adp_type_id r, pgw_error *err)
{
    char ln[64], rn[64];
    pgw_errorf(err, "42883", "operator does not exist: %s %c %s",
               adp_type_name((adp_type){l, -1}, ln, sizeof ln), op,
               adp_type_name((adp_type){r, -1}, rn, sizeof rn));
    pgw_error_hint(err, "No operator matches the given name and argument types. You might need "
                        "to add explicit type casts.");
    return false;
}

static bool date_plus_days(int64_t d, int64_t days, int64_t *out, pgw_error *err)
{
    if (d == ADP_DATE_NOBEGIN || d == ADP_DATE_NOEND) {
        *out = d;
        return true;
    }
    int64_t r = d + days;
    /* PostgreSQL's valid date range: 4714-11-24 BC .. 5874897-12-31 */
    if (r < -2451545 || r >= 2147483494 - 2451545)
        return pgw_errorf(err, "22008", "date out of range");
    *out = r;
    return true;
}

bool adp_value_arith(char op, adp_type_id t, const adp_value *a, const adp_value *b, adp_arena *ar,
                     adp_value *out, adp_type_id *rt, pgw_error *err)
{
    out->isnull = false;
    *rt = t;
    switch (t) {
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
        return adp_int_arith(op, t, a->u.i, b->u.i, &out->u.i, err);
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8:
        if (op == '%') return no_operator(op, t, t, err);
        return adp_float_arith(op, t, a->u.f, b->u.f, &out->u.f, err);
    case ADP_T_NUMERIC:
        return adp_num_arith(op, a, b, ar, out, err);
    case ADP_T_DATE:
        /* Callers that pass only the left operand's type: date + n adds days; date - x
         * cannot tell a date from a day count, and both give the same number, except that
         * an infinite left side stays infinite (date - int4) and an infinite right side
         * is an error (date - date). */
        if (op == '+') {
            *rt = ADP_T_DATE;
            return date_plus_days(a->u.i, b->u.i, &out->u.i, err);
        }
        if (op == '-') {
            if (b->u.i == ADP_DATE_NOBEGIN || b->u.i == ADP_DATE_NOEND)
                return pgw_errorf(err, "22008", "cannot subtract infinite dates");
            if (a->u.i == ADP_DATE_NOBEGIN || a->u.i == ADP_DATE_NOEND) {
                out->u.i = a->u.i;
                return true;
            }
            out->u.i = a->u.i - b->u.i;
            return true;
        }
        return no_operator(op, t, t, err);
    default:
        return no_operator(op, t, t, err);
    }
}

bool adp_value_arith_mixed(char op, adp_type_id lt, adp_type_id rtype, const adp_value *a,
                           const adp_value *b, adp_arena *ar, adp_value *out, adp_type_id *rt,
                           pgw_error *err)
{
    bool lint = lt == ADP_T_INT2 || lt == ADP_T_INT4;
    bool rint = rtype == ADP_T_INT2 || rtype == ADP_T_INT4;
    out->isnull = false;
    if (lt == ADP_T_DATE && rtype == ADP_T_DATE && op == '-') {
        *rt = ADP_T_INT4;
        int64_t x = a->u.i, y = b->u.i;
        if (x == ADP_DATE_NOBEGIN || x == ADP_DATE_NOEND || y == ADP_DATE_NOBEGIN ||
            y == ADP_DATE_NOEND)
            return pgw_errorf(err, "22008", "cannot subtract infinite dates");
        out->u.i = x - y;
        return true;
    }
    if (lt == ADP_T_DATE && rint && (op == '+' || op == '-')) {
        *rt = ADP_T_DATE;
        return date_plus_days(a->u.i, op == '+' ? b->u.i : -b->u.i, &out->u.i, err);
    }
    if (lint && rtype == ADP_T_DATE && op == '+') {
        *rt = ADP_T_DATE;
        return date_plus_days(b->u.i, a->u.i, &out->u.i, err);
    }
    if (lt == rtype && lt != ADP_T_DATE) return adp_value_arith(op, lt, a, b, ar, out, rt, err);
    return no_operator(op, lt, rtype, err);
}

static bool num_is_zero(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != '0' && p[i] != '.' && p[i] != '-') return false;
    return true;
}

bool adp_value_neg(adp_type_id t, const adp_value *a, adp_arena *ar, adp_value *out, pgw_error *err)
{
    out->isnull = false;
    switch (t) {
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
        return adp_int_arith('-', t, 0, a->u.i, &out->u.i, err);
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8:
        out->u.f = -a->u.f;
        return true;
    case ADP_T_NUMERIC: {
        const char *p = a->u.s.p;
        uint32_t n = a->u.s.len;
        if (n == 3 && memcmp(p, "NaN", 3) == 0) {
            *out = *a;
        } else if (n > 0 && p[0] == '-') {
            out->u.s.p = p + 1;
            out->u.s.len = n - 1;
        } else if (num_is_zero(p, n)) {
            *out = *a;
        } else {
            char *r = adp_arena_alloc(ar, (size_t)n + 1);
            r[0] = '-';
            memcpy(r + 1, p, n);
            out->u.s.p = r;
            out->u.s.len = n + 1;
        }
        return true;
    }
    default: {
        char tn[64];
        pgw_errorf(err, "42883", "operator does not exist: - %s",
                   adp_type_name((adp_type){t, -1}, tn, sizeof tn));
        pgw_error_hint(err, "No operator matches the given name and argument type. You might need "
                            "to add an explicit type cast.");
        return false;
    }
    }
}

static int cmp_bytes(const adp_value *a, const adp_value *b)
{
    uint32_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
}

int adp_value_cmp(adp_type_id t, const adp_value *a, const adp_value *b)
{
    switch (t) {
    case ADP_T_BOOL:
        return (int)a->u.b - (int)b->u.b;
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
    case ADP_T_DATE:
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8: {
        double x = a->u.f, y = b->u.f;
        if (isnan(x)) return isnan(y) ? 0 : 1;
        if (isnan(y)) return -1;
        return x < y ? -1 : x > y;
    }
    case ADP_T_NUMERIC:
        return adp_num_cmp_values(a, b);
    default:
        return cmp_bytes(a, b);
    }
}

uint64_t adp_value_hash(adp_type_id t, const adp_value *v)
{
    switch (t) {
    case ADP_T_BOOL: {
        unsigned char c = v->u.b;
        return XXH3_64bits(&c, 1);
    }
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
    case ADP_T_DATE:
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        return XXH3_64bits(&v->u.i, sizeof v->u.i);
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8: {
        /* -0 equals 0 and every NaN equals every other: hash one representative each */
        double f = v->u.f;
        if (f == 0) f = 0;
        if (isnan(f)) f = NAN;
        return XXH3_64bits(&f, sizeof f);
    }
    case ADP_T_NUMERIC:
        return adp_num_hash(v);
    default:
        return XXH3_64bits(v->u.s.p, v->u.s.len);
    }
}
