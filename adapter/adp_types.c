/* adp_types: type lookup by name, OIDs, format_type names, operand type resolution. */
#include <stdio.h>
#include <string.h>

#include "adp_value_priv.h"

/* One row per supported type; read-only, shared by every thread. */
typedef struct adp_type_info {
    const char *sqlname; /* format_type spelling */
    uint32_t oid;
    int16_t len;
} adp_type_info;

static const adp_type_info type_info[ADP_T_COUNT_] = {
    [ADP_T_UNKNOWN] = {"unknown", 705, -2},
    [ADP_T_BOOL] = {"boolean", 16, 1},
    [ADP_T_INT2] = {"smallint", 21, 2},
    [ADP_T_INT4] = {"integer", 23, 4},
    [ADP_T_INT8] = {"bigint", 20, 8},
    [ADP_T_FLOAT4] = {"real", 700, 4},
    [ADP_T_FLOAT8] = {"double precision", 701, 8},
    [ADP_T_NUMERIC] = {"numeric", 1700, -1},
    [ADP_T_TEXT] = {"text", 25, -1},
    [ADP_T_VARCHAR] = {"character varying", 1043, -1},
    [ADP_T_BYTEA] = {"bytea", 17, -1},
    [ADP_T_DATE] = {"date", 1082, 4},
    [ADP_T_TIMESTAMP] = {"timestamp without time zone", 1114, 8},
    [ADP_T_TIMESTAMPTZ] = {"timestamp with time zone", 1184, 8},
};

/* Internal names the grammar produces, mapped to our types. Read-only. */
typedef struct adp_type_alias {
    const char *name;
    adp_type_id id;
} adp_type_alias;

static const adp_type_alias aliases[] = {
    {"bool", ADP_T_BOOL},           {"boolean", ADP_T_BOOL},
    {"int2", ADP_T_INT2},           {"smallint", ADP_T_INT2},
    {"int4", ADP_T_INT4},           {"int", ADP_T_INT4},
    {"integer", ADP_T_INT4},        {"int8", ADP_T_INT8},
    {"bigint", ADP_T_INT8},         {"float4", ADP_T_FLOAT4},
    {"real", ADP_T_FLOAT4},         {"float8", ADP_T_FLOAT8},
    {"numeric", ADP_T_NUMERIC},     {"decimal", ADP_T_NUMERIC},
    {"text", ADP_T_TEXT},           {"varchar", ADP_T_VARCHAR},
    {"bytea", ADP_T_BYTEA},         {"date", ADP_T_DATE},
    {"timestamp", ADP_T_TIMESTAMP}, {"timestamptz", ADP_T_TIMESTAMPTZ},
    {"unknown", ADP_T_UNKNOWN},
};

/* PostgreSQL types that exist there but not here: 0A000 rather than 42704. */
static const char *const unsupported[] = {
    "bpchar",      "char",       "name",          "time",     "timetz",    "interval",  "json",
    "jsonb",       "uuid",       "oid",           "inet",     "cidr",      "macaddr",   "money",
    "xml",         "point",      "line",          "lseg",     "box",       "path",      "polygon",
    "circle",      "bit",        "varbit",        "tsvector", "tsquery",   "regclass",  "regtype",
    "int4range",   "int8range",  "numrange",      "tsrange",  "tstzrange", "daterange", "record",
    "void",        "anyelement", "txid_snapshot", "pg_lsn",   "citext",    "serial",    "bigserial",
    "smallserial", "serial4",    "serial8",       "serial2"};

static bool typmod_none(const char *name, int nmods, pgw_error *err)
{
    if (nmods > 0)
        return pgw_errorf(err, "42601", "type modifier is not allowed for type \"%s\"", name);
    return true;
}

