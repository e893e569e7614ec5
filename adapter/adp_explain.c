/* adp_explain: EXPLAIN in PostgreSQL's text format, as EXPLAIN (COSTS OFF) prints it (plain
 * EXPLAIN prints the same: pgpeek has no costs). The scan line says which path the
 * executor takes: "Seq Scan on t" or "Index Scan using ix on t" with its Index Cond;
 * Sort, Limit and aggregation are shown on top as PostgreSQL's plans would have them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "adp_index_path.h"

/* The lines being built. Arena memory of the statement; stack value. */
typedef struct lines {
    adp_arena *a;
    adp_session *s;
    const adp_table *table;
    const adp_select_plan *pl; /* for group keys and aggregates, or NULL */
    char **v;
    int n, cap;
} lines;

/* A growing string in the arena. Stack value. */
typedef struct sbuf {
    adp_arena *a;
    char *p;
    size_t n, cap;
} sbuf;

static void sput(sbuf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 64) + len;
        char *p = adp_arena_alloc(b->a, cap);
        if (b->n) memcpy(p, b->p, b->n);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = 0;
}

static void puts_(sbuf *b, const char *s)
{
    sput(b, s, strlen(s));
}

static void add_line(lines *L, int indent, const char *prefix, const char *text)
{
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 16;
        char **v = adp_arena_alloc(L->a, (size_t)cap * sizeof *v);
        if (L->n) memcpy(v, L->v, (size_t)L->n * sizeof *v);
        L->v = v;
        L->cap = cap;
    }
    sbuf b = {.a = L->a};
    for (int i = 0; i < indent; i++)
        puts_(&b, " ");
    puts_(&b, prefix);
    puts_(&b, text);
    L->v[L->n++] = b.p;
}

static const char *cmp_name(int op)
{
    static const char *names[] = {"=", "<>", "<", "<=", ">", ">="};
    return op >= 0 && op < 6 ? names[op] : "?";
}

static const char *func_name(int id)
{
    switch (id) {
    case ADP_F_VERSION:
        return "version";
    case ADP_F_CURRENT_USER:
        return "CURRENT_USER";
    case ADP_F_CURRENT_DATABASE:
        return "current_database";
    case ADP_F_CURRENT_SCHEMA:
        return "current_schema";
    case ADP_F_NOW:
        return "now";
    case ADP_F_LOWER:
        return "lower";
    case ADP_F_UPPER:
        return "upper";
    case ADP_F_LENGTH:
        return "length";
    case ADP_F_ABS:
        return "abs";
    case ADP_F_CURRENT_SETTING:
        return "current_setting";
    case ADP_F_ROUND:
        return "round";
    case ADP_F_SUBSTR:
        return "substr";
    case ADP_F_STRPOS:
        return "strpos";
    case ADP_F_REPLACE:
        return "replace";
    case ADP_F_CONCAT:
        return "concat";
    case ADP_F_BTRIM:
        return "btrim";
    case ADP_F_LTRIM:
        return "ltrim";
    case ADP_F_RTRIM:
        return "rtrim";
    case ADP_F_LEFT:
        return "left";
    case ADP_F_RIGHT:
        return "right";
    case ADP_F_REPEAT:
        return "repeat";
    case ADP_F_REVERSE:
        return "reverse";
    default:
        return "?";
    }
}

/* A literal as ruleutils prints one: plain for non-negative integers and numerics, else
 * quoted with its type. */
static void put_const(lines *L, sbuf *b, adp_type t, const adp_value *v)
{
    char tn[128];
    if (v->isnull) {
        puts_(b, "NULL");
        if (t.id != ADP_T_UNKNOWN) {
            puts_(b, "::");
            puts_(b, adp_type_name(t, tn, sizeof tn));
        }
        return;
    }
    if (t.id == ADP_T_BOOL) {
        puts_(b, v->u.b ? "true" : "false");
        return;
    }
    const char *s = adp_value_out_cstr(L->a, t, v, &L->s->fmt);
    /* an integer literal compared with a smallint or bigint column stays an integer in
     * PostgreSQL (a cross-type operator): plain too */
    bool small_int = (t.id == ADP_T_INT2 || t.id == ADP_T_INT4 || t.id == ADP_T_INT8) &&
                     v->u.i >= 0 && v->u.i <= INT32_MAX;
    if (small_int || (t.id == ADP_T_NUMERIC && s[0] != '-' && strcasecmp(s, "NaN") != 0)) {
        puts_(b, s);
        return;
    }
    puts_(b, "'");
    for (const char *c = s; *c; c++)
        sput(b, *c == '\'' ? "''" : c, 1 + (*c == '\''));
    puts_(b, "'");
    if (t.id != ADP_T_UNKNOWN) {
        puts_(b, "::");
        puts_(b, adp_type_name(t, tn, sizeof tn));
    }
}

