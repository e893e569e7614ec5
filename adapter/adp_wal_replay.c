/* adp_wal_replay: recovery at start-up. Loads a checkpoint body and applies log records to
 * the catalog and tables exactly as their commits published them. Runs on the opening
 * thread before anything else can see the db, so it takes no locks; unique index hashes
 * are rebuilt once at the end (adp_dur_rebuild_indexes) instead of kept per row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_durable_int.h"
#include "pgw_log.h"

static adp_table *find_oid(adp_db *db, uint32_t oid)
{
    const adp_tablist *tl = adp_cat_tables(db);
    for (int i = 0; i < tl->n; i++)
        if (tl->t[i]->oid == oid) return tl->t[i];
    return NULL;
}

/* A table of the catalog or one kept aside from the checkpoint (see take_orphan). */
static adp_table *find_any(struct adp_durable *d, uint32_t oid)
{
    adp_table *t = find_oid(d->db, oid);
    for (size_t i = 0; !t && i < d->nck_orphans; i++)
        if (d->ck_orphans[i]->oid == oid) t = d->ck_orphans[i];
    return t;
}

static bool get_ix(adp_walr *r, adp_dur_ix *ix)
{
    memset(ix, 0, sizeof *ix);
    char *name = adp_walr_strdup(r);
    uint8_t flags = 0;
    uint32_t n = 0;
    adp_walr_u8(r, &flags);
    adp_walr_u32(r, &n);
    if (!name || r->failed || n > 4096) {
        free(name);
        return false;
    }
    snprintf(ix->name, sizeof ix->name, "%s", name);
    free(name);
    ix->unique = flags & 1;
    ix->primary = flags & 2;
    ix->constraint = flags & 4;
    ix->ncols = (int)n;
    ix->cols = calloc(n ? n : 1, sizeof *ix->cols);
    if (!ix->cols) abort();
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = 0;
        adp_walr_u32(r, &c);
        ix->cols[i] = (int)c;
    }
    return !r->failed;
}

/* Adds a definition to the table (and to the committed catalog). */
static bool add_index(struct adp_durable *d, adp_table *t, adp_dur_ix *def, char *err,
                      size_t errlen)
{
    for (int i = 0; i < def->ncols; i++)
        if (def->cols[i] < 0 || def->cols[i] >= t->ncols) {
            snprintf(err, errlen, "index \"%s\" names column %d of a %d-column table", def->name,
                     def->cols[i], t->ncols);
            return false;
        }
    adp_index *ix = calloc(1, sizeof *ix);
    if (!ix) abort();
    snprintf(ix->name, sizeof ix->name, "%s", def->name);
    ix->unique = def->unique;
    ix->primary = def->primary;
    ix->constraint = def->constraint;
    ix->ncols = def->ncols;
    ix->cols = def->cols; /* moved */
    adp_table_add_index(t, ix);
    adp_dur_rel *r = adp_dur_cat_find(&d->cat, t->oid);
    if (r) adp_dur_rel_add_ix(r, ix);
    def->cols = NULL;
    return true;
}

/* A table definition (adp_dur_put_table), built but not in the catalog yet. */
static adp_table *read_table(struct adp_durable *d, adp_walr *r, char *err, size_t errlen)
{
    uint32_t oid = 0, ncols = 0;
    adp_walr_u32(r, &oid);
    char *name = adp_walr_strdup(r);
    adp_walr_u32(r, &ncols);
    if (!name || r->failed || ncols > 1600 || find_any(d, oid)) {
        snprintf(err, errlen, "bad or duplicate table definition (oid %u)", oid);
        free(name);
        return NULL;
    }
    adp_table *t = calloc(1, sizeof *t);
    if (!t) abort();
    snprintf(t->name, sizeof t->name, "%s", name);
    free(name);
    t->oid = oid;
    t->cols = calloc(ncols ? ncols : 1, sizeof *t->cols);
    if (!t->cols) abort();
    bool ok = true;
    for (uint32_t i = 0; ok && i < ncols; i++) {
        adp_column *c = &t->cols[i];
        char *cname = adp_walr_strdup(r);
        uint32_t tid = 0, typmod = 0;
        uint8_t flags = 0;
        adp_walr_u32(r, &tid);
        adp_walr_u32(r, &typmod);
        adp_walr_u8(r, &flags);
        ok = cname && !r->failed && tid > 0 && tid < ADP_T_COUNT_;
        if (ok) {
            snprintf(c->name, sizeof c->name, "%s", cname);
            c->type.id = (adp_type_id)tid;
            c->type.typmod = (int32_t)typmod;
            c->not_null = flags & 1;
            t->ncols = (int)i + 1;
            if (flags & 2) {
                adp_value v;
                ok = adp_dur_get_value(r, c->type.id, &v);
                if (ok) {
                    adp_value_copy_heap(c->type.id, &v, &c->defval);
                    c->has_default = true;
                }
            }
        }
        free(cname);
    }
    uint32_t nix = 0;
    if (ok) ok = adp_walr_u32(r, &nix) && nix <= 4096;
    if (!ok) {
        snprintf(err, errlen, "bad table definition (oid %u)", oid);
        adp_table_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < nix; i++) {
        adp_dur_ix def;
        if (!get_ix(r, &def) || !add_index(d, t, &def, err, errlen)) {
            free(def.cols);
            snprintf(err, errlen, "bad index definition (table oid %u)", oid);
            adp_table_free(t);
            return NULL;
        }
        free(def.cols);
    }
    return t;
}

