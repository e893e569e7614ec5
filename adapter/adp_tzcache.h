/* adp_tzcache: the TimeZone setting read as PostgreSQL reads it, with the tz database zones
 * it names loaded once per process and shared by every session. */
#ifndef ADP_TZCACHE_H
#define ADP_TZCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adp_value_ext.h"

/* Resolves a TimeZone value: hours east ("5", "-3.5"), a tz database name matched ignoring
 * case ("america/new_york" is America/New_York, its history included), or a POSIX string
 * ("UTC+3", "EST5EDT,M3.2.0,M11.1.0", shown in capitals as PostgreSQL does). On success
 * *zone is NULL and *east the offset when the zone has one offset forever; otherwise
 * *zone is a shared zone the caller holds until adp_tzcache_release. `display` gets what
 * SHOW TimeZone prints. 22023 for what PostgreSQL refuses. */
bool adp_tzcache_resolve(const char *value, const adp_tz **zone, int32_t *east, char *display,
                         size_t cap, pgw_error *err);
/* Gives back a zone from adp_tzcache_resolve (NULL is fine). */
void adp_tzcache_release(const adp_tz *zone);
/* Frees the cached zones no session holds (tests; process exit). */
void adp_tzcache_trim(void);
/* Zones loaded from files since the process started (tests check the cache works). */
unsigned long adp_tzcache_loads(void);

#endif
