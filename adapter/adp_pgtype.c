/* adp_pgtype: the one pg_catalog query answered: the element and array type OIDs that node's
 * `postgres` package reads at connect. pgpeek has no system catalogs, so the answer is the
 * fixed list of the types it supports; any other catalog query stays 0A000. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "adp_exec.h"
#include "adp_ext.h"

static const char pgtype_query[] =
    "select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b on "
    "b.oid = a.typelem where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid";

/* Element type and its array type, in OID order (what PostgreSQL 15 has for them). */
static const uint32_t pgtype_rows[][2] = {
    {16, 1000},  {17, 1001},   {20, 1016},   {21, 1005},   {23, 1007},   {25, 1009},   {700, 1021},
    {701, 1022}, {1043, 1015}, {1082, 1182}, {1114, 1115}, {1184, 1185}, {1700, 1231},
};

bool adp_pgtype_match(const char *sql, size_t len)
{
    size_t k = 0, n = sizeof pgtype_query - 1;
    size_t i = 0;
    while (i < len && isspace((unsigned char)sql[i]))
        i++;
    while (len > i && (isspace((unsigned char)sql[len - 1]) || sql[len - 1] == ';'))
        len--;
    while (i < len) {
        if (isspace((unsigned char)sql[i])) {
            while (i < len && isspace((unsigned char)sql[i]))
                i++;
            if (k >= n || pgtype_query[k++] != ' ') return false;
            continue;
        }
        if (k >= n || tolower((unsigned char)sql[i]) != tolower((unsigned char)pgtype_query[k]))
            return false;
        i++;
        k++;
    }
    return k == n;
}

void adp_pgtype_run(adp_session *s, pgw_buf *out, bool rowdesc_only)
{
    pgw_field_desc fd[2] = {{"oid", 1247, 1, 26, 4, -1, 0}, {"typarray", 1247, 14, 26, 4, -1, 0}};
    adp_write_fields(s, out, fd, 2);
    if (rowdesc_only) return;
    size_t n = sizeof pgtype_rows / sizeof pgtype_rows[0];
    for (size_t r = 0; r < n; r++) {
        pgw_be_write_data_row_begin(out, 2);
        for (int c = 0; c < 2; c++) {
            if (adp_result_format(s, c) == 1) {
                pgw_buf_put_i32(out, 4);
                pgw_buf_put_i32(out, (int32_t)pgtype_rows[r][c]);
            } else {
                char t[16];
                int l = snprintf(t, sizeof t, "%u", pgtype_rows[r][c]);
                pgw_be_write_data_field(out, t, l);
            }
        }
        pgw_be_write_data_row_end(out);
    }
    char tag[32];
    snprintf(tag, sizeof tag, "SELECT %zu", n);
    pgw_be_write_command_complete(out, tag);
}
