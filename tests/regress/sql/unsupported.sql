-- Statements PostgreSQL accepts but pgpeek does not (yet): each must fail with
-- SQLSTATE 0A000 rather than give a wrong answer, and leave the session usable.
-- The expected output is hand-maintained (see DIFFERENCES.md); it is pgpeek's output,
-- checked by hand to be a clean 0A000 for every statement.
\set VERBOSITY verbose
CREATE TABLE un_t (id int4 PRIMARY KEY, v text);
CREATE TABLE un_u (id int4, w text);
INSERT INTO un_t VALUES (1, 'a'), (2, 'b');
INSERT INTO un_u VALUES (1, 'x');
SELECT * FROM un_t, un_u;
SELECT * FROM un_t JOIN un_u ON un_t.id = un_u.id;
SELECT * FROM un_t WHERE id IN (SELECT id FROM un_u);
SELECT (SELECT 1);
SELECT * FROM (SELECT 1) s;
SELECT 1 UNION SELECT 2;
WITH c AS (SELECT 1) SELECT * FROM c;
SELECT row_number() OVER () FROM un_t;
SELECT * FROM un_t FOR UPDATE;
CREATE VIEW un_v AS SELECT * FROM un_t;
ALTER TABLE un_t ADD COLUMN x int;
CREATE TABLE un_c (a int CHECK (a > 0));
CREATE TABLE un_f (a int REFERENCES un_t (id));
CREATE TABLE un_d (a timestamptz DEFAULT now());
CREATE TEMP TABLE un_tmp (a int);
INSERT INTO un_t VALUES (1, 'dup') ON CONFLICT DO NOTHING;
UPDATE un_t SET v = un_u.w FROM un_u WHERE un_t.id = un_u.id;
CREATE TABLE un_g (a int4 GENERATED ALWAYS AS IDENTITY);
CREATE TABLE un_s (a serial);
CREATE TABLE un_ch (a char(3));
CREATE TABLE un_arr (a int4[]);
CREATE TABLE un_col (a text COLLATE "C");
CREATE TABLE un_like (LIKE un_t);
UPDATE un_t SET (id, v) = (1, 'z') WHERE id = 99;
VALUES (1), (2);
SELECT id FROM un_t ORDER BY id FETCH FIRST 1 ROWS WITH TIES;
SELECT id FROM un_t ORDER BY id USING >;
SELECT v FROM un_t WHERE v SIMILAR TO 'a';
SELECT id FROM un_t GROUP BY ROLLUP (id);
SELECT count(*) FROM un_t WHERE id = ANY (ARRAY[1, 2]);
SELECT v FROM un_t WHERE v LIKE 'a!%' ESCAPE '!';
BEGIN;
SAVEPOINT sp;
SELECT 1;
ROLLBACK;
COPY un_t TO STDOUT;
EXPLAIN ANALYZE SELECT * FROM un_t;
SELECT * FROM un_t ORDER BY id;
DROP TABLE un_t;
DROP TABLE un_u;