/* Into the catalog and the committed catalog, with its indexes. */
static void register_table(struct adp_durable *d, adp_table *t)
{
    adp_db *db = d->db;
    adp_cat_add_table(db, t);
    if (t->oid >= db->next_oid) db->next_oid = t->oid + 1;
    adp_dur_rel *rel = adp_dur_cat_add(&d->cat, t->oid, t);
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        adp_dur_rel_add_ix(rel, xs->ix[k]);
}

static adp_table *get_table(struct adp_durable *d, adp_walr *r, char *err, size_t errlen)
{
    adp_table *t = read_table(d, r, err, errlen);
    if (t) register_table(d, t);
    return t;
}

/* A checkpoint's table whose CREATE had not committed at the cut (other transactions had
 * committed changes to it): kept aside until its CREATE is replayed. */
static adp_table *take_orphan(struct adp_durable *d, uint32_t oid)
{
    for (size_t i = 0; i < d->nck_orphans; i++)
        if (d->ck_orphans[i]->oid == oid) {
            adp_table *t = d->ck_orphans[i];
            d->ck_orphans[i] = d->ck_orphans[--d->nck_orphans];
            return t;
        }
    return NULL;
}

/* The CREATE of a table kept aside: the table (with the rows others committed to it)
 * joins the catalog, with the indexes the CREATE made. */
static adp_table *adopt(struct adp_durable *d, adp_table *t, adp_walr *body, char *err,
                        size_t errlen)
{
    adp_table *def = read_table(d, body, err, errlen);
    if (!def) {
        adp_table_free(t);
        return NULL;
    }
    /* the indexes t lacks move over; def goes with the rest */
    for (int k = 0; k < adp_table_ixs(def)->n;) {
        adp_index *ix = adp_table_ixs(def)->ix[k];
        bool have = false;
        for (int j = 0; j < adp_table_ixs(t)->n; j++)
            have |= strcmp(adp_table_ixs(t)->ix[j]->name, ix->name) == 0;
        if (have) {
            k++;
            continue;
        }
        adp_table_remove_index(def, ix);
        adp_table_add_index(t, ix);
    }
    adp_table_free(def);
    register_table(d, t);
    return t;
}

/* One row (u64 seq, values) into t at ts. */
static bool get_row(adp_walr *r, adp_table *t, uint64_t ts)
{
    uint64_t seq = 0;
    adp_walr_u64(r, &seq);
    adp_value vals[t->ncols ? t->ncols : 1];
    for (int c = 0; c < t->ncols; c++)
        if (!adp_dur_get_value(r, t->cols[c].type.id, &vals[c])) return false;
    if (r->failed || seq == 0) return false;
    adp_row *row = adp_row_new(t, vals);
    row->seq = seq;
    row->begin_ts = ts;
    adp_table_insert_seq(t, row);
    return true;
}

static bool bad(char *err, size_t errlen, const char *what, uint32_t oid)
{
    snprintf(err, errlen, "cannot replay %s (table oid %u)", what, oid);
    return false;
}

