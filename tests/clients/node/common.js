'use strict';
// Expected values and check helpers shared by the node client tests.

const COLUMNS = 'id, big, t, v, f, n, b, d, ts, by';
const NAMES = COLUMNS.split(', ');
const create = (t) =>
  `CREATE TABLE ${t} (id int4, big int8, t text, v varchar(20), f float8, ` +
  'n numeric, b bool, d date, ts timestamptz, by bytea)';

// Parameters as sent; int8 and numeric as strings (exact), bytea as a Buffer.
const PARAMS = [
  1,
  '9007199254740993', // 2^53 + 1: lost if anything goes through a double
  "it's héllo",
  'abc',
  2.718281828459045,
  '12345678901234567890.123456789',
  true,
  '2024-02-29',
  '2024-02-29 12:34:56.789012+00',
  Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x27, 0x5c]),
];
// What both node drivers return by default, per column: [type, check, expected text].
// int8 and numeric come back as strings, date and timestamptz as Date (parsed in local
// time: run.sh sets TZ=UTC; Date keeps milliseconds only).
const EXPECTED = {
  id: ['number', (v) => v === 1, '1'],
  big: ['string', (v) => v === '9007199254740993', "'9007199254740993'"],
  t: ['string', (v) => v === "it's héllo", "it's héllo"],
  v: ['string', (v) => v === 'abc', 'abc'],
  f: ['number', (v) => v === 2.718281828459045, '2.718281828459045'],
  n: ['string', (v) => v === '12345678901234567890.123456789', '12345678901234567890.123456789'],
  b: ['boolean', (v) => v === true, 'true'],
  d: [Date, (v) => v.getTime() === Date.UTC(2024, 1, 29), '2024-02-29T00:00:00.000Z'],
  ts: [Date, (v) => v.toISOString() === '2024-02-29T12:34:56.789Z', '2024-02-29T12:34:56.789Z'],
  by: [Buffer, (v) => v.equals(PARAMS[9]), PARAMS[9].toString('hex')],
};
// Type OIDs of the result columns.
const OIDS = [23, 20, 25, 1043, 701, 1700, 16, 1082, 1184, 17];

class Fail extends Error {}
// The step under way, named in the failure message.
let STEP = 'connect';
function step(name) {
  STEP = name;
}
function check(cond, what) {
  if (!cond) throw new Fail(what);
}

// expected: name -> [typeof-or-class, predicate(value), description]
function checkRow(row, expected, prefix) {
  check(row, `${prefix}: no row`);
  for (const name of NAMES) {
    const [kind, ok, desc] = expected[name];
    const v = row[name];
    const typeOk = typeof kind === 'string' ? typeof v === kind : v instanceof kind;
    check(typeOk, `${prefix}: column ${name}: ${JSON.stringify(v)} (${typeof v}) is not ${typeof kind === 'string' ? kind : kind.name}`);
    check(ok(v), `${prefix}: column ${name}: got ${v instanceof Date ? v.toISOString() : JSON.stringify(v)}, expected ${desc}`);
  }
}

function checkNullRow(row, prefix) {
  check(row, `${prefix}: no row`);
  check(row.id === 2, `${prefix}: id ${JSON.stringify(row.id)}, expected 2`);
  for (const name of NAMES.slice(1)) {
    check(row[name] === null, `${prefix}: column ${name}: got ${JSON.stringify(row[name])}, expected NULL`);
  }
}

async function main(name, body) {
  try {
    await body();
  } catch (e) {
    const what = e instanceof Fail ? e.message : `unexpected ${e.name}: ${e.message} (code ${e.code})`;
    console.error(`${name}: FAIL: step '${STEP}': ${what}`);
    process.exit(1);
  }
  console.log(`${name}: all checks passed`);
  process.exit(0);
}

module.exports = {
  step, COLUMNS, NAMES, create, PARAMS, EXPECTED, OIDS, check, checkRow, checkNullRow, main,
};
