/* adp_index_order: ORDER BY ... LIMIT read off an index in key order, so that a top-N query
 * stops after N rows instead of reading and sorting every match. Only where the result is
 * the one a scan and a stable sort give: ascending keys (NULLs last, as the tree orders
 * them) that are the index's columns after its equality prefix, all of them, so that rows
 * with equal keys come in seq order, as the sort leaves them; or all descending (NULLs
 * first), walked backwards, each group of equal keys put back in seq order by the caller. */
#include <stdint.h>
#include <string.h>

#include "adp_index_path.h"

/* The column a sort key reads, or -1: ascending NULLs last (the tree's order) or
 * descending NULLs first (its reverse), as `desc` says. */
static int sort_column(const adp_select_plan *pl, const adp_sort_key *k, bool desc)
{
    if (k->desc != desc || k->nulls_first != desc) return -1;
    const adp_expr *e = pl->targets[k->target].expr;
    return e->kind == ADP_E_COL ? e->index : -1;
}

/* Whether ix's columns from `from` on are exactly the sort keys. */
static bool keys_match(const adp_select_plan *pl, const adp_index *ix, int from, bool desc)
{
    if (ix->ncols - from != pl->nsort) return false;
    for (int i = 0; i < pl->nsort; i++)
        if (sort_column(pl, &pl->sort[i], desc) != ix->cols[from + i]) return false;
    return true;
}

static bool has_list(const adp_ipath *p)
{
    for (int k = 0; k < p->neq; k++)
        if (p->eq[k]->kind == ADP_E_IN) return true;
    return false;
}

bool adp_ipath_ordered(const adp_select_plan *pl, adp_ipath *path, bool *desc)
{
    const adp_table *t = pl->table;
    if (!t || pl->grouped || pl->distinct || !pl->nsort || (pl->limit < 0 && !pl->limit_expr) ||
        pl->nsort > ADP_IPATH_MAXCOLS)
        return false;
    *desc = pl->sort[0].desc;
    adp_ipath chosen;
    bool has = adp_ipath_choose(t, pl->where, &chosen);
    if (has && !has_list(&chosen) && keys_match(pl, chosen.ix, chosen.neq, *desc)) {
        *path = chosen;
        return true;
    }
    if (has && chosen.neq > 0) return false; /* an equality elsewhere selects better */
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        if (keys_match(pl, xs->ix[k], 0, *desc)) {
            memset(path, 0, sizeof *path);
            path->ix = xs->ix[k];
            return true;
        }
    return false;
}

bool adp_ipath_walk(adp_session *s, const adp_table *t, const adp_ipath *path, bool desc,
                    adp_itree_visit visit, void *arg, pgw_error *err)
{
    adp_eval_ctx c = {.s = s};
    adp_value eq[ADP_IPATH_MAXCOLS], lo, hi;
    bool null = false;
    for (int k = 0; k < path->neq; k++) {
        if (path->eq[k]->kind == ADP_E_NULLTEST) { /* IS NULL */
            eq[k] = (adp_value){.isnull = true};
            continue;
        }
        if (!adp_eval(path->eq[k], &c, &eq[k], err)) return false;
        null |= eq[k].isnull;
    }
    if (path->lo) {
        if (!adp_eval(path->lo, &c, &lo, err)) return false;
        null |= lo.isnull;
    }
    if (path->hi) {
        if (!adp_eval(path->hi, &c, &hi, err)) return false;
        null |= hi.isnull;
    }
    if (!null) /* a NULL bound: WHERE passes nothing */
        (desc ? adp_itree_range_rev
              : adp_itree_range)(t, path->ix, eq, path->neq, path->lo ? &lo : NULL, path->lo_incl,
                                 path->hi ? &hi : NULL, path->hi_incl, visit, arg);
    return true;
}
