/* bench_auth: client side of md5 and SCRAM-SHA-256 password authentication (OpenSSL). */
#ifndef BENCH_AUTH_H
#define BENCH_AUTH_H

#include <stdbool.h>
#include <stddef.h>

/* "md5" + hex(md5(hex(md5(password + user)) + salt)) into out (36 bytes incl. NUL). */
bool bench_md5_password(const char *user, const char *password, const unsigned char salt[4],
                        char out[36]);

/* SCRAM exchange state for one connection during startup; owned by that connection. */
typedef struct bench_scram {
    char nonce[64];           /* client nonce (printable, no comma) */
    char *client_first_bare;  /* "n=,r=<nonce>" */
    char *auth_message;       /* kept to check the server signature */
    unsigned char salted[32]; /* SaltedPassword */
} bench_scram;

/* Writes the client-first-message ("n,,n=<user>,r=<nonce>") into a malloc'd string. PostgreSQL
 * ignores the SCRAM user name (libpq sends ""); nonce NULL = 18 random bytes, base64. */
char *bench_scram_first(bench_scram *s, const char *user, const char *nonce, size_t *len);
/* From the server-first-message computes the client-final-message (malloc'd). */
char *bench_scram_final(bench_scram *s, const char *password, const char *server_first,
                        size_t server_len, size_t *len, char *err, size_t errlen);
/* Checks the server-final-message ("v=<signature>"). */
bool bench_scram_verify(const bench_scram *s, const char *server_final, size_t len);
void bench_scram_free(bench_scram *s);

#endif
