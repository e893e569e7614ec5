/* adp_fastpath_exec: which plans the fast path keeps, and the fast executor: one table or
 * none, WHERE, projection, constant LIMIT/OFFSET, rows encoded straight into the output
 * buffer with no heap allocation. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_cert.h"
#include "adp_exec.h"
#include "adp_fastpath.h"
#include "adp_index_path.h"
#include "adp_mvcc.h"
#include "adp_value_ext.h"
#include "pgw_be_write.h"

/* --- eligibility --- */

/* Aggregates and group keys need the grouped executor; now() (and transaction_timestamp)
 * marks the transaction's start time, which the fast path does not track. */
static bool expr_ok(const adp_expr *e, adp_fp_reason *why)
{
    if (!e) return true;
    switch (e->kind) {
    case ADP_E_AGG:
    case ADP_E_GROUPKEY:
        *why = ADP_FP_R_UNSUPPORTED;
        return false;
    case ADP_E_FUNC:
        if (e->op == ADP_F_NOW) {
            *why = ADP_FP_R_VOLATILE;
            return false;
        }
        break;
    default:
        break;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!expr_ok(e->args[i], why)) return false;
    return true;
}

/* Date/time literals that name a moment relative to now are converted once, at planning:
 * a plan holding one must not be reused (PostgreSQL plans a simple query every time). */
static bool has_relative_time_word(const char *sql, size_t len)
{
    static const char *words[] = {"now", "today", "tomorrow", "yesterday"};
    for (size_t i = 0; i < len; i++) {
        char c = (char)(sql[i] | 0x20);
        if (c != 'n' && c != 't' && c != 'y') continue;
        for (size_t w = 0; w < 4; w++) {
            size_t n = strlen(words[w]);
            if (i + n <= len && strncasecmp(sql + i, words[w], n) == 0) return true;
        }
    }
    return false;
}

bool adp_fp_eligible(const adp_select_plan *pl, const char *sql, size_t len, adp_fp_reason *why)
{
    if (pl->grouped || pl->naggs || pl->having || pl->distinct || pl->nsort || pl->limit_expr ||
        pl->offset_expr || pl->ncomputed != pl->ntargets) {
        *why = ADP_FP_R_UNSUPPORTED;
        return false;
    }
    /* an index path other than the unique key's hash: the normal executor takes it */
    adp_ipath path;
    if (pl->table && !pl->lookup && adp_ipath_choose(pl->table, pl->where, &path)) {
        *why = ADP_FP_R_UNSUPPORTED;
        return false;
    }
    if (!expr_ok(pl->where, why)) return false;
    for (int i = 0; i < pl->ntargets; i++)
        if (!expr_ok(pl->targets[i].expr, why)) return false;
    if (has_relative_time_word(sql, len)) {
        *why = ADP_FP_R_VOLATILE;
        return false;
    }
    return true;
}

/* No function call in e: nothing can depend on the session (current_user, pg_backend_pid). */
static bool no_func(const adp_expr *e)
{
    if (!e) return true;
    if (e->kind == ADP_E_FUNC) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!no_func(e->args[i])) return false;
    return true;
}

/* Nothing in e reads the clock. */
static bool no_clock(const adp_expr *e)
{
    if (!e) return true;
    if (e->kind == ADP_E_FUNC && e->op == ADP_F_NOW) return false;
    for (int i = 0; i < e->nargs; i++)
        if (!no_clock(e->args[i])) return false;
    return true;
}

bool adp_fp_deterministic(const adp_select_plan *pl, const char *sql, size_t len)
{
    if (!no_clock(pl->where) || !no_clock(pl->having) || pl->limit_expr || pl->offset_expr)
        return false;
    for (int i = 0; i < pl->ncomputed; i++)
        if (!no_clock(pl->targets[i].expr)) return false;
    for (int i = 0; i < pl->ngroup; i++)
        if (!no_clock(pl->group[i])) return false;
    for (int i = 0; i < pl->naggs; i++)
        if (!no_clock(pl->aggs[i].arg) || !no_clock(pl->aggs[i].filter)) return false;
    return !has_relative_time_word(sql, len);
}

void adp_fp_describe(adp_fp_plan *f, const adp_select_plan *pl, const pgw_buf *rowdesc,
                     adp_arena *a, bool general, const char *sql)
{
    f->pl = pl;
    f->general = general;
    f->sql = sql;
    f->rowdesc = rowdesc;
    f->exprs = false;
    f->plain = pl->table != NULL;
    size_t n = (size_t)(pl->ntargets ? pl->ntargets : 1);
    f->colsrc = adp_arena_alloc(a, n * sizeof *f->colsrc);
    f->kind = adp_arena_alloc(a, n);
    for (int i = 0; i < pl->ntargets; i++) {
        const adp_expr *e = pl->targets[i].expr;
        bool col = pl->table && e->kind == ADP_E_COL;
        f->colsrc[i] = col ? (int16_t)e->index : -1;
        if (!col) f->exprs = true;
        adp_type_id t = e->type.id;
        bool text = t == ADP_T_TEXT || t == ADP_T_VARCHAR;
        bool integer = t == ADP_T_INT2 || t == ADP_T_INT4 || t == ADP_T_INT8;
        f->kind[i] = text ? 't' : 'i';
        if (!col || !(text || integer)) f->plain = false;
    }
    f->sharable = !general && pl->table && !f->exprs && no_func(pl->where);
}

