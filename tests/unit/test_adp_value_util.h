/* Helpers shared by the adp_value unit tests (each test binary includes this once). */
#ifndef TEST_ADP_VALUE_UTIL_H
#define TEST_ADP_VALUE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value.h"
#include "adp_value_ext.h"

static int passed, failed;

static inline void check(bool ok, const char *what, const char *detail)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: %s\n", what, detail);
    }
}

/* Parses "varchar(3)", "numeric(5,2)", "unknown" into an adp_type. */
static inline bool parse_type(const char *spec, adp_type *t, pgw_error *err)
{
    char name[64];
    int32_t mods[2];
    int nmods = 0;
    const char *p = strchr(spec, '(');
    size_t n = p ? (size_t)(p - spec) : strlen(spec);
    memcpy(name, spec, n);
    name[n] = 0;
    while (p && *p && *p != ')' && nmods < 2) {
        mods[nmods++] = (int32_t)strtol(p + 1, (char **)&p, 10);
    }
    return adp_type_lookup(name, mods, nmods, t, err);
}

static const adp_type T_UNKNOWN = {ADP_T_UNKNOWN, -1};
static const adp_type T_TEXT = {ADP_T_TEXT, -1};

static inline adp_value unknown_value(const char *s)
{
    adp_value v = {.isnull = false};
    v.u.s.p = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

/* Renders a result as the cases expect: its text by a cast to text, or the error. */
static inline const char *render(adp_arena *a, bool ok, adp_type t, const adp_value *v,
                                 const adp_fmt *fmt, const pgw_error *err)
{
    if (!ok) return adp_arena_sprintf(a, "!%s:%s", err->sqlstate, err->message);
    adp_value tv;
    pgw_error e2 = {0};
    if (!adp_value_cast(v, t, T_TEXT, true, fmt, a, &tv, &e2))
        return adp_arena_sprintf(a, "!render %s:%s", e2.sqlstate, e2.message);
    return adp_arena_strndup(a, tv.u.s.p, tv.u.s.len);
}

static inline bool make_value(adp_arena *a, const char *spec, const char *txt, adp_type *t,
                              adp_value *v, pgw_error *err)
{
    adp_fmt fmt = {.extra_float_digits = 1, .tz_offset_secs = 0, .datestyle_iso_mdy = true};
    if (!parse_type(spec, t, err)) return false;
    adp_value in = unknown_value(txt);
    if (t->id == ADP_T_UNKNOWN) {
        *v = in;
        return true;
    }
    return adp_value_cast(&in, T_UNKNOWN, *t, true, &fmt, a, v, err);
}

#endif
