/* adp_wal_encode: a committing transaction as a log record (its undo log, in order), row
 * values and table definitions as bytes, and the committed catalog that checkpoints copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_durable_int.h"

void adp_dur_put_value(adp_walw *w, adp_type_id t, const adp_value *v)
{
    adp_walw_u8(w, v->isnull);
    if (v->isnull) return;
    switch (t) {
    case ADP_T_BOOL:
        adp_walw_u8(w, v->u.b);
        break;
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
    case ADP_T_DATE:
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        adp_walw_i64(w, v->u.i);
        break;
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8: {
        uint64_t bits;
        memcpy(&bits, &v->u.f, sizeof bits);
        adp_walw_u64(w, bits);
        break;
    }
    default: /* text, varchar, bytea, numeric (canonical text), unknown */
        adp_walw_bytes(w, v->u.s.p, v->u.s.len);
        break;
    }
}

bool adp_dur_get_value(adp_walr *r, adp_type_id t, adp_value *v)
{
    memset(v, 0, sizeof *v);
    uint8_t isnull = 0;
    if (!adp_walr_u8(r, &isnull)) return false;
    v->isnull = isnull != 0;
    if (v->isnull) return true;
    switch (t) {
    case ADP_T_BOOL: {
        uint8_t b = 0;
        adp_walr_u8(r, &b);
        v->u.b = b != 0;
        break;
    }
    case ADP_T_INT2:
    case ADP_T_INT4:
    case ADP_T_INT8:
    case ADP_T_DATE:
    case ADP_T_TIMESTAMP:
    case ADP_T_TIMESTAMPTZ:
        adp_walr_i64(r, &v->u.i);
        break;
    case ADP_T_FLOAT4:
    case ADP_T_FLOAT8: {
        uint64_t bits = 0;
        adp_walr_u64(r, &bits);
        memcpy(&v->u.f, &bits, sizeof bits);
        break;
    }
    default: {
        const uint8_t *p = NULL;
        uint32_t n = 0;
        adp_walr_bytes(r, &p, &n);
        v->u.s.p = (const char *)p;
        v->u.s.len = n;
        break;
    }
    }
    return !r->failed;
}

void adp_dur_put_ix(adp_walw *w, const adp_dur_ix *ix)
{
    adp_walw_str(w, ix->name);
    adp_walw_u8(w, (uint8_t)(ix->unique | ix->primary << 1 | ix->constraint << 2));
    adp_walw_u32(w, (uint32_t)ix->ncols);
    for (int i = 0; i < ix->ncols; i++)
        adp_walw_u32(w, (uint32_t)ix->cols[i]);
}

static adp_dur_ix ix_of(const adp_index *ix)
{
    adp_dur_ix d = {.unique = ix->unique,
                    .primary = ix->primary,
                    .constraint = ix->constraint,
                    .ncols = ix->ncols,
                    .cols = ix->cols};
    snprintf(d.name, sizeof d.name, "%s", ix->name);
    return d;
}

void adp_dur_put_table(adp_walw *w, const adp_table *t, const adp_dur_ix *ix, int nix)
{
    adp_walw_u32(w, t->oid);
    adp_walw_str(w, t->name);
    adp_walw_u32(w, (uint32_t)t->ncols);
    for (int i = 0; i < t->ncols; i++) {
        const adp_column *c = &t->cols[i];
        adp_walw_str(w, c->name);
        adp_walw_u32(w, (uint32_t)c->type.id);
        adp_walw_u32(w, (uint32_t)c->type.typmod);
        adp_walw_u8(w, (uint8_t)(c->not_null | c->has_default << 1));
        if (c->has_default) adp_dur_put_value(w, c->type.id, &c->defval);
    }
    adp_walw_u32(w, (uint32_t)nix);
    for (int i = 0; i < nix; i++)
        adp_dur_put_ix(w, &ix[i]);
}

/* The indexes a CREATE entry logs: the PRIMARY KEY / UNIQUE ones made with the table.
 * Every other index comes from a CREATE INDEX entry (of this or another transaction: DDL
 * is visible before it commits) and is logged by it. Caller holds db->lock: another
 * session may be adding an index to t. */
static int create_indexes(const adp_table *t, adp_dur_ix *out)
{
    int n = 0;
    const adp_ixlist *xs = adp_table_ixs(t);
    for (int k = 0; k < xs->n; k++)
        if (xs->ix[k]->constraint) out[n++] = ix_of(xs->ix[k]);
    return n;
}

