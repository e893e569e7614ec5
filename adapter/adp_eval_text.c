/* adp_eval_text: the string functions (substr, strpos, replace, concat, trim, left/right,
 * repeat, reverse), counting characters in UTF-8 as PostgreSQL does in a UTF8 database. */
#include <string.h>

#include "adp_plan.h"

/* Byte offset of character `n` (0-based) in s, clamped to len. */
static size_t char_off(const char *s, size_t len, int64_t n)
{
    size_t i = 0;
    while (n > 0 && i < len) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

static int64_t char_count(const char *s, size_t len)
{
    int64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static void set_text(adp_value *out, const char *p, size_t n)
{
    out->isnull = false;
    out->u.s.p = p;
    out->u.s.len = (uint32_t)n;
}

static bool in_set(const char *set, size_t setlen, const char *ch, size_t chlen)
{
    for (size_t i = 0; i < setlen;) {
        size_t l = char_off(set + i, setlen - i, 1);
        if (l == chlen && memcmp(set + i, ch, l) == 0) return true;
        i += l;
    }
    return false;
}

/* trim: which 1 = leading, 2 = trailing, 3 = both. */
static void trim(const adp_value *s, const char *set, size_t setlen, int which, adp_value *out)
{
    const char *p = s->u.s.p;
    size_t b = 0, e = s->u.s.len;
    if (which & 1)
        while (b < e) {
            size_t l = char_off(p + b, e - b, 1);
            if (!in_set(set, setlen, p + b, l)) break;
            b += l;
        }
    if (which & 2)
        while (e > b) {
            size_t k = e - 1;
            while (k > b && ((unsigned char)p[k] & 0xC0) == 0x80)
                k--;
            if (!in_set(set, setlen, p + k, e - k)) break;
            e = k;
        }
    set_text(out, p + b, e - b);
}

/* PostgreSQL's string buffers stop short of MaxAllocSize (1 GB - 1). */
#define TEXT_BUF_MAX ((size_t)0x3fffffff)

static bool buffer_full(pgw_error *err, size_t have, size_t more)
{
    pgw_errorf(err, "54000", "out of memory");
    pgw_error_detail(err, "Cannot enlarge string buffer containing %zu bytes by %zu more bytes.",
                     have, more);
    return false;
}

static bool concat(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err)
{
    adp_arena *a = &c->s->arena;
    size_t cap = 64, len = 0;
    char *buf = adp_arena_alloc(a, cap);
    for (int i = 0; i < e->nargs; i++) {
        adp_value v;
        if (!adp_eval(e->args[i], c, &v, err)) return false;
        if (v.isnull) continue; /* concat() skips NULLs */
        const char *p;
        size_t n;
        if (adp_type_is_string(e->args[i]->type.id)) {
            p = v.u.s.p;
            n = v.u.s.len;
        } else {
            p = adp_value_out_cstr(a, e->args[i]->type, &v, &c->s->fmt);
            n = strlen(p);
        }
        if (n >= TEXT_BUF_MAX - len) return buffer_full(err, len, n);
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *nb = adp_arena_alloc(a, cap);
            memcpy(nb, buf, len);
            buf = nb;
        }
        memcpy(buf + len, p, n);
        len += n;
    }
    set_text(out, buf, len);
    return true;
}

bool adp_eval_text(const adp_expr *e, const adp_eval_ctx *c, adp_value *out, pgw_error *err)
{
    if (e->op == ADP_F_CONCAT) return concat(e, c, out, err);
    /* every argument is computed (and may fail) before a NULL one makes the result NULL,
     * as PostgreSQL calls strict functions */
    adp_value v[3] = {{0}};
    bool null = false;
    for (int i = 0; i < e->nargs; i++) {
        if (!adp_eval(e->args[i], c, &v[i], err)) return false;
        null |= v[i].isnull;
    }
    if (null) {
        out->isnull = true;
        return true;
    }
    const char *p = v[0].u.s.p;
    size_t len = v[0].u.s.len;
    adp_arena *a = &c->s->arena;
    out->isnull = false;
    switch ((adp_func_id)e->op) {
    case ADP_F_SUBSTR: {
        /* characters [start, start + count) with start 1-based and possibly < 1 */
        int64_t start = v[1].u.i, end = INT64_MAX;
        if (e->nargs == 3) {
            if (v[2].u.i < 0)
                return pgw_errorf(err, "22011", "negative substring length not allowed");
            end = start + v[2].u.i;
        }
        if (start < 1) start = 1;
        if (end <= start) {
            set_text(out, "", 0);
            return true;
        }
        if (e->flag) { /* bytea: bytes */
            size_t b = (uint64_t)(start - 1) < len ? (size_t)(start - 1) : len;
            size_t n = end == INT64_MAX || (uint64_t)(end - start) > len - b
                           ? len - b
                           : (size_t)(end - start);
            set_text(out, p + b, n);
            return true;
        }
        size_t b = char_off(p, len, start - 1);
        size_t n = end == INT64_MAX ? len - b : char_off(p + b, len - b, end - start);
        set_text(out, p + b, n);
        return true;
    }
    case ADP_F_STRPOS: {
        const char *q = v[1].u.s.p;
        size_t qn = v[1].u.s.len;
        out->u.i = 0;
        if (qn == 0) {
            out->u.i = 1;
            return true;
        }
        for (size_t i = 0; i + qn <= len; i++)
            if (memcmp(p + i, q, qn) == 0) {
                out->u.i = char_count(p, i) + 1;
                break;
            }
        return true;
    }
    case ADP_F_REPLACE: {
        const char *from = v[1].u.s.p, *to = v[2].u.s.p;
        size_t fn = v[1].u.s.len, tn = v[2].u.s.len;
        if (fn == 0) {
            *out = v[0];
            return true;
        }
        /* PostgreSQL builds the result in a string buffer of at most 1 GB: find where it
         * would give up, piece by piece as it appends, before allocating anything */
        size_t count = 0, built = 0, last = 0;
        for (size_t i = 0; i + fn <= len;)
            if (memcmp(p + i, from, fn) == 0) {
                size_t piece[2] = {i - last, tn};
                for (int k = 0; k < 2; k++) {
                    if (piece[k] >= TEXT_BUF_MAX - built) return buffer_full(err, built, piece[k]);
                    built += piece[k];
                }
                count++;
                i += fn;
                last = i;
            } else
                i++;
        if (len - last >= TEXT_BUF_MAX - built) return buffer_full(err, built, len - last);
        char *r = adp_arena_alloc(a, len + count * tn + 1);
        size_t k = 0;
        for (size_t i = 0; i < len;)
            if (i + fn <= len && memcmp(p + i, from, fn) == 0) {
                memcpy(r + k, to, tn);
                k += tn;
                i += fn;
            } else
                r[k++] = p[i++];
        set_text(out, r, k);
        return true;
    }
    case ADP_F_BTRIM:
    case ADP_F_LTRIM:
    case ADP_F_RTRIM: {
        int which = e->op == ADP_F_LTRIM ? 1 : e->op == ADP_F_RTRIM ? 2 : 3;
        if (e->nargs == 2)
            trim(&v[0], v[1].u.s.p, v[1].u.s.len, which, out);
        else
            trim(&v[0], " ", 1, which, out);
        return true;
    }
    case ADP_F_LEFT:
    case ADP_F_RIGHT: {
        int64_t total = char_count(p, len), n = v[1].u.i;
        int64_t keep = n >= 0 ? (n < total ? n : total) : (total + n > 0 ? total + n : 0);
        if (e->op == ADP_F_LEFT)
            set_text(out, p, char_off(p, len, keep));
        else {
            size_t b = char_off(p, len, total - keep);
            set_text(out, p + b, len - b);
        }
        return true;
    }
    case ADP_F_REPEAT: {
        int64_t n = v[1].u.i > 0 ? v[1].u.i : 0;
        if (len && (uint64_t)n * len > (1u << 30) - 1)
            return pgw_errorf(err, "54000", "requested length too large");
        char *r = adp_arena_alloc(a, (size_t)n * len + 1);
        for (int64_t i = 0; i < n; i++)
            memcpy(r + (size_t)i * len, p, len);
        set_text(out, r, (size_t)n * len);
        return true;
    }
    case ADP_F_REVERSE: {
        char *r = adp_arena_alloc(a, len + 1);
        for (size_t i = 0; i < len;) {
            size_t l = char_off(p + i, len - i, 1);
            memcpy(r + len - i - l, p + i, l);
            i += l;
        }
        set_text(out, r, len);
        return true;
    }
    default:
        return pgw_errorf(err, "XX000", "unknown string function");
    }
}
