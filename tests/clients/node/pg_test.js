'use strict';
// node-postgres (`pg`) client test: parameterized queries use the extended protocol
// (unnamed statements); the 100-run loop uses a named prepared statement.
const { Client } = require('pg');
const { step, COLUMNS, create, PARAMS, EXPECTED, OIDS, check, checkRow, checkNullRow, main } = require('./common');

const T = 'clients_node_pg';

async function body() {
  const c = new Client(); // PGHOST, PGPORT, PGUSER, PGDATABASE from run.sh
  await c.connect();
  step('create table');
  await c.query(`DROP TABLE IF EXISTS ${T}`);
  await c.query(create(T));

  step('insert with parameters');
  const ph = PARAMS.map((_, i) => `$${i + 1}`).join(', ');
  let r = await c.query(`INSERT INTO ${T} (${COLUMNS}) VALUES (${ph})`, PARAMS);
  check(r.rowCount === 1, `insert rowCount ${r.rowCount}`);
  r = await c.query(`INSERT INTO ${T} (${COLUMNS}) VALUES (${ph})`, [2, null, null, null, null, null, null, null, null, null]);
  check(r.rowCount === 1, `insert of NULLs rowCount ${r.rowCount}`);

  step('select with a bound WHERE');
  r = await c.query(`SELECT ${COLUMNS} FROM ${T} WHERE id = $1`, [1]);
  check(r.rows.length === 1, `select id=1: ${r.rows.length} rows`);
  const oids = r.fields.map((f) => f.dataTypeID);
  check(JSON.stringify(oids) === JSON.stringify(OIDS), `column type oids ${oids}, expected ${OIDS}`);
  checkRow(r.rows[0], EXPECTED, 'select id=1');
  r = await c.query(`SELECT ${COLUMNS} FROM ${T} WHERE id = $1`, [2]);
  check(r.rows.length === 1, `select id=2: ${r.rows.length} rows`);
  checkNullRow(r.rows[0], 'select id=2');

  step('syntax error');
  try {
    await c.query('SELEC 1');
    check(false, 'SELEC 1 did not raise');
  } catch (e) {
    if (e.name === 'Fail' || e.constructor.name === 'Fail') throw e;
    check(e.code === '42601', `syntax error SQLSTATE ${e.code}, expected 42601`);
  }
  step('syntax error (extended protocol)');
  // The same error through the extended protocol (parameters force Parse/Bind).
  try {
    await c.query('SELEC $1::int', [1]);
    check(false, 'SELEC $1 did not raise');
  } catch (e) {
    if (e.constructor.name === 'Fail') throw e;
    check(e.code === '42601', `extended syntax error SQLSTATE ${e.code}, expected 42601`);
  }
  step('query after the syntax error');
  r = await c.query('SELECT 40 + $1::int4 AS x', [2]);
  check(r.rows[0].x === 42, `connection unusable after the syntax error: ${JSON.stringify(r.rows)}`);

  step('100 parameterized queries (named statement)');
  for (let i = 0; i < 100; i++) {
    r = await c.query({ name: 'clients_loop', text: `SELECT id + $1 AS x FROM ${T} WHERE id = $2`, values: [i, 1] });
    check(r.rows.length === 1 && r.rows[0].x === 1 + i, `loop ${i}: got ${JSON.stringify(r.rows)}, expected x=${1 + i}`);
  }

  step('error in a transaction (25P02 until ROLLBACK)');
  await c.query('BEGIN');
  const states = [];
  await c.query('SELEC 1').catch((e) => states.push(e.code));
  await c.query('SELECT id FROM ' + T + ' WHERE id = $1', [1]).catch((e) => states.push(e.code));
  await c.query('ROLLBACK');
  check(JSON.stringify(states) === '["42601","25P02"]', `SQLSTATEs ${JSON.stringify(states)}, expected 42601 then 25P02`);
  r = await c.query('SELECT id FROM ' + T + ' WHERE id = $1', [1]);
  check(r.rows.length === 1 && r.rows[0].id === 1, 'query after ROLLBACK of a failed transaction');

  step('BEGIN/INSERT/ROLLBACK');
  await c.query('BEGIN');
  await c.query(`INSERT INTO ${T} (id, t) VALUES ($1, $2)`, [3, 'rolled back']);
  r = await c.query(`SELECT count(*)::int4 AS n FROM ${T} WHERE id = $1`, [3]);
  check(r.rows[0].n === 1, 'inserted row not visible inside its transaction');
  await c.query('ROLLBACK');
  r = await c.query(`SELECT count(*) AS n FROM ${T} WHERE id = $1`, [3]);
  check(r.rows[0].n === '0', `row still there after ROLLBACK (count ${JSON.stringify(r.rows[0].n)})`);
  r = await c.query(`SELECT count(*) AS n FROM ${T}`);
  check(r.rows[0].n === '2', `table has ${JSON.stringify(r.rows[0].n)} rows, expected 2`);
  step('close');
  await c.end();
}

main('node-pg', body);
