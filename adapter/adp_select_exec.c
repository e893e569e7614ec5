/* adp_select_exec: runs an adp_select_plan: scan, filter, group and aggregate, sort,
 * LIMIT/OFFSET, and writes the result messages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_cert.h"
#include "adp_index_path.h"
#include "adp_mvcc.h"
#include "adp_read.h"
#include "pgw_be_write.h"

/* Running state of one aggregate in one group. Arena memory of the statement. */
typedef struct agg_state {
    int64_t count;
    bool has;
    adp_value v;      /* min/max, numeric sum */
    __int128 isum;    /* integer sums */
    double fsum;      /* float sums (Sx) */
    double fsxx;      /* float avg: Sxx, kept for PostgreSQL's overflow behaviour */
    adp_value *dvals; /* DISTINCT inputs */
    size_t nd, capd;
} agg_state;

/* One group of a grouped SELECT. Arena memory of the statement. */
typedef struct group {
    uint64_t hash;
    adp_value *keys;
    agg_state *st;
} group;

/* A result row before sorting: computed values (arena) and the input order. */
typedef struct out_row {
    adp_value *v;
    size_t ord;
} out_row;

/* Everything the executor accumulates for one statement. Stack value. */
typedef struct sel_run {
    adp_pctx *p;
    const adp_select_plan *pl;
    out_row *rows;
    size_t nrows, caprows;
    group **groups;
    size_t ngroups, capgroups;
    group **slots; /* open addressing, size nslots (power of two) */
    size_t nslots;
} sel_run;

static const char *i128_text(adp_arena *a, __int128 v)
{
    char buf[64];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    char *s = adp_arena_alloc(a, (size_t)n + 2);
    int k = 0;
    if (neg) s[k++] = '-';
    while (n)
        s[k++] = buf[--n];
    s[k] = 0;
    return s;
}

static void set_numeric_text(adp_value *v, const char *s)
{
    v->isnull = false;
    v->u.s.p = s;
    v->u.s.len = (uint32_t)strlen(s);
}

/* Float sums overflow as float4pl/float8pl do: an infinite result from finite inputs. */
static bool float_add(double *acc, double x, bool single, pgw_error *err)
{
    double prev = *acc;
    *acc = single ? (double)(float)(prev + x) : prev + x;
    if (isinf(*acc) && !isinf(prev) && !isinf(x))
        return pgw_errorf(err, "22003", "value out of range: overflow");
    return true;
}

/* avg over floats keeps N, Sx and Sxx (Youngs-Cramer) like float8_accum, including its
 * overflow error when Sxx overflows on finite input. */
static bool float_accum(agg_state *st, double x, pgw_error *err)
{
    double n = (double)st->count, prev = st->fsum;
    st->fsum += x;
    if (st->count > 1) {
        double tmp = x * n - st->fsum;
        st->fsxx += tmp * tmp / (n * (n - 1));
        if (isinf(st->fsum) || isinf(st->fsxx)) {
            if (!isinf(prev) && !isinf(x))
                return pgw_errorf(err, "22003", "value out of range: overflow");
            st->fsxx = NAN;
        }
    } else if (isnan(x) || isinf(x))
        st->fsxx = NAN;
    return true;
}

/* Adds one non-NULL input value to an aggregate's state. */
static bool agg_accum(sel_run *r, const adp_agg *ag, agg_state *st, const adp_value *v,
                      pgw_error *err)
{
    st->count++;
    adp_type_id t = ag->arg->type.id;
    switch (ag->kind) {
    case ADP_AGG_SUM:
    case ADP_AGG_AVG:
        if (t == ADP_T_INT2 || t == ADP_T_INT4 || t == ADP_T_INT8)
            st->isum += v->u.i;
        else if (t == ADP_T_FLOAT4 || t == ADP_T_FLOAT8) {
            /* sum starts from its first value, as float4pl/float8pl do (-0 stays -0) */
            bool ok = ag->kind == ADP_AGG_SUM
                          ? (st->has ? float_add(&st->fsum, v->u.f, t == ADP_T_FLOAT4, err)
                                     : (st->fsum = v->u.f, true))
                          : float_accum(st, v->u.f, err);
            if (!ok) return false;
        } else if (!st->has)
            st->v = *v;
        else if (!adp_numeric_add(&st->v, v, &r->p->s->arena, &st->v, err))
            return false;
        st->has = true;
        return true;
    case ADP_AGG_MIN:
    case ADP_AGG_MAX: {
        if (!st->has) {
            st->v = *v;
            st->has = true;
            return true;
        }
        /* a tie takes the newer value, as PostgreSQL's smaller/larger functions do
         * (numeric 0.000 after 0.0, -0 after 0) */
        int cmp = adp_value_cmp(t, v, &st->v);
        if (ag->kind == ADP_AGG_MIN ? cmp <= 0 : cmp >= 0) st->v = *v;
        return true;
    }
    default:
        return true;
    }
}

