/* pgw_be_write: one writer per backend (server-to-client) message, appended to a pgw_buf. */
#ifndef PGW_BE_WRITE_H
#define PGW_BE_WRITE_H

#include "pgw_buf.h"
#include "pgw_error.h"

/* One column of a RowDescription. Borrowed strings; owned by the caller. */
typedef struct pgw_field_desc {
    const char *name;
    uint32_t table_oid; /* 0 when not a plain table column */
    int16_t column_attnum;
    uint32_t type_oid;
    int16_t type_len; /* -1 for variable length */
    int32_t type_mod; /* -1 when none */
    int16_t format;   /* 0 text, 1 binary */
} pgw_field_desc;

void pgw_be_write_auth_ok(pgw_buf *b);
void pgw_be_write_parameter_status(pgw_buf *b, const char *name, const char *value);
void pgw_be_write_backend_key_data(pgw_buf *b, int32_t pid, int32_t secret);
/* status: 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
void pgw_be_write_ready_for_query(pgw_buf *b, char status);
void pgw_be_write_row_description(pgw_buf *b, int nfields, const pgw_field_desc *fields);
/* A DataRow is written as begin, then per column either a NULL or a field (see pgw_buf
 * begin_field/end_field, or pgw_be_write_data_field for known bytes), then end. */
static inline void pgw_be_write_data_row_begin(pgw_buf *b, int16_t ncols)
{
    pgw_buf_begin_msg(b, 'D');
    pgw_buf_put_i16(b, ncols);
}
static inline void pgw_be_write_data_null(pgw_buf *b)
{
    pgw_buf_put_i32(b, -1);
}
static inline void pgw_be_write_data_field(pgw_buf *b, const void *p, int32_t n)
{
    pgw_buf_put_i32(b, n);
    pgw_buf_put(b, p, (size_t)n);
}
static inline void pgw_be_write_data_row_end(pgw_buf *b)
{
    pgw_buf_end_msg(b);
}
/* tag as PostgreSQL sends it: "SELECT 1", "INSERT 0 3", "CREATE TABLE", ... */
void pgw_be_write_command_complete(pgw_buf *b, const char *tag);
void pgw_be_write_empty_query_response(pgw_buf *b);
/* ErrorResponse (or NoticeResponse when the severity is NOTICE/WARNING/INFO/LOG/DEBUG). */
void pgw_be_write_error(pgw_buf *b, const pgw_error *e);
void pgw_be_write_notice(pgw_buf *b, const char *severity, const char *sqlstate,
                         const char *message);

#endif