static void put_expr(lines *L, sbuf *b, const adp_expr *e);

/* x IN (constants) as PostgreSQL shows it: x = ANY ('{a,b}'::type[]). */
static bool put_any_literal(lines *L, sbuf *b, const adp_expr *e)
{
    if (e->optype.id == ADP_T_UNKNOWN) return false;
    for (int i = 1; i < e->nargs; i++)
        if (e->args[i]->kind != ADP_E_CONST || e->args[i]->val.isnull) return false;
    sbuf arr = {.a = L->a};
    puts_(&arr, "{");
    for (int i = 1; i < e->nargs; i++) {
        const char *s = adp_value_out_cstr(L->a, e->optype, &e->args[i]->val, &L->s->fmt);
        bool quote = !*s || strcasecmp(s, "NULL") == 0 || strpbrk(s, "{},\" \t\n\r\\") != NULL;
        if (i > 1) puts_(&arr, ",");
        if (quote) puts_(&arr, "\"");
        for (const char *c = s; *c; c++) {
            if (quote && (*c == '"' || *c == '\\')) puts_(&arr, "\\");
            sput(&arr, c, 1);
        }
        if (quote) puts_(&arr, "\"");
    }
    puts_(&arr, "}");
    char tn[128];
    puts_(b, "(");
    put_expr(L, b, e->args[0]);
    puts_(b, " = ANY ('");
    for (const char *c = arr.p; *c; c++)
        sput(b, *c == '\'' ? "''" : c, 1 + (*c == '\''));
    puts_(b, "'::");
    puts_(b, adp_type_name(e->optype, tn, sizeof tn));
    puts_(b, "[]))");
    return true;
}

static void put_list(lines *L, sbuf *b, const adp_expr *const *args, int n, const char *sep)
{
    for (int i = 0; i < n; i++) {
        if (i) puts_(b, sep);
        put_expr(L, b, args[i]);
    }
}

