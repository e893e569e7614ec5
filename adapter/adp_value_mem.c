/* adp_value_mem: copying values out of a statement's arena into heap storage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adp_value_priv.h"

static bool has_bytes(adp_type_id t)
{
    return t == ADP_T_TEXT || t == ADP_T_VARCHAR || t == ADP_T_UNKNOWN || t == ADP_T_BYTEA ||
           t == ADP_T_NUMERIC;
}

void adp_value_copy_heap(adp_type_id t, const adp_value *in, adp_value *out)
{
    *out = *in;
    if (in->isnull || !has_bytes(t)) return;
    char *p = malloc((size_t)in->u.s.len + 1);
    if (!p) {
        fprintf(stderr, "pgpeek: out of memory copying a value\n");
        abort();
    }
    if (in->u.s.len) memcpy(p, in->u.s.p, in->u.s.len);
    p[in->u.s.len] = 0;
    out->u.s.p = p;
}

void adp_value_free_heap(adp_type_id t, adp_value *v)
{
    if (v->isnull || !has_bytes(t)) return;
    free((void *)v->u.s.p);
    v->u.s.p = NULL;
    v->u.s.len = 0;
}
