/* adp_value_io: text input and output dispatch, plus bool, text and varchar. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "adp_value_priv.h"

void adp_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n > 0 && isspace((unsigned char)p[0]))
        p++, n--;
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    *s = p;
    *len = n;
}

const char *adp_quote_input(char *buf, size_t cap, const char *s, size_t len)
{
    /* Messages hold at most ~500 bytes; a longer input is cut, never overflowing. */
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    return buf;
}

static bool bool_in(const char *str, size_t len, bool *out, pgw_error *err)
{
    const char *s = str;
    size_t n = len;
    adp_trim(&s, &n);
    bool ok = false;
    if (n > 0) {
        switch (s[0]) {
        case 't':
        case 'T':
            ok = n <= 4 && strncasecmp(s, "true", n) == 0, *out = true;
            break;
        case 'f':
        case 'F':
            ok = n <= 5 && strncasecmp(s, "false", n) == 0, *out = false;
            break;
        case 'y':
        case 'Y':
            ok = n <= 3 && strncasecmp(s, "yes", n) == 0, *out = true;
            break;
        case 'n':
        case 'N':
            ok = n <= 2 && strncasecmp(s, "no", n) == 0, *out = false;
            break;
        case 'o':
        case 'O':
            /* "o" alone is ambiguous between on and off */
            if (n >= 2 && n <= 2 && strncasecmp(s, "on", n) == 0)
                ok = true, *out = true;
            else if (n >= 2 && n <= 3 && strncasecmp(s, "off", n) == 0)
                ok = true, *out = false;
            break;
        case '1':
            ok = n == 1, *out = true;
            break;
        case '0':
            ok = n == 1, *out = false;
            break;
        default:
            break;
        }
    }
    if (!ok) {
        char q[400];
        return pgw_errorf(err, "22P02", "invalid input syntax for type boolean: \"%s\"",
                          adp_quote_input(q, sizeof q, str, len));
    }
    return true;
}

/* Characters in valid UTF-8: bytes that do not continue a sequence. */
static size_t utf8_chars(const char *s, size_t len, size_t limit_chars, size_t *byte_at_limit)
{
    size_t chars = 0;
    *byte_at_limit = len;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (chars == limit_chars) *byte_at_limit = i;
            chars++;
        }
    }
    return chars;
}

bool adp_varchar_apply(int32_t typmod, bool explicit_cast, adp_value *v, pgw_error *err)
{
    if (typmod < 4) return true;
    size_t maxc = (size_t)typmod - 4, cut;
    if (v->u.s.len <= maxc) return true;
    size_t nch = utf8_chars(v->u.s.p, v->u.s.len, maxc, &cut);
    if (nch <= maxc) return true;
    if (!explicit_cast) {
        for (size_t i = cut; i < v->u.s.len; i++)
            if (v->u.s.p[i] != ' ')
                return pgw_errorf(err, "22001", "value too long for type character varying(%d)",
                                  (int)maxc);
    }
    v->u.s.len = (uint32_t)cut;
    return true;
}

bool adp_value_in(adp_type t, const char *str, size_t len, const adp_fmt *fmt, adp_arena *a,
                  adp_value *out, pgw_error *err)
{
    out->isnull = false;
    switch (t.id) {
    case ADP_T_BOOL:
        return bool_in(str, len, &out->u.b, err);
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
        return adp_int_in(t.id, str, len, &out->u.i, err);
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8:
        return adp_float_in(t.id, str, len, &out->u.f, err);
    case ADP_T_NUMERIC:
        return adp_num_in(t, str, len, a, out, err);
    case ADP_T_UNKNOWN:
    case ADP_T_TEXT:
    case ADP_T_VARCHAR:
        out->u.s.p = adp_arena_strndup(a, str, len);
        out->u.s.len = (uint32_t)len;
        return t.id != ADP_T_VARCHAR || adp_varchar_apply(t.typmod, false, out, err);
    case ADP_T_BYTEA:
        return adp_bytea_in(str, len, a, out, err);
    case ADP_T_DATE:
        return adp_date_in(str, len, fmt, &out->u.i, err);
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        if (!adp_timestamp_in(t.id, str, len, fmt, &out->u.i, err)) return false;
        return t.typmod < 0 ||
               adp_value_cast(out, (adp_type){t.id, -1}, t, false, fmt, a, out, err);
    default:
        return pgw_errorf(err, "XX000", "unsupported type id %d", (int)t.id);
    }
}

/* Formats fixed-size types into `buf` (>= 64 bytes); returns the length, or -1 for types
 * whose text lives in the value (strings, numeric, bytea). */
static int scalar_fmt(char *buf, adp_type t, const adp_value *v, const adp_fmt *fmt)
{
    switch (t.id) {
    case ADP_T_BOOL:
        buf[0] = v->u.b ? 't' : 'f';
        return 1;
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
        return adp_int_fmt(buf, v->u.i);
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8:
        return adp_float_fmt(buf, t.id, v->u.f, fmt ? fmt->extra_float_digits : 1);
    case ADP_T_DATE:
        return adp_date_fmt(buf, v->u.i);
    case ADP_T_TIMESTAMP:
        return adp_timestamp_fmt(buf, v->u.i, false, 0);
    case ADP_T_TIMESTAMPTZ:
        return adp_timestamp_fmt(buf, v->u.i, true,
                                 (int32_t)(adp_fmt_off_utc(fmt, v->u.i) / 1000000));
    default:
        return -1;
    }
}

void adp_value_out(pgw_buf *b, adp_type t, const adp_value *v, const adp_fmt *fmt)
{
    char buf[64];
    int n = scalar_fmt(buf, t, v, fmt);
    if (n >= 0) {
        pgw_buf_put(b, buf, (size_t)n);
        return;
    }
    if (t.id == ADP_T_BYTEA)
        adp_bytea_out(b, v);
    else
        pgw_buf_put(b, v->u.s.p, v->u.s.len);
}

char *adp_value_out_cstr(adp_arena *a, adp_type t, const adp_value *v, const adp_fmt *fmt)
{
    char buf[64];
    int n = scalar_fmt(buf, t, v, fmt);
    if (n >= 0) return adp_arena_strndup(a, buf, (size_t)n);
    if (t.id != ADP_T_BYTEA) return adp_arena_strndup(a, v->u.s.p, v->u.s.len);
    static const char hex[] = "0123456789abcdef";
    char *r = adp_arena_alloc(a, 2 * (size_t)v->u.s.len + 3), *w = r;
    *w++ = '\\';
    *w++ = 'x';
    for (uint32_t i = 0; i < v->u.s.len; i++) {
        unsigned char c = (unsigned char)v->u.s.p[i];
        *w++ = hex[c >> 4];
        *w++ = hex[c & 15];
    }
    *w = 0;
    return r;
}