/* --- the executor --- */

/* Running state of one execution. Stack value. */
typedef struct fp_run {
    adp_session *s;
    const adp_fp_plan *f;
    pgw_buf *out;
    uint64_t seen, sent;
    int64_t offset, limit;
    bool plain;     /* plain_row applies: text and integer columns, every result in text */
    pgw_error *err; /* evaluation errors: dropped, the normal path reports them */
} fp_run;

/* Text and integers (most columns) are written here directly, with the bytes
 * adp_value_out gives; everything else goes through it. */
static void put_value(fp_run *r, int i, adp_type ty, const adp_value *v)
{
    pgw_buf *out = r->out;
    if (v->isnull) {
        pgw_be_write_data_null(out);
        return;
    }
    if (r->s->nrfmt && ty.id != ADP_T_UNKNOWN && adp_result_format(r->s, i) == 1) {
        size_t at = pgw_buf_begin_field(out);
        adp_value_send(out, ty, v);
        pgw_buf_end_field(out, at);
        return;
    }
    switch (ty.id) {
    case ADP_T_UNKNOWN:
    case ADP_T_TEXT:
    case ADP_T_VARCHAR:
        pgw_be_write_data_field(out, v->u.s.p, (int32_t)v->u.s.len);
        return;
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8: {
        char tmp[24];
        int n = 0;
        int64_t x = v->u.i;
        uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
        do {
            tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (x < 0) tmp[sizeof tmp - 1 - n++] = '-';
        pgw_be_write_data_field(out, tmp + sizeof tmp - n, n);
        return;
    }
    default: {
        size_t at = pgw_buf_begin_field(out);
        adp_value_out(out, ty, v, &r->s->fmt);
        pgw_buf_end_field(out, at);
        return;
    }
    }
}

static inline char *put_be32(char *p, uint32_t v)
{
    p[0] = (char)(v >> 24);
    p[1] = (char)(v >> 16);
    p[2] = (char)(v >> 8);
    p[3] = (char)v;
    return p + 4;
}

/* A DataRow of text and integer columns in text format: one reservation, then plain
 * stores (the bytes put_value would write). */
static void plain_row(fp_run *r, const adp_value *row)
{
    const adp_fp_plan *f = r->f;
    int n = f->pl->ntargets;
    size_t need = 7;
    for (int i = 0; i < n; i++) {
        const adp_value *v = &row[f->colsrc[i]];
        need += 4 + (v->isnull ? 0 : f->kind[i] == 't' ? v->u.s.len : 20);
    }
    pgw_buf *out = r->out;
    if (!pgw_buf_reserve(out, need)) return; /* the sticky failure is seen at send */
    char *start = out->data + out->len, *p = start + 5;
    *start = 'D';
    *p++ = (char)(n >> 8);
    *p++ = (char)n;
    for (int i = 0; i < n; i++) {
        const adp_value *v = &row[f->colsrc[i]];
        if (v->isnull) {
            p = put_be32(p, UINT32_MAX);
        } else if (f->kind[i] == 't') {
            p = put_be32(p, v->u.s.len);
            memcpy(p, v->u.s.p, v->u.s.len);
            p += v->u.s.len;
        } else {
            char tmp[24];
            int k = 0;
            int64_t x = v->u.i;
            uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
            do {
                tmp[sizeof tmp - 1 - k++] = (char)('0' + u % 10);
                u /= 10;
            } while (u);
            if (x < 0) tmp[sizeof tmp - 1 - k++] = '-';
            p = put_be32(p, (uint32_t)k);
            memcpy(p, tmp + sizeof tmp - k, (size_t)k);
            p += k;
        }
    }
    put_be32(start + 1, (uint32_t)(p - start - 1));
    out->len += (size_t)(p - start);
}

/* One input row (NULL without FROM): WHERE, then the row if it is inside OFFSET/LIMIT.
 * Rows outside still have their targets computed: the normal path computes every row
 * before cutting, so an error there must not go unnoticed. */
static bool input_row(fp_run *r, const adp_value *row)
{
    const adp_select_plan *pl = r->f->pl;
    adp_eval_ctx c = {.s = r->s, .row = row};
    if (pl->where) {
        bool pass;
        if (!adp_eval_qual(pl->where, &c, &pass, r->err)) return false;
        if (!pass) return true;
    }
    bool emit = r->seen >= (uint64_t)r->offset && (r->limit < 0 || r->sent < (uint64_t)r->limit);
    r->seen++;
    if (!emit) {
        adp_value v;
        for (int i = 0; r->f->exprs && i < pl->ntargets; i++)
            if (r->f->colsrc[i] < 0 && !adp_eval(pl->targets[i].expr, &c, &v, r->err)) return false;
        return true;
    }
    r->sent++;
    if (r->plain) {
        plain_row(r, row);
        return true;
    }
    pgw_be_write_data_row_begin(r->out, (int16_t)pl->ntargets);
    for (int i = 0; i < pl->ntargets; i++) {
        const adp_expr *e = pl->targets[i].expr;
        int src = r->f->colsrc[i];
        if (src >= 0) {
            put_value(r, i, e->type, &row[src]);
        } else {
            adp_value v;
            if (!adp_eval(e, &c, &v, r->err)) return false;
            put_value(r, i, e->type, &v);
        }
    }
    pgw_be_write_data_row_end(r->out);
    return true;
}

static void command_complete(pgw_buf *out, uint64_t n)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    if (!pgw_buf_reserve(out, 5 + 7 + (size_t)k + 1)) return;
    char *start = out->data + out->len, *p = start + 5;
    *start = 'C';
    memcpy(p, "SELECT ", 7);
    p += 7;
    while (k)
        *p++ = digits[--k];
    *p++ = 0;
    put_be32(start + 1, (uint32_t)(p - start - 1));
    out->len += (size_t)(p - start);
}

