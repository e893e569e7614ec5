/* test_ext_proto: the extended query protocol over a raw socket: every message sequence,
 * error recovery up to Sync, row limits and PortalSuspended, malformed Bind messages. */
#include "protocol/pt_client.h"

static int port;

/* A frontend message being built, then a batch of them. Test stack values. */
typedef struct mb {
    char d[65536];
    size_t n;
    size_t start;
} mb;

static void m_begin(mb *b, char type)
{
    b->start = b->n;
    b->d[b->n++] = type;
    b->n += 4;
}
static void m_end(mb *b)
{
    pt_put32(b->d + b->start + 1, (uint32_t)(b->n - b->start - 1));
}
static void m_str(mb *b, const char *s)
{
    size_t l = strlen(s) + 1;
    memcpy(b->d + b->n, s, l);
    b->n += l;
}
static void m_i16(mb *b, int v)
{
    b->d[b->n++] = (char)(v >> 8);
    b->d[b->n++] = (char)v;
}
static void m_i32(mb *b, int32_t v)
{
    pt_put32(b->d + b->n, (uint32_t)v);
    b->n += 4;
}
static void m_bytes(mb *b, const void *p, size_t n)
{
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void parse_msg(mb *b, const char *name, const char *sql, int noids, const uint32_t *oids)
{
    m_begin(b, 'P');
    m_str(b, name);
    m_str(b, sql);
    m_i16(b, noids);
    for (int i = 0; i < noids; i++)
        m_i32(b, (int32_t)oids[i]);
    m_end(b);
}

/* Text parameters (NULL for SQL NULL), one result format code for all columns. */
static void bind_msg(mb *b, const char *portal, const char *stmt, int n, const char *const *vals,
                     int rfmt)
{
    m_begin(b, 'B');
    m_str(b, portal);
    m_str(b, stmt);
    m_i16(b, 0);
    m_i16(b, n);
    for (int i = 0; i < n; i++) {
        if (!vals[i]) {
            m_i32(b, -1);
            continue;
        }
        m_i32(b, (int32_t)strlen(vals[i]));
        m_bytes(b, vals[i], strlen(vals[i]));
    }
    m_i16(b, 1);
    m_i16(b, rfmt);
    m_end(b);
}

static void describe(mb *b, char kind, const char *name)
{
    m_begin(b, 'D');
    b->d[b->n++] = kind;
    m_str(b, name);
    m_end(b);
}

static void execute_msg(mb *b, const char *portal, int max_rows)
{
    m_begin(b, 'E');
    m_str(b, portal);
    m_i32(b, max_rows);
    m_end(b);
}

static void close_msg(mb *b, char kind, const char *name)
{
    m_begin(b, 'C');
    b->d[b->n++] = kind;
    m_str(b, name);
    m_end(b);
}

static void sync_msg(mb *b)
{
    m_begin(b, 'S');
    m_end(b);
}

/* What came back up to ReadyForQuery. */
typedef struct reply {
    char types[256];
    char tags[8][64];
    int ntags;
    char rows[16][256]; /* DataRow fields as "a|b|NULL" (text) */
    int nrows;
    pt_err err[4];
    int nerr;
    char desc[512];   /* last RowDescription as "name:oid:fmt,..." */
    char params[128]; /* last ParameterDescription as "oid,oid" */
    char raw[64];     /* the first field of the first DataRow, as sent */
    int32_t rawlen;
    char status;
} reply;

static void decode_row(const char *body, char *out, size_t cap)
{
    int n = ((unsigned char)body[0] << 8) | (unsigned char)body[1];
    size_t k = 0, at = 2;
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        int32_t l = (int32_t)pt_get32(body + at);
        at += 4;
        if (i) k += (size_t)snprintf(out + k, cap - k, "|");
        if (l < 0) {
            k += (size_t)snprintf(out + k, cap - k, "NULL");
            continue;
        }
        k += (size_t)snprintf(out + k, cap - k, "%.*s", l, body + at);
        at += (size_t)l;
    }
}

