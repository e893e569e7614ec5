/* adp_index_path: ordered index structures (adp_index_tree.c), the choice of an index
 * for a WHERE clause and the rows it yields (adp_index_path.c), and EXPLAIN
 * (adp_explain.c). */
#ifndef ADP_INDEX_PATH_H
#define ADP_INDEX_PATH_H

#include "adp_exec.h"

/* --- the ordered structure of an index; callers hold db->lock (writing to change it) --- */
/* Adds r when it is a current row (end_ts == ADP_TS_INF, no deleter); adding twice is a
 * no-op. */
void adp_itree_add(const adp_table *t, adp_index *ix, adp_row *r);
void adp_itree_remove(const adp_table *t, adp_index *ix, const adp_row *r);
void adp_itree_clear(adp_index *ix);
size_t adp_itree_count(const adp_index *ix);
/* false: stop the walk */
typedef bool (*adp_itree_visit)(adp_row *r, void *arg);
/* Calls visit, in key order, on every entry whose first neq key columns equal eq[] (a NULL
 * there matches NULLs: IS NULL) and whose
 * next column lies between lo and hi (either NULL: open; a range never yields NULLs),
 * until visit returns false; returns how many it accepted. Bounds are non-NULL values of
 * the column types. */
size_t adp_itree_range(const adp_table *t, const adp_index *ix, const adp_value *eq, int neq,
                       const adp_value *lo, bool lo_incl, const adp_value *hi, bool hi_incl,
                       adp_itree_visit visit, void *arg);

/* The same entries in reverse key order (and, for equal keys, descending seq). */
size_t adp_itree_range_rev(const adp_table *t, const adp_index *ix, const adp_value *eq, int neq,
                           const adp_value *lo, bool lo_incl, const adp_value *hi, bool hi_incl,
                           adp_itree_visit visit, void *arg);
/* Whether a and b have equal values (NULLs equal) in ix's columns from `from` on. */
bool adp_itree_same_key(const adp_table *t, const adp_index *ix, int from, const adp_row *a,
                        const adp_row *b);

#define ADP_IPATH_MAXCOLS 16

/* An index access path chosen for one WHERE clause: equality on the first neq columns of
 * ix, then an optional range on the next one. Values are constants or parameters of the
 * column's type; an equality may be an IN list of them (eq[k] is then the ADP_E_IN
 * expression) or IS NULL (eq[k] is the ADP_E_NULLTEST). Stack value; points into the
 * plan's arena. */
typedef struct adp_ipath {
    const adp_index *ix;
    int neq;
    const adp_expr *eq[ADP_IPATH_MAXCOLS];
    const adp_expr *lo, *hi; /* NULL: open */
    bool lo_incl, hi_incl;
    /* the WHERE terms the path stands for (EXPLAIN's Index Cond), in index column order */
    const adp_expr *terms[ADP_IPATH_MAXCOLS + 2];
    int nterms;
} adp_ipath;

/* Whether values of types a and b compare alike (one representation and order). */
bool adp_ipath_same_order(adp_type_id a, adp_type_id b);
/* The best index path for where over t (the most columns fixed, a range last; unique
 * indexes win ties), or false when no index helps. */
bool adp_ipath_choose(const adp_table *t, const adp_expr *where, adp_ipath *path);
/* The rows to look at instead of a scan, in seq (scan) order: every current row the path
 * selects and, when t has versions, every other version. The caller applies visibility and
 * WHERE exactly as a scan does, so the result equals the scan's. Arena memory. *rows is
 * NULL when the path selects too large a part of a big table: a scan is cheaper then. */
bool adp_ipath_rows(adp_session *s, adp_table *t, const adp_ipath *path, adp_arena *a,
                    adp_row ***rows, size_t *n, pgw_error *err);
/* ORDER BY ... LIMIT that an index gives in order (adp_index_order.c): the path to walk
 * (possibly without any condition) and whether backwards (every key DESC NULLS FIRST), or
 * false. Only where the rows come in the order a scan and a stable sort would give them
 * (backwards: once each group of equal keys is put back in seq order). */
bool adp_ipath_ordered(const adp_select_plan *pl, adp_ipath *path, bool *desc);
/* Calls visit on the current rows path selects, in key order (desc: reversed), until it
 * returns false. */
bool adp_ipath_walk(adp_session *s, const adp_table *t, const adp_ipath *path, bool desc,
                    adp_itree_visit visit, void *arg, pgw_error *err);

/* EXPLAIN [ (COSTS OFF) ] SELECT/UPDATE/DELETE: the plan as one text column "QUERY PLAN".
 * Caller holds db->lock for reading. */
bool adp_exec_explain(adp_pctx *p, PgQuery__ExplainStmt *st, pgw_buf *out);

#endif
