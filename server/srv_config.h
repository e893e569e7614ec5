/* srv_config: pgpeekd's command-line flags and config file, into a pgpeek_config. */
#ifndef SRV_CONFIG_H
#define SRV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "pgpeek.h"

/* Owned by main; the strings in cfg point into `strings`, freed by srv_options_free. */
typedef struct srv_options {
    pgpeek_config cfg;
    const char *port_file; /* NULL when not asked for */
    bool help;
    bool version;
    char *strings[64];
    int nstrings;
} srv_options;

/* Daemon defaults (data directory ./pgpeek-data), then the --config file, then PGPEEK_*
 * environment variables (PGPEEK_LISTEN, PGPEEK_DATA_DIR, ...), then the flags, which win. False
 * with a message in err on a bad flag, key or value. */
bool srv_options_parse(srv_options *o, int argc, char **argv, char *err, size_t errlen);
void srv_options_free(srv_options *o);
extern const char srv_options_usage[];

#endif
