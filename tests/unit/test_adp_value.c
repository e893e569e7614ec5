/* Unit tests for adp_value: table-driven cases whose expected results were observed on a
 * real PostgreSQL 15 (test_adp_value_gen.py), plus a few API checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value.h"
#include "adp_value_ext.h"

/* Case tables are plain constant data. */
typedef struct cast_case {
    const char *src, *input, *dst;
    char mode; /* 'e' explicit cast, 'a' assignment */
    int tz, efd;
    const char *expect; /* text, or "!SQLSTATE:message" */
} cast_case;
typedef struct op_case {
    const char *lt, *l, *op, *rt, *r, *expect; /* "value|result type" or "!SQLSTATE:message" */
} op_case;
typedef struct cmp_case {
    const char *type, *a, *b, *expect;
} cmp_case;

#include "test_adp_value_cases.inc"

static int passed, failed;

static void check(bool ok, const char *what, const char *detail)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s: %s\n", what, detail);
    }
}

/* Parses "varchar(3)", "numeric(5,2)", "unknown" into an adp_type. */
static bool parse_type(const char *spec, adp_type *t, pgw_error *err)
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

static adp_value unknown_value(const char *s)
{
    adp_value v = {.isnull = false};
    v.u.s.p = s;
    v.u.s.len = (uint32_t)strlen(s);
    return v;
}

/* Renders a result as the cases expect: its text by a cast to text, or the error. */
static const char *render(adp_arena *a, bool ok, adp_type t, const adp_value *v, const adp_fmt *fmt,
                          const pgw_error *err)
{
    if (!ok) return adp_arena_sprintf(a, "!%s:%s", err->sqlstate, err->message);
    adp_value tv;
    pgw_error e2 = {0};
    if (!adp_value_cast(v, t, T_TEXT, true, fmt, a, &tv, &e2))
        return adp_arena_sprintf(a, "!render %s:%s", e2.sqlstate, e2.message);
    return adp_arena_strndup(a, tv.u.s.p, tv.u.s.len);
}

static void run_cast_cases(adp_arena *a)
{
    for (size_t i = 0; i < sizeof cast_cases / sizeof cast_cases[0]; i++) {
        const cast_case *c = &cast_cases[i];
        adp_fmt fmt = {c->efd, c->tz, true};
        pgw_error err = {0};
        adp_type st, dt;
        if (!parse_type(c->src, &st, &err) || !parse_type(c->dst, &dt, &err)) {
            check(false, c->dst, err.message);
            continue;
        }
        adp_value in = unknown_value(c->input), v, r;
        bool ok = true;
        if (st.id != ADP_T_UNKNOWN)
            ok = adp_value_cast(&in, T_UNKNOWN, st, true, &fmt, a, &v, &err);
        else
            v = in;
        if (ok) ok = adp_value_cast(&v, st, dt, c->mode == 'e', &fmt, a, &r, &err);
        const char *got = render(a, ok, dt, &r, &fmt, &err);
        bool same = strcmp(got, c->expect) == 0;
        /* assignment errors name the column in PostgreSQL; compare the SQLSTATE only */
        if (!same && c->mode == 'a' && strncmp(c->expect, "!42804", 6) == 0)
            same = strncmp(got, "!42804", 6) == 0;
        char what[600];
        snprintf(what, sizeof what, "cast %s '%s' -> %s (%c tz=%d efd=%d)", c->src, c->input,
                 c->dst, c->mode, c->tz, c->efd);
        char detail[1200];
        snprintf(detail, sizeof detail, "got [%s] want [%s]", got, c->expect);
        check(same, what, detail);
    }
}

static bool make_value(adp_arena *a, const char *spec, const char *txt, adp_type *t, adp_value *v,
                       pgw_error *err)
{
    adp_fmt fmt = {1, 0, true};
    if (!parse_type(spec, t, err)) return false;
    adp_value in = unknown_value(txt);
    if (t->id == ADP_T_UNKNOWN) {
        *v = in;
        return true;
    }
    return adp_value_cast(&in, T_UNKNOWN, *t, true, &fmt, a, v, err);
}