bool adp_type_lookup(const char *name, const int32_t *mods, int nmods, adp_type *out,
                     pgw_error *err)
{
    out->typmod = -1;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(aliases[i].name, name) != 0) continue;
        out->id = aliases[i].id;
        switch (out->id) {
        case ADP_T_VARCHAR:
            if (nmods == 0) return true;
            if (nmods > 1) return pgw_errorf(err, "22023", "invalid type modifier");
            if (mods[0] < 1)
                return pgw_errorf(err, "22023", "length for type varchar must be at least 1");
            if (mods[0] > 10485760)
                return pgw_errorf(err, "22023", "length for type varchar cannot exceed 10485760");
            out->typmod = mods[0] + 4;
            return true;
        case ADP_T_NUMERIC: {
            if (nmods == 0) return true;
            if (nmods > 2) return pgw_errorf(err, "22023", "invalid NUMERIC type modifier");
            int32_t p = mods[0], s = nmods == 2 ? mods[1] : 0;
            if (p < 1 || p > 1000)
                return pgw_errorf(err, "22023", "NUMERIC precision %d must be between 1 and 1000",
                                  p);
            if (s < -1000 || s > 1000)
                return pgw_errorf(err, "22023", "NUMERIC scale %d must be between -1000 and 1000",
                                  s);
            out->typmod = (int32_t)((((uint32_t)p << 16) | ((uint32_t)s & 0x7ff)) + 4);
            return true;
        }
        case ADP_T_TIMESTAMP:
        case ADP_T_TIMESTAMPTZ:
            if (nmods == 0) return true;
            if (nmods > 1) return pgw_errorf(err, "22023", "invalid type modifier");
            if (mods[0] < 0)
                return pgw_errorf(err, "22023", "TIMESTAMP(%d)%s precision must not be negative",
                                  mods[0], out->id == ADP_T_TIMESTAMPTZ ? " WITH TIME ZONE" : "");
            /* PostgreSQL warns and reduces larger precisions to 6. */
            out->typmod = mods[0] > 6 ? 6 : mods[0];
            return true;
        default:
            return typmod_none(name, nmods, err);
        }
    }
    for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
        if (strcmp(unsupported[i], name) == 0) {
            /* the grammar's internal names, spelled as format_type would */
            static const char *const shown[][2] = {{"bpchar", "character"},
                                                   {"char", "\"char\""},
                                                   {"time", "time without time zone"},
                                                   {"timetz", "time with time zone"},
                                                   {"varbit", "bit varying"}};
            const char *n = name;
            for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++)
                if (strcmp(shown[k][0], name) == 0) n = shown[k][1];
            return pgw_errorf(err, "0A000", "type %s is not supported", n);
        }
    return pgw_errorf(err, "42704", "type \"%s\" does not exist", name);
}

uint32_t adp_type_oid(adp_type_id t)
{
    return t < ADP_T_COUNT_ ? type_info[t].oid : 0;
}

int16_t adp_type_len(adp_type_id t)
{
    return t < ADP_T_COUNT_ ? type_info[t].len : -1;
}

const char *adp_type_name(adp_type t, char *buf, size_t cap)
{
    if (cap == 0) return buf;
    if (t.id >= ADP_T_COUNT_) {
        snprintf(buf, cap, "???");
        return buf;
    }
    const char *n = type_info[t.id].sqlname;
    if (t.typmod < 0) {
        snprintf(buf, cap, "%s", n);
        return buf;
    }
    switch (t.id) {
    case ADP_T_VARCHAR:
        snprintf(buf, cap, "%s(%d)", n, t.typmod - 4);
        break;
    case ADP_T_NUMERIC: {
        int32_t tm = t.typmod - 4;
        int p = (tm >> 16) & 0xffff;
        int s = ((tm & 0x7ff) ^ 1024) - 1024; /* 11-bit signed scale */
        snprintf(buf, cap, "%s(%d,%d)", n, p, s);
        break;
    }
    case ADP_T_TIMESTAMP:
        snprintf(buf, cap, "timestamp(%d) without time zone", t.typmod);
        break;
    case ADP_T_TIMESTAMPTZ:
        snprintf(buf, cap, "timestamp(%d) with time zone", t.typmod);
        break;
    default:
        snprintf(buf, cap, "%s", n);
    }
    return buf;
}

bool adp_type_is_numeric(adp_type_id t)
{
    return t >= ADP_T_INT2 && t <= ADP_T_NUMERIC;
}

bool adp_type_is_string(adp_type_id t)
{
    return t == ADP_T_TEXT || t == ADP_T_VARCHAR || t == ADP_T_UNKNOWN;
}

static bool is_float(adp_type_id t)
{
    return t == ADP_T_FLOAT4 || t == ADP_T_FLOAT8;
}
static bool is_datetime(adp_type_id t)
{
    return t == ADP_T_DATE || t == ADP_T_TIMESTAMP || t == ADP_T_TIMESTAMPTZ;
}

static bool is_arith_op(const char *op)
{
    return op[0] != 0 && op[1] == 0 && strchr("+-*/%", op[0]) != NULL;
}

static bool op_missing(adp_type a, adp_type b, const char *op, pgw_error *err)
{
    char an[64], bn[64];
    adp_type ta = {a.id, -1}, tb = {b.id, -1};
    pgw_errorf(err, "42883", "operator does not exist: %s %s %s", adp_type_name(ta, an, sizeof an),
               op, adp_type_name(tb, bn, sizeof bn));
    pgw_error_hint(err, "No operator matches the given name and argument types. You might need "
                        "to add explicit type casts.");
    return false;
}