static void decode_desc(const char *body, char *out, size_t cap)
{
    int n = ((unsigned char)body[0] << 8) | (unsigned char)body[1];
    size_t k = 0, at = 2;
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *name = body + at;
        at += strlen(name) + 1;
        uint32_t oid = pt_get32(body + at + 6);
        int fmt = ((unsigned char)body[at + 16] << 8) | (unsigned char)body[at + 17];
        at += 18;
        k += (size_t)snprintf(out + k, cap - k, "%s%s:%u:%d", i ? "," : "", name, oid, fmt);
    }
}

static bool exchange(int fd, const mb *b, reply *r)
{
    memset(r, 0, sizeof *r);
    if (!pt_send(fd, b->d, b->n)) return false;
    static char body[1 << 16];
    size_t len, k = 0;
    int t;
    while ((t = pt_read_msg(fd, body, sizeof body, &len)) >= 0) {
        if (k + 1 < sizeof r->types) r->types[k++] = (char)t;
        if (t == 'D' && r->nrows == 0) {
            r->rawlen = (int32_t)pt_get32(body + 2);
            if (r->rawlen > 0 && r->rawlen <= 64) memcpy(r->raw, body + 6, (size_t)r->rawlen);
        }
        if (t == 'D' && r->nrows < 16) decode_row(body, r->rows[r->nrows++], sizeof r->rows[0]);
        if (t == 'C' && r->ntags < 8)
            snprintf(r->tags[r->ntags++], sizeof r->tags[0], "%.63s", body);
        if (t == 'E' && r->nerr < 4) pt_parse_err(body, len, &r->err[r->nerr++]);
        if (t == 'T') decode_desc(body, r->desc, sizeof r->desc);
        if (t == 't') {
            int n = ((unsigned char)body[0] << 8) | (unsigned char)body[1];
            size_t q = 0;
            r->params[0] = 0;
            for (int i = 0; i < n; i++)
                q += (size_t)snprintf(r->params + q, sizeof r->params - q, "%s%u", i ? "," : "",
                                      pt_get32(body + 2 + 4 * i));
        }
        if (t == 'Z') {
            r->status = body[0];
            return true;
        }
    }
    return false;
}

static int client(void)
{
    int fd = pt_connect(port);
    char t[64];
    CHECK(pt_startup(fd, t, sizeof t));
    return fd;
}

static void simple(int fd, const char *sql)
{
    char q[1024];
    size_t n = pt_query_msg(q, sizeof q, sql);
    CHECK(pt_send(fd, q, n));
    pt_err e;
    CHECK(pt_until_ready(fd, NULL, &e) >= 0);
    if (e.sqlstate[0]) fprintf(stderr, "%s: %s\n", sql, e.message);
}

static void test_unnamed_roundtrip(void)
{
    int fd = client();
    simple(fd, "CREATE TABLE x1 (id int4 PRIMARY KEY, name text, f float8)");
    mb b = {0};
    reply r;
    /* INSERT with inferred parameter types: the columns' */
    parse_msg(&b, "", "INSERT INTO x1 VALUES ($1, $2, $3)", 0, NULL);
    describe(&b, 'S', "");
    const char *v1[] = {"1", "one", "1.5"};
    bind_msg(&b, "", "", 3, v1, 0);
    execute_msg(&b, "", 0);
    const char *v2[] = {"2", NULL, "0.1"};
    bind_msg(&b, "", "", 3, v2, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1tn2C2CZ");
    CHECK_STR(r.params, "23,25,701");
    CHECK_STR(r.tags[0], "INSERT 0 1");
    CHECK_INT(r.status, 'I');
    /* SELECT: ParameterDescription from WHERE, RowDescription, rows */
    b.n = 0;
    parse_msg(&b, "", "SELECT id, name, f FROM x1 WHERE id >= $1 ORDER BY id", 0, NULL);
    describe(&b, 'S', "");
    const char *v3[] = {"1"};
    bind_msg(&b, "", "", 1, v3, 0);
    describe(&b, 'P', "");
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1tT2TDDCZ");
    CHECK_STR(r.params, "23");
    CHECK_STR(r.desc, "id:23:0,name:25:0,f:701:0");
    CHECK_STR(r.rows[0], "1|one|1.5");
    CHECK_STR(r.rows[1], "2|NULL|0.1");
    CHECK_STR(r.tags[0], "SELECT 2");
    /* a statement without rows describes as NoData; an empty query answers 'I' */
    b.n = 0;
    parse_msg(&b, "", "", 0, NULL);
    bind_msg(&b, "", "", 0, NULL, 0);
    describe(&b, 'P', "");
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "12nIZ");
    close(fd);
}

