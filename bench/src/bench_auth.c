/* bench_auth: md5 and SCRAM-SHA-256 (RFC 5802/7677) computed with OpenSSL primitives. */
#include "bench_auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static bool md5_of(const void *a, size_t an, const void *b, size_t bn, unsigned char out[16])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) && EVP_DigestUpdate(ctx, a, an) &&
              EVP_DigestUpdate(ctx, b, bn) && EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    return ok && len == 16;
}

bool bench_md5_password(const char *user, const char *password, const unsigned char salt[4],
                        char out[36])
{
    unsigned char d[16];
    char inner[33];
    if (!md5_of(password, strlen(password), user, strlen(user), d)) return false;
    hex(d, 16, inner);
    if (!md5_of(inner, 32, salt, 4, d)) return false;
    memcpy(out, "md5", 3);
    hex(d, 16, out + 3);
    return true;
}

char *bench_scram_first(bench_scram *s, const char *user, const char *nonce, size_t *len)
{
    if (nonce) {
        if (strlen(nonce) >= sizeof(s->nonce) || strchr(nonce, ',')) return NULL;
        strcpy(s->nonce, nonce);
    } else {
        unsigned char raw[18];
        if (RAND_bytes(raw, sizeof(raw)) != 1) return NULL;
        EVP_EncodeBlock((unsigned char *)s->nonce, raw, sizeof(raw)); /* 24 chars, no padding */
    }
    if (strchr(user, ',') || strchr(user, '='))
        return NULL; /* would need SCRAM escaping; PostgreSQL ignores the name anyway */
    size_t n = strlen(user) + strlen(s->nonce) + 8;
    s->client_first_bare = malloc(n);
    char *msg = malloc(n + 3);
    if (!s->client_first_bare || !msg) {
        free(msg);
        return NULL;
    }
    snprintf(s->client_first_bare, n, "n=%s,r=%s", user, s->nonce);
    *len = (size_t)snprintf(msg, n + 3, "n,,%s", s->client_first_bare);
    return msg;
}

/* Finds "k=" at the start of a comma-separated attribute and returns its value span. */
static const char *attr(const char *msg, size_t len, char key, size_t *vlen)
{
    size_t i = 0;
    while (i + 1 < len) {
        size_t end = i;
        while (end < len && msg[end] != ',')
            end++;
        if (msg[i] == key && msg[i + 1] == '=') {
            *vlen = end - i - 2;
            return msg + i + 2;
        }
        i = end + 1;
    }
    return NULL;
}

static bool hmac(const unsigned char *key, size_t klen, const void *data, size_t n,
                 unsigned char out[32])
{
    unsigned int olen = 0;
    return HMAC(EVP_sha256(), key, (int)klen, data, n, out, &olen) && olen == 32;
}

char *bench_scram_final(bench_scram *s, const char *password, const char *server_first,
                        size_t server_len, size_t *len, char *err, size_t errlen)
{
    size_t rn = 0, sn = 0, in = 0;
    const char *r = attr(server_first, server_len, 'r', &rn);
    const char *salt64 = attr(server_first, server_len, 's', &sn);
    const char *iters = attr(server_first, server_len, 'i', &in);
    size_t cn = strlen(s->nonce);
    if (!r || !salt64 || !iters || rn < cn || memcmp(r, s->nonce, cn) != 0 || in > 10) {
        snprintf(err, errlen, "malformed SCRAM server-first-message");
        return NULL;
    }
    char ibuf[16];
    memcpy(ibuf, iters, in);
    ibuf[in] = '\0';
    int iterations = atoi(ibuf);
    unsigned char salt[128];
    if (sn == 0 || sn > 160 || iterations <= 0) {
        snprintf(err, errlen, "bad SCRAM salt or iteration count");
        return NULL;
    }
    int saltlen = EVP_DecodeBlock(salt, (const unsigned char *)salt64, (int)sn);
    if (saltlen < 0) {
        snprintf(err, errlen, "bad SCRAM salt encoding");
        return NULL;
    }
    while (sn > 0 && salt64[sn - 1] == '=') { /* DecodeBlock counts padding as zero bytes */
        saltlen--;
        sn--;
    }
    /* SASLprep is skipped: benchmark passwords are expected to be ASCII. */
    if (!PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, saltlen, iterations, EVP_sha256(),
                           32, s->salted)) {
        snprintf(err, errlen, "PBKDF2 failed");
        return NULL;
    }
    unsigned char client_key[32], stored_key[32], sig[32], proof[32];
    if (!hmac(s->salted, 32, "Client Key", 10, client_key)) {
        snprintf(err, errlen, "HMAC failed");
        return NULL;
    }
    SHA256(client_key, 32, stored_key);
    /* client-final-without-proof: channel binding "biws" = base64("n,,") */
    size_t wp_len = 9 + rn;
    char *without_proof = malloc(wp_len + 1);
    size_t am_len = strlen(s->client_first_bare) + 1 + server_len + 1 + wp_len;
    s->auth_message = malloc(am_len + 1);
    char *final = malloc(wp_len + 3 + 45 + 1);
    if (!without_proof || !s->auth_message || !final) {
        free(without_proof);
        free(final);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(without_proof, "c=biws,r=", 9);
    memcpy(without_proof + 9, r, rn);
    without_proof[wp_len] = '\0';
    snprintf(s->auth_message, am_len + 1, "%s,%.*s,%s", s->client_first_bare, (int)server_len,
             server_first, without_proof);
    if (!hmac(stored_key, 32, s->auth_message, am_len, sig)) {
        free(without_proof);
        free(final);
        snprintf(err, errlen, "HMAC failed");
        return NULL;
    }
    for (int i = 0; i < 32; i++)
        proof[i] = client_key[i] ^ sig[i];
    char proof64[48];
    EVP_EncodeBlock((unsigned char *)proof64, proof, 32);
    *len = (size_t)sprintf(final, "%s,p=%s", without_proof, proof64);
    free(without_proof);
    return final;
}

bool bench_scram_verify(const bench_scram *s, const char *server_final, size_t len)
{
    size_t vn = 0;
    const char *v = attr(server_final, len, 'v', &vn);
    unsigned char server_key[32], sig[32];
    char sig64[48];
    if (!v || !s->auth_message || !hmac(s->salted, 32, "Server Key", 10, server_key) ||
        !hmac(server_key, 32, s->auth_message, strlen(s->auth_message), sig))
        return false;
    EVP_EncodeBlock((unsigned char *)sig64, sig, 32);
    return vn == strlen(sig64) && memcmp(v, sig64, vn) == 0;
}

void bench_scram_free(bench_scram *s)
{
    free(s->client_first_bare);
    free(s->auth_message);
    memset(s, 0, sizeof(*s));
}