static bool op_ambiguous(adp_type a, adp_type b, const char *op, pgw_error *err)
{
    char an[64], bn[64];
    adp_type ta = {a.id, -1}, tb = {b.id, -1};
    pgw_errorf(err, "42725", "operator is not unique: %s %s %s", adp_type_name(ta, an, sizeof an),
               op, adp_type_name(tb, bn, sizeof bn));
    pgw_error_hint(err, "Could not choose a best candidate operator. You might need to add "
                        "explicit type casts.");
    return false;
}

/* Ranks within the numeric category: the wider side wins, except that any float mixed with
 * another numeric type resolves to float8, PostgreSQL's preferred type. */
static adp_type_id numeric_common(adp_type_id a, adp_type_id b)
{
    if (a == b) return a;
    if (is_float(a) || is_float(b)) return ADP_T_FLOAT8;
    return a > b ? a : b;
}

static bool is_cmp_op(const char *op)
{
    return strcmp(op, "=") == 0 || strcmp(op, "<>") == 0 || strcmp(op, "!=") == 0 ||
           strcmp(op, "<") == 0 || strcmp(op, ">") == 0 || strcmp(op, "<=") == 0 ||
           strcmp(op, ">=") == 0;
}

/* Order of implicit casts within the numeric category (int2 -> ... -> float8). */
static int numeric_rank(adp_type_id t)
{
    switch (t) {
    case ADP_T_INT2:
        return 0;
    case ADP_T_INT4:
        return 1;
    case ADP_T_INT8:
        return 2;
    case ADP_T_NUMERIC:
        return 3;
    case ADP_T_FLOAT4:
        return 4;
    default:
        return 5;
    }
}

static int category(adp_type_id t)
{
    if (adp_type_is_numeric(t)) return 1;
    if (adp_type_is_string(t)) return 2;
    if (is_datetime(t)) return 3;
    return 10 + (int)t;
}

/* select_common_type for CASE, COALESCE, UNION, VALUES...: `a` is the type chosen so far,
 * `b` the next one; keeps `a` unless it converts implicitly to `b` and not back. */
static bool common_context(adp_type a, adp_type b, const char *ctx, adp_type *out, pgw_error *err)
{
    if (a.id == ADP_T_UNKNOWN && b.id == ADP_T_UNKNOWN) {
        out->id = ADP_T_TEXT;
        return true;
    }
    if (a.id == ADP_T_UNKNOWN || b.id == ADP_T_UNKNOWN) {
        *out = a.id == ADP_T_UNKNOWN ? b : a;
        return true;
    }
    if (a.id == b.id) {
        out->id = a.id;
        out->typmod = a.typmod == b.typmod ? a.typmod : -1;
        return true;
    }
    if (category(a.id) != category(b.id)) {
        char an[64], bn[64];
        adp_type ta = {a.id, -1}, tb = {b.id, -1};
        return pgw_errorf(err, "42804", "%s types %s and %s cannot be matched", ctx,
                          adp_type_name(ta, an, sizeof an), adp_type_name(tb, bn, sizeof bn));
    }
    if (adp_type_is_numeric(a.id))
        out->id = numeric_rank(b.id) > numeric_rank(a.id) ? b.id : a.id;
    else if (is_datetime(a.id))
        out->id = a.id > b.id ? a.id : b.id; /* date -> timestamp -> timestamptz */
    else
        out->id = a.id; /* text and varchar convert both ways: the first one stays */
    return true;
}

