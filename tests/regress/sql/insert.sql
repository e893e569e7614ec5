-- INSERT (multi-row, column lists, DEFAULT, RETURNING, coercions), UPDATE and DELETE.
\set QUIET off
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ins_t (
  id int4 PRIMARY KEY,
  name text NOT NULL,
  qty int4 DEFAULT 10,
  price numeric(6, 2),
  tag varchar(3) DEFAULT 'abc'
);
INSERT INTO ins_t VALUES (1, 'one', 1, 1.00, 'x');
INSERT INTO ins_t VALUES (2, 'two', 2, 2.50, 'y'), (3, 'three', 3, 3.333, 'z'), (4, 'four', NULL, NULL, NULL);
\echo :ROW_COUNT
INSERT INTO ins_t (name, id) VALUES ('five', 5);
INSERT INTO ins_t (id, name, qty, tag) VALUES (6, 'six', DEFAULT, DEFAULT);
INSERT INTO ins_t VALUES (7, 'seven', DEFAULT, 7, DEFAULT), (8, 'eight', 80, DEFAULT, 'e');
SELECT * FROM ins_t ORDER BY id;
-- RETURNING
INSERT INTO ins_t VALUES (9, 'nine', 9, 9.99, 'n') RETURNING *;
INSERT INTO ins_t (id, name) VALUES (10, 'ten'), (11, 'eleven') RETURNING id, name, qty;
INSERT INTO ins_t (id, name) VALUES (12, 'twelve') RETURNING id * 2 AS double_id, name || '!' AS shout, qty + 1;
INSERT INTO ins_t (id, name) VALUES (13, 'thirteen') RETURNING tag, price;
-- coercion of literals and expressions to the column types
INSERT INTO ins_t (id, name, qty, price) VALUES ('14', 'fourteen', 14.6, 14);
INSERT INTO ins_t (id, name, qty, price) VALUES (15, 'fifteen', '15', '1.555');
INSERT INTO ins_t (id, name, qty) VALUES (16, 16, 2 + 3 * 4);
SELECT * FROM ins_t WHERE id >= 14 ORDER BY id;
-- errors: nothing is inserted by a failing statement, even a multi-row one
INSERT INTO ins_t VALUES (20, 'twenty'), (1, 'dup');
INSERT INTO ins_t VALUES (21, 'a'), (21, 'b');
INSERT INTO ins_t (id) VALUES (22);
INSERT INTO ins_t (id, name) VALUES (23, NULL);
INSERT INTO ins_t (id, name, tag) VALUES (24, 'long tag', 'abcd');
INSERT INTO ins_t (id, name, price) VALUES (25, 'too big', 10000);
INSERT INTO ins_t (id, name, qty) VALUES (26, 'overflow', 2147483648);
INSERT INTO ins_t (id, name, qty) VALUES (27, 'bad int', 'abc');
INSERT INTO ins_t (id, name) VALUES (28, 'a', 'extra');
INSERT INTO ins_t (id, name, qty) VALUES (29, 'short');
INSERT INTO ins_t (id, nosuch) VALUES (30, 1);
INSERT INTO ins_t (id, name, id) VALUES (31, 'dup col', 31);
INSERT INTO nosuch_t VALUES (1);
INSERT INTO ins_t VALUES (32, 'x'), (33);
SELECT count(*) FROM ins_t WHERE id >= 20;
-- explicit varchar casts truncate instead of failing
INSERT INTO ins_t (id, name, tag) VALUES (34, 'cast tag', 'abcdef'::varchar(3));
SELECT id, tag FROM ins_t WHERE id = 34;
-- UPDATE
UPDATE ins_t SET qty = qty + 100 WHERE id <= 3;
\echo :ROW_COUNT
SELECT id, qty FROM ins_t WHERE id <= 4 ORDER BY id;
UPDATE ins_t SET name = 'FOUR', qty = 4, price = NULL WHERE id = 4;
UPDATE ins_t SET price = price * 2 WHERE price IS NOT NULL AND id < 5;
UPDATE ins_t SET tag = DEFAULT WHERE id = 1;
UPDATE ins_t SET qty = 0 WHERE id = 999;
\echo :ROW_COUNT
SELECT * FROM ins_t WHERE id <= 4 ORDER BY id;
UPDATE ins_t SET id = 2 WHERE id = 1;
UPDATE ins_t SET name = NULL WHERE id = 1;
UPDATE ins_t SET tag = 'toolong' WHERE id = 1;
UPDATE ins_t SET nosuch = 1;
UPDATE ins_t SET qty = 'x' WHERE id = 1;
UPDATE ins_t SET qty = qty / 0 WHERE id = 2;
SELECT * FROM ins_t WHERE id <= 4 ORDER BY id;
-- a primary key may move to a free value
UPDATE ins_t SET id = 100 WHERE id = 1;
SELECT id, name FROM ins_t WHERE id IN (1, 100);
-- UPDATE without WHERE touches every row
UPDATE ins_t SET qty = 1;
\echo :ROW_COUNT
SELECT count(*), min(qty), max(qty) FROM ins_t;
-- DELETE
DELETE FROM ins_t WHERE id > 10;
\echo :ROW_COUNT
DELETE FROM ins_t WHERE name LIKE 't%' OR price IS NULL;
\echo :ROW_COUNT
SELECT id, name FROM ins_t ORDER BY id;
DELETE FROM ins_t WHERE id = 12345;
\echo :ROW_COUNT
DELETE FROM ins_t WHERE nosuch = 1;
-- a deleted key can be inserted again
DELETE FROM ins_t WHERE id = 100;
INSERT INTO ins_t (id, name) VALUES (100, 'back');
SELECT id, name FROM ins_t WHERE id = 100;
DELETE FROM ins_t;
\echo :ROW_COUNT
SELECT * FROM ins_t;
DROP TABLE ins_t;