/* One operation on table t (found) from its body. */
static bool apply_op(struct adp_durable *d, adp_table *t, uint64_t ts, uint8_t op, adp_walr *r,
                     char *err, size_t errlen)
{
    adp_db *db = d->db;
    uint32_t oid = t->oid;
    switch (op) {
    case ADP_DUR_OP_INSERT:
        if (!get_row(r, t, ts)) return bad(err, errlen, "an insert", oid);
        return true;
    case ADP_DUR_OP_DELETE: {
        uint64_t seq = 0;
        adp_walr_u64(r, &seq);
        adp_row *row = adp_table_take_seq(t, seq);
        if (!row) return bad(err, errlen, "a delete of a missing row", oid);
        adp_row_free(t, row);
        return true;
    }
    case ADP_DUR_OP_DROP:
        adp_cat_remove_table(db, t);
        adp_dur_cat_drop(&d->cat, oid);
        adp_table_free(t);
        return true;
    case ADP_DUR_OP_INDEX: {
        adp_dur_ix def;
        if (!get_ix(r, &def)) {
            free(def.cols);
            return bad(err, errlen, "an index definition", oid);
        }
        bool ok = add_index(d, t, &def, err, errlen);
        free(def.cols);
        return ok;
    }
    case ADP_DUR_OP_DROP_INDEX: {
        char *name = adp_walr_strdup(r);
        bool found = false;
        const adp_ixlist *xs = adp_table_ixs(t);
        for (int k = 0; name && k < xs->n; k++)
            if (strcmp(xs->ix[k]->name, name) == 0) {
                adp_index *ix = xs->ix[k];
                adp_table_remove_index(t, ix); /* xs may be gone now */
                adp_index_free(t, ix);
                found = true;
                break;
            }
        adp_dur_rel *rel = adp_dur_cat_find(&d->cat, oid);
        if (rel && name) adp_dur_rel_drop_ix(rel, name);
        free(name);
        if (!found) return bad(err, errlen, "a drop of a missing index", oid);
        return true;
    }
    default:
        return bad(err, errlen, "an unknown operation", oid);
    }
}

static void defer(struct adp_durable *d, uint64_t ts, uint8_t op, uint32_t oid, const uint8_t *body,
                  uint32_t len)
{
    if (d->ndeferred == d->capdeferred) {
        d->capdeferred = d->capdeferred ? 2 * d->capdeferred : 16;
        d->deferred = realloc(d->deferred, d->capdeferred * sizeof *d->deferred);
        if (!d->deferred) abort();
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) abort();
    memcpy(copy, body, len);
    d->deferred[d->ndeferred++] = (adp_dur_deferred){ts, op, oid, copy, len};
}

/* The table oid has just been created: its deferred operations, in log order. */
static bool undefer(struct adp_durable *d, adp_table *t, char *err, size_t errlen)
{
    size_t kept = 0;
    bool ok = true;
    for (size_t i = 0; i < d->ndeferred; i++) {
        adp_dur_deferred *x = &d->deferred[i];
        if (x->oid != t->oid || !ok) {
            d->deferred[kept++] = *x;
            continue;
        }
        /* a DROP among them ends the table: later ones wait for a CREATE again */
        if (!find_oid(d->db, x->oid)) {
            d->deferred[kept++] = *x;
            continue;
        }
        adp_walr r = {x->body, x->len, 0, false};
        ok = apply_op(d, t, x->ts, x->op, &r, err, errlen) &&
             (adp_walr_done(&r) || bad(err, errlen, "an operation with trailing bytes", x->oid));
        free(x->body);
    }
    d->ndeferred = kept;
    return ok;
}

bool adp_dur_replay_record(void *arg, uint64_t ts, uint8_t kind, const uint8_t *payload,
                           uint32_t len, char *err, size_t errlen)
{
    struct adp_durable *d = arg;
    if (kind != ADP_DUR_REC_TXN) {
        snprintf(err, errlen, "unknown record kind %u", kind);
        return false;
    }
    adp_walr r;
    uint8_t version;
    uint32_t nops = 0;
    if (!adp_walr_begin(&r, payload, len, ADP_DUR_VERSION, &version) || !adp_walr_u32(&r, &nops)) {
        snprintf(err, errlen, "unreadable transaction record");
        return false;
    }
    for (uint32_t i = 0; i < nops; i++) {
        uint8_t op = 0;
        uint32_t oid = 0, blen = 0;
        adp_walr_u8(&r, &op);
        adp_walr_u32(&r, &oid);
        if (!adp_walr_u32(&r, &blen) || blen > adp_walr_left(&r))
            return bad(err, errlen, "a truncated record", oid);
        adp_walr body = {r.data + r.pos, blen, 0, false};
        r.pos += blen;
        /* Oids only grow, also past those of tables whose creator rolled back: a new table
         * must never take the oid of operations still deferred in the log. */
        if (oid >= d->db->next_oid && oid < UINT32_MAX) d->db->next_oid = oid + 1;
        adp_table *t = find_oid(d->db, oid);
        if (op == ADP_DUR_OP_CREATE) {
            adp_table *kept = take_orphan(d, oid);
            t = kept ? adopt(d, kept, &body, err, errlen) : get_table(d, &body, err, errlen);
            if (!t) return false;
            if (t->oid != oid) return bad(err, errlen, "a table definition", oid);
            if (!undefer(d, t, err, errlen)) return false;
        } else if (!t) {
            defer(d, ts, op, oid, body.data, blen);
            continue;
        } else if (!apply_op(d, t, ts, op, &body, err, errlen)) {
            return false;
        }
        if (!adp_walr_done(&body)) return bad(err, errlen, "an operation with trailing bytes", oid);
    }
    if (!adp_walr_done(&r)) return bad(err, errlen, "a record with trailing bytes", 0);
    return true;
}

