/* adp_bytea: bytea input (hex and escape formats) and hex output. */
#include <string.h>

#include "adp_value_priv.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Length of the UTF-8 character at s (1 for invalid lead bytes), for error messages. */
static size_t mblen_at(const char *s, size_t left)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 1;
    return n > left ? left : n;
}

static bool hex_in(const char *s, size_t len, adp_arena *a, adp_value *out, pgw_error *err)
{
    unsigned char *r = adp_arena_alloc(a, len / 2 + 1);
    size_t o = 0, i = 0;
    while (i < len) {
        char c = s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        int hi = hexval(c);
        if (hi < 0)
            return pgw_errorf(err, "22023", "invalid hexadecimal digit: \"%.*s\"",
                              (int)mblen_at(s + i, len - i), s + i);
        if (i + 1 >= len)
            return pgw_errorf(err, "22023", "invalid hexadecimal data: odd number of digits");
        int lo = hexval(s[i + 1]);
        if (lo < 0)
            return pgw_errorf(err, "22023", "invalid hexadecimal digit: \"%.*s\"",
                              (int)mblen_at(s + i + 1, len - i - 1), s + i + 1);
        r[o++] = (unsigned char)(hi << 4 | lo);
        i += 2;
    }
    out->u.s.p = (const char *)r;
    out->u.s.len = (uint32_t)o;
    return true;
}

static bool is_oct(char c, char max)
{
    return c >= '0' && c <= max;
}

bool adp_bytea_in(const char *s, size_t len, adp_arena *a, adp_value *out, pgw_error *err)
{
    out->isnull = false;
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') return hex_in(s + 2, len - 2, a, out, err);
    char *r = adp_arena_alloc(a, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '\\') {
            r[o++] = s[i++];
        } else if (i + 1 < len && s[i + 1] == '\\') {
            r[o++] = '\\';
            i += 2;
        } else if (i + 3 < len && is_oct(s[i + 1], '3') && is_oct(s[i + 2], '7') &&
                   is_oct(s[i + 3], '7')) {
            r[o++] = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
            i += 4;
        } else {
            return pgw_errorf(err, "22P02", "invalid input syntax for type bytea");
        }
    }
    out->u.s.p = r;
    out->u.s.len = (uint32_t)o;
    return true;
}

void adp_bytea_out(pgw_buf *b, const adp_value *v)
{
    static const char hex[] = "0123456789abcdef";
    if (!pgw_buf_reserve(b, 2 + 2 * (size_t)v->u.s.len)) return;
    char *w = b->data + b->len;
    *w++ = '\\';
    *w++ = 'x';
    for (uint32_t i = 0; i < v->u.s.len; i++) {
        unsigned char c = (unsigned char)v->u.s.p[i];
        *w++ = hex[c >> 4];
        *w++ = hex[c & 15];
    }
    b->len += 2 + 2 * (size_t)v->u.s.len;
}
