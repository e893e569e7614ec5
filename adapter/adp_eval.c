/* adp_eval: evaluating adp_expr trees over a row with SQL's NULL semantics. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "adp_plan.h"
#include "adp_value_ext.h"

static bool eval_func(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err);

static void set_text(adp_value *out, const char *s, size_t n)
{
    out->isnull = false;
    out->u.s.p = s;
    out->u.s.len = (uint32_t)n;
}

static bool cmp_result(int op, int r)
{
    switch ((adp_cmp_op)op) {
    case ADP_CMP_EQ:
        return r == 0;
    case ADP_CMP_NE:
        return r != 0;
    case ADP_CMP_LT:
        return r < 0;
    case ADP_CMP_LE:
        return r <= 0;
    case ADP_CMP_GT:
        return r > 0;
    case ADP_CMP_GE:
        return r >= 0;
    }
    return false;
}

/* The text form of any value, for || with a non-string operand. */
static void as_text(adp_session *s, const adp_expr *e, const adp_value *v, const char **p,
                    size_t *n)
{
    if (adp_type_is_string(e->type.id) || e->type.id == ADP_T_BYTEA) { /* bytea || bytea */
        *p = v->u.s.p;
        *n = v->u.s.len;
        return;
    }
    char *t = adp_value_out_cstr(&s->arena, e->type, v, &s->fmt);
    *p = t;
    *n = strlen(t);
}

