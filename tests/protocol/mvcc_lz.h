/* mvcc_lz: the linearizability check on single-row registers, shared by the tests that
 * run it against the local and the PostgreSQL oracle backends. Several connections write
 * to and read from a few registers concurrently, recording when each operation began and
 * ended; the checker proves that every read saw every write acknowledged before it began.
 * The including file includes pt_client.h and defines conn() (a new libpq connection)
 * before including this. */
#ifndef MVCC_LZ_H
#define MVCC_LZ_H

#include <pthread.h>
#include <stdint.h>

/* ---- linearizability of single-row registers ---- */

#define LZ_THREADS 6
#define LZ_OPS 250
#define LZ_REGS 3

/* One completed operation, recorded by its thread; checked after every thread joined. */
typedef struct lz_op {
    bool write;
    int reg;
    long value; /* written, or read; values are unique per register (0 = initial) */
    uint64_t begin, end;
    bool ok;
} lz_op;

static lz_op lz_log[LZ_THREADS][LZ_OPS];

static void *lz_main(void *arg)
{
    int t = (int)(intptr_t)arg;
    PGconn *c = conn();
    bool up = PQstatus(c) == CONNECTION_OK;
    unsigned seed = 12345u + (unsigned)t;
    char sql[128];
    for (int i = 0; i < LZ_OPS; i++) {
        lz_op *op = &lz_log[t][i];
        op->reg = (int)(rand_r(&seed) % LZ_REGS);
        op->write = rand_r(&seed) % 2 == 0;
        if (!up) continue;
        if (op->write) {
            op->value = (long)(t + 1) * 1000000 + i + 1;
            snprintf(sql, sizeof sql, "UPDATE reg SET v = %ld WHERE id = %d", op->value, op->reg);
            op->begin = pt_now_ns();
            op->ok = pt_pq_run(c, sql, false);
            op->end = pt_now_ns();
        } else {
            snprintf(sql, sizeof sql, "SELECT v FROM reg WHERE id = %d", op->reg);
            op->begin = pt_now_ns();
            PGresult *r = PQexec(c, sql);
            op->end = pt_now_ns();
            op->ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
            if (!op->ok) fprintf(stderr, "read: %s %d\n", PQresultErrorMessage(r), PQntuples(r));
            if (op->ok) op->value = atol(PQgetvalue(r, 0, 0));
            PQclear(r);
        }
    }
    PQfinish(c);
    return NULL;
}

/* The write that wrote `value` to reg, or NULL (the initial 0, or a value never written). */
static const lz_op *lz_writer_of(int reg, long value)
{
    if (value <= 0) return NULL;
    int t = (int)(value / 1000000) - 1, i = (int)(value % 1000000) - 1;
    if (t < 0 || t >= LZ_THREADS || i < 0 || i >= LZ_OPS) return NULL;
    const lz_op *w = &lz_log[t][i];
    return w->write && w->reg == reg && w->value == value ? w : NULL;
}

/* Every read r returning v (written by w, or the initial value) must not be stale: no write
 * w2 to the same register finished before r began while starting after w finished (w
 * precedes w2 precedes r in real time, so r must see w2 or later). And no read sees a
 * write that began after the read ended, or a value nobody wrote. Returns the violations. */
static long lz_check(long *reads_checked, bool quiet)
{
    long bad = 0;
    *reads_checked = 0;
    for (int t = 0; t < LZ_THREADS; t++)
        for (int i = 0; i < LZ_OPS; i++) {
            const lz_op *r = &lz_log[t][i];
            if (r->write || !r->ok) continue;
            (*reads_checked)++;
            const lz_op *w = lz_writer_of(r->reg, r->value);
            if (r->value != 0 && !w) {
                if (!quiet)
                    fprintf(stderr, "read of reg %d saw %ld, which nobody wrote\n", r->reg,
                            r->value);
                bad++;
                continue;
            }
            if (w && w->begin > r->end) {
                if (!quiet)
                    fprintf(stderr, "read of reg %d saw %ld from the future\n", r->reg, r->value);
                bad++;
            }
            for (int t2 = 0; t2 < LZ_THREADS; t2++)
                for (int i2 = 0; i2 < LZ_OPS; i2++) {
                    const lz_op *w2 = &lz_log[t2][i2];
                    if (!w2->write || !w2->ok || w2->reg != r->reg || w2 == w) continue;
                    if (w2->end < r->begin && (!w || w->end < w2->begin)) {
                        if (!quiet)
                            fprintf(stderr,
                                    "read of reg %d saw %ld, stale: %ld was acknowledged "
                                    "before the read began\n",
                                    r->reg, r->value, w2->value);
                        bad++;
                    }
                }
        }
    return bad;
}

static void test_linearizable_registers(void)
{
    PGconn *c = conn();
    CHECK_INT(PQstatus(c), CONNECTION_OK);
    CHECK(pt_pq_run(c, "CREATE TABLE reg (id int PRIMARY KEY, v int8 NOT NULL)", false));
    for (int r = 0; r < LZ_REGS; r++) {
        char sql[64];
        snprintf(sql, sizeof sql, "INSERT INTO reg VALUES (%d, 0)", r);
        CHECK(pt_pq_run(c, sql, false));
    }
    pthread_t th[LZ_THREADS];
    for (int t = 0; t < LZ_THREADS; t++)
        pthread_create(&th[t], NULL, lz_main, (void *)(intptr_t)t);
    for (int t = 0; t < LZ_THREADS; t++)
        pthread_join(th[t], NULL);
    long failed = 0, writes = 0;
    for (int t = 0; t < LZ_THREADS; t++)
        for (int i = 0; i < LZ_OPS; i++) {
            failed += !lz_log[t][i].ok;
            writes += lz_log[t][i].write;
        }
    CHECK_INT(failed, 0);
    CHECK(writes > 0);
    long reads = 0;
    CHECK_INT(lz_check(&reads, false), 0);
    CHECK(reads > 0);
    printf("linearizability: %ld reads checked against %ld writes\n", reads, writes);

    /* The checker itself must be able to fail: a read that returns an overwritten value
     * after the overwrite was acknowledged is caught. */
    const lz_op *w1 = NULL, *w2 = NULL;
    for (int t = 0; t < LZ_THREADS && !w2; t++)
        for (int i = 0; i < LZ_OPS && !w2; i++) {
            const lz_op *o = &lz_log[t][i];
            if (!o->write || o->reg != 0) continue;
            if (!w1)
                w1 = o;
            else if (o->begin > w1->end)
                w2 = o;
        }
    CHECK(w1 && w2);
    lz_op *victim = NULL; /* a read: no other operation depends on it */
    for (int t = 0; t < LZ_THREADS && !victim; t++)
        for (int i = 0; i < LZ_OPS && !victim; i++)
            if (!lz_log[t][i].write) victim = &lz_log[t][i];
    CHECK(victim != NULL);
    if (w1 && w2 && victim) {
        lz_op saved = *victim;
        *victim = (lz_op){false, 0, w1->value, w2->end + 1, w2->end + 2, true};
        CHECK(lz_check(&reads, true) > 0);
        *victim = saved;
        CHECK_INT(lz_check(&reads, false), 0);
    }
    PQfinish(c);
}

#endif
