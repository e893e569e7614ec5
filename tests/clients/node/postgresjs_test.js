'use strict';
// postgres.js (`postgres`) client test: tagged-template queries run as named prepared
// statements through the extended protocol; at connect it reads array types from
// pg_type.
const postgres = require('postgres');
const { step, COLUMNS, PARAMS, EXPECTED, OIDS, check, checkRow, checkNullRow, main } = require('./common');

const T = 'clients_postgresjs';

async function body() {
  // Connection settings from PGHOST, PGPORT, PGUSER, PGDATABASE (run.sh).
  const sql = postgres({ max: 1, onnotice: () => {}, connect_timeout: 10 });
  step('create table');
  await sql.unsafe(`DROP TABLE IF EXISTS ${T}`);
  await sql`CREATE TABLE ${sql(T)} (id int4, big int8, t text, v varchar(20), f float8,
    n numeric, b bool, d date, ts timestamptz, by bytea)`;

  step('insert with parameters');
  const [id, big, t, v, f, n, b, d, ts, by] = PARAMS;
  let r = await sql`INSERT INTO ${sql(T)} (id, big, t, v, f, n, b, d, ts, by)
    VALUES (${id}, ${big}, ${t}, ${v}, ${f}, ${n}, ${b}, ${d}, ${ts}, ${by})`;
  check(r.count === 1, `insert count ${r.count}`);
  const nul = null;
  r = await sql`INSERT INTO ${sql(T)} (id, big, t, v, f, n, b, d, ts, by)
    VALUES (${2}, ${nul}, ${nul}, ${nul}, ${nul}, ${nul}, ${nul}, ${nul}, ${nul}, ${nul})`;
  check(r.count === 1, `insert of NULLs count ${r.count}`);

  step('select with a bound WHERE');
  r = await sql`SELECT id, big, t, v, f, n, b, d, ts, by FROM ${sql(T)} WHERE id = ${1}`;
  check(r.length === 1, `select id=1: ${r.length} rows`);
  const oids = r.columns.map((c) => c.type);
  check(JSON.stringify(oids) === JSON.stringify(OIDS), `column type oids ${oids}, expected ${OIDS}`);
  checkRow(r[0], EXPECTED, 'select id=1');
  r = await sql`SELECT id, big, t, v, f, n, b, d, ts, by FROM ${sql(T)} WHERE id = ${2}`;
  check(r.length === 1, `select id=2: ${r.length} rows`);
  checkNullRow(r[0], 'select id=2');

  step('syntax error');
  try {
    await sql`SELEC 1`;
    check(false, 'SELEC 1 did not raise');
  } catch (e) {
    if (e.constructor.name === 'Fail') throw e;
    check(e.code === '42601', `syntax error SQLSTATE ${e.code} (${e.message}), expected 42601`);
  }
  step('query after the syntax error');
  r = await sql`SELECT 40 + ${2}::int4 AS x`;
  check(r[0].x === 42, `connection unusable after the syntax error: ${JSON.stringify(r)}`);

  step('100 parameterized queries');
  for (let i = 0; i < 100; i++) {
    r = await sql`SELECT id + ${i} AS x FROM ${sql(T)} WHERE id = ${1}`;
    check(r.length === 1 && r[0].x === 1 + i, `loop ${i}: got ${JSON.stringify(r)}, expected x=${1 + i}`);
  }

  // sql.begin issues BEGIN, and ROLLBACK when the callback throws.
  step('pipelined queries (one connection, many in flight)');
  const many = await Promise.all(
    Array.from({ length: 20 }, (_, i) => sql`SELECT id + ${i} AS x FROM ${sql(T)} WHERE id = ${1}`));
  many.forEach((rows, i) => check(rows.length === 1 && rows[0].x === 1 + i, `pipelined query ${i}: ${JSON.stringify(rows)}`));

  step('cursor (Execute with a row limit, PortalSuspended)');
  await sql.begin(async (tx) => {
    for (let i = 10; i < 20; i++) await tx`INSERT INTO ${sql(T)} (id, t) VALUES (${i}, ${'cursor ' + i})`;
    let want = 10;
    let batches = 0;
    for await (const rows of tx`SELECT id, t FROM ${sql(T)} WHERE id >= ${10} ORDER BY id`.cursor(3)) {
      batches++;
      for (const r of rows) {
        check(r.id === want && r.t === 'cursor ' + want, `cursor row ${JSON.stringify(r)}, expected id ${want}`);
        want++;
      }
    }
    check(want === 20, `cursor: rows up to ${want - 1}, expected up to 19`);
    check(batches === 4, `cursor: ${batches} batches of at most 3 rows, expected 4`);
    throw new Error('roll back');
  }).catch((e) => check(e.message === 'roll back', `cursor transaction: ${e.message}`));
  r = await sql`SELECT count(*)::int4 AS n FROM ${sql(T)} WHERE id >= ${10}`;
  check(r[0].n === 0, `cursor rows still there after rollback (${r[0].n})`);

  step('error in a transaction (25P02 until ROLLBACK)');
  let states = [];
  await sql.begin(async (tx) => {
    await tx`SELEC 1`.catch((e) => states.push(e.code));
    await tx`SELECT 1 AS one`.catch((e) => states.push(e.code));
    throw new Error('roll back');
  }).catch((e) => check(e.message === 'roll back', `failed transaction: ${e.message}`));
  check(JSON.stringify(states) === '["42601","25P02"]', `SQLSTATEs ${JSON.stringify(states)}, expected 42601 then 25P02`);
  r = await sql`SELECT 1 AS one`;
  check(r[0].one === 1, 'query after ROLLBACK of a failed transaction');

  step('BEGIN/INSERT/ROLLBACK (sql.begin)');
  let inside = -1;
  try {
    await sql.begin(async (tx) => {
      await tx`INSERT INTO ${sql(T)} (id, t) VALUES (${3}, ${'rolled back'})`;
      inside = (await tx`SELECT count(*)::int4 AS n FROM ${sql(T)} WHERE id = ${3}`)[0].n;
      throw new Error('roll back');
    });
  } catch (e) {
    check(e.message === 'roll back', `transaction failed: ${e.message}`);
  }
  check(inside === 1, `inserted row not visible inside its transaction (count ${inside})`);
  r = await sql`SELECT count(*)::int4 AS n FROM ${sql(T)} WHERE id = ${3}`;
  check(r[0].n === 0, `row still there after ROLLBACK (count ${r[0].n})`);
  r = await sql`SELECT count(*)::int4 AS n FROM ${sql(T)}`;
  check(r[0].n === 2, `table has ${r[0].n} rows, expected 2`);
  step('close');
  await sql.end({ timeout: 5 });
}

main('postgresjs', body);
