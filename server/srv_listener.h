/* srv_listener: the thread that accepts SQL connections and deals them to workers. */
#ifndef SRV_LISTENER_H
#define SRV_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pgpeek_server pgpeek_server;
typedef struct srv_listener srv_listener;

/* Takes ownership of listen_fd (closed by srv_listener_stop). */
srv_listener *srv_listener_start(pgpeek_server *s, int listen_fd, char *err, size_t errlen);
/* Stops accepting, joins the thread, closes the socket, frees. NULL is fine. */
void srv_listener_stop(srv_listener *l);

#endif
