/* test_auth: md5 and SCRAM-SHA-256 client computations against known answers (RFC 7677's
 * example exchange; the md5 value was computed independently with Python's hashlib). */
#include <stdlib.h>

#include "bench_auth.h"
#include "test_util.h"

static void test_md5(void)
{
    char out[36];
    const unsigned char salt[4] = {1, 2, 3, 4};
    CHECK(bench_md5_password("alice", "secret", salt, out));
    CHECK(strcmp(out, "md598a0412b9c31436fc53776e863350083") == 0);
    const unsigned char other[4] = {1, 2, 3, 5};
    CHECK(bench_md5_password("alice", "secret", other, out));
    CHECK(strcmp(out, "md598a0412b9c31436fc53776e863350083") != 0);
}

static void test_scram_rfc7677(void)
{
    bench_scram s = {0};
    size_t n;
    char *first = bench_scram_first(&s, "user", "rOprNGfwEbeRWgbNEkqO", &n);
    CHECK(first && strcmp(first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO") == 0);
    CHECK(n == strlen("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
    free(first);
    const char *server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                               "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    char err[128] = "";
    char *fin =
        bench_scram_final(&s, "pencil", server_first, strlen(server_first), &n, err, sizeof(err));
    CHECK(fin != NULL);
    if (fin) {
        CHECK(strcmp(fin, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=") == 0);
        CHECK(n == strlen(fin));
    }
    free(fin);
    const char *good = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    const char *bad = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=";
    CHECK(bench_scram_verify(&s, good, strlen(good)));
    CHECK(!bench_scram_verify(&s, bad, strlen(bad)));
    bench_scram_free(&s);
}

static void test_scram_rejects(void)
{
    bench_scram s = {0};
    size_t n;
    char *first = bench_scram_first(&s, "", NULL, &n);
    CHECK(first && strncmp(first, "n,,n=,r=", 8) == 0 && n == 8 + 24);
    free(first);
    char err[128] = "";
    /* the server must extend our nonce, not replace it */
    const char *wrong = "r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    CHECK(bench_scram_final(&s, "pencil", wrong, strlen(wrong), &n, err, sizeof(err)) == NULL);
    CHECK_CONTAINS(err, "malformed");
    bench_scram_free(&s);
}

int main(void)
{
    test_md5();
    test_scram_rfc7677();
    test_scram_rejects();
    return t_finish();
}
