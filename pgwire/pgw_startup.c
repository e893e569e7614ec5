/* pgw_startup: startup packet decoding and `options` splitting. */
#include "pgw_startup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool pgw_startup_decode(const pgw_msg *m, bool ssl_done, bool gss_done, pgw_startup *out,
                        pgw_error *err)
{
    /* pgw_frame_startup guarantees at least the 4-byte code. */
    uint32_t code = pgw_get_u32(m->body);
    out->proto = code;
    if (code == PGW_CANCEL_REQUEST_CODE) {
        if (m->len != 12) return pgw_errorf(err, "08P01", "invalid length of startup packet");
        out->kind = PGW_STARTUP_CANCEL;
        out->cancel_pid = (int32_t)pgw_get_u32(m->body + 4);
        out->cancel_secret = (int32_t)pgw_get_u32(m->body + 8);
        return true;
    }
    if (code == PGW_SSL_REQUEST_CODE && !ssl_done) {
        out->kind = PGW_STARTUP_SSL;
        return true;
    }
    if (code == PGW_GSSENC_REQUEST_CODE && !gss_done) {
        out->kind = PGW_STARTUP_GSSENC;
        return true;
    }
    if ((code >> 16) != 3)
        return pgw_errorf(err, "0A000",
                          "unsupported frontend protocol %u.%u: server supports 3.0 to 3.0",
                          code >> 16, code & 0xffff);
    /* name\0value\0 pairs then one final \0, which must be the packet's last byte. */
    const char *p = m->body + 4;
    const char *end = m->body + m->len;
    if (p == end || end[-1] != 0)
        return pgw_errorf(err, "08P01",
                          "invalid startup packet layout: expected terminator as last byte");
    const char *q = p;
    while (q < end - 1) {
        const char *name_end = memchr(q, 0, (size_t)(end - q));
        if (name_end == q) /* an empty name ends the list, so it must be the last byte */
            return pgw_errorf(err, "08P01",
                              "invalid startup packet layout: expected terminator as last byte");
        const char *value = name_end + 1;
        const char *value_end =
            value < end - 1 ? memchr(value, 0, (size_t)(end - 1 - value)) : NULL;
        if (!value_end)
            return pgw_errorf(err, "08P01",
                              "invalid startup packet layout: expected terminator as last byte");
        q = value_end + 1;
    }
    out->kind = PGW_STARTUP_MESSAGE;
    out->params = p;
    out->params_end = end - 1;
    return true;
}

bool pgw_startup_next_param(const pgw_startup *st, const char **cursor, const char **name,
                            const char **value)
{
    const char *p = *cursor;
    if (p >= st->params_end) return false;
    *name = p;
    *value = p + strlen(p) + 1;
    *cursor = *value + strlen(*value) + 1;
    return true;
}

/* Next whitespace-separated token of s into buf (unescaped); NULL at the end. */
static const char *next_token(const char **s, char *buf)
{
    const char *p = *s;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p) return NULL;
    char *o = buf;
    while (*p && !isspace((unsigned char)*p)) {
        if (*p == '\\' && p[1]) p++;
        *o++ = *p++;
    }
    *o = 0;
    *s = p;
    return buf;
}

static bool give_pair(char *pair, bool long_form, pgw_option_fn fn, void *ctx, pgw_error *err)
{
    char *eq = strchr(pair, '=');
    if (!eq) {
        if (long_form) return pgw_errorf(err, "42601", "--%s requires a value", pair);
        return pgw_errorf(err, "42601", "-c %s requires a value", pair);
    }
    *eq = 0;
    for (char *c = pair; *c; c++)
        if (*c == '-') *c = '_';
    return fn(ctx, pair, eq + 1, err);
}

bool pgw_startup_split_options(const char *options, pgw_option_fn fn, void *ctx, pgw_error *err)
{
    size_t n = strlen(options);
    char *buf = malloc(n + 1);
    if (!buf) return pgw_errorf(err, "53200", "out of memory");
    bool ok = true;
    const char *s = options;
    const char *tok;
    while (ok && (tok = next_token(&s, buf))) {
        if (strcmp(tok, "-c") == 0) {
            if (!next_token(&s, buf)) {
                ok = pgw_errorf(err, "42601",
                                "invalid command-line argument for server process: %s", "-c");
                break;
            }
            ok = give_pair(buf, false, fn, ctx, err);
        } else if (strncmp(tok, "-c", 2) == 0) {
            ok = give_pair(buf + 2, false, fn, ctx, err);
        } else if (strncmp(tok, "--", 2) == 0 && tok[2]) {
            ok = give_pair(buf + 2, true, fn, ctx, err);
        } else {
            ok = pgw_errorf(err, "42601", "invalid command-line argument for server process: %s",
                            tok);
        }
    }
    free(buf);
    return ok;
}