static void test_named_and_limits(void)
{
    int fd = client();
    simple(fd, "CREATE TABLE x2 (id int4 PRIMARY KEY, v int8)");
    simple(fd, "INSERT INTO x2 VALUES (1, 10), (2, 20), (3, 30), (4, 40), (5, 50)");
    mb b = {0};
    reply r;
    uint32_t oids[] = {20};
    parse_msg(&b, "s1", "SELECT id, v FROM x2 WHERE v > $1 ORDER BY id", 1, oids);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1Z");
    /* the same name again: 42P05, and the rest of the batch is skipped until Sync */
    b.n = 0;
    parse_msg(&b, "s1", "SELECT 1", 0, NULL);
    const char *v[] = {"15"};
    bind_msg(&b, "", "s1", 1, v, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "42P05");
    CHECK_STR(r.err[0].message, "prepared statement \"s1\" already exists");
    /* a named portal read 2 rows at a time: PortalSuspended, resumed, then complete */
    b.n = 0;
    bind_msg(&b, "p1", "s1", 1, v, 0);
    execute_msg(&b, "p1", 2);
    execute_msg(&b, "p1", 2);
    execute_msg(&b, "p1", 2);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "2DDsDDsCZ");
    CHECK_INT(r.nrows, 4);
    CHECK_STR(r.rows[0], "2|20");
    CHECK_STR(r.rows[3], "5|50");
    CHECK_STR(r.tags[0], "SELECT 0");
    /* the portal ended with its transaction at Sync */
    b.n = 0;
    execute_msg(&b, "p1", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "34000");
    CHECK_STR(r.err[0].message, "portal \"p1\" does not exist");
    /* inside a block a portal lives across Syncs */
    b.n = 0;
    parse_msg(&b, "", "BEGIN", 0, NULL);
    bind_msg(&b, "", "", 0, NULL, 0);
    execute_msg(&b, "", 0);
    bind_msg(&b, "p2", "s1", 1, v, 0);
    execute_msg(&b, "p2", 3);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "12C2DDDsZ");
    CHECK_INT(r.status, 'T');
    b.n = 0;
    execute_msg(&b, "p2", 3);
    close_msg(&b, 'P', "p2");
    close_msg(&b, 'S', "s1");
    close_msg(&b, 'S', "never-existed");
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "DC333Z");
    CHECK_STR(r.rows[0], "5|50");
    CHECK_STR(r.tags[0], "SELECT 1");
    simple(fd, "COMMIT");
    /* closed statement: 26000 */
    b.n = 0;
    bind_msg(&b, "", "s1", 1, v, 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "26000");
    CHECK_STR(r.err[0].message, "prepared statement \"s1\" does not exist");
    close(fd);
}

