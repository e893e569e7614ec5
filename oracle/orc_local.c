/* orc_local: the local backend. This process is the only writer of its timeline, so the
 * atomic read timestamp is the state; only an upper bound "write_ts <= bound" is kept on
 * disk, raised a reserve ahead (the file replaced atomically) before any timestamp above
 * it is handed out, so not every call syncs and a restart resumes above everything given. */
#include "orc_int.h"

#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adp_fileio.h" /* plain libc: the oracle uses nothing else of the adapter */

#define ORC_LOCAL_FILE "timestamp_oracle"
#define ORC_LOCAL_MAGIC "pgpeek timestamp oracle 1"

/* The local backend's state, oracle thread only (after orc_local_init). */
typedef struct orc_local {
    char *path;          /* NULL: in memory */
    uint64_t last_write; /* the last write_ts handed out (peek_write_ts) */
    uint64_t bound;      /* durable: no write_ts above it was ever handed out */
    unsigned seed;       /* test latency */
} orc_local;

static bool persist(orc_local *l, const char *timeline, uint64_t bound, char *err, size_t errlen)
{
    if (!l->path) {
        l->bound = bound;
        return true;
    }
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%s\ntimeline %s\nbound %" PRIu64 "\n", ORC_LOCAL_MAGIC,
                     timeline, bound);
    if (n <= 0 || (size_t)n >= sizeof buf) {
        snprintf(err, errlen, "timeline name too long for \"%s\"", l->path);
        return false;
    }
    adp_file_step step;
    if (!adp_file_replace(l->path, buf, (size_t)n, &step)) {
        snprintf(err, errlen, "could not persist timestamp oracle state \"%s\" (%s): %s", l->path,
                 adp_file_step_name(step), strerror(errno));
        return false;
    }
    l->bound = bound;
    return true;
}

static bool load(orc_local *l, const char *timeline, char *err, size_t errlen)
{
    FILE *f = fopen(l->path, "re");
    if (!f) {
        if (errno == ENOENT) return true; /* a new timeline */
        snprintf(err, errlen, "could not open \"%s\": %s", l->path, strerror(errno));
        return false;
    }
    char magic[64], tl[256], line[320];
    uint64_t bound = 0;
    bool ok = fgets(magic, sizeof magic, f) && strcmp(magic, ORC_LOCAL_MAGIC "\n") == 0 &&
              fgets(line, sizeof line, f) && sscanf(line, "timeline %255s", tl) == 1 &&
              fgets(line, sizeof line, f) && sscanf(line, "bound %" SCNu64, &bound) == 1;
    fclose(f);
    /* A damaged file must stop us: starting from 0 would break monotonicity. */
    if (!ok) {
        snprintf(err, errlen, "timestamp oracle state \"%s\" is damaged", l->path);
        return false;
    }
    if (strcmp(tl, timeline) != 0) {
        snprintf(err, errlen,
                 "timestamp oracle state \"%s\" belongs to timeline \"%s\", not \"%s\"", l->path,
                 tl, timeline);
        return false;
    }
    l->bound = l->last_write = bound;
    return true;
}

static bool local_can_start(orc *o)
{
    (void)o;
    return true;
}

static void on_latency(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    orc_call *c = arg;
    orc_call_done(c->o, c, true, c->value, NULL, false);
}

static void local_start(orc *o, orc_call *c)
{
    orc_local *l = o->be.state;
    char err[300];
    uint64_t v = 0;
    uint64_t read = atomic_load(&o->read_ts);
    switch (c->op) {
    case ORC_OP_READ:
        v = read;
        break;
    case ORC_OP_PEEK:
        v = l->last_write;
        break;
    case ORC_OP_WRITE: {
        uint64_t wall = orc_wall_ms(o);
        v = l->last_write + 1;
        if (read + 1 > v) v = read + 1;
        if (wall > v) v = wall;
        if (v > l->bound && !persist(l, o->timeline, v + o->cfg.reserve_ms, err, sizeof err)) {
            orc_call_done(o, c, false, 0, err, false);
            return;
        }
        l->last_write = v;
        break;
    }
    case ORC_OP_APPLY:
        v = c->arg_ts;
        /* Only a caller applying a timestamp it did not get from write_ts gets here. */
        if (v > l->bound && !persist(l, o->timeline, v + o->cfg.reserve_ms, err, sizeof err)) {
            orc_call_done(o, c, false, 0, err, false);
            return;
        }
        v = orc_raise_read_ts(o, v);
        break;
    }
    if (!o->cfg.test_latency_us) {
        orc_call_done(o, c, true, v, NULL, false);
        return;
    }
    c->value = v;
    if (!c->timer) c->timer = evtimer_new(o->base, on_latency, c);
    struct timeval tv = {0, (long)((unsigned)rand_r(&l->seed) % (o->cfg.test_latency_us + 1))};
    if (!c->timer || evtimer_add(c->timer, &tv) != 0)
        orc_call_done(o, c, false, 0, "cannot arm the test latency timer", false);
}

static void local_free(orc *o)
{
    orc_local *l = o->be.state;
    if (!l) return;
    free(l->path);
    free(l);
}

bool orc_local_init(orc *o, char *err, size_t errlen)
{
    orc_local *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    o->be.state = l;
    o->be.can_start = local_can_start;
    o->be.start = local_start;
    o->be.free = local_free;
    l->seed = (unsigned)orc_now_ns();
    if (o->data_dir) {
        if (mkdir(o->data_dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "could not create data directory \"%s\": %s", o->data_dir,
                     strerror(errno));
            return false;
        }
        size_t n = strlen(o->data_dir) + sizeof(ORC_LOCAL_FILE) + 2;
        l->path = malloc(n);
        if (!l->path) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        snprintf(l->path, n, "%s/%s", o->data_dir, ORC_LOCAL_FILE);
        if (!load(l, o->timeline, err, errlen)) return false;
        /* Reserve a first range now: an unwritable data directory fails the open, not
         * the first commit. */
        uint64_t wall = orc_wall_ms(o), from = wall > l->bound ? wall : l->bound;
        uint64_t loaded = l->bound;
        if (!persist(l, o->timeline, from + o->cfg.reserve_ms, err, errlen)) return false;
        l->last_write = loaded;
        atomic_store(&o->read_ts, loaded);
        return true;
    }
    /* Every timestamp handed out before a restart is <= bound, so reading at bound sees
     * every applied write and every later write_ts (> bound) is above it. */
    atomic_store(&o->read_ts, l->bound);
    return true;
}