static bool agg_step(sel_run *r, const adp_agg *ag, agg_state *st, const adp_eval_ctx *c,
                     pgw_error *err)
{
    if (ag->filter) {
        bool pass;
        if (!adp_eval_qual(ag->filter, c, &pass, err)) return false;
        if (!pass) return true;
    }
    if (ag->kind == ADP_AGG_COUNT_STAR) {
        st->count++;
        return true;
    }
    adp_value v;
    if (!adp_eval(ag->arg, c, &v, err)) return false;
    if (v.isnull) return true;
    if (!ag->distinct) return agg_accum(r, ag, st, &v, err);
    /* DISTINCT: collect now, sort and deduplicate when the group is finished. */
    if (st->nd == st->capd) {
        size_t cap = st->capd ? st->capd * 2 : 16;
        adp_value *n = adp_arena_alloc(&r->p->s->arena, cap * sizeof *n);
        if (st->nd) memcpy(n, st->dvals, st->nd * sizeof *n);
        st->dvals = n;
        st->capd = cap;
    }
    st->dvals[st->nd++] = v;
    return true;
}

static int cmp_distinct(const void *a, const void *b, void *arg)
{
    return adp_value_cmp(*(const adp_type_id *)arg, a, b);
}

static bool agg_distinct_finish(sel_run *r, const adp_agg *ag, agg_state *st, pgw_error *err)
{
    adp_type_id t = ag->arg->type.id;
    if (st->nd > 1) qsort_r(st->dvals, st->nd, sizeof *st->dvals, cmp_distinct, &t);
    for (size_t i = 0; i < st->nd; i++)
        if ((i == 0 || adp_value_cmp(t, &st->dvals[i - 1], &st->dvals[i]) != 0) &&
            !agg_accum(r, ag, st, &st->dvals[i], err))
            return false;
    return true;
}

static bool agg_final(sel_run *r, const adp_agg *ag, agg_state *st, adp_value *out, pgw_error *err)
{
    adp_arena *a = &r->p->s->arena;
    memset(out, 0, sizeof *out);
    if (ag->distinct && !agg_distinct_finish(r, ag, st, err)) return false;
    if (ag->kind == ADP_AGG_COUNT_STAR || ag->kind == ADP_AGG_COUNT) {
        out->u.i = st->count;
        return true;
    }
    if (!st->count) {
        out->isnull = true;
        return true;
    }
    if (ag->kind == ADP_AGG_MIN || ag->kind == ADP_AGG_MAX) {
        *out = st->v;
        return true;
    }
    adp_type_id in = ag->arg->type.id;
    bool isint = in == ADP_T_INT2 || in == ADP_T_INT4 || in == ADP_T_INT8;
    if (ag->kind == ADP_AGG_SUM) {
        if (ag->type.id == ADP_T_INT8) {
            if (st->isum > INT64_MAX || st->isum < INT64_MIN)
                return pgw_errorf(err, "22003", "bigint out of range");
            out->u.i = (int64_t)st->isum;
        } else if (isint)
            set_numeric_text(out, i128_text(a, st->isum));
        else if (in == ADP_T_FLOAT4 || in == ADP_T_FLOAT8)
            out->u.f = st->fsum;
        else
            *out = st->v;
        return true;
    }
    if (in == ADP_T_FLOAT4 || in == ADP_T_FLOAT8) {
        out->u.f = st->fsum / (double)st->count;
        return true;
    }
    adp_value sum;
    if (isint)
        set_numeric_text(&sum, i128_text(a, st->isum));
    else
        sum = st->v;
    return adp_numeric_div_int(&sum, st->count, a, out, err);
}

