/* adp_system: ALTER SYSTEM SET / RESET. Server-wide values of session settings (taken by
 * sessions started afterwards, as Materialize does; running sessions keep theirs) and the
 * server's own settings (oracle_max_in_flight, applied at once). They are kept in
 * <data-dir>/pgpeek.auto.conf, rewritten atomically on each change and read at start-up;
 * in the ephemeral mode (--data-dir none) they last until the server stops. */
#ifndef ADP_SYSTEM_H
#define ADP_SYSTEM_H

#include <stdbool.h>

#include "adp.h"
#include "adp_settings.h"
#include "orc.h"

/* Server-wide state of ALTER SYSTEM; one per db, guarded by its own mutex (changed rarely,
 * read once per new session). */
typedef struct adp_system adp_system;

adp_system *adp_system_new(void);
/* At start-up, before serving clients: remembers the oracle and the file (data_dir NULL:
 * no file) and applies what the file holds. False with err (naming the file and line) when
 * it cannot be read or holds something invalid. */
bool adp_system_load(adp_db *db, orc *o, const char *data_dir, pgw_error *err);
/* Copies the server-wide values into a new session's settings. */
void adp_system_apply(adp_db *db, adp_settings *s);
void adp_system_free(adp_db *db);

#endif
