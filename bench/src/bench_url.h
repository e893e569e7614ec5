/* bench_url: postgres://user:pass@host:port/db?application_name=x URLs, as dbbench takes them. */
#ifndef BENCH_URL_H
#define BENCH_URL_H

#include <stdbool.h>
#include <stddef.h>

/* A parsed connection target; plain value, strings owned by it (bench_url_free). */
typedef struct bench_url {
    char *user;
    char *password; /* NULL when absent */
    char *host;     /* a name, an IPv4/IPv6 address, or an absolute socket directory */
    char *port;
    char *dbname;
    char *application_name;
} bench_url;

bool bench_url_parse(const char *text, bench_url *u, char *err, size_t errlen);
void bench_url_free(bench_url *u);
/* The URL without its password, for reports. */
void bench_url_display(const bench_url *u, char *out, size_t outlen);

#endif