static void test_bind_errors(void)
{
    int fd = client();
    mb b = {0};
    reply r;
    parse_msg(&b, "", "SELECT $1::int4 + 1", 0, NULL);
    const char *two[] = {"1", "2"};
    bind_msg(&b, "", "", 2, two, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1EZ");
    CHECK_STR(r.err[0].sqlstate, "08P01");
    CHECK_STR(r.err[0].message,
              "bind message supplies 2 parameters, but prepared statement \"\" requires 1");
    /* binary int4 with 8 bytes: 22P03 */
    b.n = 0;
    parse_msg(&b, "", "SELECT $1::int4 + 1", 0, NULL);
    m_begin(&b, 'B');
    m_str(&b, "");
    m_str(&b, "");
    m_i16(&b, 1);
    m_i16(&b, 1);
    m_i16(&b, 1);
    m_i32(&b, 8);
    m_bytes(&b, "\0\0\0\0\0\0\0\1", 8);
    m_i16(&b, 0);
    m_end(&b);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1EZ");
    CHECK_STR(r.err[0].sqlstate, "22P03");
    CHECK_STR(r.err[0].message, "incorrect binary data format in bind parameter 1");
    /* binary int4 done right, binary result */
    b.n = 0;
    parse_msg(&b, "", "SELECT $1::int4 + 1", 0, NULL);
    m_begin(&b, 'B');
    m_str(&b, "");
    m_str(&b, "");
    m_i16(&b, 1);
    m_i16(&b, 1);
    m_i16(&b, 1);
    m_i32(&b, 4);
    m_bytes(&b, "\0\0\1\0", 4);
    m_i16(&b, 1);
    m_i16(&b, 1);
    m_end(&b);
    describe(&b, 'P', "");
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "12TDCZ");
    CHECK_STR(r.desc, "?column?:23:1");
    CHECK_BYTES(r.raw, (size_t)r.rawlen, "\0\0\1\1", 4);
    /* a truncated Bind is 08P01 and the connection goes on */
    b.n = 0;
    m_begin(&b, 'B');
    m_str(&b, "");
    m_end(&b);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "08P01");
    /* bad text input: 22P02; a syntax error at Parse: 42601 */
    b.n = 0;
    parse_msg(&b, "", "SELECT $1::int4", 0, NULL);
    const char *bad[] = {"abc"};
    bind_msg(&b, "", "", 1, bad, 0);
    sync_msg(&b);
    parse_msg(&b, "", "SELEC 1", 0, NULL);
    sync_msg(&b);
    parse_msg(&b, "", "SELECT 1; SELECT 2", 0, NULL);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1EZ");
    CHECK_STR(r.err[0].sqlstate, "22P02");
    CHECK(exchange(fd, &(mb){0}, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "42601");
    CHECK(exchange(fd, &(mb){0}, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].message, "cannot insert multiple commands into a prepared statement");
    /* Describe of missing things */
    b.n = 0;
    describe(&b, 'S', "nope");
    sync_msg(&b);
    describe(&b, 'P', "nope");
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "26000");
    CHECK(exchange(fd, &(mb){0}, &r));
    CHECK_STR(r.err[0].sqlstate, "34000");
    close(fd);
}

static void test_pipeline_and_txn(void)
{
    int fd = client();
    simple(fd, "CREATE TABLE x3 (id int4 PRIMARY KEY)");
    mb b = {0};
    reply r;
    /* many executes before one Sync; an error mid-pipeline discards the rest and rolls the
     * implicit transaction back, including the rows inserted before the error */
    parse_msg(&b, "ins", "INSERT INTO x3 VALUES ($1)", 0, NULL);
    char vals[5][4] = {"1", "2", "3", "2", "5"};
    for (int i = 0; i < 5; i++) {
        const char *v[] = {vals[i]};
        bind_msg(&b, "", "ins", 1, v, 0);
        execute_msg(&b, "", 0);
    }
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "12C2C2C2EZ");
    CHECK_STR(r.err[0].sqlstate, "23505");
    CHECK_INT(r.status, 'I');
    b.n = 0;
    parse_msg(&b, "", "SELECT count(*) FROM x3", 0, NULL);
    bind_msg(&b, "", "", 0, NULL, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.rows[0], "0");
    /* without an error the pipeline commits at Sync */
    b.n = 0;
    for (int i = 0; i < 3; i++) {
        const char *v[] = {vals[i]};
        bind_msg(&b, "", "ins", 1, v, 0);
        execute_msg(&b, "", 0);
    }
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "2C2C2CZ");
    /* an explicit block fails: 25P02 until ROLLBACK */
    simple(fd, "BEGIN");
    b.n = 0;
    const char *dup[] = {"1"};
    bind_msg(&b, "", "ins", 1, dup, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "23505");
    CHECK_INT(r.status, 'E');
    b.n = 0;
    const char *v9[] = {"9"};
    bind_msg(&b, "", "ins", 1, v9, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "25P02");
    CHECK_INT(r.status, 'E');
    b.n = 0;
    parse_msg(&b, "", "ROLLBACK", 0, NULL);
    bind_msg(&b, "", "", 0, NULL, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "12CZ");
    CHECK_STR(r.tags[0], "ROLLBACK");
    CHECK_INT(r.status, 'I');
    /* Flush answers nothing by itself; the next Sync does */
    b.n = 0;
    m_begin(&b, 'H');
    m_end(&b);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "Z");
    close(fd);
}

