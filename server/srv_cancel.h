/* srv_cancel: the registry of BackendKeyData that CancelRequests are matched against. */
#ifndef SRV_CANCEL_H
#define SRV_CANCEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* One registered key; embedded in its connection, which owns it. Linked in one bucket. */
typedef struct srv_cancel_key {
    int32_t pid;
    int32_t secret;
    struct srv_cancel_key *next;
} srv_cancel_key;

#define SRV_CANCEL_BUCKETS 1024

/* Owned by the server. Touched at connection start and end and per CancelRequest, never
 * per query, so one mutex is enough. */
typedef struct srv_cancel_registry {
    pthread_mutex_t lock;
    srv_cancel_key *buckets[SRV_CANCEL_BUCKETS];
} srv_cancel_registry;

void srv_cancel_init(srv_cancel_registry *r);
void srv_cancel_destroy(srv_cancel_registry *r);
void srv_cancel_add(srv_cancel_registry *r, srv_cancel_key *k);
void srv_cancel_remove(srv_cancel_registry *r, srv_cancel_key *k);
/* True when (pid, secret) is a live key. */
bool srv_cancel_match(srv_cancel_registry *r, int32_t pid, int32_t secret);

#endif