bool adp_type_common(adp_type a, adp_type b, const char *op, adp_type *out, pgw_error *err)
{
    bool arith = is_arith_op(op), concat = strcmp(op, "||") == 0;
    /* every other operator (=, <, LIKE's ~~ ...) resolves like a comparison */
    bool cmp = !arith && !concat, std = is_cmp_op(op);
    out->typmod = -1;
    if (op[0] >= 'A' && op[0] <= 'Z') return common_context(a, b, op, out, err);
    if (a.id == ADP_T_UNKNOWN && b.id == ADP_T_UNKNOWN) {
        if (arith) return op_ambiguous(a, b, op, err);
        out->id = ADP_T_TEXT;
        return true;
    }
    if (a.id == ADP_T_UNKNOWN || b.id == ADP_T_UNKNOWN) {
        adp_type k = a.id == ADP_T_UNKNOWN ? b : a;
        if (concat && k.id != ADP_T_BYTEA) {
            out->id = ADP_T_TEXT;
            return true;
        }
        if (arith && !adp_type_is_numeric(k.id)) {
            if (is_datetime(k.id)) return op_ambiguous(a, b, op, err);
            return op_missing(a, b, op, err);
        }
        if (cmp && !std && !adp_type_is_string(k.id)) return op_missing(a, b, op, err);
        out->id = k.id == ADP_T_VARCHAR ? ADP_T_TEXT : k.id;
        return true;
    }
    if (concat) {
        if (a.id == ADP_T_BYTEA && b.id == ADP_T_BYTEA) {
            out->id = ADP_T_BYTEA;
            return true;
        }
        /* text || anynonarray: the other side goes through its output function. */
        if (adp_type_is_string(a.id) || adp_type_is_string(b.id)) {
            out->id = ADP_T_TEXT;
            return true;
        }
        return op_missing(a, b, op, err);
    }
    if (adp_type_is_numeric(a.id) && adp_type_is_numeric(b.id)) {
        out->id = numeric_common(a.id, b.id);
        if (op[0] == '%' && is_float(out->id)) return op_missing(a, b, op, err);
        if (std || arith) return true;
        return op_missing(a, b, op, err);
    }
    if (!cmp) return op_missing(a, b, op, err);
    if (adp_type_is_string(a.id) && adp_type_is_string(b.id)) {
        out->id = ADP_T_TEXT; /* varchar has no operators of its own */
        return true;
    }
    if (!std) return op_missing(a, b, op, err);
    if (is_datetime(a.id) && is_datetime(b.id)) {
        out->id = a.id > b.id ? a.id : b.id;
        return true;
    }
    if (a.id == b.id) {
        out->id = a.id;
        return true;
    }
    return op_missing(a, b, op, err);
}

bool adp_arith_resolve(char op, adp_type l, adp_type r, adp_type *lconv, adp_type *rconv,
                       adp_type *result, pgw_error *err)
{
    char ops[2] = {op, 0};
    adp_type date = {ADP_T_DATE, -1}, i4 = {ADP_T_INT4, -1};
    bool lint = l.id == ADP_T_INT2 || l.id == ADP_T_INT4;
    bool rint = r.id == ADP_T_INT2 || r.id == ADP_T_INT4;
    if (l.id == ADP_T_DATE || r.id == ADP_T_DATE) {
        /* an unknown literal becomes a date in date - '...', is ambiguous in + */
        if (op == '-' && l.id == ADP_T_DATE && r.id == ADP_T_UNKNOWN) {
            *lconv = date, *rconv = date, *result = i4;
            return true;
        }
        if (op == '+' && (l.id == ADP_T_UNKNOWN || r.id == ADP_T_UNKNOWN))
            return op_ambiguous(l, r, ops, err);
        if ((op == '+' || op == '-') && l.id == ADP_T_DATE && rint) {
            *lconv = date, *rconv = i4, *result = date;
            return true;
        }
        if (op == '+' && lint && r.id == ADP_T_DATE) {
            *lconv = i4, *rconv = date, *result = date;
            return true;
        }
        if (op == '-' && l.id == ADP_T_DATE && r.id == ADP_T_DATE) {
            *lconv = date, *rconv = date, *result = i4;
            return true;
        }
        return op_missing(l, r, ops, err);
    }
    if (op == '-' && is_datetime(l.id) && is_datetime(r.id))
        return pgw_errorf(err, "0A000", "type interval is not supported");
    if (is_datetime(l.id) || is_datetime(r.id)) {
        if (l.id == ADP_T_UNKNOWN || r.id == ADP_T_UNKNOWN) return op_ambiguous(l, r, ops, err);
        return op_missing(l, r, ops, err);
    }
    adp_type c;
    if (!adp_type_common(l, r, ops, &c, err)) return false;
    if (!adp_type_is_numeric(c.id)) return op_missing(l, r, ops, err);
    *lconv = c, *rconv = c, *result = c;
    return true;
}

adp_type adp_sum_result_type(adp_type_id input)
{
    adp_type t = {ADP_T_NUMERIC, -1};
    switch (input) {
    case ADP_T_INT2:
    case ADP_T_INT4:
        t.id = ADP_T_INT8;
        break;
    case ADP_T_FLOAT4:
        t.id = ADP_T_FLOAT4;
        break;
    case ADP_T_FLOAT8:
        t.id = ADP_T_FLOAT8;
        break;
    default:
        break;
    }
    return t;
}

adp_type adp_avg_result_type(adp_type_id input)
{
    adp_type t = {is_float(input) ? ADP_T_FLOAT8 : ADP_T_NUMERIC, -1};
    return t;
}
