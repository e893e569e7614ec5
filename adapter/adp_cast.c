/* adp_cast: the casts of PostgreSQL's pg_cast among pgpeek's types, with their contexts. */
#include <math.h>
#include <string.h>

#include "adp_value_priv.h"

/* Cast contexts as pg_cast spells them: implicit, assignment, explicit, or none. */
enum { CAST_NONE = 0, CAST_I = 'i', CAST_A = 'a', CAST_E = 'e' };

static bool is_str(adp_type_id t)
{
    return t == ADP_T_TEXT || t == ADP_T_VARCHAR;
}
static bool is_int(adp_type_id t)
{
    return t == ADP_T_INT2 || t == ADP_T_INT4 || t == ADP_T_INT8;
}
static bool is_flt(adp_type_id t)
{
    return t == ADP_T_FLOAT4 || t == ADP_T_FLOAT8;
}
static bool is_ts(adp_type_id t)
{
    return t == ADP_T_TIMESTAMP || t == ADP_T_TIMESTAMPTZ;
}

static int cast_context(adp_type_id from, adp_type_id to)
{
    if (from == to || from == ADP_T_UNKNOWN) return CAST_I;
    if (to == ADP_T_UNKNOWN) return CAST_NONE;
    if (is_str(from) && is_str(to)) return CAST_I;
    if (is_str(to)) return CAST_A;   /* automatic I/O conversion to a string type */
    if (is_str(from)) return CAST_E; /* automatic I/O conversion from a string type */
    if (adp_type_is_numeric(from) && adp_type_is_numeric(to)) {
        static const char m[6][6] = {
            /* to:     int2 int4 int8 flt4 flt8 num    from: */
            {'i', 'i', 'i', 'i', 'i', 'i'}, /* int2 */
            {'a', 'i', 'i', 'i', 'i', 'i'}, /* int4 */
            {'a', 'a', 'i', 'i', 'i', 'i'}, /* int8 */
            {'a', 'a', 'a', 'i', 'i', 'a'}, /* float4 */
            {'a', 'a', 'a', 'a', 'i', 'a'}, /* float8 */
            {'a', 'a', 'a', 'i', 'i', 'i'}, /* numeric */
        };
        return m[from - ADP_T_INT2][to - ADP_T_INT2];
    }
    if ((from == ADP_T_INT4 && to == ADP_T_BOOL) || (from == ADP_T_BOOL && to == ADP_T_INT4))
        return CAST_E;
    if (from == ADP_T_DATE && is_ts(to)) return CAST_I;
    if (is_ts(from) && to == ADP_T_DATE) return CAST_A;
    if (from == ADP_T_TIMESTAMP && to == ADP_T_TIMESTAMPTZ) return CAST_I;
    if (from == ADP_T_TIMESTAMPTZ && to == ADP_T_TIMESTAMP) return CAST_A;
    return CAST_NONE;
}

bool adp_cast_exists(adp_type from, adp_type to, bool explicit_cast)
{
    int c = cast_context(from.id, to.id);
    return c == CAST_I || c == CAST_A || (c == CAST_E && explicit_cast);
}

/* Rounds a timestamp to timestamp(p): half away from zero, as PostgreSQL does. */
static void ts_round(int32_t typmod, int64_t *us)
{
    if (typmod < 0 || typmod >= 6 || *us == ADP_TS_NOBEGIN || *us == ADP_TS_NOEND) return;
    int64_t scale = 1;
    for (int i = typmod; i < 6; i++)
        scale *= 10;
    int64_t half = scale / 2;
    if (*us >= 0)
        *us = (*us + half) / scale * scale;
    else
        *us = -((-*us + half) / scale * scale);
}

/* Applies the target's typmod to a value already of the target's type. */
static bool apply_typmod(adp_type to, bool explicit_cast, adp_arena *a, adp_value *v,
                         pgw_error *err)
{
    if (to.typmod < 0) return true;
    switch (to.id) {
    case ADP_T_VARCHAR:
        return adp_varchar_apply(to.typmod, explicit_cast, v, err);
    case ADP_T_NUMERIC: {
        adp_num n;
        adp_num_init(&n);
        adp_num_load(&n, v);
        bool ok = adp_num_apply_typmod(&n, to.typmod, err);
        if (ok) adp_num_store(&n, a, v);
        adp_num_clear(&n);
        return ok;
    }
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        ts_round(to.typmod, &v->u.i);
        return true;
    default:
        return true;
    }
}

