/* adp_value_ext: additions to adp_value.h owned by the types helper (mixed-type operators). */
#ifndef ADP_VALUE_EXT_H
#define ADP_VALUE_EXT_H

#include "adp_value.h"

/* Arithmetic whose operands have different types, as adp_arith_resolve returned them
 * (date + int4, int4 + date, date - int4, date - date); for equal types this is
 * adp_value_arith. The result type goes to *rt. */
bool adp_value_arith_mixed(char op, adp_type_id lt, adp_type_id rtype, const adp_value *a,
                           const adp_value *b, adp_arena *ar, adp_value *out, adp_type_id *rt,
                           pgw_error *err);

#endif
