/* adp_durable: the write-ahead log as the commit thread and start-up see it (issue 7).
 * The commit thread calls adp_durable_log_group once per group, after the group's write
 * timestamp and before any of its versions become visible; only when it returns true may
 * the group be published and its clients answered. */
#ifndef ADP_DURABLE_H
#define ADP_DURABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp.h"

/* Appends one record group for the n committing sessions (their pending changes, and the
 * catalog changes among them) at ts, and makes it durable. False with err set (53100 disk
 * full, 58030 I/O error): nothing of the group may become visible; the caller fails every
 * session of the group with err. Called on the commit thread only, with db->lock NOT held. */
bool adp_durable_log_group(adp_db *db, uint64_t ts, adp_session *const *sessions, size_t n,
                           pgw_error *err);

#endif
