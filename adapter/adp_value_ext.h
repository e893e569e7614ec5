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

/* Binary format (PostgreSQL's typsend): appends the value's bytes, without the length
 * word, for a result column in binary format. Not for NULLs. */
void adp_value_send(pgw_buf *b, adp_type t, const adp_value *v);
/* Binary input (typreceive) of one Bind parameter's bytes, applying the typmod. Too few
 * bytes: 08P01 "insufficient data left in message"; too many: 22P03 "incorrect binary data
 * format" (PostgreSQL adds " in bind parameter N": the caller knows N); malformed numeric
 * 22P03; invalid UTF-8 in text 22021; out-of-range dates and timestamps 22008. */
bool adp_value_recv(adp_type t, const char *buf, size_t len, adp_arena *a, adp_value *out,
                    pgw_error *err);
/* Checks text is valid UTF-8 without NULs: 22021 "invalid byte sequence for encoding
 * "UTF8": 0x.." as PostgreSQL reports it. */
bool adp_utf8_verify(const char *s, size_t len, pgw_error *err);

/* Time zones with daylight saving time from the system tz database (TZif files, the data
 * Debian's PostgreSQL reads). adp_fmt.zone, when set,
 * gives timestamptz input and output their offset
 * from these two functions. A loaded zone is immutable and may be shared across threads. */
typedef struct adp_tz adp_tz;
adp_tz *adp_tz_load(const char *name, pgw_error *err); /* NULL with 22023 if unknown */
/* A POSIX TZ string with daylight saving time ("EST5EDT,M3.2.0,M11.1.0", or "FOO5BAR" with
 * the US rules PostgreSQL assumes); NULL if it is not one. */
adp_tz *adp_tz_posix(const char *spec);
void adp_tz_free(adp_tz *z);
/* Whether the zone has had one offset forever (UTC, Etc/GMT+5): then *east is it. */
bool adp_tz_fixed(const adp_tz *z, int32_t *east);
/* Offset east of UTC, in seconds, in force at an instant (microseconds since 2000-01-01). */
int32_t adp_tz_offset_utc(const adp_tz *z, int64_t pg_usec);
/* Offset to use for a local wall time: the one after the change for an ambiguous time (fall
 * back) and for a skipped one (spring forward), as PostgreSQL does. */
int32_t adp_tz_offset_local(const adp_tz *z, int64_t local_usec);

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
 * SHOW TimeZone prints. A tz database zone with daylight saving time (America/New_York):
 * 0A000; anything else PostgreSQL would reject: 22023. */
bool adp_timezone_parse(const char *val, int32_t *east, char *display, size_t cap, pgw_error *err);

#endif