static void test_sql_prepare(void)
{
    int fd = client();
    mb b = {0};
    reply r;
    simple(fd, "CREATE TABLE x4 (id int4 PRIMARY KEY, t text)");
    simple(fd, "INSERT INTO x4 VALUES (1, 'a'), (2, 'b')");
    char q[256];
    size_t n = pt_query_msg(q, sizeof q,
                            "PREPARE q1 (int4) AS SELECT t FROM x4 WHERE id = $1; EXECUTE q1(2)");
    memcpy(b.d, q, n);
    b.n = n;
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "CTDCZ");
    CHECK_STR(r.tags[0], "PREPARE");
    CHECK_STR(r.rows[0], "b");
    /* the SQL-level statement is usable from the protocol too */
    b.n = 0;
    const char *v[] = {"1"};
    bind_msg(&b, "", "q1", 1, v, 0);
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "2DCZ");
    CHECK_STR(r.rows[0], "a");
    n = pt_query_msg(q, sizeof q, "EXECUTE q1(1, 2)");
    memcpy(b.d, q, n);
    b.n = n;
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "42601");
    n = pt_query_msg(q, sizeof q, "DISCARD ALL");
    memcpy(b.d, q, n);
    b.n = n;
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.tags[0], "DISCARD ALL");
    n = pt_query_msg(q, sizeof q, "EXECUTE q1(1)");
    memcpy(b.d, q, n);
    b.n = n;
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "26000");
    close(fd);
}

static void test_pgtype_query(void)
{
    int fd = client();
    mb b = {0};
    reply r;
    parse_msg(
        &b, "",
        "select b.oid, b.typarray\n  from pg_catalog.pg_type a\n  left join pg_catalog.pg_type b "
        "on b.oid = a.typelem\n  where a.typcategory = 'A'\n  group by b.oid, b.typarray\n  "
        "order by b.oid\n",
        0, NULL);
    bind_msg(&b, "", "", 0, NULL, 0);
    describe(&b, 'P', "");
    execute_msg(&b, "", 0);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.desc, "oid:26:0,typarray:26:0");
    CHECK_INT(r.nrows, 13);
    CHECK_STR(r.rows[0], "16|1000");
    CHECK_STR(r.rows[4], "23|1007");
    CHECK_STR(r.rows[12], "1700|1231");
    CHECK_STR(r.tags[0], "SELECT 13");
    /* other catalog queries stay unsupported */
    b.n = 0;
    parse_msg(&b, "", "select oid from pg_catalog.pg_type", 0, NULL);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "0A000");
    close(fd);
}