bool adp_eval(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err)
{
    adp_value a, b;
    adp_arena *ar = &c->s->arena;
    switch (e->kind) {
    case ADP_E_CONST:
        *out = e->val;
        return true;
    case ADP_E_PARAM:
        if (e->index >= c->s->nparams)
            return pgw_errorf(err, "42P02", "there is no parameter $%d", e->index + 1);
        *out = c->s->params[e->index];
        return true;
    case ADP_E_COL:
        *out = c->row[e->index];
        return true;
    case ADP_E_GROUPKEY:
        *out = c->keys[e->index];
        return true;
    case ADP_E_AGG:
        *out = c->aggs[e->index];
        return true;
    case ADP_E_CAST:
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        if (a.isnull) {
            out->isnull = true;
            return true;
        }
        if (e->args[0]->type.id == ADP_T_UNKNOWN)
            return adp_value_in(e->type, a.u.s.p, a.u.s.len, &c->s->fmt, ar, out, err);
        return adp_value_cast(&a, e->args[0]->type, e->type, e->flag, &c->s->fmt, ar, out, err);
    case ADP_E_ARITH: {
        if (!adp_eval(e->args[0], c, &a, err) || !adp_eval(e->args[1], c, &b, err)) return false;
        if (a.isnull || b.isnull) {
            out->isnull = true;
            return true;
        }
        adp_type_id rt;
        out->isnull = false;
        if (e->args[0]->type.id != e->args[1]->type.id)
            return adp_value_arith_mixed((char)e->op, e->args[0]->type.id, e->args[1]->type.id, &a,
                                         &b, ar, out, &rt, err);
        return adp_value_arith((char)e->op, e->optype.id, &a, &b, ar, out, &rt, err);
    }
    case ADP_E_NEG:
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        if (a.isnull) {
            out->isnull = true;
            return true;
        }
        out->isnull = false;
        return adp_value_neg(e->type.id, &a, ar, out, err);
    case ADP_E_CMP:
        if (!adp_eval(e->args[0], c, &a, err) || !adp_eval(e->args[1], c, &b, err)) return false;
        out->isnull = a.isnull || b.isnull;
        if (!out->isnull) out->u.b = cmp_result(e->op, adp_value_cmp(e->optype.id, &a, &b));
        return true;
    case ADP_E_AND:
    case ADP_E_OR: {
        /* Three-valued: a decisive operand wins over NULL. */
        bool decisive = e->kind == ADP_E_OR, any_null = false;
        for (int i = 0; i < e->nargs; i++) {
            if (!adp_eval(e->args[i], c, &a, err)) return false;
            if (a.isnull)
                any_null = true;
            else if (a.u.b == decisive) {
                out->isnull = false;
                out->u.b = decisive;
                return true;
            }
        }
        out->isnull = any_null;
        out->u.b = !decisive;
        return true;
    }
    case ADP_E_NOT:
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        out->isnull = a.isnull;
        out->u.b = !a.u.b;
        return true;
    case ADP_E_NULLTEST:
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        out->isnull = false;
        out->u.b = a.isnull != e->flag;
        return true;
    case ADP_E_IN: {
        /* PostgreSQL builds the whole list (each item computed, and able to fail) before
         * it compares */
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        bool any_null = false, found = false;
        for (int i = 1; i < e->nargs; i++) {
            if (!adp_eval(e->args[i], c, &b, err)) return false;
            if (a.isnull || found) continue;
            if (b.isnull)
                any_null = true;
            else if (adp_value_cmp(e->optype.id, &a, &b) == 0)
                found = true;
        }
        out->isnull = a.isnull || (!found && any_null);
        out->u.b = found;
        return true;
    }
    case ADP_E_LIKE:
        if (!adp_eval(e->args[0], c, &a, err) || !adp_eval(e->args[1], c, &b, err)) return false;
        out->isnull = a.isnull || b.isnull;
        if (out->isnull) return true;
        for (uint32_t i = 0; i < b.u.s.len; i++)
            if (b.u.s.p[i] == '\\' && ++i == b.u.s.len)
                return pgw_errorf(err, "22025", "LIKE pattern must not end with escape character");
        out->u.b = (e->optype.id == ADP_T_BYTEA
                        ? adp_like_match_bytes(a.u.s.p, a.u.s.len, b.u.s.p, b.u.s.len)
                        : adp_like_match(a.u.s.p, a.u.s.len, b.u.s.p, b.u.s.len, e->op)) != e->flag;
        return true;
    case ADP_E_CONCAT: {
        if (!adp_eval(e->args[0], c, &a, err) || !adp_eval(e->args[1], c, &b, err)) return false;
        if (a.isnull || b.isnull) {
            out->isnull = true;
            return true;
        }
        const char *ap, *bp;
        size_t an, bn;
        as_text(c->s, e->args[0], &a, &ap, &an);
        as_text(c->s, e->args[1], &b, &bp, &bn);
        if (an + bn + 4 > 0x3fffffff) /* past MaxAllocSize with the varlena header */
            return pgw_errorf(err, "XX000", "invalid memory alloc request size %zu", an + bn + 4);
        char *r = adp_arena_alloc(ar, an + bn + 1);
        memcpy(r, ap, an);
        memcpy(r + an, bp, bn);
        set_text(out, r, an + bn);
        return true;
    }
    case ADP_E_CASE: {
        int pairs = e->flag ? (e->nargs - 1) / 2 : e->nargs / 2;
        for (int i = 0; i < pairs; i++) {
            bool pass;
            if (!adp_eval_qual(e->args[2 * i], c, &pass, err)) return false;
            if (pass) return adp_eval(e->args[2 * i + 1], c, out, err);
        }
        if (e->flag) return adp_eval(e->args[e->nargs - 1], c, out, err);
        out->isnull = true;
        return true;
    }
    case ADP_E_COALESCE:
        for (int i = 0; i < e->nargs; i++) {
            if (!adp_eval(e->args[i], c, out, err)) return false;
            if (!out->isnull) return true;
        }
        out->isnull = true;
        return true;
    case ADP_E_FUNC:
        return eval_func(e, c, out, err);
    case ADP_E_DISTINCT:
        if (!adp_eval(e->args[0], c, &a, err) || !adp_eval(e->args[1], c, &b, err)) return false;
        out->isnull = false;
        if (a.isnull || b.isnull)
            out->u.b = a.isnull != b.isnull;
        else
            out->u.b = adp_value_cmp(e->optype.id, &a, &b) != 0;
        out->u.b ^= e->flag;
        return true;
    case ADP_E_BOOLTEST:
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        out->isnull = false;
        out->u.b = e->op == 2 ? a.isnull : (!a.isnull && a.u.b == (e->op == 0));
        out->u.b ^= e->flag;
        return true;
    case ADP_E_MINMAX:
        out->isnull = true;
        for (int i = 0; i < e->nargs; i++) {
            if (!adp_eval(e->args[i], c, &a, err)) return false;
            if (a.isnull) continue;
            int cmp = out->isnull ? 1 : adp_value_cmp(e->optype.id, &a, out);
            if (out->isnull || (e->op ? cmp > 0 : cmp < 0)) *out = a;
        }
        return true;
    }
    return pgw_errorf(err, "XX000", "unknown expression kind");
}

bool adp_eval_qual(const adp_expr *e, const adp_eval_ctx *c, bool *pass, pgw_error *err)
{
    adp_value v;
    if (!adp_eval(e, c, &v, err)) return false;
    *pass = !v.isnull && v.u.b;
    return true;
}

