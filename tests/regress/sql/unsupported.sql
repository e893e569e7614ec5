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
BEGIN;
SAVEPOINT sp;
SELECT 1;
ROLLBACK;
COPY un_t TO STDOUT;
EXPLAIN SELECT * FROM un_t;
SELECT * FROM un_t ORDER BY id;
DROP TABLE un_t;
DROP TABLE un_u;