static void push_row(sel_run *r, adp_value *v)
{
    if (r->nrows == r->caprows) {
        r->caprows = r->caprows ? r->caprows * 2 : 64;
        r->rows = realloc(r->rows, r->caprows * sizeof *r->rows);
        if (!r->rows) abort();
    }
    r->rows[r->nrows] = (out_row){v, r->nrows};
    r->nrows++;
}

static group *find_group(sel_run *r, const adp_value *keys)
{
    const adp_select_plan *pl = r->pl;
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < pl->ngroup; i++)
        h = (h ^ (keys[i].isnull ? 0x51ull : adp_value_hash(pl->group[i]->type.id, &keys[i]))) *
            0x100000001B3ull;
    if (r->ngroups * 2 >= r->nslots) {
        size_t n = r->nslots ? r->nslots * 2 : 64;
        group **slots = calloc(n, sizeof *slots);
        if (!slots) abort();
        for (size_t i = 0; i < r->ngroups; i++) {
            size_t j = r->groups[i]->hash & (n - 1);
            while (slots[j])
                j = (j + 1) & (n - 1);
            slots[j] = r->groups[i];
        }
        free(r->slots);
        r->slots = slots;
        r->nslots = n;
    }
    size_t j = h & (r->nslots - 1);
    for (; r->slots[j]; j = (j + 1) & (r->nslots - 1)) {
        group *g = r->slots[j];
        if (g->hash != h) continue;
        bool same = true;
        for (int i = 0; i < pl->ngroup && same; i++) {
            if (keys[i].isnull || g->keys[i].isnull)
                same = keys[i].isnull && g->keys[i].isnull;
            else
                same = adp_value_cmp(pl->group[i]->type.id, &keys[i], &g->keys[i]) == 0;
        }
        if (same) return g;
    }
    adp_arena *a = &r->p->s->arena;
    group *g = adp_arena_zalloc(a, sizeof *g);
    g->hash = h;
    g->keys = adp_arena_alloc(a, (size_t)(pl->ngroup ? pl->ngroup : 1) * sizeof *g->keys);
    if (pl->ngroup) memcpy(g->keys, keys, (size_t)pl->ngroup * sizeof *keys);
    g->st = adp_arena_zalloc(a, (size_t)(pl->naggs ? pl->naggs : 1) * sizeof *g->st);
    r->slots[j] = g;
    if (r->ngroups == r->capgroups) {
        r->capgroups = r->capgroups ? r->capgroups * 2 : 16;
        r->groups = realloc(r->groups, r->capgroups * sizeof *r->groups);
        if (!r->groups) abort();
    }
    r->groups[r->ngroups++] = g;
    return g;
}

static bool compute(sel_run *r, const adp_eval_ctx *c, pgw_error *err)
{
    const adp_select_plan *pl = r->pl;
    adp_value *v =
        adp_arena_alloc(&r->p->s->arena, (size_t)(pl->ncomputed ? pl->ncomputed : 1) * sizeof *v);
    for (int i = 0; i < pl->ncomputed; i++)
        if (!adp_eval(pl->targets[i].expr, c, &v[i], err)) return false;
    push_row(r, v);
    return true;
}

static bool input_row(sel_run *r, const adp_value *row, pgw_error *err)
{
    const adp_select_plan *pl = r->pl;
    adp_eval_ctx c = {.s = r->p->s, .row = row};
    if (pl->where) {
        bool pass;
        if (!adp_eval_qual(pl->where, &c, &pass, err)) return false;
        if (!pass) return true;
    }
    if (!pl->grouped) return compute(r, &c, err);
    adp_value keys[pl->ngroup ? pl->ngroup : 1];
    for (int i = 0; i < pl->ngroup; i++)
        if (!adp_eval(pl->group[i], &c, &keys[i], err)) return false;
    group *g = find_group(r, keys);
    for (int i = 0; i < pl->naggs; i++)
        if (!agg_step(r, &pl->aggs[i], &g->st[i], &c, err)) return false;
    return true;
}