static void run_op_cases(adp_arena *a)
{
    adp_fmt fmt = {1, 0, true};
    for (size_t i = 0; i < sizeof op_cases / sizeof op_cases[0]; i++) {
        const op_case *c = &op_cases[i];
        pgw_error err = {0};
        adp_type lt, rt, lc, rc, res;
        adp_value l, r, lv, rv, out;
        const char *got;
        bool ok =
            make_value(a, c->lt, c->l, &lt, &l, &err) && make_value(a, c->rt, c->r, &rt, &r, &err);
        if (ok && strcmp(c->op, "||") == 0) {
            ok = adp_type_common(lt, rt, c->op, &res, &err) &&
                 adp_value_cast(&l, lt, res, true, &fmt, a, &lv, &err) &&
                 adp_value_cast(&r, rt, res, true, &fmt, a, &rv, &err);
            if (ok) {
                out.isnull = false;
                char *s = adp_arena_alloc(a, lv.u.s.len + rv.u.s.len + 1);
                memcpy(s, lv.u.s.p, lv.u.s.len);
                memcpy(s + lv.u.s.len, rv.u.s.p, rv.u.s.len);
                out.u.s.p = s;
                out.u.s.len = lv.u.s.len + rv.u.s.len;
            }
        } else if (ok) {
            adp_type_id rid;
            ok = adp_arith_resolve(c->op[0], lt, rt, &lc, &rc, &res, &err) &&
                 adp_value_cast(&l, lt, lc, true, &fmt, a, &lv, &err) &&
                 adp_value_cast(&r, rt, rc, true, &fmt, a, &rv, &err) &&
                 adp_value_arith_mixed(c->op[0], lc.id, rc.id, &lv, &rv, a, &out, &rid, &err);
            if (ok && rid != res.id)
                ok = !pgw_errorf(&err, "XXXXX", "result type %d but resolved %d", rid, res.id);
        }
        if (ok) {
            char tn[64];
            got = adp_arena_sprintf(a, "%s|%s", render(a, true, res, &out, &fmt, &err),
                                    adp_type_name((adp_type){res.id, -1}, tn, sizeof tn));
        } else {
            got = render(a, false, res, &out, &fmt, &err);
        }
        char what[300], detail[1200];
        snprintf(what, sizeof what, "op %s '%s' %s %s '%s'", c->lt, c->l, c->op, c->rt, c->r);
        snprintf(detail, sizeof detail, "got [%s] want [%s]", got, c->expect);
        check(strcmp(got, c->expect) == 0, what, detail);
    }
}

static void run_cmp_cases(adp_arena *a)
{
    for (size_t i = 0; i < sizeof cmp_cases / sizeof cmp_cases[0]; i++) {
        const cmp_case *c = &cmp_cases[i];
        pgw_error err = {0};
        adp_type t, t2;
        adp_value x, y;
        char what[300], detail[600];
        snprintf(what, sizeof what, "cmp %s '%s' '%s'", c->type, c->a, c->b);
        if (!make_value(a, c->type, c->a, &t, &x, &err) ||
            !make_value(a, c->type, c->b, &t2, &y, &err)) {
            check(false, what, err.message);
            continue;
        }
        int r = adp_value_cmp(t.id, &x, &y);
        r = r < 0 ? -1 : r > 0;
        snprintf(detail, sizeof detail, "got %d want %s", r, c->expect);
        check(r == atoi(c->expect), what, detail);
        if (r == 0)
            check(adp_value_hash(t.id, &x) == adp_value_hash(t.id, &y), what, "hash differs");
    }
}

