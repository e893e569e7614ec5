-- CREATE TABLE / DROP TABLE: every column type, constraints, defaults, IF [NOT] EXISTS.
\set QUIET off
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ct_all (
  c_bool bool,
  c_int2 int2,
  c_int4 int4,
  c_int8 int8,
  c_float4 float4,
  c_float8 float8,
  c_numeric numeric,
  c_numeric_ps numeric(10, 2),
  c_text text,
  c_varchar varchar(5),
  c_bytea bytea,
  c_date date,
  c_timestamp timestamp,
  c_timestamptz timestamptz
);
SELECT * FROM ct_all;
INSERT INTO ct_all VALUES (true, 1, 2, 3, 4.5, 6.25, 7.125, 8.5, 'nine', 'ten', '\x0b', '2024-01-12', '2024-01-13 14:15:16', '2024-01-14 15:16:17+00');
INSERT INTO ct_all (c_bool) VALUES (NULL);
SELECT * FROM ct_all ORDER BY c_int4;
-- the same types spelled with their SQL-standard names
CREATE TABLE ct_std (
  a boolean,
  b smallint,
  c integer,
  d bigint,
  e real,
  f double precision,
  g decimal(6, 3),
  h character varying(4),
  i timestamp without time zone,
  j timestamp with time zone,
  k int
);
INSERT INTO ct_std VALUES (false, -1, -2, -3, -4.5, -6.25, -7.125, 'abcd', '2000-01-01 00:00:00', '2000-01-01 00:00:00+00', 11);
SELECT * FROM ct_std;
-- IF NOT EXISTS on an existing table: a notice, no error
CREATE TABLE IF NOT EXISTS ct_std (x int);
CREATE TABLE ct_std (x int);
CREATE TABLE IF NOT EXISTS ct_new (x int);
SELECT * FROM ct_new;
-- constraints and defaults
CREATE TABLE ct_cons (
  id int4 PRIMARY KEY,
  code text UNIQUE,
  name varchar(10) NOT NULL,
  qty int8 NOT NULL DEFAULT 0,
  price numeric(8, 2) DEFAULT 9.99,
  flag bool DEFAULT true,
  note text DEFAULT 'none',
  made date DEFAULT '2020-02-02',
  f8 float8 DEFAULT -1.5,
  nothing text DEFAULT NULL
);
INSERT INTO ct_cons (id, code, name) VALUES (1, 'a', 'first');
INSERT INTO ct_cons (id, name) VALUES (2, 'second');
INSERT INTO ct_cons (id, code, name, qty, price, flag, note) VALUES (3, 'c', 'third', 7, 1.005, false, NULL);
SELECT * FROM ct_cons ORDER BY id;
INSERT INTO ct_cons (id, name) VALUES (1, 'dup pk');
INSERT INTO ct_cons (id, code, name) VALUES (4, 'a', 'dup code');
INSERT INTO ct_cons (id, code) VALUES (5, 'e');
INSERT INTO ct_cons (code, name) VALUES ('f', 'no pk');
-- UNIQUE allows several NULLs
INSERT INTO ct_cons (id, code, name) VALUES (6, NULL, 'null code');
INSERT INTO ct_cons (id, code, name) VALUES (7, NULL, 'nullcode2');
SELECT id, code, name FROM ct_cons ORDER BY id;
-- table-level constraints
CREATE TABLE ct_tbl (
  a int4,
  b text,
  c int4,
  PRIMARY KEY (a),
  UNIQUE (b, c)
);
INSERT INTO ct_tbl VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 1);
INSERT INTO ct_tbl VALUES (4, 'x', 1);
INSERT INTO ct_tbl VALUES (1, 'z', 9);
INSERT INTO ct_tbl VALUES (NULL, 'z', 9);
SELECT * FROM ct_tbl ORDER BY a;
-- a second primary key is an error
CREATE TABLE ct_twopk (a int PRIMARY KEY, b int PRIMARY KEY);
-- duplicate column names
CREATE TABLE ct_dupcol (a int, a text);
-- unknown type
CREATE TABLE ct_badtype (a nosuchtype);
-- DROP TABLE
DROP TABLE ct_new;
SELECT * FROM ct_new;
DROP TABLE ct_new;
DROP TABLE IF EXISTS ct_new;
DROP TABLE IF EXISTS ct_tbl;
-- a dropped table's name can be reused
CREATE TABLE ct_tbl (z text);
INSERT INTO ct_tbl VALUES ('again');
SELECT * FROM ct_tbl;
DROP TABLE ct_tbl;
DROP TABLE ct_cons;
DROP TABLE ct_all;
DROP TABLE ct_std;
