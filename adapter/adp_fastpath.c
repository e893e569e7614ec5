/* adp_fastpath: the executor for plans that need no per-query state beyond a read
 * timestamp (one table or none, WHERE, projection, constant LIMIT/OFFSET), and the
 * simple-protocol hook that serves repeated query texts from the session's plan cache.
 * A hit does no parse, no plan, no portal and no heap allocation: the RowDescription is
 * pre-encoded and rows are encoded straight into the output buffer. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_fastpath.h"
#include "adp_mvcc.h"
#include "adp_value_ext.h"
#include "orc.h"
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
    if (!expr_ok(pl->where, why)) return false;
    for (int i = 0; i < pl->ntargets; i++)
        if (!expr_ok(pl->targets[i].expr, why)) return false;
    if (has_relative_time_word(sql, len)) {
        *why = ADP_FP_R_VOLATILE;
        return false;
    }
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
            adp_row *row = null ? NULL : adp_index_lookup(pl->table, pl->lookup, key, NULL);
            /* the hash holds current rows only: this snapshot may see an older version */
            row = adp_row_version(s, row, ts);
            if (row) ok = input_row(&r, row->vals);
            scan = !row && !null && adp_table_has_versions(pl->table);
        }
        size_t n = adp_table_count(pl->table);
        for (size_t i = 0; scan && ok && i < n; i++) {
            const adp_row *row = adp_table_row(pl->table, i);
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

/* --- oracle safety --- */

static const orc *_Atomic read_oracle;

void adp_fastpath_set_oracle(const orc *o)
{
    atomic_store(&read_oracle, o);
}

bool adp_fastpath_read_safe(void)
{
    const orc *o = atomic_load_explicit(&read_oracle, memory_order_relaxed);
    return !o || orc_read_ts_fast_safe(o);
}

/* --- the simple-protocol hook --- */

static adp_plancache *session_cache(adp_session *s)
{
    adp_plancache *pc = s->fp;
    if (!pc) {
        pc = calloc(1, sizeof *pc);
        if (!pc) abort();
        pc->settings_gen = s->settings_gen - 1; /* read the settings below */
        s->fp = pc;
    }
    if (pc->settings_gen != s->settings_gen) {
        /* A setting that changes how text is read or written, or which table a name
         * means, may change a plan: start over rather than list which ones do. */
        adp_pc_clear(pc);
        const char *on = s->settings.v[ADP_SET_ENABLE_FAST_PATH];
        long cap = strtol(s->settings.v[ADP_SET_PLAN_CACHE_SIZE], NULL, 10);
        pc->enabled = strcmp(on, "on") == 0 && cap > 0;
        pc->peek = strcmp(s->settings.v[ADP_SET_ENABLE_PEEK_CACHE], "on") == 0;
        adp_pc_resize(pc, cap > 0 ? (size_t)cap : 0);
        pc->settings_gen = s->settings_gen;
    }
    return pc;
}

bool adp_fastpath_enabled(adp_session *s)
{
    return session_cache(s)->enabled;
}

void adp_fastpath_free(adp_session *s)
{
    if (!s->fp) return;
    adp_pc_free(s->fp);
    free(s->fp);
    s->fp = NULL;
}

static PgQuery__ParseResult *parse_owned(const char *sql)
{
    PgQueryProtobufParseResult res = pg_query_parse_protobuf(sql);
    PgQuery__ParseResult *tree = NULL;
    if (!res.error)
        tree = pg_query__parse_result__unpack(NULL, res.parse_tree.len,
                                              (const uint8_t *)res.parse_tree.data);
    pg_query_free_protobuf_parse_result(res);
    return tree;
}

/* A miss: parse, plan and describe the text into a new entry; the entry remembers the
 * reason when the fast path cannot serve it. Plans point into their parse tree (names),
 * so the entry owns the tree. */
static adp_pc_entry *plan_entry(adp_session *s, adp_plancache *pc, uint64_t h, const char *sql,
                                size_t len)
{
    adp_db *db = s->db;
    adp_pc_entry *e = adp_pc_insert(pc, h, sql, len);
    e->settings_gen = s->settings_gen;
    e->catalog_version = atomic_load(&db->catalog_version);
    e->reason = ADP_FP_R_NOT_SELECT;
    pgw_error err;
    memset(&err, 0, sizeof err); /* the planner asks whether an error is set */
    /* the normal path checks the encoding before parsing: a cached text passed that check */
    if (adp_pgtype_match(e->sql, len) || memchr(sql, 0, len) || !adp_utf8_verify(sql, len, &err))
        return e;
    PgQuery__ParseResult *tree = parse_owned(e->sql);
    if (!tree) return e;
    e->tree = tree;
    if (tree->n_stmts != 1 || tree->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return e;
    PgQuery__SelectStmt *st = tree->stmts[0]->stmt->select_stmt;
    if (st->n_from_clause == 1 &&
        st->from_clause[0]->node_case == PG_QUERY__NODE__NODE_RANGE_SUBSELECT)
        return e; /* psql's \gdesc query has its own code */
    adp_pctx p = {.s = s, .a = &e->arena, .sql = e->sql, .err = &err};
    adp_select_plan *pl = adp_arena_zalloc(&e->arena, sizeof *pl);
    pthread_rwlock_rdlock(&db->lock);
    /* read under the lock: the plan's table pointer is valid for this version */
    e->catalog_version = atomic_load(&db->catalog_version);
    bool ok = adp_plan_select(&p, st, pl);
    pthread_rwlock_unlock(&db->lock);
    if (!ok) {
        e->reason = ADP_FP_R_PLAN_ERROR;
        return e;
    }
    bool general = false;
    if (!adp_fp_eligible(pl, sql, len, &e->reason)) {
        /* other shapes: kept if deterministic, for the peek cache */
        if (e->reason != ADP_FP_R_UNSUPPORTED) return e;
        if (!adp_fp_deterministic(pl, sql, len)) {
            e->reason = ADP_FP_R_VOLATILE;
            return e;
        }
        general = true;
    }
    bool skip = s->skip_rowdesc;
    int nrfmt = s->nrfmt;
    s->skip_rowdesc = false;
    s->nrfmt = 0;
    adp_write_row_description(s, &e->rowdesc, pl->targets, pl->ntargets);
    s->skip_rowdesc = skip;
    s->nrfmt = nrfmt;
    adp_fp_describe(&e->fast, pl, &e->rowdesc, &e->arena, general, e->sql);
    return e;
}

/* Keeps what the run wrote after the RowDescription for the peek cache, within bounds
 * (budget: the session's bytes, NULL for prepared statements, bounded per result only).
 * The buffer is reused: a steady workload allocates nothing here. */
static void keep_rows(size_t *budget, adp_peek *pk, const pgw_buf *out, size_t from, uint64_t ts)
{
    size_t n = out->len - from;
    pk->valid = false;
    if (n > ADP_PEEK_RESULT_BYTES || out->failed) return;
    if (n > pk->rows.cap) {
        if (budget && *budget - pk->rows.cap + n > ADP_PEEK_SESSION_BYTES) return;
        size_t before = pk->rows.cap;
        pgw_buf_reset(&pk->rows);
        if (!pgw_buf_reserve(&pk->rows, n)) return;
        if (budget) *budget += pk->rows.cap - before;
    }
    pgw_buf_reset(&pk->rows);
    pgw_buf_put(&pk->rows, out->data + from, n);
    pk->ts = ts;
    pk->valid = true;
}

bool adp_fp_run(adp_session *s, const adp_fp_plan *f, uint64_t version, adp_peek *peek,
                size_t *budget, pgw_buf *out, adp_fp_served *how, adp_fp_reason *why)
{
    adp_db *db = s->db;
    adp_plancache *pc = s->fp;
    const adp_select_plan *pl = f->pl;
    /* The peek cache: the rows of the last run, if no commit happened since (a commit
     * raises commit_ts before its client hears of it), the session has no pending changes
     * of its own and every result column is text. No lock: the catalog version and
     * commit_ts say it all. */
    uint64_t ts = 0;
    bool peekable = peek && pc && pc->peek && pl->table && !s->nundo &&
                    (s->txn == ADP_TXN_IDLE || (s->txn == ADP_TXN_BLOCK && s->snap_held));
    for (int i = 0; peekable && i < s->nrfmt; i++)
        peekable = s->rfmt[i] == 0;
    if (peekable && peek->valid) {
        ts = s->txn == ADP_TXN_IDLE ? atomic_load_explicit(&db->commit_ts, memory_order_acquire)
                                    : s->snap_ts;
        if (ts == peek->ts &&
            atomic_load_explicit(&db->catalog_version, memory_order_acquire) == version) {
            if (!s->skip_rowdesc) pgw_buf_put(out, f->rowdesc->data, f->rowdesc->len);
            pgw_buf_put(out, peek->rows.data, peek->rows.len);
            *how = ADP_FP_S_PEEK;
            return true;
        }
    }
    if (pl->table) {
        pthread_rwlock_rdlock(&db->lock);
        if (atomic_load_explicit(&db->catalog_version, memory_order_acquire) != version) {
            pthread_rwlock_unlock(&db->lock);
            *why = ADP_FP_R_CATALOG_RACE;
            return false;
        }
    }
    size_t mark = out->len;
    bool ok;
    if (f->general) {
        /* commit_ts cannot move while db->lock is held: this is the executor's timestamp */
        if (pl->table) ts = adp_snapshot(s);
        pgw_error err;
        memset(&err, 0, sizeof err);
        adp_pctx p = {.s = s, .a = &s->arena, .sql = f->sql, .err = &err};
        ok = adp_exec_select_plan(&p, pl, out);
        if (!ok) {
            out->len = mark;
            out->msg_start = SIZE_MAX;
        }
        *how = ADP_FP_S_GENERAL;
    } else {
        ok = adp_fp_exec(s, f, out, &ts);
        *how = ADP_FP_S_EXECUTOR;
    }
    if (pl->table) pthread_rwlock_unlock(&db->lock);
    if (!ok) {
        *why = ADP_FP_R_EXEC_ERROR;
        return false;
    }
    if (peekable) keep_rows(budget, peek, out, mark + (s->skip_rowdesc ? 0 : f->rowdesc->len), ts);
    return true;
}

/* What the normal path does after a successful single SELECT, minus what is provably a
 * no-op after one (adp_session_simple_query, run_parsed). */
static void finish_query(adp_session *s, pgw_buf *out)
{
    s->in_implicit_block = false;
    if (s->txn == ADP_TXN_IDLE) {
        if (s->snap_held || s->nundo || s->txn_settings_saved || s->local_mask || s->read_only ||
            s->now_fixed)
            adp_session_txn_end(s, true);
        if (s->ext) adp_portals_drop(s, false);
    }
    if (s->arena.used) adp_arena_reset(&s->arena);
    adp_session_report_changed(s, out);
}

bool adp_fastpath_query(adp_session *s, const char *sql, size_t len, pgw_buf *out)
{
    uint64_t t0 = adp_fp_ticks();
    adp_plancache *pc = session_cache(s);
    adp_fp_reason why;
    if (!pc->enabled) {
        why = ADP_FP_R_DISABLED;
        goto fallback;
    }
    if (s->txn == ADP_TXN_FAILED || s->discard_all) {
        why = ADP_FP_R_TXN_FAILED;
        goto fallback;
    }
    if (!adp_fastpath_read_safe()) {
        why = ADP_FP_R_SHARED_ORACLE;
        goto fallback;
    }
    if (len > ADP_FP_MAX_TEXT) {
        why = ADP_FP_R_TOO_LONG;
        goto fallback;
    }
    adp_db *db = s->db;
    uint64_t h = adp_pc_hash(sql, len);
    adp_pc_entry *e = adp_pc_find(pc, h, sql, len);
    bool miss = false;
    if (e &&
        e->catalog_version != atomic_load_explicit(&db->catalog_version, memory_order_acquire)) {
        adp_pc_remove(pc, e);
        e = NULL;
    }
    if (!e) {
        e = plan_entry(s, pc, h, sql, len);
        miss = true;
        adp_fp_count_miss();
        if (!e->fast.pl) {
            /* only the reason is kept: a negative entry costs its text and no more */
            if (e->tree) pg_query__parse_result__free_unpacked(e->tree, NULL);
            e->tree = NULL;
            adp_arena_free(&e->arena);
        }
    }
    if (!e->fast.pl) {
        why = e->reason;
        goto fallback;
    }
    adp_fp_served how;
    if (!adp_fp_run(s, &e->fast, e->catalog_version, &e->peek, &pc->peek_bytes, out, &how, &why)) {
        if (s->arena.used) adp_arena_reset(&s->arena);
        if (why == ADP_FP_R_CATALOG_RACE) adp_pc_remove(pc, e);
        goto fallback;
    }
    finish_query(s, out);
    if (!miss) adp_fp_count_hit(t0, how);
    return true;
fallback:
    adp_fp_count_fallback(why);
    return false;
}