static bool finish_groups(sel_run *r, pgw_error *err)
{
    const adp_select_plan *pl = r->pl;
    if (pl->ngroup == 0 && r->ngroups == 0)
        find_group(r, NULL); /* aggregates over no rows still give one row */
    for (size_t gi = 0; gi < r->ngroups; gi++) {
        group *g = r->groups[gi];
        adp_value *aggs =
            adp_arena_alloc(&r->p->s->arena, (size_t)(pl->naggs ? pl->naggs : 1) * sizeof *aggs);
        for (int i = 0; i < pl->naggs; i++)
            if (!agg_final(r, &pl->aggs[i], &g->st[i], &aggs[i], err)) return false;
        adp_eval_ctx c = {.s = r->p->s, .keys = g->keys, .aggs = aggs};
        if (pl->having) {
            bool pass;
            if (!adp_eval_qual(pl->having, &c, &pass, err)) return false;
            if (!pass) continue;
        }
        if (!compute(r, &c, err)) return false;
    }
    return true;
}

static uint64_t row_hash(const adp_select_plan *pl, const adp_value *v)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < pl->ntargets; i++)
        h = (h ^ (v[i].isnull ? 0x51ull : adp_value_hash(pl->targets[i].expr->type.id, &v[i]))) *
            0x100000001B3ull;
    return h;
}

static bool rows_equal(const adp_select_plan *pl, const adp_value *a, const adp_value *b)
{
    for (int i = 0; i < pl->ntargets; i++) {
        if (a[i].isnull || b[i].isnull) {
            if (a[i].isnull != b[i].isnull) return false;
        } else if (adp_value_cmp(pl->targets[i].expr->type.id, &a[i], &b[i]) != 0)
            return false;
    }
    return true;
}

/* SELECT DISTINCT: keeps the first of equal rows (NULLs equal), in input order. */
static void dedupe(sel_run *r)
{
    size_t nslots = 16;
    while (nslots < r->nrows * 2)
        nslots *= 2;
    size_t *slots = calloc(nslots, sizeof *slots); /* row index + 1, 0 = empty */
    if (!slots) abort();
    size_t kept = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        size_t j = row_hash(r->pl, r->rows[i].v) & (nslots - 1);
        bool dup = false;
        for (; slots[j]; j = (j + 1) & (nslots - 1))
            if (rows_equal(r->pl, r->rows[slots[j] - 1].v, r->rows[i].v)) {
                dup = true;
                break;
            }
        if (dup) continue;
        r->rows[kept] = r->rows[i];
        slots[j] = ++kept;
    }
    r->nrows = kept;
    free(slots);
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
    const adp_select_plan *pl = arg;
    const out_row *x = a, *y = b;
    for (int i = 0; i < pl->nsort; i++) {
        const adp_sort_key *k = &pl->sort[i];
        const adp_value *u = &x->v[k->target], *w = &y->v[k->target];
        int c;
        if (u->isnull || w->isnull) {
            if (u->isnull && w->isnull) continue;
            c = u->isnull ? 1 : -1;
            if (k->nulls_first) c = -c;
            return c;
        }
        c = adp_value_cmp(pl->targets[k->target].expr->type.id, u, w);
        if (c) return k->desc ? -c : c;
    }
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* An ORDER BY ... LIMIT walk in index order. Stack value. */
typedef struct top_walk {
    sel_run *r;
    uint64_t ts;
    size_t need; /* OFFSET + LIMIT rows */
    bool ok;
    pgw_error *err;
    /* backwards: the current group of equal keys, fed in seq order once it is complete */
    const adp_ipath *path;
    adp_row **grp;
    size_t ngrp, capgrp;
} top_walk;

static bool top_visit(adp_row *row, void *arg)
{
    top_walk *w = arg;
    if (!adp_row_visible(w->r->p->s, row, w->ts)) return true;
    if (!(w->ok = input_row(w->r, row->vals, w->err))) return false;
    return w->r->nrows < w->need;
}

