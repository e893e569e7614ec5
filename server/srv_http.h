/* srv_http: the HTTP endpoint (/health, /metrics) on its own thread with evhttp. */
#ifndef SRV_HTTP_H
#define SRV_HTTP_H

#include <stddef.h>

typedef struct pgpeek_server pgpeek_server;
typedef struct srv_http srv_http;

/* Binds s->cfg.http_host:http_port and starts the thread; *bound_port is the real port. */
srv_http *srv_http_start(pgpeek_server *s, int *bound_port, char *err, size_t errlen);
/* Joins the thread and frees everything. NULL is fine. */
void srv_http_stop(srv_http *h);

#endif
