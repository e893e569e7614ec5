/* srv_cancel: a mutex-protected hash of live BackendKeyData, keyed by pid. */
#include "srv_cancel.h"

#include <string.h>

static unsigned bucket_of(int32_t pid)
{
    return (uint32_t)pid % SRV_CANCEL_BUCKETS;
}

void srv_cancel_init(srv_cancel_registry *r)
{
    pthread_mutex_init(&r->lock, NULL);
    memset(r->buckets, 0, sizeof r->buckets);
}

void srv_cancel_destroy(srv_cancel_registry *r)
{
    pthread_mutex_destroy(&r->lock);
}

void srv_cancel_add(srv_cancel_registry *r, srv_cancel_key *k)
{
    pthread_mutex_lock(&r->lock);
    srv_cancel_key **head = &r->buckets[bucket_of(k->pid)];
    k->next = *head;
    *head = k;
    pthread_mutex_unlock(&r->lock);
}

void srv_cancel_remove(srv_cancel_registry *r, srv_cancel_key *k)
{
    pthread_mutex_lock(&r->lock);
    for (srv_cancel_key **p = &r->buckets[bucket_of(k->pid)]; *p; p = &(*p)->next) {
        if (*p == k) {
            *p = k->next;
            break;
        }
    }
    pthread_mutex_unlock(&r->lock);
}

bool srv_cancel_match(srv_cancel_registry *r, int32_t pid, int32_t secret)
{
    bool found = false;
    pthread_mutex_lock(&r->lock);
    for (srv_cancel_key *k = r->buckets[bucket_of(pid)]; k; k = k->next) {
        if (k->pid == pid && k->secret == secret) {
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&r->lock);
    return found;
}
