/* Byte-exact checks of the backend message writers. */
#include "pgw_be_write.h"
#include "pgw_be_write_more.h"
#include "protocol/pt_check.h"

#define CHECK_LIT(got, gotlen, lit) CHECK_BYTES(got, gotlen, lit, sizeof(lit) - 1)

static pgw_buf b;

static void fresh(void)
{
    pgw_buf_reset(&b);
}

int main(void)
{
    pgw_buf_init(&b);

    fresh();
    pgw_be_write_auth_ok(&b);
    CHECK_LIT(b.data, b.len, ("R\0\0\0\x08\0\0\0\0"));

    fresh();
    pgw_be_write_parameter_status(&b, "TimeZone", "UTC");
    CHECK_LIT(b.data, b.len, ("S\0\0\0\x11TimeZone\0UTC\0"));

    fresh();
    pgw_be_write_backend_key_data(&b, 0x01020304, -2);
    CHECK_LIT(b.data, b.len, ("K\0\0\0\x0c\x01\x02\x03\x04\xff\xff\xff\xfe"));

    fresh();
    pgw_be_write_ready_for_query(&b, 'I');
    pgw_be_write_ready_for_query(&b, 'T');
    pgw_be_write_ready_for_query(&b, 'E');
    CHECK_LIT(b.data, b.len,
              ("Z\0\0\0\x05IZ\0\0\0\x05TZ\0\0\0\x05"
               "E"));

    fresh();
    pgw_field_desc f[2] = {
        {"id", 16384, 1, 25, -1, -1, 0},
        {"value", 16384, 2, 23, 4, -1, 0},
    };
    pgw_be_write_row_description(&b, 2, f);
    CHECK_LIT(b.data, b.len,
              ("T\0\0\0\x33\0\x02"
               "id\0\0\0\x40\0\0\x01\0\0\0\x19\xff\xff\xff\xff\xff\xff\0\0"
               "value\0\0\0\x40\0\0\x02\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0"));

    fresh();
    pgw_be_write_data_row_begin(&b, 3);
    pgw_be_write_data_field(&b, "hello", 5);
    pgw_be_write_data_null(&b);
    size_t at = pgw_buf_begin_field(&b);
    pgw_buf_put_str(&b, "42");
    pgw_buf_end_field(&b, at);
    pgw_be_write_data_row_end(&b);
    CHECK_LIT(b.data, b.len,
              ("D\0\0\0\x19\0\x03\0\0\0\x05hello\xff\xff\xff\xff\0\0\0\x02"
               "42"));

    fresh();
    pgw_be_write_command_complete(&b, "SELECT 1");
    pgw_be_write_empty_query_response(&b);
    CHECK_LIT(b.data, b.len, ("C\0\0\0\x0dSELECT 1\0I\0\0\0\x04"));

    fresh();
    pgw_error e;
    pgw_errorf(&e, "42601", "syntax error at or near \"%s\"", "FORM");
    e.position = 10;
    pgw_be_write_error(&b, &e);
    CHECK_LIT(b.data, b.len,
              ("E\0\0\0\x3eSERROR\0VERROR\0C42601\0Msyntax error at or near \"FORM\"\0P10\0\0"));

    fresh();
    pgw_errorf(&e, "57P01", "bye");
    snprintf(e.severity, sizeof e.severity, "FATAL");
    pgw_error_detail(&e, "d");
    pgw_error_hint(&e, "h");
    pgw_be_write_error(&b, &e);
    CHECK_LIT(b.data, b.len, ("E\0\0\0\x25SFATAL\0VFATAL\0C57P01\0Mbye\0Dd\0Hh\0\0"));

    /* A WARNING severity in a pgw_error is a NoticeResponse. */
    fresh();
    pgw_errorf(&e, "01000", "careful");
    snprintf(e.severity, sizeof e.severity, "WARNING");
    pgw_be_write_error(&b, &e);
    CHECK(b.len > 0 && b.data[0] == 'N');

    fresh();
    pgw_be_write_notice(&b, "NOTICE", "00000", "hi");
    CHECK_LIT(b.data, b.len, ("N\0\0\0\x20SNOTICE\0VNOTICE\0C00000\0Mhi\0\0"));

    fresh();
    const char *opts[] = {"_pq_.x"};
    pgw_be_write_negotiate_protocol_version(&b, 0, 1, opts);
    CHECK_LIT(b.data, b.len, ("v\0\0\0\x13\0\0\0\0\0\0\0\x01_pq_.x\0"));

    /* A failed buffer stays failed and writes nothing more. */
    fresh();
    b.failed = true;
    pgw_be_write_ready_for_query(&b, 'I');
    CHECK_INT(b.len, 0);
    b.failed = false;

    pgw_buf_free(&b);
    return pt_finish();
}
