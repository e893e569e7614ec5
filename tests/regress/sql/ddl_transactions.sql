-- DDL inside transaction blocks: PostgreSQL's DDL is transactional.
\set QUIET off
\set VERBOSITY verbose
BEGIN;
CREATE TABLE dt_a (id int4 PRIMARY KEY, v text);
INSERT INTO dt_a VALUES (1, 'one');
SELECT * FROM dt_a;
ROLLBACK;
SELECT * FROM dt_a;
BEGIN;
CREATE TABLE dt_a (id int4 PRIMARY KEY, v text);
INSERT INTO dt_a VALUES (1, 'one'), (2, 'two');
COMMIT;
SELECT * FROM dt_a ORDER BY id;
-- a dropped table comes back, with its rows, when the drop is rolled back
BEGIN;
DROP TABLE dt_a;
SELECT * FROM dt_a;
ROLLBACK;
SELECT * FROM dt_a ORDER BY id;
-- drop and re-create under the same name in one block
BEGIN;
DROP TABLE dt_a;
CREATE TABLE dt_a (x text);
INSERT INTO dt_a VALUES ('new shape');
SELECT * FROM dt_a;
ROLLBACK;
SELECT * FROM dt_a ORDER BY id;
BEGIN;
DROP TABLE dt_a;
CREATE TABLE dt_a (x text);
INSERT INTO dt_a VALUES ('new shape');
COMMIT;
SELECT * FROM dt_a;
-- DDL after an error in the block is refused; the block rolls back
BEGIN;
CREATE TABLE dt_b (a int4);
SELECT 1 / 0;
CREATE TABLE dt_c (a int4);
COMMIT;
SELECT * FROM dt_b;
SELECT * FROM dt_c;
-- IF EXISTS / IF NOT EXISTS inside blocks
BEGIN;
CREATE TABLE IF NOT EXISTS dt_a (y int4);
DROP TABLE IF EXISTS dt_nosuch;
CREATE TABLE dt_d (a int4 UNIQUE);
INSERT INTO dt_d VALUES (1);
INSERT INTO dt_d VALUES (1);
ROLLBACK;
SELECT * FROM dt_d;
DROP TABLE dt_a;
