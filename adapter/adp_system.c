/* adp_system: see adp_system.h. */
#include "adp_system.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "adp_exec.h"
#include "adp_fileio.h"
#include "adp_internal.h"

#define AUTO_CONF "pgpeek.auto.conf"

/* The server-wide values; owned by the db, every field guarded by mu. */
struct adp_system {
    pthread_mutex_t mu;
    adp_settings vals;
    uint64_t mask;      /* which session settings have a server-wide value */
    int max_in_flight;  /* 0: not set by ALTER SYSTEM */
    int base_in_flight; /* the oracle's value before ALTER SYSTEM (flag or default) */
    orc *oracle;        /* NULL in adapter-only use */
    char *path;         /* the auto.conf file, NULL when ephemeral */
};

_Static_assert(ADP_SET_COUNT_ <= 64, "mask holds one bit per setting");

adp_system *adp_system_new(void)
{
    adp_system *y = calloc(1, sizeof *y);
    if (!y) abort();
    pthread_mutex_init(&y->mu, NULL);
    y->base_in_flight = 3;
    return y;
}

void adp_system_free(adp_db *db)
{
    if (!db->sys) return;
    pthread_mutex_destroy(&db->sys->mu);
    free(db->sys->path);
    free(db->sys);
    db->sys = NULL;
}

void adp_system_apply(adp_db *db, adp_settings *s)
{
    adp_system *y = db->sys;
    pthread_mutex_lock(&y->mu);
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        if (y->mask & (1ull << i)) memcpy(s->v[i], y->vals.v[i], ADP_SETTING_MAX);
    pthread_mutex_unlock(&y->mu);
}

/* Validates and applies one value (NULL: back to the built-in default). Caller holds mu. */
static bool set_one(adp_system *y, const char *name, const char *value, pgw_error *err)
{
    if (strcasecmp(name, "oracle_max_in_flight") == 0) {
        int n = y->base_in_flight;
        if (value) {
            char *end;
            errno = 0;
            long v = strtol(value, &end, 10);
            if (errno || *end || end == value || v < 1 || v > 16)
                return pgw_errorf(err, "22023",
                                  "%s is outside the valid range for parameter "
                                  "\"oracle_max_in_flight\" (1 .. 16)",
                                  value);
            n = (int)v;
        }
        if (y->oracle && !orc_set_max_in_flight(y->oracle, n))
            return pgw_errorf(err, "22023", "the oracle refused oracle_max_in_flight %d", n);
        y->max_in_flight = value ? n : 0;
        return true;
    }
    int id = adp_setting_find(name, err);
    if (id < 0) return false;
    if (adp_setting_flags(id) & ADP_SF_FIXED)
        return pgw_errorf(err, "55P02", "parameter \"%s\" cannot be changed", adp_setting_name(id));
    if (!value) {
        y->mask &= ~(1ull << id);
        return true;
    }
    adp_settings probe;
    if (!adp_setting_set(&probe, id, name, value, err)) return false;
    memcpy(y->vals.v[id], probe.v[id], ADP_SETTING_MAX);
    y->mask |= 1ull << id;
    return true;
}

/* Writes the file from y, atomically (adp_fileio.h). Caller holds mu. */
static bool persist(adp_system *y, pgw_error *err)
{
    if (!y->path) return true;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) abort();
    fprintf(f, "# written by ALTER SYSTEM: do not edit while pgpeekd runs\n");
    if (y->max_in_flight) fprintf(f, "oracle_max_in_flight = '%d'\n", y->max_in_flight);
    for (int i = 0; i < ADP_SET_COUNT_; i++)
        if (y->mask & (1ull << i)) {
            fprintf(f, "%s = '", adp_setting_name(i));
            for (const char *c = y->vals.v[i]; *c; c++)
                fprintf(f, *c == '\'' ? "''" : "%c", *c);
            fprintf(f, "'\n");
        }
    if (fclose(f) != 0) abort(); /* memory only: fails only without memory */
    adp_file_step step;
    bool ok = adp_file_replace(y->path, text, len, &step);
    int e = errno;
    free(text);
    if (!ok)
        return pgw_errorf(err, e == ENOSPC || e == EDQUOT ? "53100" : "58030",
                          "could not %s file \"%s\": %s", adp_file_step_name(step), y->path,
                          strerror(e));
    return true;
}

/* One line of the file: `name = value` or `name = 'value'` ('' inside quotes is a quote);
 * blank lines and # comments are skipped. False with err naming the line. */
