/* adp_value_binary: PostgreSQL's binary wire format (the typsend/typreceive functions) for
 * every supported type, for Bind parameters and binary result columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value_ext.h"
#include "adp_value_priv.h"

#define NUM_POS 0x0000
#define NUM_NEG 0x4000
#define NUM_NAN 0xC000
#define NUM_PINF 0xD000
#define NUM_NINF 0xF000

static void put_u16(pgw_buf *b, uint16_t v)
{
    pgw_buf_put_i16(b, (int16_t)v);
}

static void put_i64(pgw_buf *b, int64_t v)
{
    pgw_buf_put_i32(b, (int32_t)((uint64_t)v >> 32));
    pgw_buf_put_i32(b, (int32_t)(uint32_t)v);
}

/* Numeric from canonical text: base-10000 digits without leading or trailing zero groups,
 * the weight of the first, sign and display scale. */
static void numeric_send(pgw_buf *b, const adp_value *v)
{
    const char *p = v->u.s.p;
    uint32_t n = v->u.s.len;
    if (n == 3 && memcmp(p, "NaN", 3) == 0) {
        put_u16(b, 0), put_u16(b, 0), put_u16(b, NUM_NAN), put_u16(b, 0);
        return;
    }
    if ((n == 8 && p[0] == 'I') || (n == 9 && p[1] == 'I')) {
        /* PostgreSQL sends 0x20 in the scale field of infinities (bits of its header) */
        put_u16(b, 0), put_u16(b, 0), put_u16(b, p[0] == 'I' ? NUM_PINF : NUM_NINF);
        put_u16(b, 0x20);
        return;
    }
    bool neg = n > 0 && p[0] == '-';
    if (neg) p++, n--;
    const char *dot = memchr(p, '.', n);
    uint32_t ni = dot ? (uint32_t)(dot - p) : n, nf = dot ? n - ni - 1 : 0;
    const char *fr = p + ni + 1;
    /* integer part left-padded and fraction right-padded to whole groups of four */
    uint32_t gi = (ni + 3) / 4, gf = (nf + 3) / 4, ng = gi + gf, lead = gi * 4 - ni;
    uint16_t stackd[64];
    uint16_t *d = ng <= 64 ? stackd : malloc(sizeof *d * ng);
    if (!d) {
        b->failed = true;
        return;
    }
    for (uint32_t g = 0; g < ng; g++) {
        int val = 0;
        for (uint32_t k = 0; k < 4; k++) {
            int64_t pos = (int64_t)g * 4 + k; /* position in the padded digit string */
            char c = '0';
            if (g < gi) {
                if (pos >= (int64_t)lead) c = p[pos - lead];
            } else {
                int64_t fpos = pos - (int64_t)gi * 4;
                if (fpos < (int64_t)nf) c = fr[fpos];
            }
            val = val * 10 + (c - '0');
        }
        d[g] = (uint16_t)val;
    }
    int weight = (int)gi - 1;
    uint32_t first = 0, last = ng;
    while (first < last && d[first] == 0)
        first++, weight--;
    while (last > first && d[last - 1] == 0)
        last--;
    if (first == last) weight = 0, neg = false;
    put_u16(b, (uint16_t)(last - first));
    pgw_buf_put_i16(b, (int16_t)weight);
    put_u16(b, neg ? NUM_NEG : NUM_POS);
    put_u16(b, (uint16_t)nf);
    for (uint32_t g = first; g < last; g++)
        put_u16(b, d[g]);
    if (d != stackd) free(d);
}

void adp_value_send(pgw_buf *b, adp_type t, const adp_value *v)
{
    switch (t.id) {
    case ADP_T_BOOL:
        pgw_buf_put_u8(b, v->u.b ? 1 : 0);
        break;
    case ADP_T_INT2:
        pgw_buf_put_i16(b, (int16_t)v->u.i);
        break;
    case ADP_T_INT4:
    case ADP_T_DATE:
        pgw_buf_put_i32(b, (int32_t)v->u.i);
        break;
    case ADP_T_INT8:
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        put_i64(b, v->u.i);
        break;
    case ADP_T_FLOAT4: {
        float f = (float)v->u.f;
        uint32_t u;
        memcpy(&u, &f, 4);
        pgw_buf_put_i32(b, (int32_t)u);
        break;
    }
    case ADP_T_FLOAT8: {
        int64_t u;
        memcpy(&u, &v->u.f, 8);
        put_i64(b, u);
        break;
    }
    case ADP_T_NUMERIC:
        numeric_send(b, v);
        break;
    default: /* text, varchar, unknown, bytea: the bytes themselves */
        pgw_buf_put(b, v->u.s.p, v->u.s.len);
        break;
    }
}