bool adp_fp_exec(adp_session *s, const adp_fp_plan *f, pgw_buf *out, uint64_t *read_ts)
{
    const adp_select_plan *pl = f->pl;
    size_t mark = out->len;
    pgw_error err; /* evaluation asks whether one is set; the rest is written on failure */
    pgw_error_clear(&err);
    fp_run r = {.s = s, .f = f, .out = out, .offset = pl->offset, .limit = pl->limit, .err = &err};
    r.plain = f->plain;
    for (int i = 0; r.plain && i < s->nrfmt; i++)
        r.plain = s->rfmt[i] == 0;
    if (!s->skip_rowdesc) {
        if (s->nrfmt == 0)
            pgw_buf_put(out, f->rowdesc->data, f->rowdesc->len);
        else
            adp_write_row_description(s, out, pl->targets, pl->ntargets);
    }
    bool ok = true;
    if (!pl->table) {
        ok = input_row(&r, NULL);
    } else {
        uint64_t ts = adp_snapshot(s);
        if (!pl->lookup) adp_cert_note_read(s, pl->table);
        if (read_ts) *read_ts = ts;
        bool scan = true;
        if (pl->lookup) {
            /* at most one row can match; WHERE still runs on it */
            adp_value key[pl->table->ncols];
            key[pl->lookup_col] = pl->lookup_val;
            if (pl->lookup_param >= 0) {
                if (pl->lookup_param >= s->nparams) goto fail;
                key[pl->lookup_col] = s->params[pl->lookup_param];
            }
            bool null = key[pl->lookup_col].isnull;
            /* Without db->lock a writer may move the row's versions meanwhile: a delete is
             * counted and the table's churn bumped before it leaves the hash, a rolled-back
             * one is back in the hash before it stops counting, so asking before and after
             * the lookup misses neither (adp_txn.c). */
            uint64_t churn = atomic_load_explicit(&pl->table->churn, memory_order_acquire);
            bool versions = adp_table_has_versions(pl->table);
            adp_row *row = null ? NULL : adp_index_lookup(pl->table, pl->lookup, key, NULL);
            /* the hash holds current rows only: this snapshot may see an older version */
            row = adp_row_version(s, row, ts);
            /* an older version with another key is not the row (the key changed hands) */
            adp_type_id kt = pl->table->cols[pl->lookup_col].type.id;
            if (row && adp_value_cmp(kt, &row->vals[pl->lookup_col], &key[pl->lookup_col]) != 0)
                row = NULL;
            if (row) ok = input_row(&r, row->vals);
            scan = !row && !null &&
                   (versions || adp_table_has_versions(pl->table) ||
                    atomic_load_explicit(&pl->table->churn, memory_order_acquire) != churn);
            /* a lookup read only its key's rows; a scan read the table */
            if (scan)
                adp_cert_note_read(s, pl->table);
            else
                adp_cert_note_key(s, pl->table, pl->lookup, key);
        }
        /* one array for the whole scan: a writer replaces it rather than change it */
        const adp_rowvec *v = scan ? adp_table_rows(pl->table) : NULL;
        size_t n = adp_rowvec_len(v);
        for (size_t i = 0; ok && i < n; i++) {
            const adp_row *row = v->rows[i];
            if (adp_row_visible(s, row, ts)) ok = input_row(&r, row->vals);
        }
    }
    if (!ok) goto fail;
    command_complete(out, r.sent);
    return true;
fail:
    out->len = mark;
    out->msg_start = SIZE_MAX;
    return false;
}
