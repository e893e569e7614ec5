/* adp_wal_codec: the payload writer (growable, sticky failure) and reader (bounds-checked,
 * sticky failure). Values are little-endian byte by byte, so the format does not depend on
 * the host. */
#include "adp_wal_codec.h"

#include <stdlib.h>
#include <string.h>

static bool reserve(adp_walw *w, size_t n)
{
    if (w->failed) return false;
    if (n > SIZE_MAX - w->len) {
        w->failed = true;
        return false;
    }
    if (w->len + n <= w->cap) return true;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    uint8_t *d = realloc(w->data, cap);
    if (!d) {
        w->failed = true;
        return false;
    }
    w->data = d;
    w->cap = cap;
    return true;
}

void adp_walw_begin(adp_walw *w, uint8_t version)
{
    w->len = 0;
    w->failed = false;
    adp_walw_u8(w, version);
}

void adp_walw_raw(adp_walw *w, const void *p, size_t n)
{
    if (n == 0 || !reserve(w, n)) return;
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

void adp_walw_u8(adp_walw *w, uint8_t v)
{
    adp_walw_raw(w, &v, 1);
}

void adp_walw_u32(adp_walw *w, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    adp_walw_raw(w, b, 4);
}

void adp_walw_u64(adp_walw *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    adp_walw_raw(w, b, 8);
}

void adp_walw_i64(adp_walw *w, int64_t v)
{
    adp_walw_u64(w, (uint64_t)v);
}

void adp_walw_bytes(adp_walw *w, const void *p, size_t n)
{
    if (n > ADP_WALC_MAX_BYTES) {
        w->failed = true;
        return;
    }
    adp_walw_u32(w, (uint32_t)n);
    adp_walw_raw(w, p, n);
}

void adp_walw_str(adp_walw *w, const char *s)
{
    adp_walw_bytes(w, s, strlen(s));
}

bool adp_walw_ok(const adp_walw *w)
{
    return !w->failed;
}

void adp_walw_free(adp_walw *w)
{
    free(w->data);
    memset(w, 0, sizeof *w);
}

static const uint8_t *take(adp_walr *r, size_t n)
{
    if (r->failed || n > r->len - r->pos) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->data + r->pos;
    r->pos += n;
    return p;
}

bool adp_walr_begin(adp_walr *r, const void *data, size_t len, uint8_t max_version,
                    uint8_t *version)
{
    r->data = data;
    r->len = data ? len : 0;
    r->pos = 0;
    r->failed = false;
    uint8_t v = 0;
    if (!adp_walr_u8(r, &v) || v > max_version) r->failed = true;
    *version = r->failed ? 0 : v;
    return !r->failed;
}

bool adp_walr_raw(adp_walr *r, void *out, size_t n)
{
    const uint8_t *p = take(r, n);
    if (!p) {
        if (n) memset(out, 0, n);
        return false;
    }
    if (n) memcpy(out, p, n);
    return true;
}

bool adp_walr_u8(adp_walr *r, uint8_t *v)
{
    return adp_walr_raw(r, v, 1);
}

bool adp_walr_u32(adp_walr *r, uint32_t *v)
{
    const uint8_t *p = take(r, 4);
    *v = 0;
    if (!p) return false;
    for (int i = 0; i < 4; i++)
        *v |= (uint32_t)p[i] << (8 * i);
    return true;
}

bool adp_walr_u64(adp_walr *r, uint64_t *v)
{
    const uint8_t *p = take(r, 8);
    *v = 0;
    if (!p) return false;
    for (int i = 0; i < 8; i++)
        *v |= (uint64_t)p[i] << (8 * i);
    return true;
}

bool adp_walr_i64(adp_walr *r, int64_t *v)
{
    uint64_t u;
    bool ok = adp_walr_u64(r, &u);
    *v = (int64_t)u;
    return ok;
}

bool adp_walr_bytes(adp_walr *r, const uint8_t **p, uint32_t *n)
{
    uint32_t len;
    *p = NULL;
    *n = 0;
    if (!adp_walr_u32(r, &len)) return false;
    if (len > ADP_WALC_MAX_BYTES) {
        r->failed = true;
        return false;
    }
    const uint8_t *d = take(r, len);
    if (!d) return false;
    *p = d;
    *n = len;
    return true;
}

char *adp_walr_strdup(adp_walr *r)
{
    const uint8_t *p;
    uint32_t n;
    if (!adp_walr_bytes(r, &p, &n)) return NULL;
    if (n && memchr(p, 0, n)) {
        r->failed = true;
        return NULL;
    }
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->failed = true;
        return NULL;
    }
    if (n) memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

size_t adp_walr_left(const adp_walr *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

bool adp_walr_done(const adp_walr *r)
{
    return !r->failed && r->pos == r->len;
}
