/* adp_txn: a session's undo log, which gives ROLLBACK and failed statements
 * PostgreSQL's visible all-or-nothing behaviour until multiversion storage arrives. */
#include <stdlib.h>
#include <string.h>

#include "adp_internal.h"

void adp_undo_push(adp_session *s, adp_undo_kind kind, adp_table *t, adp_row *r)
{
    if (s->nundo == s->capundo) {
        s->capundo = s->capundo ? s->capundo * 2 : 32;
        s->undo = realloc(s->undo, s->capundo * sizeof *s->undo);
        if (!s->undo) abort();
    }
    s->undo[s->nundo++] = (adp_undo){kind, t, r, NULL};
}

void adp_txn_commit(adp_session *s)
{
    if (!s->nundo) return;
    adp_db *db = s->db;
    pthread_rwlock_wrlock(&db->lock);
    for (size_t i = 0; i < s->nundo; i++) {
        adp_undo *u = &s->undo[i];
        if (u->kind == ADP_UNDO_DELETE)
            adp_row_free(u->table, u->row);
        else if (u->kind == ADP_UNDO_DROP)
            adp_cat_bury_table(db, u->table);
        else if (u->kind == ADP_UNDO_DROP_INDEX)
            adp_index_free(u->index);
    }
    pthread_rwlock_unlock(&db->lock);
    s->nundo = 0;
}

void adp_txn_rollback(adp_session *s)
{
    if (!s->nundo) return;
    adp_db *db = s->db;
    pthread_rwlock_wrlock(&db->lock);
    for (size_t i = s->nundo; i-- > 0;) {
        adp_undo *u = &s->undo[i];
        switch (u->kind) {
        case ADP_UNDO_INSERT:
            if (adp_table_unlink(u->table, u->row)) adp_row_free(u->table, u->row);
            break;
        case ADP_UNDO_DELETE:
            adp_table_relink(u->table, u->row);
            break;
        case ADP_UNDO_CREATE:
            adp_cat_remove_table(db, u->table);
            adp_cat_bury_table(db, u->table);
            break;
        case ADP_UNDO_DROP:
            adp_cat_add_table(db, u->table);
            break;
        case ADP_UNDO_DROP_INDEX: {
            adp_table *t = u->table;
            t->indexes = realloc(t->indexes, (size_t)(t->nindexes + 1) * sizeof *t->indexes);
            if (!t->indexes) abort();
            t->indexes[t->nindexes++] = u->index;
            for (size_t i = 0; i < adp_table_count(t); i++)
                adp_index_add(t, u->index, adp_table_row(t, i));
            atomic_fetch_add(&db->catalog_version, 1);
            break;
        }
        case ADP_UNDO_INDEX: {
            /* the index this entry created, wherever it sits now */
            adp_table *t = u->table;
            for (int k = 0; k < t->nindexes; k++)
                if (t->indexes[k] == u->index) {
                    memmove(&t->indexes[k], &t->indexes[k + 1],
                            (size_t)(t->nindexes - k - 1) * sizeof *t->indexes);
                    t->nindexes--;
                    adp_index_free(u->index);
                    break;
                }
            atomic_fetch_add(&db->catalog_version, 1);
            break;
        }
        }
    }
    pthread_rwlock_unlock(&db->lock);
    s->nundo = 0;
}