/* An operation: u8 op, u32 oid, u32 body length, body. The length lets replay keep an
 * operation on a table whose CREATE comes later in the log (another session's transaction
 * may write to a table before its creator commits) without knowing the table's columns. */
static size_t op_begin(adp_walw *w, uint8_t op, uint32_t oid)
{
    adp_walw_u8(w, op);
    adp_walw_u32(w, oid);
    size_t at = w->len;
    adp_walw_u32(w, 0);
    return at;
}

static void op_end(adp_walw *w, size_t at)
{
    if (w->failed || w->len < at + 4) return;
    uint32_t n = (uint32_t)(w->len - at - 4);
    for (int b = 0; b < 4; b++)
        w->data[at + (size_t)b] = (uint8_t)(n >> (8 * b));
}

void adp_dur_encode_txn(adp_walw *w, const adp_session *s)
{
    adp_walw_begin(w, ADP_DUR_VERSION);
    size_t count_at = w->len;
    adp_walw_u32(w, 0); /* operation count, patched below */
    uint32_t nops = 0;
    for (size_t i = 0; i < s->nundo; i++) {
        const adp_undo *u = &s->undo[i];
        const adp_table *t = u->table;
        size_t at;
        switch (u->kind) {
        case ADP_UNDO_INSERT:
            /* inserted and deleted by the same transaction: nothing to log */
            if (u->row->deleter == s) continue;
            at = op_begin(w, ADP_DUR_OP_INSERT, t->oid);
            adp_walw_u64(w, u->row->seq);
            for (int c = 0; c < t->ncols; c++)
                adp_dur_put_value(w, t->cols[c].type.id, &u->row->vals[c]);
            break;
        case ADP_UNDO_DELETE:
            if (u->row->owner == s) continue;
            at = op_begin(w, ADP_DUR_OP_DELETE, t->oid);
            adp_walw_u64(w, u->row->seq);
            break;
        case ADP_UNDO_CREATE: {
            at = op_begin(w, ADP_DUR_OP_CREATE, t->oid);
            pthread_rwlock_rdlock(&s->db->lock);
            adp_dur_ix ix[adp_table_ixs(t)->n ? adp_table_ixs(t)->n : 1];
            int nix = create_indexes(t, ix);
            adp_dur_put_table(w, t, ix, nix);
            pthread_rwlock_unlock(&s->db->lock);
            break;
        }
        case ADP_UNDO_DROP:
            at = op_begin(w, ADP_DUR_OP_DROP, t->oid);
            break;
        case ADP_UNDO_INDEX: {
            adp_dur_ix ix = ix_of(u->index);
            at = op_begin(w, ADP_DUR_OP_INDEX, t->oid);
            adp_dur_put_ix(w, &ix);
            break;
        }
        case ADP_UNDO_DROP_INDEX:
        default:
            at = op_begin(w, ADP_DUR_OP_DROP_INDEX, t->oid);
            adp_walw_str(w, u->index->name);
            break;
        }
        op_end(w, at);
        nops++;
    }
    if (w->len >= count_at + 4) {
        for (int b = 0; b < 4; b++)
            w->data[count_at + (size_t)b] = (uint8_t)(nops >> (8 * b));
    }
}

/* The committed catalog entry of oid, or the one kept for a table not committed yet
 * (indexes other transactions made on it before its creator committed). */
static adp_dur_rel *rel_for(struct adp_durable *d, uint32_t oid, adp_table *t)
{
    adp_dur_rel *r = adp_dur_cat_find(&d->cat, oid);
    if (!r && !(r = adp_dur_cat_find(&d->orphans, oid))) r = adp_dur_cat_add(&d->orphans, oid, t);
    return r;
}

