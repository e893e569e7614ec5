/* adp_fastpath: the simple-protocol hook that serves repeated query texts from the
 * session's plan cache (planning and caching on a miss), the peek cache, and the run of a
 * kept plan shared with prepared statements. A hit does no parse, no plan, no portal and no
 * heap allocation; the executor is in adp_fastpath_exec.c. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "adp_cert.h"
#include "adp_exec.h"
#include "adp_ext.h"
#include "adp_fastpath.h"
#include "adp_mvcc.h"
#include "adp_peekshare.h"
#include "adp_value_ext.h"
#include "orc.h"
#include "pgw_be_write.h"

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
        pc->shared = pc->peek && strcmp(s->settings.v[ADP_SET_ENABLE_SHARED_PEEK], "on") == 0;
        /* Every value, not a list of the ones that change output: sessions with the same
         * settings share, and a setting added later cannot be forgotten here. */
        pc->settings_key = 0;
        for (int i = 0; i < ADP_SET_COUNT_; i++)
            if (i != ADP_SET_APPLICATION_NAME)
                pc->settings_key = XXH3_64bits_withSeed(s->settings.v[i], strlen(s->settings.v[i]),
                                                        pc->settings_key + (uint64_t)i);
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
    /* still under the lock: eligibility looks at the table's indexes */
    bool eligible = ok && adp_fp_eligible(pl, sql, len, &e->reason);
    pthread_rwlock_unlock(&db->lock);
    if (!ok) {
        e->reason = ADP_FP_R_PLAN_ERROR;
        return e;
    }
    bool general = false;
    if (!eligible) {
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
    /* The peek cache: the rows of the last run, if no commit wrote the table since (or
     * none happened at all: a shared oracle's timestamps may run ahead of commit_ts),
     * the session has no pending changes of its own and every result column is text. No
     * lock: the catalog version and the timestamps say it all. Plans read one table (no
     * joins or subqueries: adp_select_plan.c), so its write timestamp is all there is to
     * check; a plan over several would have to check each. */
    uint64_t ts = 0;
    bool peekable = peek && pc && pc->peek && pl->table && !s->nundo &&
                    (s->txn == ADP_TXN_IDLE || (s->txn == ADP_TXN_BLOCK && s->snap_held));
    for (int i = 0; peekable && i < s->nrfmt; i++)
        peekable = s->rfmt[i] == 0;
    if (peekable && peek->valid) {
        ts = s->txn == ADP_TXN_IDLE ? adp_readts_idle(s) : s->snap_ts; /* as adp_snapshot */
        if (atomic_load_explicit(&db->catalog_version, memory_order_acquire) == version &&
            adp_peek_fresh(db, pl->table, peek->ts, ts)) {
            if (!s->skip_rowdesc) pgw_buf_put(out, f->rowdesc->data, f->rowdesc->len);
            pgw_buf_put(out, peek->rows.data, peek->rows.len);
            adp_cert_note_read(s, pl->table);
            *how = ADP_FP_S_PEEK;
            return true;
        }
    }
    /* Read without db->lock (adp_epoch.h, adp_read.h) when every commit at or below the
     * read timestamp is stamped: always so for a timestamp from commit_ts; a shared
     * oracle's may be ahead of a group still being stamped, and waits for it under the
     * lock. */
    bool lockfree = pl->table && !s->read_lockfree &&
                    adp_snapshot(s) <= atomic_load_explicit(&db->commit_ts, memory_order_acquire);
    if (lockfree) {
        if (!s->reader) s->reader = adp_reader_new(db);
        adp_reader_enter(&db->epochs, s->reader,
                         atomic_load_explicit(&db->commit_ts, memory_order_relaxed));
    } else if (pl->table) {
        pthread_rwlock_rdlock(&db->lock);
    }
    /* After entering: a DROP that this misses retires what it frees until we leave. */
    if (pl->table && atomic_load_explicit(&db->catalog_version, memory_order_acquire) != version) {
        if (lockfree)
            adp_reader_exit(s->reader);
        else
            pthread_rwlock_unlock(&db->lock);
        *why = ADP_FP_R_CATALOG_RACE;
        return false;
    }
    size_t mark = out->len;
    size_t rows_at = mark + (s->skip_rowdesc ? 0 : f->rowdesc->len);
    /* Then another connection's run of the same text, shared (adp_peekshare.h). */
    bool share = peekable && lockfree && f->sharable && pc->shared;
    uint64_t key = 0;
    size_t len = share ? strlen(f->sql) : 0;
    if (share) {
        uint64_t ts0;
        ts = adp_snapshot(s);
        key = adp_peekshare_key(f->sql, len, pc->settings_key);
        if (!s->skip_rowdesc) pgw_buf_put(out, f->rowdesc->data, f->rowdesc->len);
        if (adp_peekshare_get(db, key, f->sql, len, version, pl->table, ts, out, &ts0)) {
            adp_reader_exit(s->reader);
            adp_cert_note_read(s, pl->table);
            keep_rows(budget, peek, out, rows_at, ts0);
            *how = ADP_FP_S_SHARED;
            return true;
        }
        out->len = mark;
    }
    bool ok;
    s->read_lockfree = lockfree;
    s->read_version = version;
    if (f->general) {
        /* commit_ts cannot move while db->lock is held: this is the executor's timestamp */
        if (pl->table) {
            ts = adp_snapshot(s);
            adp_cert_note_read(s, pl->table);
        }
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
        *how = lockfree || !pl->table ? ADP_FP_S_EXECUTOR : ADP_FP_S_LOCKED;
    }
    s->read_lockfree = false;
    /* DDL bumps the version before it takes an index out of use: a read that may have
     * used one is given to the normal path */
    if (lockfree && ok &&
        atomic_load_explicit(&db->catalog_version, memory_order_acquire) != version) {
        adp_reader_exit(s->reader);
        out->len = mark;
        out->msg_start = SIZE_MAX;
        *why = ADP_FP_R_CATALOG_RACE;
        return false;
    }
    if (ok && share && !out->failed)
        adp_peekshare_put(db, key, f->sql, len, version, pl->table, ts,
                          (const uint8_t *)out->data + rows_at, out->len - rows_at);
    if (lockfree)
        adp_reader_exit(s->reader);
    else if (pl->table)
        pthread_rwlock_unlock(&db->lock);
    if (!ok) {
        *why = ADP_FP_R_EXEC_ERROR;
        return false;
    }
    if (peekable) keep_rows(budget, peek, out, rows_at, ts);
    return true;
}

/* Whether a SELECT must first ask the shared oracle for its read timestamp (strict
 * serializable with a shared backend): the normal path does that, waiting without
 * blocking the worker, so the fast path leaves those reads to it. */
static bool oracle_read_needed(const adp_session *s)
{
    static PgQuery__Node select = {.node_case = PG_QUERY__NODE__NODE_SELECT_STMT};
    /* a timestamp that came back for this message (after a wait) is used as adp_snapshot
     * does; a failed one is the normal path's to report */
    if (s->oracle_ts_ready) return s->oracle_ts_failed;
    return s->oracle && adp_readts_needed(s, &select);
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
    adp_readts_done(s);
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
    if (oracle_read_needed(s)) {
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
