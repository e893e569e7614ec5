/* adp_int: int2/int4/int8 parsing, printing and checked arithmetic. */
#include <ctype.h>
#include <string.h>

#include "adp_value_priv.h"

static const char *int_sqlname(adp_type_id t)
{
    return t == ADP_T_INT2 ? "smallint" : t == ADP_T_INT4 ? "integer" : "bigint";
}

const char *adp_int_range_msg(adp_type_id t)
{
    return t == ADP_T_INT2   ? "smallint out of range"
           : t == ADP_T_INT4 ? "integer out of range"
                             : "bigint out of range";
}

static void int_bounds(adp_type_id t, int64_t *lo, int64_t *hi)
{
    if (t == ADP_T_INT2)
        *lo = INT16_MIN, *hi = INT16_MAX;
    else if (t == ADP_T_INT4)
        *lo = INT32_MIN, *hi = INT32_MAX;
    else
        *lo = INT64_MIN, *hi = INT64_MAX;
}

bool adp_int_check(adp_type_id t, int64_t v, pgw_error *err)
{
    int64_t lo, hi;
    int_bounds(t, &lo, &hi);
    if (v < lo || v > hi) return pgw_errorf(err, "22003", "%s", adp_int_range_msg(t));
    return true;
}

bool adp_int_in(adp_type_id t, const char *s, size_t len, int64_t *out, pgw_error *err)
{
    size_t i = 0;
    bool neg = false, overflow = false;
    int64_t lo, hi;
    int_bounds(t, &lo, &hi);
    /* magnitude limit: |lo|, which a positive value may reach only to be rejected later,
     * the order in which PostgreSQL reports trailing garbage and overflow */
    uint64_t acc = 0, lim = (uint64_t)hi + 1;
    char q[400];
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    size_t digits_at = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        unsigned d = (unsigned)(s[i++] - '0');
        if (acc > (lim - d) / 10) {
            overflow = true;
            break;
        }
        acc = acc * 10 + d;
    }
    if (!overflow) {
        size_t digits_end = i;
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (digits_end == digits_at || i != len)
            return pgw_errorf(err, "22P02", "invalid input syntax for type %s: \"%s\"",
                              int_sqlname(t), adp_quote_input(q, sizeof q, s, len));
        overflow = !neg && acc == lim;
    }
    if (overflow)
        return pgw_errorf(err, "22003", "value \"%s\" is out of range for type %s",
                          adp_quote_input(q, sizeof q, s, len), int_sqlname(t));
    *out = neg ? (acc == lim ? lo : -(int64_t)acc) : (int64_t)acc;
    return true;
}

int adp_int_fmt(char *buf, int64_t v)
{
    char tmp[24];
    int n = 0, o = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[o++] = '-';
    while (n)
        buf[o++] = tmp[--n];
    buf[o] = 0;
    return o;
}

bool adp_int_arith(char op, adp_type_id t, int64_t a, int64_t b, int64_t *out, pgw_error *err)
{
    int64_t r;
    switch (op) {
    case '+':
        if (__builtin_add_overflow(a, b, &r))
            return pgw_errorf(err, "22003", "%s", adp_int_range_msg(t));
        break;
    case '-':
        if (__builtin_sub_overflow(a, b, &r))
            return pgw_errorf(err, "22003", "%s", adp_int_range_msg(t));
        break;
    case '*':
        if (__builtin_mul_overflow(a, b, &r))
            return pgw_errorf(err, "22003", "%s", adp_int_range_msg(t));
        break;
    case '/':
        if (b == 0) return pgw_errorf(err, "22012", "division by zero");
        if (b == -1) {
            if (__builtin_sub_overflow((int64_t)0, a, &r))
                return pgw_errorf(err, "22003", "%s", adp_int_range_msg(t));
        } else {
            r = a / b;
        }
        break;
    case '%':
        if (b == 0) return pgw_errorf(err, "22012", "division by zero");
        /* INT_MIN % -1 is 0 in PostgreSQL; C leaves it undefined. */
        r = b == -1 ? 0 : a % b;
        break;
    default:
        return pgw_errorf(err, "42883", "operator does not exist: %s %c %s", int_sqlname(t), op,
                          int_sqlname(t));
    }
    if (!adp_int_check(t, r, err)) return false;
    *out = r;
    return true;
}
