-- Errors with their SQLSTATE (VERBOSITY verbose; psql's LOCATION lines are removed by
-- the runner because only PostgreSQL has source file positions).
\set VERBOSITY verbose
\set SHOW_CONTEXT never
CREATE TABLE er_t (id int4 PRIMARY KEY, name text UNIQUE, qty int2 NOT NULL, price numeric(5, 2), code varchar(2), day date);
INSERT INTO er_t VALUES (1, 'one', 1, 1.00, 'a', '2024-01-01');
-- 42601 syntax errors, with the position psql shows as a caret
SELEC 1;
SELECT 1 FROM;
SELECT * FROM er_t WHERE id = ;
INSERT INTO er_t VALUES (1,);
CREATE TABLE er_bad (a int,);
SELECT 1 2;
SELECT * FROM er_t ORDER id;
-- errors in statements spanning several lines: psql shows the right LINE n
SELECT id,
       name,
       qty
  FROM er_t
 WHERE qty >> ;
SELECT id,
       nosuch_column
  FROM er_t;
SELECT 1,
       'abc'::int4;
INSERT INTO er_t
  VALUES (10, 'ten', 10, 1.0, 'toolong');
SELECT id, name, qty, price, code, day, id, name, qty, price, code, day, id, name, qty, price, code, day FROM er_t WHERE nosuch > 0;
-- 42P01 / 42703 / 42883 / 42P07 / 42704: unknown or duplicate objects
SELECT * FROM er_nosuch;
SELECT zzz FROM er_t;
SELECT er_t.zzz FROM er_t;
SELECT zzz(1);
SELECT 'a'::text + 1;
SELECT -'abc'::text;
CREATE TABLE er_t (x int);
CREATE TABLE er_bad2 (x nosuchtype);
DROP TABLE er_nosuch;
UPDATE er_nosuch SET a = 1;
DELETE FROM er_nosuch;
-- 23505 / 23502: constraint violations
INSERT INTO er_t VALUES (1, 'uno', 1);
INSERT INTO er_t VALUES (2, 'one', 1);
INSERT INTO er_t (id, name) VALUES (3, 'three');
UPDATE er_t SET qty = NULL;
-- 22P02 / 22003 / 22012 / 22001 / 22008 / 22007: data exceptions
SELECT 'abc'::int4;
SELECT ''::int8;
SELECT '1.5x'::numeric;
SELECT 'x'::float8;
SELECT 'yes please'::bool;
SELECT 40000::int2;
SELECT 3000000000::int4;
SELECT 99999999999999999999::int8;
SELECT 2147483647 * 2;
SELECT (-9223372036854775807 - 1) * -1;
INSERT INTO er_t VALUES (4, 'four', 40000);
INSERT INTO er_t VALUES (5, 'five', 5, 1000);
SELECT 1 / 0;
SELECT 1 % 0;
SELECT 1.5 / 0;
SELECT 1::float8 / 0;
SELECT 1::int8 / 0::int8;
INSERT INTO er_t VALUES (6, 'six', 6, 6, 'abc');
SELECT '2024-02-30'::date;
SELECT '2024-01-01 25:00:00'::timestamp;
SELECT 'tomorrowish'::date;
SELECT 'garbage'::timestamptz;
SELECT '\xgg'::bytea;
SELECT 'Infinity'::numeric::int4;
SELECT 'NaN'::float8::int8;
-- 42804 / 42883: type errors in expressions
SELECT * FROM er_t WHERE 1;
SELECT * FROM er_t WHERE name;
SELECT CASE WHEN true THEN 1 ELSE 'x' END;
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END;
SELECT COALESCE(1, 'x'::text);
SELECT 1 IN ('a'::text);
SELECT true + 1;
SELECT 'a' LIKE 1;
SELECT 1 BETWEEN 'a'::text AND 'b'::text;
SELECT NOT 1;
SELECT 1 AND true;
INSERT INTO er_t (id, name, qty, day) VALUES (7, 'seven', 7, 7);
UPDATE er_t SET day = 1;
-- 42803: grouping errors
SELECT id, count(*) FROM er_t;
SELECT name FROM er_t GROUP BY id HAVING qty > 0;
SELECT * FROM er_t WHERE sum(qty) > 1;
SELECT max(count(*)) FROM er_t;
-- 42601 / 42P10: misuse of clauses
INSERT INTO er_t (id, name, qty) VALUES (8, 'eight');
INSERT INTO er_t (id) VALUES (9, 'nine');
SELECT id FROM er_t ORDER BY 2;
-- 25P02: statements in a failed transaction block
BEGIN;
SELECT 1 / 0;
SELECT 1;
ROLLBACK;
-- the table is unchanged by every failed statement above
SELECT * FROM er_t;
DROP TABLE er_t;