/* round(numeric, -k): to a multiple of 10^k, half away from zero, scale 0. The digits
 * move k places right (text), round as a cast to numeric(1000, 0) does, and move back. */
static bool numeric_round_neg(const adp_value *a, int64_t k, const adp_fmt *fmt, adp_arena *ar,
                              adp_value *out, pgw_error *err)
{
    const char *s = a->u.s.p;
    size_t n = a->u.s.len, neg = n && s[0] == '-';
    if (n <= neg || s[neg] < '0' || s[neg] > '9') { /* NaN, Infinity */
        *out = *a;
        return true;
    }
    const char *dot = memchr(s, '.', n);
    size_t ilen = (dot ? (size_t)(dot - s) : n) - neg;
    if (k > (int64_t)ilen) { /* below half of 10^k: zero */
        set_text(out, "0", 1);
        return true;
    }
    /* "-1234.5678", k 2 -> "-12.345678" */
    char *t = adp_arena_alloc(ar, n + 3);
    size_t o = 0, cut = neg + ilen - (size_t)k;
    if (neg) t[o++] = '-';
    t[o++] = '0';
    memcpy(t + o, s + neg, cut - neg);
    o += cut - neg;
    t[o++] = '.';
    memcpy(t + o, s + cut, ilen + neg - cut);
    o += ilen + neg - cut;
    if (dot) {
        memcpy(t + o, dot + 1, n - (size_t)(dot + 1 - s));
        o += n - (size_t)(dot + 1 - s);
    }
    adp_value shifted = {.isnull = false}, r;
    shifted.u.s.p = t;
    shifted.u.s.len = (uint32_t)o;
    adp_type num = {ADP_T_NUMERIC, -1}, int_scale = {ADP_T_NUMERIC, ((1000 << 16) | 0) + 4};
    if (!adp_value_in(num, t, o, fmt, ar, &shifted, err) ||
        !adp_value_cast(&shifted, num, int_scale, true, fmt, ar, &r, err))
        return false;
    if (r.u.s.len == 1 && r.u.s.p[0] == '0') {
        *out = r;
        return true;
    }
    char *w = adp_arena_alloc(ar, r.u.s.len + (size_t)k);
    memcpy(w, r.u.s.p, r.u.s.len);
    memset(w + r.u.s.len, '0', (size_t)k);
    set_text(out, w, r.u.s.len + (size_t)k);
    return true;
}