static void test_malformed_and_returning(void)
{
    int fd = client();
    mb b = {0};
    reply r;
    /* Parse announcing more parameter types than it carries */
    m_begin(&b, 'P');
    m_str(&b, "");
    m_str(&b, "SELECT 1");
    m_i16(&b, 5);
    m_i32(&b, 23);
    m_end(&b);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "08P01");
    /* query text that is not UTF-8: 22021 before parsing, as for a simple Query */
    b.n = 0;
    m_begin(&b, 'P');
    m_str(&b, "");
    m_str(&b, "SELECT '\xff'");
    m_i16(&b, 0);
    m_end(&b);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "EZ");
    CHECK_STR(r.err[0].sqlstate, "22021");
    /* Describe and Close of an unknown kind */
    b.n = 0;
    describe(&b, 'X', "");
    sync_msg(&b);
    close_msg(&b, 'X', "");
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "08P01");
    CHECK(exchange(fd, &(mb){0}, &r));
    CHECK_STR(r.err[0].sqlstate, "08P01");
    /* a parameter type pgpeek lacks, and an unknown format code */
    b.n = 0;
    uint32_t arr[] = {1007};
    parse_msg(&b, "", "SELECT $1", 1, arr);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "0A000");
    b.n = 0;
    parse_msg(&b, "", "SELECT 1", 0, NULL);
    bind_msg(&b, "", "", 0, NULL, 7);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1EZ");
    CHECK_STR(r.err[0].sqlstate, "22023");
    /* $1 never used below $2: no type to give it */
    b.n = 0;
    parse_msg(&b, "", "SELECT $2::int4", 0, NULL);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.err[0].sqlstate, "42P18");
    CHECK_STR(r.err[0].message, "could not determine data type of parameter $1");
    b.n = 0;
    uint32_t given[] = {20};
    parse_msg(&b, "", "SELECT $2", 1, given);
    describe(&b, 'S', "");
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1tTZ");
    CHECK_STR(r.params, "20,25");
    /* the unnamed statement parsed again after DDL takes the new result shape */
    simple(fd, "CREATE TABLE x6 (id int4 PRIMARY KEY, v int4)");
    simple(fd, "INSERT INTO x6 VALUES (1, 10)");
    const char *one[] = {"1"};
    for (int round = 0; round < 2; round++) {
        b.n = 0;
        parse_msg(&b, "", "SELECT v FROM x6 WHERE id = $1", 0, NULL);
        bind_msg(&b, "", "", 1, one, 0);
        describe(&b, 'P', "");
        execute_msg(&b, "", 0);
        sync_msg(&b);
        CHECK(exchange(fd, &b, &r));
        CHECK_STR(r.types, "12TDCZ");
        CHECK_STR(r.desc, round ? "v:25:0" : "v:23:0");
        CHECK_STR(r.rows[0], round ? "ten" : "10");
        if (!round) {
            simple(fd, "DROP TABLE x6");
            simple(fd, "CREATE TABLE x6 (id int4 PRIMARY KEY, v text)");
            simple(fd, "INSERT INTO x6 VALUES (1, 'ten')");
        }
    }
    /* INSERT ... RETURNING read two rows at a time keeps its INSERT tag */
    simple(fd, "CREATE TABLE x5 (id int4 PRIMARY KEY, t text)");
    b.n = 0;
    parse_msg(&b, "", "INSERT INTO x5 VALUES (1, 'a'), (2, 'b'), (3, $1) RETURNING id, t", 0, NULL);
    describe(&b, 'S', "");
    const char *v[] = {"c"};
    bind_msg(&b, "r", "", 1, v, 0);
    execute_msg(&b, "r", 2);
    execute_msg(&b, "r", 2);
    sync_msg(&b);
    CHECK(exchange(fd, &b, &r));
    CHECK_STR(r.types, "1tT2DDsDCZ");
    CHECK_STR(r.params, "25");
    CHECK_STR(r.desc, "id:23:0,t:25:0");
    CHECK_STR(r.rows[2], "3|c");
    CHECK_STR(r.tags[0], "INSERT 0 3");
    close(fd);
}

int main(void)
{
    pgpeek_config cfg = pt_config();
    pgpeek_server *s = pt_start(&cfg);
    port = pgpeek_port(s);
    PT_RUN(test_unnamed_roundtrip);
    PT_RUN(test_named_and_limits);
    PT_RUN(test_bind_errors);
    PT_RUN(test_pipeline_and_txn);
    PT_RUN(test_sql_prepare);
    PT_RUN(test_pgtype_query);
    PT_RUN(test_malformed_and_returning);
    pgpeek_stop(s);
    return pt_finish();
}
