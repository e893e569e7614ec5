/* adp_index_path: which index (if any) a WHERE clause can use, and the rows it yields.
 * Equality on a prefix of an index's columns, then a range (<, <=, >, >=, BETWEEN) on the
 * next column; everything else stays in WHERE, which runs on every row anyway. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adp_index_path.h"
#include "adp_mvcc.h"

#define MAXTERMS 64
#define MAXCOMBOS 4096 /* lookups one path may make for its IN lists */

/* One usable WHERE term, turned so that the column is on the left. Stack value. */
typedef struct term {
    const adp_expr *e; /* the term as written */
    int col;
    adp_cmp_op op;
    const adp_expr *val;
} term;

static adp_cmp_op commute(adp_cmp_op op)
{
    switch (op) {
    case ADP_CMP_LT:
        return ADP_CMP_GT;
    case ADP_CMP_LE:
        return ADP_CMP_GE;
    case ADP_CMP_GT:
        return ADP_CMP_LT;
    case ADP_CMP_GE:
        return ADP_CMP_LE;
    default:
        return op;
    }
}

/* Types whose values share one representation and one order (adp_value_cmp): integers,
 * floats, strings. A smallint column compared with an integer is cast to integer by the
 * analyzer; its index still applies, as PostgreSQL's cross-type operators allow. */
static int family(adp_type_id t)
{
    switch (t) {
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
        return 1;
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8:
        return 2;
    case ADP_T_TEXT:
    case ADP_T_VARCHAR:
        return 3;
    default:
        return 0;
    }
}

bool adp_ipath_same_order(adp_type_id a, adp_type_id b)
{
    return a == b || (family(a) && family(a) == family(b));
}

/* The column under an implicit cast within its family, else e itself. */
static const adp_expr *strip(const adp_expr *e)
{
    if (e->kind == ADP_E_CAST && !e->flag && e->args[0]->kind == ADP_E_COL &&
        adp_ipath_same_order(e->type.id, e->args[0]->type.id))
        return e->args[0];
    return e;
}

/* col IN (constants or parameters): an equality with several values. */
static bool usable_in(const adp_table *t, const adp_expr *e, term *out)
{
    const adp_expr *col = strip(e->args[0]);
    if (col->kind != ADP_E_COL || !adp_ipath_same_order(t->cols[col->index].type.id, e->optype.id))
        return false;
    for (int i = 1; i < e->nargs; i++)
        if ((e->args[i]->kind != ADP_E_CONST && e->args[i]->kind != ADP_E_PARAM) ||
            e->args[i]->type.id != e->optype.id)
            return false;
    *out = (term){e, col->index, ADP_CMP_EQ, e};
    return true;
}

/* col op constant/parameter, compared in the column type's order (so the tree's). */
static bool usable(const adp_table *t, const adp_expr *e, term *out)
{
    if (e->kind == ADP_E_IN && e->nargs >= 2) return usable_in(t, e, out);
    if (e->kind == ADP_E_NULLTEST && !e->flag) { /* col IS NULL: equal to NULL in the tree */
        const adp_expr *col = strip(e->args[0]);
        if (col->kind != ADP_E_COL) return false;
        *out = (term){e, col->index, ADP_CMP_EQ, e};
        return true;
    }
    if (e->kind != ADP_E_CMP || e->op == ADP_CMP_NE || e->nargs != 2) return false;
    const adp_expr *col = strip(e->args[0]), *val = e->args[1];
    adp_cmp_op op = (adp_cmp_op)e->op;
    if (col->kind != ADP_E_COL) {
        col = strip(e->args[1]);
        val = e->args[0];
        op = commute(op);
    }
    if (col->kind != ADP_E_COL || (val->kind != ADP_E_CONST && val->kind != ADP_E_PARAM) ||
        !adp_ipath_same_order(t->cols[col->index].type.id, e->optype.id) ||
        val->type.id != e->optype.id)
        return false;
    *out = (term){e, col->index, op, val};
    return true;
}

