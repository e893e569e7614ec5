/* adp_value: SQL types and values: lookup, text input/output, casts, comparison,
 * arithmetic, hashing. Every function here behaves exactly as PostgreSQL 15 does,
 * including its error messages and SQLSTATEs. */
#ifndef ADP_VALUE_H
#define ADP_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp_arena.h"
#include "pgw_buf.h"
#include "pgw_error.h"

typedef enum adp_type_id {
    ADP_T_UNKNOWN = 0, /* an untyped literal ('abc' or NULL) before resolution */
    ADP_T_BOOL,
    ADP_T_INT2,
    ADP_T_INT4,
    ADP_T_INT8,
    ADP_T_FLOAT4,
    ADP_T_FLOAT8,
    ADP_T_NUMERIC,
    ADP_T_TEXT,
    ADP_T_VARCHAR,
    ADP_T_BYTEA,
    ADP_T_DATE,
    ADP_T_TIMESTAMP,
    ADP_T_TIMESTAMPTZ,
    ADP_T_COUNT_
} adp_type_id;

/* A type with PostgreSQL's atttypmod: -1 when none; varchar(n) is n+4; numeric(p,s) is
 * ((p << 16) | s) + 4. Plain data. */
typedef struct adp_type {
    adp_type_id id;
    int32_t typmod;
} adp_type;

/* A value. Owned by whoever holds it: statement values point into the statement's arena,
 * stored rows into heap memory made by adp_value_copy_heap. The type travels beside the
 * value (in the column or expression), not in it.
 * Representation per type:
 *   bool: b.  int2/int4/int8: i.  float4/float8: f (float4 values already rounded to float).
 *   date: i = days since 2000-01-01.  timestamp/timestamptz: i = microseconds since
 *   2000-01-01 00:00:00 (UTC for timestamptz). Infinity as INT64_MAX/INT64_MIN (dates:
 *   INT32_MAX/INT32_MIN), as PostgreSQL does.
 *   text/varchar/unknown: s = the bytes (not NUL-terminated, UTF-8).  bytea: s = raw bytes.
 *   numeric: s = canonical decimal text as numeric_out prints it ("-12.340", "NaN"). */
typedef struct adp_value {
    bool isnull;
    union {
        bool b;
        int64_t i;
        double f;
        struct {
            const char *p;
            uint32_t len;
        } s;
    } u;
} adp_value;

/* Session settings that change how values print or parse. Owned by the session. */
typedef struct adp_fmt {
    int extra_float_digits;    /* PostgreSQL default 1: shortest exact output when > 0 */
    int32_t tz_offset_secs;    /* TimeZone as seconds east of UTC, when zone is NULL */
    const struct adp_tz *zone; /* a zone with daylight saving time (adp_tz_load), or NULL */
    bool datestyle_iso_mdy;    /* only "ISO, MDY" is supported for now */
} adp_fmt;

/* --- types --- */
/* Resolves a type name as the grammar gives it (last element of TypeName.names, e.g.
 * "int4", "varchar", "bpchar", "timestamptz", "numeric", "text", "bool", "float8") with its
 * typmod arguments (e.g. varchar(10) -> mods {10}). 42704 for unknown types, 0A000 for
 * known PostgreSQL types pgpeek does not support. */
bool adp_type_lookup(const char *name, const int32_t *mods, int nmods, adp_type *out,
                     pgw_error *err);
uint32_t adp_type_oid(adp_type_id t);
int16_t adp_type_len(adp_type_id t); /* typlen for RowDescription: 1, 2, 4, 8 or -1 */
const char *adp_type_name(adp_type t, char *buf,
                          size_t cap);   /* "character varying(10)" as format_type prints it */
bool adp_type_is_numeric(adp_type_id t); /* int2..numeric, float4, float8 */
bool adp_type_is_string(adp_type_id t);  /* text, varchar, unknown */

/* --- text input and output --- */
/* Parses external text into type t, applying the typmod (varchar length 22001, numeric
 * precision 22003), e.g. invalid input syntax for type integer: "x" (22P02). */
bool adp_value_in(adp_type t, const char *str, size_t len, const adp_fmt *fmt, adp_arena *a,
                  adp_value *out, pgw_error *err);