static bool top_flush(top_walk *w)
{
    for (size_t i = w->ngrp; i-- > 0;) /* they came in descending seq */
        if (!(w->ok = input_row(w->r, w->grp[i]->vals, w->err))) return false;
    w->ngrp = 0;
    return true;
}

static bool top_visit_desc(adp_row *row, void *arg)
{
    top_walk *w = arg;
    if (!adp_row_visible(w->r->p->s, row, w->ts)) return true;
    const adp_index *ix = w->path->ix;
    if (w->ngrp &&
        !adp_itree_same_key(w->r->pl->table, ix, w->path->neq, w->grp[w->ngrp - 1], row)) {
        if (!top_flush(w)) return false;
        if (w->r->nrows >= w->need) return false; /* whole groups only: ties take low seqs */
    }
    if (w->ngrp == w->capgrp) {
        size_t cap = w->capgrp ? w->capgrp * 2 : 16;
        adp_row **g = adp_arena_alloc(&w->r->p->s->arena, cap * sizeof *g);
        if (w->ngrp) memcpy(g, w->grp, w->ngrp * sizeof *g);
        w->grp = g;
        w->capgrp = cap;
    }
    w->grp[w->ngrp++] = row;
    return true;
}

/* LIMIT/OFFSET given by parameters: NULL means none, negative is an error. */
static bool runtime_bound(adp_pctx *p, const adp_expr *e, const char *what, int64_t *v)
{
    adp_eval_ctx c = {.s = p->s};
    adp_value x;
    if (!adp_eval(e, &c, &x, p->err)) return false;
    if (x.isnull) return true;
    if (x.u.i < 0)
        return pgw_errorf(p->err, what[0] == 'L' ? "2201W" : "2201X", "%s must not be negative",
                          what);
    *v = x.u.i;
    return true;
}