static bool load_line(adp_system *y, char *line, int lineno, pgw_error *err)
{
    char *p = line + strspn(line, " \t");
    if (!*p || *p == '#' || *p == '\n') return true;
    char *name = p;
    p += strcspn(p, " \t=");
    char *name_end = p;
    p += strspn(p, " \t");
    if (*p != '=' || name_end == name)
        return pgw_errorf(err, "F0000", "syntax error in file \"%s\" line %d", y->path, lineno);
    *name_end = 0;
    p++;
    p += strspn(p, " \t");
    char value[ADP_SETTING_MAX];
    size_t n = 0;
    if (*p == '\'') {
        for (p++;; p++) {
            if (!*p || *p == '\n')
                return pgw_errorf(err, "F0000", "unterminated quoted value in file \"%s\" line %d",
                                  y->path, lineno);
            if (*p == '\'' && p[1] != '\'') break;
            if (*p == '\'') p++;
            if (n + 1 >= sizeof value)
                return pgw_errorf(err, "F0000", "value too long in file \"%s\" line %d", y->path,
                                  lineno);
            value[n++] = *p;
        }
    } else {
        size_t len = strcspn(p, " \t\n#");
        if (len >= sizeof value)
            return pgw_errorf(err, "F0000", "value too long in file \"%s\" line %d", y->path,
                              lineno);
        memcpy(value, p, len);
        n = len;
    }
    value[n] = 0;
    if (set_one(y, name, value, err)) return true;
    char why[sizeof err->message];
    snprintf(why, sizeof why, "%s", err->message);
    return pgw_errorf(err, "F0000", "in file \"%s\" line %d: %s", y->path, lineno, why);
}

bool adp_system_load(adp_db *db, orc *o, const char *data_dir, pgw_error *err)
{
    adp_system *y = db->sys;
    pthread_mutex_lock(&y->mu);
    y->oracle = o;
    if (o) y->base_in_flight = orc_max_in_flight(o);
    bool ok = true;
    if (data_dir) {
        size_t n = strlen(data_dir) + sizeof AUTO_CONF + 1;
        free(y->path);
        y->path = malloc(n);
        if (!y->path) abort();
        snprintf(y->path, n, "%s/%s", data_dir, AUTO_CONF);
        FILE *f = fopen(y->path, "r");
        if (!f && errno != ENOENT)
            ok = pgw_errorf(err, "58030", "could not open file \"%s\": %s", y->path,
                            strerror(errno));
        if (f) {
            char line[2 * ADP_SETTING_MAX + 256];
            for (int lineno = 1; ok && fgets(line, sizeof line, f); lineno++)
                ok = load_line(y, line, lineno, err);
            fclose(f);
        }
    }
    pthread_mutex_unlock(&y->mu);
    return ok;
}

bool adp_exec_alter_system(adp_pctx *p, PgQuery__AlterSystemStmt *st, pgw_buf *out)
{
    adp_session *s = p->s;
    if (s->plan_only) return true;
    if (s->txn != ADP_TXN_IDLE || s->in_implicit_block)
        return pgw_errorf(p->err, "25001", "ALTER SYSTEM cannot run inside a transaction block");
    PgQuery__VariableSetStmt *vs = st->setstmt;
    if (!vs) return pgw_errorf(p->err, "0A000", "this form of ALTER SYSTEM is not supported");
    adp_system *y = s->db->sys;
    char val[ADP_SETTING_MAX];
    const char *value = NULL;
    switch (vs->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: {
        pgw_error ignore;
        int id = adp_setting_find(vs->name, &ignore);
        bool quote = id >= 0 && (adp_setting_flags(id) & ADP_SF_LIST_QUOTE);
        if (!adp_set_value_text(p, vs, quote, val, sizeof val)) return false;
        value = val;
        break;
    }
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
        break;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL: {
        pthread_mutex_lock(&y->mu);
        uint64_t mask = y->mask;
        int mif = y->max_in_flight;
        bool ok = true;
        if (mif) ok = set_one(y, "oracle_max_in_flight", NULL, p->err);
        y->mask = 0;
        if (ok && !persist(y, p->err)) {
            y->mask = mask; /* the file still says so: keep memory and file alike */
            y->max_in_flight = mif;
            if (mif && y->oracle) orc_set_max_in_flight(y->oracle, mif);
            ok = false;
        }
        pthread_mutex_unlock(&y->mu);
        if (ok) pgw_be_write_command_complete(out, "ALTER SYSTEM");
        return ok;
    }
    default:
        return pgw_errorf(p->err, "0A000", "this form of ALTER SYSTEM is not supported");
    }
    pthread_mutex_lock(&y->mu);
    adp_settings saved_vals = y->vals;
    uint64_t saved_mask = y->mask;
    int saved_mif = y->max_in_flight;
    bool ok = set_one(y, vs->name, value, p->err);
    if (ok && !persist(y, p->err)) {
        y->vals = saved_vals;
        y->mask = saved_mask;
        y->max_in_flight = saved_mif;
        if (y->oracle) orc_set_max_in_flight(y->oracle, saved_mif ? saved_mif : y->base_in_flight);
        ok = false;
    }
    pthread_mutex_unlock(&y->mu);
    if (ok) pgw_be_write_command_complete(out, "ALTER SYSTEM");
    return ok;
}