static void put_expr(lines *L, sbuf *b, const adp_expr *e)
{
    char tn[128], num[32];
    switch (e->kind) {
    case ADP_E_CONST:
        put_const(L, b, e->type, &e->val);
        return;
    case ADP_E_COL:
        puts_(b, L->table && e->index < L->table->ncols ? L->table->cols[e->index].name : "?");
        return;
    case ADP_E_PARAM:
        snprintf(num, sizeof num, "$%d", e->index + 1);
        puts_(b, num);
        return;
    case ADP_E_GROUPKEY:
        if (L->pl && e->index < L->pl->ngroup)
            put_expr(L, b, L->pl->group[e->index]);
        else
            puts_(b, "?");
        return;
    case ADP_E_AGG: {
        const adp_agg *ag = L->pl && e->index < L->pl->naggs ? &L->pl->aggs[e->index] : NULL;
        static const char *names[] = {"count", "count", "sum", "avg", "min", "max"};
        if (!ag) {
            puts_(b, "?");
            return;
        }
        puts_(b, names[ag->kind]);
        puts_(b, "(");
        if (ag->distinct) puts_(b, "DISTINCT ");
        if (ag->arg)
            put_expr(L, b, ag->arg);
        else
            puts_(b, "*");
        puts_(b, ")");
        if (ag->filter) {
            puts_(b, " FILTER (WHERE ");
            put_expr(L, b, ag->filter);
            puts_(b, ")");
        }
        return;
    }
    case ADP_E_CAST:
        /* PostgreSQL compares integers of different widths without a cast */
        if (!e->flag && e->type.id != ADP_T_TEXT &&
            adp_ipath_same_order(e->type.id, e->args[0]->type.id)) {
            put_expr(L, b, e->args[0]);
            return;
        }
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, ")::");
        puts_(b, adp_type_name(e->type, tn, sizeof tn));
        return;
    case ADP_E_ARITH: {
        char op[4] = {(char)e->op, 0};
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, " ");
        puts_(b, op);
        puts_(b, " ");
        put_expr(L, b, e->args[1]);
        puts_(b, ")");
        return;
    }
    case ADP_E_NEG:
        puts_(b, "(- ");
        put_expr(L, b, e->args[0]);
        puts_(b, ")");
        return;
    case ADP_E_CMP:
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, " ");
        puts_(b, cmp_name(e->op));
        puts_(b, " ");
        put_expr(L, b, e->args[1]);
        puts_(b, ")");
        return;
    case ADP_E_AND:
    case ADP_E_OR:
        puts_(b, "(");
        put_list(L, b, (const adp_expr *const *)e->args, e->nargs,
                 e->kind == ADP_E_AND ? " AND " : " OR ");
        puts_(b, ")");
        return;
    case ADP_E_NOT:
        puts_(b, "(NOT ");
        put_expr(L, b, e->args[0]);
        puts_(b, ")");
        return;
    case ADP_E_NULLTEST:
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, e->flag ? " IS NOT NULL)" : " IS NULL)");
        return;
    case ADP_E_BOOLTEST: {
        static const char *names[] = {" IS TRUE)", " IS FALSE)", " IS UNKNOWN)"};
        static const char *neg[] = {" IS NOT TRUE)", " IS NOT FALSE)", " IS NOT UNKNOWN)"};
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, (e->flag ? neg : names)[e->op >= 0 && e->op < 3 ? e->op : 0]);
        return;
    }
    case ADP_E_IN:
        if (put_any_literal(L, b, e)) return;
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, " = ANY (ARRAY[");
        put_list(L, b, (const adp_expr *const *)e->args + 1, e->nargs - 1, ", ");
        puts_(b, "]))");
        return;
    case ADP_E_LIKE:
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, e->flag ? (e->op ? " !~~* " : " !~~ ") : (e->op ? " ~~* " : " ~~ "));
        put_expr(L, b, e->args[1]);
        puts_(b, ")");
        return;
    case ADP_E_CONCAT:
        puts_(b, "(");
        put_list(L, b, (const adp_expr *const *)e->args, e->nargs, " || ");
        puts_(b, ")");
        return;
    case ADP_E_DISTINCT:
        puts_(b, "(");
        put_expr(L, b, e->args[0]);
        puts_(b, e->flag ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
        put_expr(L, b, e->args[1]);
        puts_(b, ")");
        return;
    case ADP_E_CASE:
        puts_(b, "CASE");
        for (int i = 0; i + 1 < e->nargs || (i + 1 == e->nargs && !e->flag); i += 2) {
            puts_(b, " WHEN ");
            put_expr(L, b, e->args[i]);
            puts_(b, " THEN ");
            put_expr(L, b, e->args[i + 1]);
        }
        if (e->flag) {
            puts_(b, " ELSE ");
            put_expr(L, b, e->args[e->nargs - 1]);
        }
        puts_(b, " END");
        return;
    case ADP_E_COALESCE:
    case ADP_E_MINMAX:
    case ADP_E_FUNC:
        puts_(b, e->kind == ADP_E_COALESCE ? "COALESCE"
                 : e->kind == ADP_E_MINMAX ? (e->op ? "GREATEST" : "LEAST")
                                           : func_name(e->op));
        puts_(b, "(");
        put_list(L, b, (const adp_expr *const *)e->args, e->nargs, ", ");
        puts_(b, ")");
        return;
    }
    puts_(b, "?");
}

static const char *deparse(lines *L, const adp_expr *e)
{
    sbuf b = {.a = L->a};
    put_expr(L, &b, e);
    return b.p ? b.p : "";
}

/* An index condition reads column op value, as PostgreSQL commutes it. */
static const char *index_term(lines *L, const adp_expr *e)
{
    const adp_expr *l = e->args[0];
    if (e->kind != ADP_E_CMP || l->kind == ADP_E_COL ||
        (l->kind == ADP_E_CAST && l->args[0]->kind == ADP_E_COL))
        return deparse(L, e);
    static const int commuted[] = {ADP_CMP_EQ, ADP_CMP_NE, ADP_CMP_GT,
                                   ADP_CMP_GE, ADP_CMP_LT, ADP_CMP_LE};
    adp_expr c = *e;
    const adp_expr *args[2] = {e->args[1], e->args[0]};
    c.args = (adp_expr **)args;
    c.op = commuted[e->op];
    return deparse(L, &c);
}

/* Terms ANDed together, as one qual list: "(a)" alone, "((a) AND (b))" for several. */
static const char *qual_list(lines *L, const char **terms, int n)
{
    if (n == 1) return terms[0];
    sbuf b = {.a = L->a};
    puts_(&b, "(");
    for (int i = 0; i < n; i++) {
        if (i) puts_(&b, " AND ");
        puts_(&b, terms[i]);
    }
    puts_(&b, ")");
    return b.p;
}