static void test_api(adp_arena *a)
{
    char buf[64];
    pgw_error err = {0};
    adp_type t;
    int32_t m2[2] = {10, 2}, m1[1] = {10};
    check(adp_type_lookup("numeric", m2, 2, &t, &err) &&
              strcmp(adp_type_name(t, buf, sizeof buf), "numeric(10,2)") == 0,
          "name numeric(10,2)", buf);
    check(adp_type_lookup("varchar", m1, 1, &t, &err) && t.typmod == 14 &&
              strcmp(adp_type_name(t, buf, sizeof buf), "character varying(10)") == 0,
          "name varchar(10)", buf);
    static const struct {
        const char *in, *name;
        uint32_t oid;
    } names[] = {{"int4", "integer", 23},
                 {"int2", "smallint", 21},
                 {"int8", "bigint", 20},
                 {"float4", "real", 700},
                 {"float8", "double precision", 701},
                 {"numeric", "numeric", 1700},
                 {"text", "text", 25},
                 {"varchar", "character varying", 1043},
                 {"bool", "boolean", 16},
                 {"bytea", "bytea", 17},
                 {"date", "date", 1082},
                 {"timestamp", "timestamp without time zone", 1114},
                 {"timestamptz", "timestamp with time zone", 1184}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool ok = adp_type_lookup(names[i].in, NULL, 0, &t, &err);
        check(ok && strcmp(adp_type_name(t, buf, sizeof buf), names[i].name) == 0 &&
                  adp_type_oid(t.id) == names[i].oid,
              names[i].in, buf);
    }
    check(!adp_type_lookup("string", NULL, 0, &t, &err) && strcmp(err.sqlstate, "42704") == 0 &&
              strcmp(err.message, "type \"string\" does not exist") == 0,
          "unknown type", err.message);
    check(!adp_type_lookup("interval", NULL, 0, &t, &err) && strcmp(err.sqlstate, "0A000") == 0,
          "unsupported type", err.message);
    check(!adp_type_lookup("int4", m1, 1, &t, &err) && strcmp(err.sqlstate, "42601") == 0 &&
              strcmp(err.message, "type modifier is not allowed for type \"int4\"") == 0,
          "int4 typmod", err.message);
    int32_t m0[1] = {0};
    check(!adp_type_lookup("varchar", m0, 1, &t, &err) &&
              strcmp(err.message, "length for type varchar must be at least 1") == 0,
          "varchar(0)", err.message);
    check(!adp_type_lookup("numeric", m0, 1, &t, &err) &&
              strcmp(err.message, "NUMERIC precision 0 must be between 1 and 1000") == 0,
          "numeric(0)", err.message);
    int32_t bad[2] = {10, 1001};
    check(!adp_type_lookup("numeric", bad, 2, &t, &err) &&
              strcmp(err.message, "NUMERIC scale 1001 must be between -1000 and 1000") == 0,
          "numeric(10,1001)", err.message);

    /* numeric field overflow carries PostgreSQL's DETAIL */
    adp_fmt fmt = {1, 0, true};
    adp_value v;
    int32_t m42[2] = {4, 2};
    adp_type_lookup("numeric", m42, 2, &t, &err);
    check(!adp_value_in(t, "123.456", 7, &fmt, a, &v, &err) &&
              strcmp(err.detail, "A field with precision 4, scale 2 must round to an absolute "
                                 "value less than 10^2.") == 0,
          "numeric detail", err.detail);
    /* input with a varchar typmod fails rather than truncating */
    adp_type_lookup("varchar", (int32_t[]){3}, 1, &t, &err);
    check(!adp_value_in(t, "abcd", 4, &fmt, a, &v, &err) && strcmp(err.sqlstate, "22001") == 0,
          "varchar in", err.message);

    /* operand resolution */
    adp_type i4 = {ADP_T_INT4, -1}, txt = {ADP_T_TEXT, -1}, num = {ADP_T_NUMERIC, -1},
             f4 = {ADP_T_FLOAT4, -1}, vc = {ADP_T_VARCHAR, 14}, d = {ADP_T_DATE, -1},
             ts = {ADP_T_TIMESTAMP, -1}, tstz = {ADP_T_TIMESTAMPTZ, -1}, out;
    check(adp_type_common(i4, num, "=", &out, &err) && out.id == ADP_T_NUMERIC, "int4=numeric", "");
    check(adp_type_common(i4, f4, "<", &out, &err) && out.id == ADP_T_FLOAT8, "int4<float4", "");
    check(adp_type_common(txt, vc, "=", &out, &err) && out.id == ADP_T_TEXT, "text=varchar", "");
    check(adp_type_common(d, ts, "=", &out, &err) && out.id == ADP_T_TIMESTAMP, "date=ts", "");
    check(adp_type_common(ts, tstz, "=", &out, &err) && out.id == ADP_T_TIMESTAMPTZ, "ts=tstz", "");
    check(adp_type_common(T_UNKNOWN, i4, "=", &out, &err) && out.id == ADP_T_INT4, "unknown=int4",
          "");
    check(!adp_type_common(txt, i4, "=", &out, &err) && strcmp(err.sqlstate, "42883") == 0 &&
              strcmp(err.message, "operator does not exist: text = integer") == 0,
          "text=int4", err.message);
    adp_type lc, rc, res;
    check(!adp_arith_resolve('-', ts, ts, &lc, &rc, &res, &err) &&
              strcmp(err.sqlstate, "0A000") == 0,
          "interval unsupported", err.message);
    check(adp_arith_resolve('+', d, i4, &lc, &rc, &res, &err) && res.id == ADP_T_DATE &&
              rc.id == ADP_T_INT4,
          "date + int4", "");
    check(adp_cast_exists(i4, txt, false) && !adp_cast_exists(txt, i4, false) &&
              adp_cast_exists(txt, i4, true) && !adp_cast_exists(d, i4, true),
          "cast_exists", "");
    check(adp_sum_result_type(ADP_T_INT4).id == ADP_T_INT8 &&
              adp_sum_result_type(ADP_T_INT8).id == ADP_T_NUMERIC &&
              adp_avg_result_type(ADP_T_INT4).id == ADP_T_NUMERIC &&
              adp_avg_result_type(ADP_T_FLOAT4).id == ADP_T_FLOAT8,
          "aggregate types", "");

    /* avg(1, 2) = 1.5000000000000000 as PostgreSQL prints it */
    adp_value s3 = unknown_value("3"), avg;
    check(adp_numeric_div_int(&s3, 2, a, &avg, &err) && avg.u.s.len == 18 &&
              memcmp(avg.u.s.p, "1.5000000000000000", 18) == 0,
          "avg", "");
    adp_value x1 = unknown_value("1.25"), x2 = unknown_value("-0.250"), sum;
    check(adp_numeric_add(&x1, &x2, a, &sum, &err) && sum.u.s.len == 5 &&
              memcmp(sum.u.s.p, "1.000", 5) == 0,
          "numeric add", "");

    /* heap copies survive the arena */
    adp_value h, src = unknown_value("hello");
    adp_value_copy_heap(ADP_T_TEXT, &src, &h);
    check(h.u.s.p != src.u.s.p && h.u.s.len == 5 && memcmp(h.u.s.p, "hello", 5) == 0, "copy", "");
    adp_value_free_heap(ADP_T_TEXT, &h);

    /* output into a pgw_buf */
    pgw_buf b;
    pgw_buf_init(&b);
    adp_value fv = {.isnull = false, .u.f = 1e16};
    adp_value_out(&b, (adp_type){ADP_T_FLOAT8, -1}, &fv, &fmt);
    check(b.len == 5 && memcmp(b.data, "1e+16", 5) == 0, "value_out", "");
    pgw_buf_free(&b);

    int64_t now = adp_now_pg_usec();
    check(now > INT64_C(800000000) * 1000000, "now", "");
}

int main(void)
{
    adp_arena a;
    adp_arena_init(&a);
    test_api(&a);
    adp_arena_reset(&a);
    run_cast_cases(&a);
    adp_arena_reset(&a);
    run_op_cases(&a);
    adp_arena_reset(&a);
    run_cmp_cases(&a);
    adp_arena_free(&a);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