void adp_dur_replay_end(struct adp_durable *d)
{
    for (size_t i = 0; i < d->nck_orphans; i++)
        adp_table_free(d->ck_orphans[i]);
    free(d->ck_orphans);
    d->ck_orphans = NULL;
    d->nck_orphans = 0;
    if (d->ndeferred)
        pgw_log_emit(PGPEEK_LOG_INFO, "recovery",
                     "%zu logged changes to tables whose creator never committed were dropped "
                     "with them",
                     d->ndeferred);
    for (size_t i = 0; i < d->ndeferred; i++)
        free(d->deferred[i].body);
    free(d->deferred);
    d->deferred = NULL;
    d->ndeferred = d->capdeferred = 0;
}

/* Reads one u32-length-prefixed chunk into buf. */
static bool read_chunk(adp_ckpt_in *in, adp_walw *buf)
{
    uint8_t lb[4];
    if (!adp_ckpt_in_read(in, lb, 4)) return false;
    uint32_t n =
        (uint32_t)lb[0] | (uint32_t)lb[1] << 8 | (uint32_t)lb[2] << 16 | (uint32_t)lb[3] << 24;
    if (n > ADP_WAL_MAX_PAYLOAD || n > adp_ckpt_in_left(in)) return false;
    if (buf->cap < n) {
        buf->data = realloc(buf->data, n);
        if (!buf->data) abort();
        buf->cap = n;
    }
    buf->len = n;
    return adp_ckpt_in_read(in, buf->data, n);
}

bool adp_dur_load_checkpoint(struct adp_durable *d, adp_ckpt_in *in, uint64_t ts, char *err,
                             size_t errlen)
{
    adp_walw buf = {0};
    bool ok = false, ended = false;
    while (!ended) {
        if (!read_chunk(in, &buf)) {
            snprintf(err, errlen, "checkpoint body is truncated");
            break;
        }
        adp_walr r;
        uint8_t version, type = 0;
        if (!adp_walr_begin(&r, buf.data, buf.len, ADP_DUR_VERSION, &version) ||
            !adp_walr_u8(&r, &type)) {
            snprintf(err, errlen, "unreadable checkpoint chunk");
            break;
        }
        if (type == ADP_DUR_CK_HEAD) {
            uint64_t next_oid = 0;
            adp_walr_u64(&r, &next_oid);
            if (next_oid > d->db->next_oid && next_oid < UINT32_MAX)
                d->db->next_oid = (uint32_t)next_oid;
        } else if (type == ADP_DUR_CK_TABLE) {
            if (!get_table(d, &r, err, errlen)) break;
        } else if (type == ADP_DUR_CK_ORPHAN) {
            adp_table *t = read_table(d, &r, err, errlen);
            if (!t) break;
            d->ck_orphans = realloc(d->ck_orphans, (d->nck_orphans + 1) * sizeof *d->ck_orphans);
            if (!d->ck_orphans) abort();
            d->ck_orphans[d->nck_orphans++] = t;
        } else if (type == ADP_DUR_CK_ROWS) {
            uint32_t oid = 0, n = 0;
            adp_walr_u32(&r, &oid);
            adp_walr_u32(&r, &n);
            adp_table *t = find_any(d, oid);
            if (!t) {
                bad(err, errlen, "checkpoint rows of a missing table", oid);
                break;
            }
            uint32_t k = 0;
            while (k < n && get_row(&r, t, ts))
                k++;
            d->loaded_rows += k;
            if (k < n) {
                bad(err, errlen, "checkpoint rows", oid);
                break;
            }
        } else if (type == ADP_DUR_CK_END) {
            ended = true;
            ok = adp_ckpt_in_left(in) == 0;
            if (!ok) snprintf(err, errlen, "bytes after the end of the checkpoint body");
            break;
        } else {
            snprintf(err, errlen, "unknown checkpoint chunk %u", type);
            break;
        }
        if (!adp_walr_done(&r)) {
            snprintf(err, errlen, "checkpoint chunk with trailing bytes");
            break;
        }
    }
    adp_walw_free(&buf);
    return ok;
}
