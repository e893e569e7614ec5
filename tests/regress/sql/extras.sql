-- Features pgpeek supports beyond the issue's minimum: their output must match
-- PostgreSQL's like everything else.
\set QUIET off
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ex_t (id int4 PRIMARY KEY, g text, v int4, d date);
INSERT INTO ex_t VALUES (1, 'a', 10, '2024-01-31'), (2, 'b', NULL, '2024-02-29'), (3, 'a', 30, NULL), (4, 'c', 10, '1999-12-31'), (5, NULL, 20, '2000-01-01');
-- DISTINCT and DISTINCT aggregates
SELECT DISTINCT g FROM ex_t ORDER BY g;
SELECT DISTINCT v FROM ex_t ORDER BY v NULLS FIRST;
SELECT DISTINCT g, v FROM ex_t ORDER BY g, v;
SELECT count(DISTINCT v), count(DISTINCT g), sum(DISTINCT v), avg(DISTINCT v) FROM ex_t;
-- FILTER
SELECT count(*) FILTER (WHERE v > 10), sum(v) FILTER (WHERE g = 'a'), max(id) FILTER (WHERE v IS NULL) FROM ex_t;
SELECT g, count(*) FILTER (WHERE v >= 20) FROM ex_t GROUP BY g ORDER BY g;
-- NULLIF, GREATEST, LEAST, IS [NOT] DISTINCT FROM, boolean tests
SELECT id, NULLIF(v, 10), GREATEST(v, 15, id), LEAST(v, id * 5), v IS DISTINCT FROM 10, v IS NOT DISTINCT FROM NULL FROM ex_t ORDER BY id;
SELECT NULLIF(1, 1), NULLIF('a', 'b'), GREATEST(1, 2.5, NULL), LEAST('b', 'a', 'c'), NULL IS DISTINCT FROM NULL, 1 IS DISTINCT FROM NULL;
SELECT true IS TRUE, NULL::bool IS UNKNOWN, false IS NOT FALSE, NULL::bool IS NOT TRUE, (1 > 2) IS FALSE;
-- ORDER BY expressions
SELECT id, v FROM ex_t ORDER BY v * -1 NULLS LAST, id;
SELECT id, g FROM ex_t ORDER BY COALESCE(g, 'zzz') DESC, id;
-- date arithmetic with integers
SELECT d, d + 1, d - 1, 1 + d FROM ex_t ORDER BY id;
SELECT '2024-02-28'::date + 1, '2024-03-01'::date - 1, '2023-12-31'::date + 366, '2024-01-01'::date - '2023-01-01'::date;
SELECT 'infinity'::date + 1;
SELECT '5874897-12-31'::date + 1;
-- current_setting
SELECT current_setting('DateStyle'), current_setting('application_name'), current_setting('TimeZone');
SELECT current_setting('no_such_setting');
-- UPDATE / DELETE ... RETURNING
UPDATE ex_t SET v = v + 1 WHERE g = 'a' RETURNING id, v;
UPDATE ex_t SET g = 'z' WHERE id = 999 RETURNING *;
DELETE FROM ex_t WHERE v IS NULL RETURNING *;
DELETE FROM ex_t WHERE id > 3 RETURNING id, g || '!' AS g2;
SELECT * FROM ex_t ORDER BY id;
-- INSERT ... SELECT
CREATE TABLE ex_copy (id int4 PRIMARY KEY, label text, n numeric(5, 1));
INSERT INTO ex_copy SELECT id, g, v FROM ex_t;
INSERT INTO ex_copy (id, label) SELECT id + 100, g || '+' FROM ex_t WHERE v > 10 RETURNING *;
INSERT INTO ex_copy SELECT id, g, v FROM ex_t WHERE id = 1;
INSERT INTO ex_copy SELECT 7, 'seven', 1.25;
INSERT INTO ex_copy (id, label) SELECT 8, 'eight' WHERE false;
SELECT * FROM ex_copy ORDER BY id;
-- CREATE TABLE AS and TRUNCATE
CREATE TABLE ex_ctas AS SELECT id, label FROM ex_copy WHERE id < 100;
SELECT * FROM ex_ctas ORDER BY id;
CREATE TABLE ex_ctas2 AS SELECT id * 2 AS twice, n, label || '!' AS shout FROM ex_copy;
SELECT * FROM ex_ctas2 ORDER BY twice;
CREATE TABLE ex_ctas AS SELECT 1;
TRUNCATE ex_ctas;
SELECT count(*) FROM ex_ctas;
TRUNCATE TABLE ex_ctas2;
SELECT * FROM ex_ctas2;
INSERT INTO ex_ctas VALUES (1, 'after truncate');
SELECT * FROM ex_ctas;
TRUNCATE ex_nosuch;
BEGIN;
INSERT INTO ex_copy VALUES (50, 'in tx', 5);
TRUNCATE ex_copy;
SELECT count(*) FROM ex_copy;
ROLLBACK;
SELECT count(*) FROM ex_copy;
DROP TABLE ex_ctas;
DROP TABLE ex_ctas2;
DROP TABLE ex_copy;
-- other spellings PostgreSQL accepts
CREATE TABLE ex_sp (a int4, b varchar, c text) WITH (fillfactor = 70);
CREATE UNLOGGED TABLE ex_sp2 (a int4);
INSERT INTO ex_sp VALUES (1, 'Apple', 'x'), (2, 'banana', 'y'), (2, 'APRICOT', 'z'), (3, 'cherry', NULL);
TABLE ex_sp2;
SELECT * FROM ONLY ex_sp ORDER BY a, b;
SELECT a, b FROM ex_sp ORDER BY a, b FETCH FIRST 2 ROWS ONLY;
SELECT a, b FROM ex_sp ORDER BY a, b OFFSET 1 ROWS FETCH NEXT 1 ROW ONLY;
SELECT b FROM ex_sp WHERE b ILIKE 'a%' ORDER BY b;
SELECT b FROM ex_sp WHERE b NOT ILIKE '%AN%' ORDER BY b;
DROP TABLE ex_sp;
DROP TABLE ex_sp2;
DROP TABLE ex_t;
