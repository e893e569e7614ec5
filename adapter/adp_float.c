/* adp_float: float4/float8 input, PostgreSQL 15's shortest-exact output, arithmetic. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value_priv.h"

static const char *float_sqlname(adp_type_id t)
{
    return t == ADP_T_FLOAT4 ? "real" : "double precision";
}

bool adp_float_in(adp_type_id t, const char *s, size_t len, double *out, pgw_error *err)
{
    char q[400], stack[128];
    char *num = len < sizeof stack ? stack : malloc(len + 1);
    if (!num) return pgw_errorf(err, "53200", "out of memory");
    memcpy(num, s, len);
    num[len] = 0;
    const char *p = num;
    while (isspace((unsigned char)*p))
        p++;
    bool ok = *p != 0;
    char *end = (char *)p;
    double v = 0;
    if (ok) {
        errno = 0;
        if (t == ADP_T_FLOAT4)
            v = strtof(p, &end);
        else
            v = strtod(p, &end);
        if (end == p) {
            ok = false;
        } else if (errno == ERANGE && (v == 0.0 || v >= HUGE_VAL || v <= -HUGE_VAL || isinf(v))) {
            /* glibc reports ERANGE for subnormals too, which PostgreSQL accepts */
            /* real quotes the whole input, double precision the number it read */
            if (t == ADP_T_FLOAT4)
                pgw_errorf(err, "22003", "\"%s\" is out of range for type real",
                           adp_quote_input(q, sizeof q, s, len));
            else
                pgw_errorf(err, "22003", "\"%.*s\" is out of range for type double precision",
                           (int)(end - p), p);
            if (num != stack) free(num);
            return false;
        }
        while (isspace((unsigned char)*end))
            end++;
        if (*end != 0) ok = false;
    }
    if (num != stack) free(num);
    if (!ok)
        return pgw_errorf(err, "22P02", "invalid input syntax for type %s: \"%s\"",
                          float_sqlname(t), adp_quote_input(q, sizeof q, s, len));
    *out = v;
    return true;
}

int adp_float_fmt(char *buf, adp_type_id t, double v, int extra_float_digits)
{
    bool f4 = t == ADP_T_FLOAT4;
    if (isnan(v)) return (int)(strcpy(buf, "NaN"), 3);
    if (isinf(v))
        return v > 0 ? (int)(strcpy(buf, "Infinity"), 8) : (int)(strcpy(buf, "-Infinity"), 9);
    if (extra_float_digits <= 0) {
        int nd = (f4 ? FLT_DIG : DBL_DIG) + extra_float_digits;
        if (nd < 1) nd = 1;
        return snprintf(buf, 32, "%.*g", nd, v);
    }
    int o = 0;
    if (signbit(v)) {
        buf[o++] = '-';
        v = -v;
    }
    if (v == 0) {
        buf[o++] = '0';
        buf[o] = 0;
        return o;
    }
    char d[24];
    int e = 0;
    int n = adp_float_shortest(v, f4, d, &e);
    int hi = f4 ? 6 : 15;
    if (e >= -4 && e < hi) {
        if (e < 0) {
            buf[o++] = '0';
            buf[o++] = '.';
            for (int i = 0; i < -e - 1; i++)
                buf[o++] = '0';
            memcpy(buf + o, d, (size_t)n);
            o += n;
        } else if (n <= e + 1) {
            memcpy(buf + o, d, (size_t)n);
            o += n;
            for (int i = n; i < e + 1; i++)
                buf[o++] = '0';
        } else {
            memcpy(buf + o, d, (size_t)e + 1);
            o += e + 1;
            buf[o++] = '.';
            memcpy(buf + o, d + e + 1, (size_t)(n - e - 1));
            o += n - e - 1;
        }
        buf[o] = 0;
        return o;
    }
    buf[o++] = d[0];
    if (n > 1) {
        buf[o++] = '.';
        memcpy(buf + o, d + 1, (size_t)n - 1);
        o += n - 1;
    }
    o += snprintf(buf + o, 16, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    return o;
}

static bool overflow(pgw_error *err)
{
    return pgw_errorf(err, "22003", "value out of range: overflow");
}
static bool underflow(pgw_error *err)
{
    return pgw_errorf(err, "22003", "value out of range: underflow");
}

bool adp_float_arith(char op, adp_type_id t, double a, double b, double *out, pgw_error *err)
{
    bool f4 = t == ADP_T_FLOAT4;
    double r;
    switch (op) {
    case '+':
        r = f4 ? (double)((float)a + (float)b) : a + b;
        if (isinf(r) && !isinf(a) && !isinf(b)) return overflow(err);
        break;
    case '-':
        r = f4 ? (double)((float)a - (float)b) : a - b;
        if (isinf(r) && !isinf(a) && !isinf(b)) return overflow(err);
        break;
    case '*':
        r = f4 ? (double)((float)a * (float)b) : a * b;
        if (isinf(r) && !isinf(a) && !isinf(b)) return overflow(err);
        if (r == 0 && a != 0 && b != 0) return underflow(err);
        break;
    case '/':
        if (b == 0 && !isnan(a)) return pgw_errorf(err, "22012", "division by zero");
        r = f4 ? (double)((float)a / (float)b) : a / b;
        if (isinf(r) && !isinf(a)) return overflow(err);
        if (r == 0 && a != 0 && !isinf(b)) return underflow(err);
        break;
    default:
        return pgw_errorf(err, "42883", "operator does not exist: %s %c %s", float_sqlname(t), op,
                          float_sqlname(t));
    }
    *out = r;
    return true;
}

bool adp_float_to_int(adp_type_id to, double v, int64_t *out, pgw_error *err)
{
    double r = rint(v);
    double lo = to == ADP_T_INT2   ? -32768.0
                : to == ADP_T_INT4 ? -2147483648.0
                                   : -9223372036854775808.0;
    /* the upper bound is exclusive: -lo is exactly representable, lo - 1 may not be */
    if (isnan(r) || r < lo || r >= -lo)
        return pgw_errorf(err, "22003", "%s", adp_int_range_msg(to));
    *out = (int64_t)r;
    return true;
}

bool adp_float8_to_float4(double v, double *out, pgw_error *err)
{
    float f = (float)v;
    if (isinf(f) && !isinf(v)) return overflow(err);
    if (f == 0.0f && v != 0.0) return underflow(err);
    *out = (double)f;
    return true;
}
