/* adp_value_priv: helpers shared by the adp_value*.c / adp_*.c type files (not public). */
#ifndef ADP_VALUE_PRIV_H
#define ADP_VALUE_PRIV_H

#include <gmp.h>

#include "adp_value.h"
#include "adp_value_ext.h"

/* Microseconds and days in PostgreSQL's epoch (2000-01-01). */
#define ADP_USECS_PER_DAY INT64_C(86400000000)
#define ADP_DATE_NOBEGIN INT32_MIN
#define ADP_DATE_NOEND INT32_MAX
#define ADP_TS_NOBEGIN INT64_MIN
#define ADP_TS_NOEND INT64_MAX

/* Trims ASCII whitespace (isspace in the C locale) from both ends. */
void adp_trim(const char **s, size_t *len);
/* Writes `"str"` truncated to fit into a message-friendly NUL-terminated copy. */
const char *adp_quote_input(char *buf, size_t cap, const char *s, size_t len);

/* --- integers (adp_int.c) --- */
bool adp_int_in(adp_type_id t, const char *s, size_t len, int64_t *out, pgw_error *err);
int adp_int_fmt(char *buf, int64_t v);        /* returns length, buf >= 21 bytes */
const char *adp_int_range_msg(adp_type_id t); /* "integer out of range" */
bool adp_int_check(adp_type_id t, int64_t v, pgw_error *err);
bool adp_int_arith(char op, adp_type_id t, int64_t a, int64_t b, int64_t *out, pgw_error *err);

/* --- floats (adp_float.c) --- */
bool adp_float_in(adp_type_id t, const char *s, size_t len, double *out, pgw_error *err);
/* Writes PostgreSQL's float4out/float8out text; returns length; buf >= 32 bytes. */
int adp_float_fmt(char *buf, adp_type_id t, double v, int extra_float_digits);
/* The shortest digits float4out/float8out print for v (finite, > 0), no trailing zeros,
 * and the decimal exponent of the first (adp_float_shortest.c). */
int adp_float_shortest(double v, bool f4, char *digits, int *exp10);
bool adp_float_arith(char op, adp_type_id t, double a, double b, double *out, pgw_error *err);
/* float -> int by rint with PostgreSQL's range checks. */
bool adp_float_to_int(adp_type_id to, double v, int64_t *out, pgw_error *err);
bool adp_float8_to_float4(double v, double *out, pgw_error *err);

/* --- numeric (adp_numeric.c) --- */
enum { ADP_NUM_FINITE, ADP_NUM_NAN, ADP_NUM_PINF, ADP_NUM_NINF };
/* A numeric while computing: value = v * 10^-dscale. Stack-owned; clear with adp_num_clear. */
typedef struct adp_num {
    int kind;
    int dscale;
    mpz_t v;
} adp_num;
void adp_num_init(adp_num *n);
void adp_num_clear(adp_num *n);
bool adp_num_parse(const char *s, size_t len, adp_num *n, pgw_error *err);
/* Loads a canonical numeric value (never fails on our own text). */
void adp_num_load(adp_num *n, const adp_value *v);
void adp_num_store(const adp_num *n, adp_arena *a, adp_value *out);
/* Rounds to numeric(p,s) from the typmod (-1: unchanged). */
bool adp_num_apply_typmod(adp_num *n, int32_t typmod, pgw_error *err);
void adp_num_round(adp_num *n, int scale);
/* PostgreSQL's storage limits; 22003 "value overflows numeric format". */
bool adp_num_check_format(const adp_num *n, pgw_error *err);
bool adp_num_in(adp_type t, const char *s, size_t len, adp_arena *a, adp_value *out,
                pgw_error *err);
bool adp_num_arith(char op, const adp_value *a, const adp_value *b, adp_arena *ar, adp_value *out,
                   pgw_error *err);
int adp_num_cmp_values(const adp_value *a, const adp_value *b);
uint64_t adp_num_hash(const adp_value *v);
void adp_num_from_int(int64_t i, adp_arena *a, adp_value *out);
/* float -> numeric as PostgreSQL does (through %.*g with FLT_DIG/DBL_DIG digits). */
bool adp_num_from_float(double f, bool is_float4, adp_arena *a, adp_value *out, pgw_error *err);
bool adp_num_to_int(const adp_value *v, adp_type_id to, int64_t *out, pgw_error *err);
bool adp_num_to_float(const adp_value *v, adp_type_id to, double *out, pgw_error *err);

/* --- date and time (adp_datetime.c) --- */
bool adp_date_in(const char *s, size_t len, const adp_fmt *fmt, int64_t *out, pgw_error *err);
bool adp_timestamp_in(adp_type_id t, const char *s, size_t len, const adp_fmt *fmt, int64_t *out,
                      pgw_error *err);
/* The session zone's offset east in microseconds, at an instant / for a local time. */
int64_t adp_fmt_off_utc(const adp_fmt *fmt, int64_t us);
int64_t adp_fmt_off_local(const adp_fmt *fmt, int64_t local_us);
int adp_date_fmt(char *buf, int64_t days);                          /* buf >= 32 */
int adp_timestamp_fmt(char *buf, int64_t us, bool tz, int32_t off); /* buf >= 48 */
bool adp_date_to_ts(int64_t days, bool tz, const adp_fmt *fmt, int64_t *out, pgw_error *err);
bool adp_ts_to_date(int64_t us, bool tz, const adp_fmt *fmt, int64_t *out, pgw_error *err);
bool adp_ts_convert(int64_t us, bool from_tz, bool to_tz, const adp_fmt *fmt, int64_t *out,
                    pgw_error *err);

/* Date/time input fields as decoded (adp_datetime_parse.c). Stack data. */
typedef struct adp_dt_parts {
    int64_t year; /* astronomical (1 BC = 0) once decoded */
    int mon, mday, hour, min, sec;
    int64_t usec;
    bool has_date, has_time, has_tz, bc, month_named;
    int year_digits;
    int32_t tz;  /* seconds east of UTC */
    int special; /* 1 infinity, -1 -infinity, 2 epoch, 3 now, 4 today, 5 tomorrow, 6 yesterday */
    /* a zone named in the input ("Europe/Paris"), held until adp_dt_parts_done; on
     * ADP_DT_ZONE the unknown name for the message */
    const adp_tz *zone;
    const char *zname;
    size_t zlen;
} adp_dt_parts;
enum { ADP_DT_OK, ADP_DT_SYNTAX, ADP_DT_FIELD, ADP_DT_FIELD_MD, ADP_DT_TZ, ADP_DT_ZONE };
int adp_dt_parse(const char *s, size_t len, adp_dt_parts *p);
void adp_dt_parts_done(adp_dt_parts *p); /* gives back p->zone; after every adp_dt_parse */
int64_t adp_days_from_civil(int64_t y, int m, int d); /* days since 2000-01-01 */
void adp_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int adp_days_in_month(int64_t y, int m);

/* --- bytea (adp_bytea.c) --- */
bool adp_bytea_in(const char *s, size_t len, adp_arena *a, adp_value *out, pgw_error *err);
void adp_bytea_out(pgw_buf *b, const adp_value *v);

/* --- strings (adp_value_io.c) --- */
/* Applies varchar(n): explicit casts truncate, input/assignment fail with 22001 unless
 * only spaces are cut. */
bool adp_varchar_apply(int32_t typmod, bool explicit_cast, adp_value *v, pgw_error *err);

#endif