static void flatten(const adp_expr *e, const adp_expr ***v, int *n, int *cap, adp_arena *a)
{
    if (e->kind == ADP_E_AND) {
        for (int i = 0; i < e->nargs; i++)
            flatten(e->args[i], v, n, cap, a);
        return;
    }
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        const adp_expr **nv = adp_arena_alloc(a, (size_t)nc * sizeof *nv);
        if (*n) memcpy(nv, *v, (size_t)*n * sizeof *nv);
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = e;
}

/* The scan node: a sequential scan with its filter, or the index path and what stays. */
static void scan_node(lines *L, int indent, const char *arrow, const adp_table *t,
                      const char *alias, const adp_expr *where, const adp_ipath *ordered,
                      bool backward)
{
    char head[3 * ADP_NAMEDATALEN + 64];
    char on[2 * ADP_NAMEDATALEN + 2];
    if (alias && strcmp(alias, t->name) != 0)
        snprintf(on, sizeof on, "%s %s", t->name, alias);
    else
        snprintf(on, sizeof on, "%s", t->name);
    adp_ipath path;
    bool indexed = ordered || adp_ipath_choose(t, where, &path);
    if (ordered)
        path = *ordered;
    else if (indexed) { /* the executor's own choice: it scans when the index selects too much */
        pgw_error scratch = {0};
        adp_row **rows;
        size_t n;
        if (adp_ipath_rows(L->s, (adp_table *)t, &path, L->a, &rows, &n, &scratch) && !rows)
            indexed = false;
    }
    if (indexed)
        snprintf(head, sizeof head, "Index Scan%s using %s on %s", backward ? " Backward" : "",
                 path.ix->name, on);
    else
        snprintf(head, sizeof head, "Seq Scan on %s", on);
    add_line(L, indent, arrow, head);
    int pin = indent + (int)strlen(arrow) + 2;
    if (!where) return;
    const adp_expr **conj = NULL;
    int n = 0, cap = 0;
    flatten(where, &conj, &n, &cap, L->a);
    const char **rest = adp_arena_alloc(L->a, (size_t)n * sizeof *rest);
    int nrest = 0;
    if (indexed && path.nterms) {
        const char *ic[ADP_IPATH_MAXCOLS + 2];
        for (int i = 0; i < path.nterms; i++)
            ic[i] = index_term(L, path.terms[i]);
        add_line(L, pin, "Index Cond: ", qual_list(L, ic, path.nterms));
    }
    for (int i = 0; i < n; i++) {
        bool used = false;
        for (int k = 0; indexed && k < path.nterms && !used; k++)
            used = path.terms[k] == conj[i];
        if (!used) rest[nrest++] = deparse(L, conj[i]);
    }
    if (nrest) add_line(L, pin, "Filter: ", qual_list(L, rest, nrest));
}

static void select_lines(lines *L, const adp_select_plan *pl, const char *alias)
{
    int indent = 0;
    const char *arrow = "";
    /* each node's child goes 2 further in with "->  " (6 columns) */
#define CHILD()                                                                                    \
    do {                                                                                           \
        indent += (int)strlen(arrow) + 2;                                                          \
        arrow = "->  ";                                                                            \
    } while (0)
    if (pl->limit >= 0 || pl->offset > 0 || pl->limit_expr || pl->offset_expr) {
        add_line(L, indent, arrow, "Limit");
        CHILD();
    }
    adp_ipath opath;
    bool desc, ordered = adp_ipath_ordered(pl, &opath, &desc); /* the index gives the order */
    if (pl->nsort && !ordered) {
        add_line(L, indent, arrow, "Sort");
        sbuf b = {.a = L->a};
        for (int i = 0; i < pl->nsort; i++) {
            const adp_sort_key *k = &pl->sort[i];
            if (i) puts_(&b, ", ");
            put_expr(L, &b, pl->targets[k->target].expr);
            if (k->desc) puts_(&b, " DESC");
            if (k->desc && !k->nulls_first) puts_(&b, " NULLS LAST");
            if (!k->desc && k->nulls_first) puts_(&b, " NULLS FIRST");
        }
        add_line(L, indent + (int)strlen(arrow) + 2, "Sort Key: ", b.p);
        CHILD();
    }
    if (pl->grouped || pl->distinct) {
        int pin = indent + (int)strlen(arrow) + 2;
        if (pl->grouped && !pl->ngroup) {
            add_line(L, indent, arrow, "Aggregate");
        } else {
            add_line(L, indent, arrow, "HashAggregate");
            sbuf b = {.a = L->a};
            int n = pl->grouped ? pl->ngroup : pl->ntargets;
            for (int i = 0; i < n; i++) {
                if (i) puts_(&b, ", ");
                put_expr(L, &b, pl->grouped ? pl->group[i] : pl->targets[i].expr);
            }
            add_line(L, pin, "Group Key: ", b.p ? b.p : "");
        }
        if (pl->having) {
            const adp_expr **conj = NULL;
            int n = 0, cap = 0;
            flatten(pl->having, &conj, &n, &cap, L->a);
            const char **v = adp_arena_alloc(L->a, (size_t)n * sizeof *v);
            for (int i = 0; i < n; i++)
                v[i] = deparse(L, conj[i]);
            add_line(L, pin, "Filter: ", qual_list(L, v, n));
        }
        CHILD();
    }
    if (!pl->table) {
        add_line(L, indent, arrow, "Result");
        if (pl->where)
            add_line(L, indent + (int)strlen(arrow) + 2,
                     "One-Time Filter: ", deparse(L, pl->where));
        return;
    }
    scan_node(L, indent, arrow, pl->table, alias, pl->where, ordered ? &opath : NULL,
              ordered && desc);
#undef CHILD
}