static bool convert(const adp_value *v, adp_type from, adp_type to, const adp_fmt *fmt,
                    adp_arena *a, adp_value *r, pgw_error *err)
{
    adp_type_id f = from.id, t = to.id;
    r->isnull = false;
    if (f == t) {
        *r = *v;
        return true;
    }
    if (f == ADP_T_UNKNOWN || is_str(f)) {
        if (is_str(t)) {
            *r = *v;
            return true;
        }
        adp_type plain = {t, -1};
        return adp_value_in(plain, v->u.s.p, v->u.s.len, fmt, a, r, err);
    }
    if (is_str(t)) {
        if (f == ADP_T_BOOL) { /* booltext spells the words out, unlike boolout */
            r->u.s.p = v->u.b ? "true" : "false";
            r->u.s.len = v->u.b ? 4 : 5;
            return true;
        }
        char *s = adp_value_out_cstr(a, from, v, fmt);
        r->u.s.p = s;
        r->u.s.len = (uint32_t)strlen(s);
        return true;
    }
    if (is_int(f)) {
        if (is_int(t)) {
            r->u.i = v->u.i;
            return adp_int_check(t, v->u.i, err);
        }
        if (t == ADP_T_FLOAT4) {
            r->u.f = (double)(float)v->u.i;
            return true;
        }
        if (t == ADP_T_FLOAT8) {
            r->u.f = (double)v->u.i;
            return true;
        }
        if (t == ADP_T_NUMERIC) {
            adp_num_from_int(v->u.i, a, r);
            return true;
        }
        if (t == ADP_T_BOOL) {
            r->u.b = v->u.i != 0;
            return true;
        }
    }
    if (is_flt(f)) {
        if (is_int(t))
            return adp_float_to_int(t, f == ADP_T_FLOAT4 ? (double)(float)v->u.f : v->u.f, &r->u.i,
                                    err);
        if (t == ADP_T_FLOAT8) {
            r->u.f = v->u.f;
            return true;
        }
        if (t == ADP_T_FLOAT4) return adp_float8_to_float4(v->u.f, &r->u.f, err);
        if (t == ADP_T_NUMERIC) return adp_num_from_float(v->u.f, f == ADP_T_FLOAT4, a, r, err);
    }
    if (f == ADP_T_NUMERIC) {
        if (is_int(t)) return adp_num_to_int(v, t, &r->u.i, err);
        if (is_flt(t)) return adp_num_to_float(v, t, &r->u.f, err);
    }
    if (f == ADP_T_BOOL && t == ADP_T_INT4) {
        r->u.i = v->u.b ? 1 : 0;
        return true;
    }
    if (f == ADP_T_DATE && is_ts(t))
        return adp_date_to_ts(v->u.i, t == ADP_T_TIMESTAMPTZ, fmt, &r->u.i, err);
    if (is_ts(f) && t == ADP_T_DATE)
        return adp_ts_to_date(v->u.i, f == ADP_T_TIMESTAMPTZ, fmt, &r->u.i, err);
    if (is_ts(f) && is_ts(t))
        return adp_ts_convert(v->u.i, f == ADP_T_TIMESTAMPTZ, t == ADP_T_TIMESTAMPTZ, fmt, &r->u.i,
                              err);
    return pgw_errorf(err, "XX000", "cast not implemented");
}

bool adp_value_cast(const adp_value *v, adp_type from, adp_type to, bool explicit_cast,
                    const adp_fmt *fmt, adp_arena *a, adp_value *out, pgw_error *err)
{
    char fn[64], tn[64];
    int c = cast_context(from.id, to.id);
    /* messages name the types without their modifiers, as format_type_be does */
    adp_type fb = {from.id, -1}, tb = {to.id, -1};
    if (c == CAST_NONE && explicit_cast)
        return pgw_errorf(err, "42846", "cannot cast type %s to %s",
                          adp_type_name(fb, fn, sizeof fn), adp_type_name(tb, tn, sizeof tn));
    if ((c == CAST_E || c == CAST_NONE) && !explicit_cast) {
        pgw_errorf(err, "42804", "value of type %s cannot be assigned to type %s",
                   adp_type_name(fb, fn, sizeof fn), adp_type_name(tb, tn, sizeof tn));
        pgw_error_hint(err, "You will need to rewrite or cast the expression.");
        return false;
    }
    if (v->isnull) {
        out->isnull = true;
        return true;
    }
    adp_value r;
    if (!convert(v, from, to, fmt, a, &r, err)) return false;
    if (!apply_typmod(to, explicit_cast, a, &r, err)) return false;
    *out = r;
    return true;
}