/* Binary input reader over one parameter's bytes. Stack data. */
typedef struct rd {
    const unsigned char *p;
    size_t len, pos;
    bool short_read;
} rd;

static uint64_t get(rd *r, int n)
{
    uint64_t v = 0;
    if (r->len - r->pos < (size_t)n) {
        r->short_read = true;
        r->pos = r->len;
        return 0;
    }
    for (int i = 0; i < n; i++)
        v = v << 8 | r->p[r->pos++];
    return v;
}

/* PostgreSQL's complaints: a value shorter than its type is a protocol violation, a longer
 * one an invalid binary representation. */
static bool finish(rd *r, pgw_error *err)
{
    if (r->short_read) return pgw_errorf(err, "08P01", "insufficient data left in message");
    if (r->pos != r->len) return pgw_errorf(err, "22P03", "incorrect binary data format");
    return true;
}

/* Length of the valid UTF-8 sequence at s, or 0 (with the bytes to report in *bad). */
static size_t utf8_seq(const unsigned char *s, size_t left, size_t *bad)
{
    unsigned char c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
    *bad = n ? (n < left ? n : left) : 1;
    if (c == 0 || n == 0 || n > left) return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    /* overlong forms, surrogates and code points past U+10FFFF */
    if (n == 2 && c < 0xC2) return 0;
    if (n == 3 && ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((c == 0xF0 && s[1] < 0x90) || c > 0xF4 || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

bool adp_utf8_verify(const char *s, size_t len, pgw_error *err)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (u[i] < 0x80 && u[i] != 0) {
            i++;
            continue;
        }
        size_t bad, n = utf8_seq(u + i, len - i, &bad);
        if (n == 0) {
            char hex[32] = "";
            size_t o = 0;
            for (size_t k = 0; k < bad; k++)
                o += (size_t)snprintf(hex + o, sizeof hex - o, "%s0x%02x", k ? " " : "", u[i + k]);
            return pgw_errorf(err, "22021", "invalid byte sequence for encoding \"UTF8\": %s", hex);
        }
        i += n;
    }
    return true;
}

static bool numeric_recv(rd *r, adp_type t, adp_arena *a, adp_value *out, pgw_error *err)
{
    uint16_t ndigits = (uint16_t)get(r, 2);
    int16_t weight = (int16_t)get(r, 2);
    uint16_t sign = (uint16_t)get(r, 2), dscale = (uint16_t)get(r, 2);
    if (r->short_read) return finish(r, err);
    if (sign != NUM_POS && sign != NUM_NEG && sign != NUM_NAN && sign != NUM_PINF &&
        sign != NUM_NINF)
        return pgw_errorf(err, "22P03", "invalid sign in external \"numeric\" value");
    if (dscale & ~0x3FFF)
        return pgw_errorf(err, "22P03", "invalid scale in external \"numeric\" value");
    adp_num n;
    adp_num_init(&n);
    for (uint16_t i = 0; i < ndigits; i++) {
        uint16_t d = (uint16_t)get(r, 2);
        if (d >= 10000) {
            adp_num_clear(&n);
            return pgw_errorf(err, "22P03", "invalid digit in external \"numeric\" value");
        }
        mpz_mul_ui(n.v, n.v, 10000);
        mpz_add_ui(n.v, n.v, d);
    }
    bool ok = finish(r, err);
    if (ok && (sign == NUM_NAN || sign == NUM_PINF || sign == NUM_NINF)) {
        n.kind = sign == NUM_NAN ? ADP_NUM_NAN : sign == NUM_PINF ? ADP_NUM_PINF : ADP_NUM_NINF;
    } else if (ok) {
        /* value = digits * 10000^(weight - ndigits + 1); digits past dscale are cut off */
        long e = 4L * ((long)weight - ndigits + 1);
        if (e >= 0) {
            mpz_t p;
            mpz_init(p);
            mpz_ui_pow_ui(p, 10, (unsigned long)e);
            mpz_mul(n.v, n.v, p);
            mpz_clear(p);
            n.dscale = 0;
        } else {
            n.dscale = (int)-e;
        }
        if (sign == NUM_NEG) mpz_neg(n.v, n.v);
        if (n.dscale > dscale) {
            mpz_t p;
            mpz_init(p);
            mpz_ui_pow_ui(p, 10, (unsigned long)(n.dscale - dscale));
            mpz_tdiv_q(n.v, n.v, p);
            mpz_clear(p);
            n.dscale = dscale;
        }
        adp_num_round(&n, dscale);
    }
    ok = ok && adp_num_apply_typmod(&n, t.typmod, err) && adp_num_check_format(&n, err);
    if (ok) adp_num_store(&n, a, out);
    adp_num_clear(&n);
    return ok;
}

bool adp_value_recv(adp_type t, const char *buf, size_t len, adp_arena *a, adp_value *out,
                    pgw_error *err)
{
    if (len == 0) buf = ""; /* an empty parameter may come without a buffer */
    rd r = {(const unsigned char *)buf, len, 0, false};
    out->isnull = false;
    switch (t.id) {
    case ADP_T_BOOL:
        out->u.b = get(&r, 1) != 0;
        return finish(&r, err);
    case ADP_T_INT2:
        out->u.i = (int16_t)get(&r, 2);
        return finish(&r, err);
    case ADP_T_INT4:
        out->u.i = (int32_t)get(&r, 4);
        return finish(&r, err);
    case ADP_T_INT8:
        out->u.i = (int64_t)get(&r, 8);
        return finish(&r, err);
    case ADP_T_FLOAT4: {
        uint32_t u = (uint32_t)get(&r, 4);
        float f;
        memcpy(&f, &u, 4);
        out->u.f = f;
        return finish(&r, err);
    }
    case ADP_T_FLOAT8: {
        uint64_t u = get(&r, 8);
        memcpy(&out->u.f, &u, 8);
        return finish(&r, err);
    }
    case ADP_T_NUMERIC:
        return numeric_recv(&r, t, a, out, err);
    case ADP_T_DATE: {
        int64_t d = (int32_t)get(&r, 4);
        if (!finish(&r, err)) return false;
        if (d != ADP_DATE_NOBEGIN && d != ADP_DATE_NOEND &&
            (d < -2451545 || d >= 2147483494 - 2451545))
            return pgw_errorf(err, "22008", "date out of range");
        out->u.i = d;
        return true;
    }
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ: {
        int64_t us = (int64_t)get(&r, 8);
        if (!finish(&r, err)) return false;
        if (us != ADP_TS_NOBEGIN && us != ADP_TS_NOEND &&
            (us < INT64_C(-211813488000000000) || us >= INT64_C(9223371331200000000)))
            return pgw_errorf(err, "22008", "timestamp out of range");
        out->u.i = us;
        if (t.typmod >= 0) {
            adp_fmt utc = {.extra_float_digits = 1, .tz_offset_secs = 0, .datestyle_iso_mdy = true};
            return adp_value_cast(out, (adp_type){t.id, -1}, t, false, &utc, a, out, err);
        }
        return true;
    }
    case ADP_T_BYTEA:
        out->u.s.p = adp_arena_strndup(a, buf, len);
        out->u.s.len = (uint32_t)len;
        return true;
    default: /* text, varchar, unknown: client bytes in UTF-8 */
        if (!adp_utf8_verify(buf, len, err)) return false;
        out->u.s.p = adp_arena_strndup(a, buf, len);
        out->u.s.len = (uint32_t)len;
        return t.id != ADP_T_VARCHAR || adp_varchar_apply(t.typmod, false, out, err);
    }
}