static void gather(const adp_table *t, const adp_expr *e, term *terms, int *n)
{
    if (e->kind == ADP_E_AND) {
        for (int i = 0; i < e->nargs; i++)
            gather(t, e->args[i], terms, n);
        return;
    }
    if (*n < MAXTERMS && usable(t, e, &terms[*n])) (*n)++;
}

static const term *find(const term *terms, int n, int col, int kind)
{
    for (int i = 0; i < n; i++) {
        if (terms[i].col != col) continue;
        adp_cmp_op op = terms[i].op;
        if (kind == 0  ? op == ADP_CMP_EQ
            : kind < 0 ? op == ADP_CMP_GT || op == ADP_CMP_GE
                       : op == ADP_CMP_LT || op == ADP_CMP_LE)
            return &terms[i];
    }
    return NULL;
}

/* How good the path over ix is (0: useless), filling it. */
static int score(const adp_index *ix, const term *terms, int n, adp_ipath *p)
{
    memset(p, 0, sizeof *p);
    p->ix = ix;
    int limit = ix->ncols < ADP_IPATH_MAXCOLS ? ix->ncols : ADP_IPATH_MAXCOLS;
    const term *x;
    int s = 0;
    size_t combos = 1;  /* lookups an IN list multiplies */
    bool nulls = false; /* IS NULL: a unique index may hold many */
    while (p->neq < limit && (x = find(terms, n, ix->cols[p->neq], 0))) {
        size_t nv = x->val->kind == ADP_E_IN ? (size_t)x->val->nargs - 1 : 1;
        if (combos * nv > MAXCOMBOS) break;
        combos *= nv;
        nulls |= x->val->kind == ADP_E_NULLTEST;
        p->eq[p->neq++] = x->val;
        p->terms[p->nterms++] = x->e;
        s += nv > 1 ? 3 : 4;
    }
    if (p->neq < limit) {
        const term *lo = find(terms, n, ix->cols[p->neq], -1);
        const term *hi = find(terms, n, ix->cols[p->neq], 1);
        if (lo) {
            p->lo = lo->val;
            p->lo_incl = lo->op == ADP_CMP_GE;
            p->terms[p->nterms++] = lo->e;
            s += 1;
        }
        if (hi) {
            p->hi = hi->val;
            p->hi_incl = hi->op == ADP_CMP_LE;
            p->terms[p->nterms++] = hi->e;
            s += 1;
        }
    }
    if (s && ix->unique && p->neq == ix->ncols && combos == 1 && !nulls)
        s += 1000; /* one row at most */
    return s;
}

bool adp_ipath_choose(const adp_table *t, const adp_expr *where, adp_ipath *path)
{
    const adp_ixlist *xs = t ? adp_table_ixs(t) : NULL;
    if (!t || !where || !xs->n) return false;
    term terms[MAXTERMS];
    int n = 0;
    gather(t, where, terms, &n);
    if (!n) return false;
    int best = 0;
    adp_ipath cand;
    for (int k = 0; k < xs->n; k++) {
        int s = score(xs->ix[k], terms, n, &cand);
        if (s > best) {
            best = s;
            *path = cand;
        }
    }
    return best > 0;
}

/* Below this many rows an index path is always taken (sorting its rows is cheap). */
#define SMALL_TABLE 1024

/* Candidate rows, grown in the arena. Stack value. */
typedef struct rowvec {
    adp_arena *a;
    adp_row **v;
    size_t n, cap;
    size_t limit; /* more candidates than this: scan instead */
} rowvec;

static bool push(adp_row *r, void *arg)
{
    rowvec *rv = arg;
    if (rv->n >= rv->limit) return false;
    if (rv->n == rv->cap) {
        size_t cap = rv->cap ? rv->cap * 2 : 16;
        adp_row **v = adp_arena_alloc(rv->a, cap * sizeof *v);
        if (rv->n) memcpy(v, rv->v, rv->n * sizeof *v);
        rv->v = v;
        rv->cap = cap;
    }
    rv->v[rv->n++] = r;
    return true;
}

/* Sorting keys copied out, so that comparisons do not touch the rows. Arena memory. */
typedef struct seqref {
    uint64_t seq;
    adp_row *r;
} seqref;

