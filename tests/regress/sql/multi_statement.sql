-- regress: psql-c
-- Every line below reaches the server as ONE Simple Query message (one psql -c each,
-- all in one session): several statements per string and PostgreSQL's implicit
-- transaction rules. Comment lines and blank lines are not sent.
\set VERBOSITY verbose
SELECT 1; SELECT 2
SELECT 1 AS a; SELECT 'two' AS b; SELECT 3.0 AS c
CREATE TABLE ms_t (id int4 PRIMARY KEY, v text); INSERT INTO ms_t VALUES (1, 'one'); SELECT * FROM ms_t
-- an error in the middle rolls back the whole implicit transaction, later statements are not run
INSERT INTO ms_t VALUES (2, 'two'); SELECT 1 / 0; INSERT INTO ms_t VALUES (3, 'three')
SELECT * FROM ms_t ORDER BY id
INSERT INTO ms_t VALUES (4, 'four'); INSERT INTO ms_t VALUES (1, 'dup')
SELECT * FROM ms_t ORDER BY id
-- results before the error are still shown
SELECT 'before'; SELECT nosuch; SELECT 'after'
SELECT 'unterminated
SELECT (1 + 2
-- a syntax error anywhere in the string rejects all of it
INSERT INTO ms_t VALUES (5, 'five'); SELEC 1
SELECT count(*) FROM ms_t
-- COMMIT inside the string commits what came before it
INSERT INTO ms_t VALUES (6, 'six'); COMMIT; INSERT INTO ms_t VALUES (7, 'seven'); SELECT 1 / 0
SELECT * FROM ms_t ORDER BY id
-- BEGIN inside the string opens an explicit block that outlives the message
INSERT INTO ms_t VALUES (8, 'eight'); BEGIN; INSERT INTO ms_t VALUES (9, 'nine')
SELECT * FROM ms_t ORDER BY id
ROLLBACK
SELECT * FROM ms_t ORDER BY id
BEGIN; INSERT INTO ms_t VALUES (10, 'ten'); COMMIT; SELECT count(*) FROM ms_t
-- an error inside an explicit block leaves the block aborted across messages
BEGIN; INSERT INTO ms_t VALUES (11, 'eleven'); SELECT 1 / 0; SELECT 'not run'
SELECT 1
ROLLBACK; SELECT count(*) FROM ms_t
-- ROLLBACK inside the string
INSERT INTO ms_t VALUES (12, 'twelve'); ROLLBACK; SELECT count(*) FROM ms_t
-- SET inside an implicit transaction that fails is undone
SET application_name = 'ms_app'; SELECT 1 / 0
SHOW application_name
SET application_name = 'ms_app2'; SELECT 1
SHOW application_name
-- empty statements
;
SELECT 1;;; SELECT 2;
-- UPDATE and DELETE together
UPDATE ms_t SET v = v || '+' WHERE id < 5; DELETE FROM ms_t WHERE id > 8; SELECT * FROM ms_t ORDER BY id
CREATE TABLE ms_ddl (a int4); INSERT INTO ms_ddl VALUES (1); SELECT 1 / 0
SELECT * FROM ms_ddl
DROP TABLE ms_t; CREATE TABLE ms_t (z text); SELECT 1 / 0
SELECT * FROM ms_t ORDER BY id
DROP TABLE ms_t; SELECT 'dropped'
