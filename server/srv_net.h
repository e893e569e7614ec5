/* srv_net: listening sockets and address formatting. */
#ifndef SRV_NET_H
#define SRV_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* A non-blocking, close-on-exec listening TCP socket bound to host:port (port 0 picks an
 * ephemeral port; *bound_port tells which). -1 with err filled on failure. */
int srv_net_listen(const char *host, int port, int *bound_port, char *err, size_t errlen);
/* "127.0.0.1:50000" or "[::1]:50000". */
void srv_net_format_addr(const struct sockaddr *sa, char *buf, size_t cap);

#endif