static bool eval_func(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err)
{
    adp_session *s = c->s;
    adp_value a = {0};
    if (e->op >= ADP_F_SUBSTR) return adp_eval_text(e, c, out, err);
    adp_value a2 = {0};
    if (e->nargs) {
        /* every argument is computed (and may fail) before a NULL one makes the result
         * NULL, as PostgreSQL calls strict functions */
        if (!adp_eval(e->args[0], c, &a, err)) return false;
        if (e->nargs > 1 && !adp_eval(e->args[1], c, &a2, err)) return false;
        if (a.isnull || (e->nargs > 1 && a2.isnull)) {
            out->isnull = true;
            return true;
        }
    }
    out->isnull = false;
    switch ((adp_func_id)e->op) {
    case ADP_F_VERSION: {
        static const char v[] = "PostgreSQL 15.0 (pgpeek " PGPEEK_VERSION
                                ") on x86_64-pc-linux-gnu, compiled by gcc, 64-bit";
        set_text(out, v, sizeof v - 1);
        return true;
    }
    case ADP_F_CURRENT_USER:
        set_text(out, s->user, strlen(s->user));
        return true;
    case ADP_F_CURRENT_DATABASE:
        set_text(out, s->database, strlen(s->database));
        return true;
    case ADP_F_CURRENT_SCHEMA:
        if (adp_public_on_path(s))
            set_text(out, "public", 6);
        else
            out->isnull = true;
        return true;
    case ADP_F_NOW:
        if (!s->now_fixed) {
            s->stmt_now = adp_now_pg_usec();
            s->now_fixed = true;
        }
        out->u.i = s->stmt_now;
        return true;
    case ADP_F_LOWER:
    case ADP_F_UPPER: {
        char *r = adp_arena_alloc(&s->arena, a.u.s.len + 1);
        for (uint32_t i = 0; i < a.u.s.len; i++) {
            unsigned char ch = (unsigned char)a.u.s.p[i];
            r[i] = (char)(e->op == ADP_F_LOWER ? tolower(ch) : toupper(ch));
        }
        set_text(out, r, a.u.s.len);
        return true;
    }
    case ADP_F_LENGTH: {
        if (e->flag) { /* bytes: length(bytea), octet_length */
            out->u.i = a.u.s.len;
            return true;
        }
        int64_t n = 0;
        for (uint32_t i = 0; i < a.u.s.len; i++)
            n += ((unsigned char)a.u.s.p[i] & 0xC0) != 0x80;
        out->u.i = n;
        return true;
    }
    case ADP_F_ROUND: {
        if (e->type.id == ADP_T_FLOAT8) {
            out->u.f = rint(a.u.f); /* half to even, as PostgreSQL's dround */
            return true;
        }
        int64_t scale = 0;
        if (e->nargs == 2) scale = a2.u.i;
        /* NaN and the infinities round to themselves */
        if (a.u.s.len && (a.u.s.p[a.u.s.len - 1] < '0' || a.u.s.p[a.u.s.len - 1] > '9')) {
            *out = a;
            return true;
        }
        if (scale < 0) return numeric_round_neg(&a, -scale, &s->fmt, &s->arena, out, err);
        if (scale > 1000)
            return pgw_errorf(err, "0A000", "round() with a scale above 1000 is not supported");
        /* numeric rounding is the cast to numeric(1000, scale): half away from zero */
        adp_type to = {ADP_T_NUMERIC, (int32_t)(((1000 << 16) | scale) + 4)};
        return adp_value_cast(&a, (adp_type){ADP_T_NUMERIC, -1}, to, true, &s->fmt, &s->arena, out,
                              err);
    }
    case ADP_F_CURRENT_SETTING: {
        char name[ADP_SETTING_MAX];
        snprintf(name, sizeof name, "%.*s", (int)a.u.s.len, a.u.s.p);
        int id = adp_setting_find(name, err);
        if (id < 0) return false;
        const char *v = adp_arena_strdup(&s->arena, s->settings.v[id]);
        set_text(out, v, strlen(v));
        return true;
    }
    case ADP_F_ABS: {
        if (e->type.id == ADP_T_NUMERIC) {
            if (a.u.s.len && a.u.s.p[0] == '-')
                set_text(out, a.u.s.p + 1, a.u.s.len - 1);
            else
                *out = a;
            return true;
        }
        if (e->type.id == ADP_T_FLOAT4 || e->type.id == ADP_T_FLOAT8) {
            out->u.f = fabs(a.u.f);
            return true;
        }
        if (a.u.i >= 0) {
            *out = a;
            return true;
        }
        return adp_value_neg(e->type.id, &a, &s->arena, out, err);
    }
    default:
        break; /* string functions were dispatched above */
    }
    return pgw_errorf(err, "XX000", "unknown function");
}

/* UTF-8 aware: '_' matches one character, '%' any run, '\' escapes. */
static size_t char_len(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t l = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    return l > n ? n : l;
}

static bool ch_eq(char a, char b, bool icase)
{
    return icase ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

/* 1 match, 0 no match, -1 the text ran out with pattern left: then letting an earlier %
 * swallow more text cannot help either, and giving up at once keeps LIKE polynomial
 * ('%a%a%a%b' over a long run of a's), as PostgreSQL's matcher does. */
static int like(const char *s, size_t sn, const char *p, size_t pn, bool icase, bool bytes)
{
    while (pn) {
        if (p[0] == '%') {
            while (pn && p[0] == '%') {
                p++;
                pn--;
            }
            if (!pn) return 1;
            for (;;) {
                int r = like(s, sn, p, pn, icase, bytes);
                if (r != 0) return r;
                if (!sn) return -1;
                size_t l = bytes ? 1 : char_len(s, sn);
                s += l;
                sn -= l;
            }
        }
        if (!sn) return -1;
        if (p[0] == '_') {
            size_t l = bytes ? 1 : char_len(s, sn);
            s += l;
            sn -= l;
            p++;
            pn--;
            continue;
        }
        if (p[0] == '\\' && pn > 1) {
            p++;
            pn--;
        }
        if (!ch_eq(p[0], s[0], icase)) return 0;
        p++;
        pn--;
        s++;
        sn--;
    }
    return sn == 0;
}

bool adp_like_match(const char *s, size_t sn, const char *p, size_t pn, bool icase)
{
    return like(s, sn, p, pn, icase, false) == 1;
}

bool adp_like_match_bytes(const char *s, size_t sn, const char *p, size_t pn)
{
    return like(s, sn, p, pn, false, true) == 1;
}