static int by_seq(const void *a, const void *b)
{
    const seqref *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void sort_by_seq(adp_arena *a, adp_row **v, size_t n)
{
    seqref *k = adp_arena_alloc(a, n * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (seqref){v[i]->seq, v[i]};
    qsort(k, n, sizeof *k, by_seq);
    for (size_t i = 0; i < n; i++)
        v[i] = k[i].r;
}

bool adp_ipath_rows(adp_session *s, adp_table *t, const adp_ipath *path, adp_arena *a,
                    adp_row ***rows, size_t *n, pgw_error *err)
{
    /* an eighth of a big table or more: reading every row in order is cheaper than
     * sorting that many back into order */
    size_t total = adp_table_count(t);
    rowvec rv = {.a = a, .limit = total < SMALL_TABLE ? SIZE_MAX : total / 8};
    adp_eval_ctx c = {.s = s};
    adp_value eq[ADP_IPATH_MAXCOLS], lo, hi;
    /* each equality column's values: one, an IN list's non-NULL ones, or NULL for IS NULL */
    adp_value *vals[ADP_IPATH_MAXCOLS];
    int nv[ADP_IPATH_MAXCOLS], at[ADP_IPATH_MAXCOLS];
    bool null = false, lists = false;
    for (int k = 0; k < path->neq; k++) {
        const adp_expr *e = path->eq[k];
        bool in = e->kind == ADP_E_IN;
        int m = in ? e->nargs - 1 : 1;
        vals[k] = adp_arena_alloc(a, (size_t)m * sizeof **vals);
        nv[k] = 0;
        at[k] = 0;
        if (e->kind == ADP_E_NULLTEST) { /* IS NULL: the tree's NULL entries */
            vals[k][nv[k]++] = (adp_value){.isnull = true};
            continue;
        }
        for (int i = 0; i < m; i++) {
            adp_value v;
            if (!adp_eval(in ? e->args[i + 1] : e, &c, &v, err)) return false;
            if (!v.isnull) vals[k][nv[k]++] = v; /* x IN (NULL, ...) is never true for NULL */
        }
        null |= nv[k] == 0;
        lists |= in;
    }
    if (path->lo) {
        if (!adp_eval(path->lo, &c, &lo, err)) return false;
        null |= lo.isnull;
    }
    if (path->hi) {
        if (!adp_eval(path->hi, &c, &hi, err)) return false;
        null |= hi.isnull;
    }
    /* a NULL bound makes its term NULL, so WHERE passes no row at all */
    if (!null) {
        for (;;) { /* every combination of the equality values */
            for (int k = 0; k < path->neq; k++)
                eq[k] = vals[k][at[k]];
            adp_itree_range(t, path->ix, eq, path->neq, path->lo ? &lo : NULL, path->lo_incl,
                            path->hi ? &hi : NULL, path->hi_incl, push, &rv);
            int k = path->neq - 1;
            while (k >= 0 && ++at[k] == nv[k])
                at[k--] = 0;
            if (k < 0 || rv.n >= rv.limit) break;
        }
        if (rv.n >= rv.limit) {
            *rows = NULL;
            *n = 0;
            return true;
        }
        rv.limit = SIZE_MAX;
        /* The tree holds current rows only: a snapshot may see other versions. */
        if (adp_table_has_versions(t))
            for (size_t i = 0; i < total; i++) {
                adp_row *r = adp_table_row(t, i);
                if (r->end_ts != ADP_TS_INF || r->deleter) push(r, &rv);
            }
        if (rv.n > 1) sort_by_seq(a, rv.v, rv.n);
        if (lists && rv.n > 1) { /* a value listed twice finds its rows twice */
            size_t kept = 1;
            for (size_t i = 1; i < rv.n; i++)
                if (rv.v[i] != rv.v[kept - 1]) rv.v[kept++] = rv.v[i];
            rv.n = kept;
        }
    }
    *rows = rv.v ? rv.v : adp_arena_alloc(a, sizeof **rows);
    *n = rv.n;
    return true;
}