/* EXPLAIN's options: COSTS is accepted (there are no costs either way), ANALYZE and the
 * others are not. */
static bool check_options(adp_pctx *p, PgQuery__ExplainStmt *st)
{
    for (size_t i = 0; i < st->n_options; i++) {
        PgQuery__DefElem *d = st->options[i]->def_elem;
        if (strcmp(d->defname, "costs") == 0) continue;
        if (strcmp(d->defname, "analyze") == 0)
            return pgw_errorf(p->err, "0A000", "EXPLAIN ANALYZE is not supported");
        return pgw_errorf(p->err, "0A000", "EXPLAIN option %s is not supported", d->defname);
    }
    return true;
}

static const char *range_alias(PgQuery__RangeVar *rv)
{
    return rv && rv->alias ? rv->alias->aliasname : NULL;
}

bool adp_exec_explain(adp_pctx *p, PgQuery__ExplainStmt *st, pgw_buf *out)
{
    if (!check_options(p, st)) return false;
    lines L = {.a = p->a, .s = p->s};
    PgQuery__Node *q = st->query;
    switch (q->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
        adp_select_plan *pl = adp_arena_alloc(p->a, sizeof *pl);
        if (!adp_plan_select(p, q->select_stmt, pl)) return false;
        L.table = pl->table;
        L.pl = pl;
        PgQuery__SelectStmt *ss = q->select_stmt;
        select_lines(&L, pl, ss->n_from_clause ? range_alias(ss->from_clause[0]->range_var) : NULL);
        break;
    }
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT: {
        bool del = q->node_case == PG_QUERY__NODE__NODE_DELETE_STMT;
        adp_modify_plan *pl = adp_arena_alloc(p->a, sizeof *pl);
        PgQuery__RangeVar *rv = del ? q->delete_stmt->relation : q->update_stmt->relation;
        if (!(del ? adp_plan_delete(p, q->delete_stmt, pl)
                  : adp_plan_update(p, q->update_stmt, pl)))
            return false;
        L.table = pl->table;
        char head[2 * ADP_NAMEDATALEN + 16];
        const char *alias = range_alias(rv);
        snprintf(head, sizeof head, "%s on %s%s%s", del ? "Delete" : "Update", pl->table->name,
                 alias && strcmp(alias, pl->table->name) ? " " : "",
                 alias && strcmp(alias, pl->table->name) ? alias : "");
        add_line(&L, 0, "", head);
        scan_node(&L, 2, "->  ", pl->table, alias, pl->where, NULL, false);
        break;
    }
    default:
        return pgw_errorf(p->err, "0A000", "EXPLAIN of this statement is not supported");
    }
    pgw_field_desc fd = {"QUERY PLAN", 0, 0, 25, -1, -1, 0};
    adp_write_fields(p->s, out, &fd, 1);
    if (p->s->plan_only) return true;
    for (int i = 0; i < L.n; i++) {
        pgw_be_write_data_row_begin(out, 1);
        pgw_be_write_data_field(out, L.v[i], (int32_t)strlen(L.v[i]));
        pgw_be_write_data_row_end(out);
    }
    pgw_be_write_command_complete(out, "EXPLAIN");
    return true;
}