bool adp_select_collect(adp_pctx *p, const adp_select_plan *pl, adp_value ***rows, size_t *n)
{
    sel_run r = {.p = p, .pl = pl};
    pgw_error *err = p->err;
    bool ok = true;
    int64_t limit = pl->limit, offset = pl->offset;
    if ((pl->limit_expr && !runtime_bound(p, pl->limit_expr, "LIMIT", &limit)) ||
        (pl->offset_expr && !runtime_bound(p, pl->offset_expr, "OFFSET", &offset)))
        return false;
    bool scan = false;
    uint64_t ts = pl->table ? adp_snapshot(p->s) : 0;
    if (pl->table && !pl->lookup) adp_cert_note_read(p->s, pl->table);
    if (pl->table && pl->lookup) {
        /* at most one row can match; WHERE still runs on it */
        adp_value key[pl->table->ncols];
        adp_value *k = &key[pl->lookup_col];
        *k = pl->lookup_val;
        if (pl->lookup_param >= 0) {
            if (pl->lookup_param >= p->s->nparams)
                return pgw_errorf(err, "42P02", "there is no parameter $%d", pl->lookup_param + 1);
            *k = p->s->params[pl->lookup_param];
        }
        /* as the fast path's lookup (adp_fastpath_exec.c): without db->lock a delete may
         * take the row out of the hash and put it back meanwhile */
        uint64_t churn = atomic_load_explicit(&pl->table->churn, memory_order_acquire);
        bool versions = adp_table_has_versions(pl->table);
        adp_row *row = k->isnull ? NULL : adp_index_lookup(pl->table, pl->lookup, key, NULL);
        /* The hash holds current rows only: what this snapshot sees may be an older version,
         * and only one with the same key is the row (keys are unique at every snapshot). */
        row = adp_row_version(p->s, row, ts);
        adp_type_id kt = pl->table->cols[pl->lookup_col].type.id;
        if (row && adp_value_cmp(kt, &row->vals[pl->lookup_col], k) == 0)
            ok = input_row(&r, row->vals, err);
        else if (!k->isnull &&
                 (versions || adp_table_has_versions(pl->table) ||
                  atomic_load_explicit(&pl->table->churn, memory_order_acquire) != churn))
            scan = true;
        /* a lookup read only its key's rows; a scan read the table */
        if (scan)
            adp_cert_note_read(p->s, pl->table);
        else
            adp_cert_note_key(p->s, pl->table, pl->lookup, key);
    } else if (pl->table) {
        scan = true;
    } else {
        ok = input_row(&r, NULL, err);
    }
    /* ORDER BY ... LIMIT in index order: stop after the rows needed (current rows only,
     * so not while the table has other versions) */
    adp_ipath opath;
    bool desc;
    if (scan && ok && limit >= 0 && adp_ipath_ordered(pl, &opath, &desc)) {
        /* trees and the version counts together, under db->lock (adp_read.h) */
        bool current = adp_read_trees_begin(p->s) && !adp_table_has_versions(pl->table);
        if (current) {
            scan = false;
            top_walk w = {&r, ts, (size_t)limit + (size_t)offset, true, err, &opath, NULL, 0, 0};
            if (w.need && !adp_ipath_walk(p->s, pl->table, &opath, desc,
                                          desc ? top_visit_desc : top_visit, &w, err))
                ok = false;
            ok = ok && w.ok && (!w.ngrp || top_flush(&w));
        }
        adp_read_trees_end(p->s);
    }
    /* A scan, or the rows an index selects (in scan order, versions included). */
    adp_ipath path;
    adp_row **cand = NULL;
    size_t ncand = 0;
    if (scan && adp_ipath_choose(pl->table, pl->where, &path)) {
        /* a tree walk; a catalog change skips it, and the read runs again (adp_read.h) */
        if (adp_read_trees_begin(p->s) &&
            !(ok = adp_ipath_rows(p->s, pl->table, &path, &p->s->arena, &cand, &ncand, err)))
            ncand = 0;
        adp_read_trees_end(p->s);
    }
    /* one row array for the whole scan: a writer replaces it rather than change it */
    const adp_rowvec *v = scan && !cand ? adp_table_rows(pl->table) : NULL;
    if (v) ncand = adp_rowvec_len(v); /* no index, or too many rows for one: scan */
    for (size_t i = 0; ok && i < ncand; i++) {
        const adp_row *row = cand ? cand[i] : v->rows[i];
        if (adp_row_visible(p->s, row, ts)) ok = input_row(&r, row->vals, err);
    }
    if (ok && pl->grouped) ok = finish_groups(&r, err);
    *n = 0;
    if (ok) {
        if (pl->distinct) dedupe(&r);
        if (pl->nsort && r.nrows > 1)
            qsort_r(r.rows, r.nrows, sizeof *r.rows, cmp_rows, (void *)pl);
        size_t start = (size_t)offset;
        size_t avail = r.nrows > start ? r.nrows - start : 0;
        if (limit >= 0 && (size_t)limit < avail) avail = (size_t)limit;
        *rows = adp_arena_alloc(p->a, (avail ? avail : 1) * sizeof **rows);
        for (size_t i = 0; i < avail; i++)
            (*rows)[i] = r.rows[start + i].v;
        *n = avail;
    }
    free(r.rows);
    free(r.groups);
    free(r.slots);
    return ok;
}

bool adp_exec_select(adp_pctx *p, PgQuery__SelectStmt *st, pgw_buf *out)
{
    bool handled;
    if (st->n_from_clause == 1 &&
        st->from_clause[0]->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT &&
        (!adp_gdesc_try(p, st, out, &handled) || handled))
        return true;
    adp_select_plan *pl = adp_arena_alloc(p->a, sizeof *pl);
    if (!adp_plan_select(p, st, pl)) return false;
    if (p->s->plan_only) {
        adp_write_row_description(p->s, out, pl->targets, pl->ntargets);
        return true;
    }
    return adp_exec_select_plan(p, pl, out);
}

bool adp_exec_select_plan(adp_pctx *p, const adp_select_plan *pl, pgw_buf *out)
{
    adp_value **rows;
    size_t n;
    if (!adp_select_collect(p, pl, &rows, &n)) return false;
    adp_write_row_description(p->s, out, pl->targets, pl->ntargets);
    for (size_t i = 0; i < n; i++)
        adp_write_data_row(p->s, out, pl->targets, rows[i], pl->ntargets);
    char tag[32];
    snprintf(tag, sizeof tag, "SELECT %zu", n);
    pgw_be_write_command_complete(out, tag);
    return true;
}