void adp_dur_cat_commit(struct adp_durable *d, const adp_session *s)
{
    const adp_table *known = NULL; /* the last table seen committed or kept as an orphan */
    for (size_t i = 0; i < s->nundo; i++) {
        const adp_undo *u = &s->undo[i];
        adp_table *t = u->table;
        adp_dur_rel *r;
        switch (u->kind) {
        case ADP_UNDO_INSERT:
        case ADP_UNDO_DELETE:
            /* rows written to a table whose CREATE has not committed make it an orphan */
            if (t != known) rel_for(d, t->oid, t);
            known = t;
            break;
        case ADP_UNDO_CREATE: {
            r = adp_dur_cat_add(&d->cat, t->oid, t);
            pthread_rwlock_rdlock(&s->db->lock);
            const adp_ixlist *xs = adp_table_ixs(t);
            for (int k = 0; k < xs->n; k++)
                if (xs->ix[k]->constraint) adp_dur_rel_add_ix(r, xs->ix[k]);
            pthread_rwlock_unlock(&s->db->lock);
            adp_dur_rel *o = adp_dur_cat_find(&d->orphans, t->oid);
            for (int k = 0; o && k < o->nix; k++)
                adp_dur_rel_add_ixdef(r, &o->ix[k]);
            adp_dur_cat_drop(&d->orphans, t->oid);
            known = NULL;
            break;
        }
        case ADP_UNDO_DROP:
            adp_dur_cat_drop(&d->cat, t->oid);
            adp_dur_cat_drop(&d->orphans, t->oid);
            adp_dur_note_drop(d, t->oid);
            known = NULL;
            break;
        case ADP_UNDO_INDEX:
            adp_dur_rel_add_ix(rel_for(d, t->oid, t), u->index);
            break;
        case ADP_UNDO_DROP_INDEX:
            adp_dur_rel_drop_ix(rel_for(d, t->oid, t), u->index->name);
            break;
        default:
            break;
        }
    }
}

/* --- the committed catalog --- */

adp_dur_rel *adp_dur_cat_find(adp_dur_cat *c, uint32_t oid)
{
    for (int i = 0; i < c->nrels; i++)
        if (c->rels[i].oid == oid) return &c->rels[i];
    return NULL;
}

adp_dur_rel *adp_dur_cat_add(adp_dur_cat *c, uint32_t oid, adp_table *t)
{
    if (c->nrels == c->caprels) {
        c->caprels = c->caprels ? 2 * c->caprels : 16;
        c->rels = realloc(c->rels, (size_t)c->caprels * sizeof *c->rels);
        if (!c->rels) abort();
    }
    adp_dur_rel *r = &c->rels[c->nrels++];
    *r = (adp_dur_rel){.oid = oid, .t = t};
    return r;
}

static void rel_free(adp_dur_rel *r)
{
    for (int i = 0; i < r->nix; i++)
        free(r->ix[i].cols);
    free(r->ix);
    r->ix = NULL;
    r->nix = 0;
}

void adp_dur_cat_drop(adp_dur_cat *c, uint32_t oid)
{
    for (int i = 0; i < c->nrels; i++)
        if (c->rels[i].oid == oid) {
            rel_free(&c->rels[i]);
            memmove(&c->rels[i], &c->rels[i + 1], (size_t)(c->nrels - i - 1) * sizeof *c->rels);
            c->nrels--;
            return;
        }
}

void adp_dur_rel_add_ixdef(adp_dur_rel *r, const adp_dur_ix *src)
{
    r->ix = realloc(r->ix, (size_t)(r->nix + 1) * sizeof *r->ix);
    if (!r->ix) abort();
    adp_dur_ix *d = &r->ix[r->nix++];
    *d = *src;
    d->cols = malloc((size_t)(src->ncols ? src->ncols : 1) * sizeof *d->cols);
    if (!d->cols) abort();
    memcpy(d->cols, src->cols, (size_t)src->ncols * sizeof *d->cols);
}

void adp_dur_rel_add_ix(adp_dur_rel *r, const adp_index *ix)
{
    adp_dur_ix d = ix_of(ix);
    adp_dur_rel_add_ixdef(r, &d);
}

void adp_dur_rel_drop_ix(adp_dur_rel *r, const char *name)
{
    for (int i = 0; i < r->nix; i++)
        if (strcmp(r->ix[i].name, name) == 0) {
            free(r->ix[i].cols);
            memmove(&r->ix[i], &r->ix[i + 1], (size_t)(r->nix - i - 1) * sizeof *r->ix);
            r->nix--;
            return;
        }
}

bool adp_dur_cat_copy(adp_dur_cat *dst, const adp_dur_cat *src)
{
    memset(dst, 0, sizeof *dst);
    for (int i = 0; i < src->nrels; i++) {
        adp_dur_rel *r = adp_dur_cat_add(dst, src->rels[i].oid, src->rels[i].t);
        for (int k = 0; k < src->rels[i].nix; k++)
            adp_dur_rel_add_ixdef(r, &src->rels[i].ix[k]);
    }
    return true;
}

void adp_dur_cat_free(adp_dur_cat *c)
{
    for (int i = 0; i < c->nrels; i++)
        rel_free(&c->rels[i]);
    free(c->rels);
    memset(c, 0, sizeof *c);
}
