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

/* Notes on adp_value.h as implemented:
 * - adp_type_common(a, b, op): an op spelled in capitals ("CASE", "COALESCE", "UNION",
 *   "VALUES", "IN", "GREATEST") resolves as PostgreSQL's select_common_type does (int4 and
 *   real give real, varchar and text keep the first; 42804 "<OP> types a and b cannot be
 *   matched"); any other op resolves as an operator ("=" gives double precision for int4
 *   and real, as PostgreSQL's operators do).
 * - For text || x, convert x with adp_value_cast(..., to text, explicit): bool becomes
 *   "true"/"false" there, as PostgreSQL's casts to text spell it, not its output "t"/"f".
 * - adp_value_arith(op, ADP_T_DATE, ...) takes date + int4 and date - int4/date (the
 *   value of date - x is the same either way); adp_value_arith_mixed names both types. */

/* The TimeZone setting: accepts what PostgreSQL accepts for zones with a fixed offset
 * (UTC, numbers of hours, POSIX "UTC+8", "Etc/GMT-5", fixed-offset tz names such as
 * Asia/Kolkata); *east is seconds east of UTC (adp_fmt.tz_offset_secs), `display` what
 * SHOW TimeZone prints. 22023 otherwise, including zones with daylight saving time. */
bool adp_timezone_parse(const char *val, int32_t *east, char *display, size_t cap, pgw_error *err);

#endif
