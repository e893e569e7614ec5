/* pgw_be_write: backend (server-to-client) message writers, one per message type. */
#include "pgw_be_write.h"
#include "pgw_be_write_more.h"

#include <stdio.h>
#include <string.h>

/* Writers of per-query messages reserve the whole message once and store bytes directly,
 * instead of one bounds check per field. */
static inline char *raw_i16(char *p, int16_t v)
{
    uint16_t u = (uint16_t)v;
    p[0] = (char)(u >> 8);
    p[1] = (char)u;
    return p + 2;
}

static inline char *raw_i32(char *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (char)(u >> 24);
    p[1] = (char)(u >> 16);
    p[2] = (char)(u >> 8);
    p[3] = (char)u;
    return p + 4;
}

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
    size_t total = 7;
    for (int i = 0; i < nfields; i++)
        total += strlen(fields[i].name) + 1 + 18;
    if (!pgw_buf_reserve(b, total)) return;
    char *p = b->data + b->len;
    *p++ = 'T';
    p = raw_i32(p, (int32_t)(total - 1));
    p = raw_i16(p, (int16_t)nfields);
    for (int i = 0; i < nfields; i++) {
        const pgw_field_desc *f = &fields[i];
        size_t n = strlen(f->name) + 1;
        memcpy(p, f->name, n);
        p += n;
        p = raw_i32(p, (int32_t)f->table_oid);
        p = raw_i16(p, f->column_attnum);
        p = raw_i32(p, (int32_t)f->type_oid);
        p = raw_i16(p, f->type_len);
        p = raw_i32(p, f->type_mod);
        p = raw_i16(p, f->format);
    }
    b->len += total;
}

void pgw_be_write_command_complete(pgw_buf *b, const char *tag)
{
    size_t n = strlen(tag) + 1;
    if (!pgw_buf_reserve(b, 5 + n)) return;
    char *p = b->data + b->len;
    *p++ = 'C';
    p = raw_i32(p, (int32_t)(4 + n));
    memcpy(p, tag, n);
    b->len += 5 + n;
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
