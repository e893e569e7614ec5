/* pgw_be_write: backend (server-to-client) message writers, one per message type. */
#include "pgw_be_write.h"
#include "pgw_be_write_more.h"

#include <stdio.h>
#include <string.h>

void pgw_be_write_auth_ok(pgw_buf *b)
{
    pgw_buf_begin_msg(b, 'R');
    pgw_buf_put_i32(b, 0);
    pgw_buf_end_msg(b);
}

void pgw_be_write_parameter_status(pgw_buf *b, const char *name, const char *value)
{
    pgw_buf_begin_msg(b, 'S');
    pgw_buf_put_cstr(b, name);
    pgw_buf_put_cstr(b, value);
    pgw_buf_end_msg(b);
}

void pgw_be_write_backend_key_data(pgw_buf *b, int32_t pid, int32_t secret)
{
    pgw_buf_begin_msg(b, 'K');
    pgw_buf_put_i32(b, pid);
    pgw_buf_put_i32(b, secret);
    pgw_buf_end_msg(b);
}

void pgw_be_write_ready_for_query(pgw_buf *b, char status)
{
    /* Fixed six bytes: written in one reservation, as it follows every statement. */
    if (!pgw_buf_reserve(b, 6)) return;
    char *p = b->data + b->len;
    p[0] = 'Z';
    p[1] = 0;
    p[2] = 0;
    p[3] = 0;
    p[4] = 5;
    p[5] = status;
    b->len += 6;
}

void pgw_be_write_row_description(pgw_buf *b, int nfields, const pgw_field_desc *fields)
{
    pgw_buf_begin_msg(b, 'T');
    pgw_buf_put_i16(b, (int16_t)nfields);
    for (int i = 0; i < nfields; i++) {
        const pgw_field_desc *f = &fields[i];
        pgw_buf_put_cstr(b, f->name);
        pgw_buf_put_i32(b, (int32_t)f->table_oid);
        pgw_buf_put_i16(b, f->column_attnum);
        pgw_buf_put_i32(b, (int32_t)f->type_oid);
        pgw_buf_put_i16(b, f->type_len);
        pgw_buf_put_i32(b, f->type_mod);
        pgw_buf_put_i16(b, f->format);
    }
    pgw_buf_end_msg(b);
}

void pgw_be_write_command_complete(pgw_buf *b, const char *tag)
{
    pgw_buf_begin_msg(b, 'C');
    pgw_buf_put_cstr(b, tag);
    pgw_buf_end_msg(b);
}

void pgw_be_write_empty_query_response(pgw_buf *b)
{
    pgw_buf_begin_msg(b, 'I');
    pgw_buf_end_msg(b);
}

static bool severity_is_notice(const char *sev)
{
    static const char *const notices[] = {"WARNING", "NOTICE", "INFO", "LOG", "DEBUG"};
    for (size_t i = 0; i < sizeof notices / sizeof notices[0]; i++)
        if (strcmp(sev, notices[i]) == 0) return true;
    return false;
}

static void put_field(pgw_buf *b, char code, const char *value)
{
    pgw_buf_put_u8(b, (uint8_t)code);
    pgw_buf_put_cstr(b, value);
}

/* Fields in PostgreSQL's order: S, V, C, M, D, H, P; then the terminating zero byte. */
static void write_error_fields(pgw_buf *b, char type, const char *sev, const char *sqlstate,
                               const char *message, const char *detail, const char *hint,
                               int position)
{
    pgw_buf_begin_msg(b, type);
    put_field(b, 'S', sev);
    put_field(b, 'V', sev);
    put_field(b, 'C', sqlstate);
    put_field(b, 'M', message);
    if (detail && detail[0]) put_field(b, 'D', detail);
    if (hint && hint[0]) put_field(b, 'H', hint);
    if (position > 0) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", position);
        put_field(b, 'P', pos);
    }
    pgw_buf_put_u8(b, 0);
    pgw_buf_end_msg(b);
}

void pgw_be_write_error(pgw_buf *b, const pgw_error *e)
{
    const char *sev = e->severity[0] ? e->severity : "ERROR";
    const char *state = e->sqlstate[0] ? e->sqlstate : "XX000";
    char type = severity_is_notice(sev) ? 'N' : 'E';
    write_error_fields(b, type, sev, state, e->message, e->detail, e->hint, e->position);
}

void pgw_be_write_notice(pgw_buf *b, const char *severity, const char *sqlstate,
                         const char *message)
{
    write_error_fields(b, 'N', severity, sqlstate, message, NULL, NULL, 0);
}

void pgw_be_write_negotiate_protocol_version(pgw_buf *b, int32_t newest_minor, int noptions,
                                             const char *const *options)
{
    pgw_buf_begin_msg(b, 'v');
    pgw_buf_put_i32(b, newest_minor);
    pgw_buf_put_i32(b, noptions);
    for (int i = 0; i < noptions; i++)
        pgw_buf_put_cstr(b, options[i]);
    pgw_buf_end_msg(b);
}