/* Appends the text form exactly as PostgreSQL's output function prints it. Not for NULLs. */
void adp_value_out(pgw_buf *b, adp_type t, const adp_value *v, const adp_fmt *fmt);
/* The same into the arena, NUL-terminated. */
char *adp_value_out_cstr(adp_arena *a, adp_type t, const adp_value *v, const adp_fmt *fmt);

/* --- casts --- */
/* Converts v from `from` to `to` as CAST/:: does (explicit) or as assignment to a column
 * does (explicit false: assignment rules, e.g. text to int4 is an error 42804 there but
 * not in a CAST). Applies the target typmod. NULL stays NULL. 42846 "cannot cast type x
 * to y" for casts PostgreSQL lacks. */
bool adp_value_cast(const adp_value *v, adp_type from, adp_type to, bool explicit_cast,
                    const adp_fmt *fmt, adp_arena *a, adp_value *out, pgw_error *err);
/* Whether an implicit/assignment cast exists (for planning). */
bool adp_cast_exists(adp_type from, adp_type to, bool explicit_cast);

/* --- operators --- */
/* The type both sides of a comparison or arithmetic operator are converted to, by
 * PostgreSQL's resolution (int4 + numeric -> numeric, int4 + float8 -> float8, text +
 * varchar -> text, date vs timestamp -> timestamp, unknown adopts the other side).
 * False with 42883 "operator does not exist: a op b" (op given for the message). */
bool adp_type_common(adp_type a, adp_type b, const char *op, adp_type *out, pgw_error *err);
/* Compares two non-NULL values of the same type: <0, 0, >0 (text by bytes, as the C
 * collation does; NaN sorts above all numbers as PostgreSQL does). */
int adp_value_cmp(adp_type_id t, const adp_value *a, const adp_value *b);
/* Hash consistent with adp_value_cmp == 0 (for GROUP BY, DISTINCT, UNIQUE). */
uint64_t adp_value_hash(adp_type_id t, const adp_value *v);
/* Arithmetic on two non-NULL values already converted to operand type `t`, op one of
 * + - * / %. The result type is written to *rt (usually t; date + int4 -> date, etc.).
 * Overflow 22003 ("integer out of range", "smallint out of range", "bigint out of range",
 * "value out of range: overflow"), 22012 "division by zero", 42883 for unsupported. */
bool adp_value_arith(char op, adp_type_id t, const adp_value *a, const adp_value *b, adp_arena *ar,
                     adp_value *out, adp_type_id *rt, pgw_error *err);
/* Mixed-type arithmetic resolution for date +/- integer and the like: given operand
 * types and op, the types the operands are converted to and the result. */
bool adp_arith_resolve(char op, adp_type l, adp_type r, adp_type *lconv, adp_type *rconv,
                       adp_type *result, pgw_error *err);
/* Unary minus. */
bool adp_value_neg(adp_type_id t, const adp_value *a, adp_arena *ar, adp_value *out,
                   pgw_error *err);

/* --- aggregates helpers --- */
/* sum/avg state over numeric types follows PostgreSQL: sum(int2/int4) -> int8,
 * sum(int8) -> numeric, sum(numeric) -> numeric, sum(float4) -> float4,
 * sum(float8) -> float8; avg(int*) and avg(numeric) -> numeric, avg(float*) -> float8. */
adp_type adp_sum_result_type(adp_type_id input);
adp_type adp_avg_result_type(adp_type_id input);
/* numeric helpers for aggregate states: values are numeric text as above. */
bool adp_numeric_add(const adp_value *a, const adp_value *b, adp_arena *ar, adp_value *out,
                     pgw_error *err);
/* avg = sum / count with PostgreSQL's division scale rules. */
bool adp_numeric_div_int(const adp_value *sum, int64_t count, adp_arena *ar, adp_value *out,
                         pgw_error *err);

/* --- storage --- */
/* Deep-copies a value into heap memory (strings get their own malloc); free with
 * adp_value_free_heap. */
void adp_value_copy_heap(adp_type_id t, const adp_value *in, adp_value *out);
void adp_value_free_heap(adp_type_id t, adp_value *v);

/* --- functions without FROM --- */
/* now()/current_timestamp for the current statement: microseconds since 2000-01-01 UTC. */
int64_t adp_now_pg_usec(void);

#endif
