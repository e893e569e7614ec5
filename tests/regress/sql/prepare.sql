-- PREPARE / EXECUTE / DEALLOCATE, parameter types given and inferred.
\set QUIET off
\set VERBOSITY verbose
CREATE TABLE pr_t (id int4 PRIMARY KEY, name text, price numeric(8,2), at date);
PREPARE pr_ins (int4, text, numeric, date) AS INSERT INTO pr_t VALUES ($1, $2, $3, $4);
EXECUTE pr_ins(1, 'apple', 1.5, '2024-01-02');
EXECUTE pr_ins(2, 'pear', 2.25, '2024-03-04');
EXECUTE pr_ins(3, NULL, NULL, NULL);
PREPARE pr_ins2 AS INSERT INTO pr_t VALUES ($1, $2, $3, $4) RETURNING id, name;
EXECUTE pr_ins2(4, 'plum', '3', '2024-05-06');
PREPARE pr_sel AS SELECT id, name, price FROM pr_t WHERE id = $1;
EXECUTE pr_sel(2);
EXECUTE pr_sel('1');
EXECUTE pr_sel(99);
PREPARE pr_range (int8) AS SELECT id FROM pr_t WHERE id > $1 ORDER BY id;
EXECUTE pr_range(1);
PREPARE pr_expr AS SELECT $1::int4 * 2 AS doubled, $2 || '!' AS shout;
EXECUTE pr_expr(21, 'hey');
PREPARE pr_upd AS UPDATE pr_t SET price = price + $2 WHERE id = $1;
EXECUTE pr_upd(1, 0.5);
EXECUTE pr_sel(1);
PREPARE pr_del AS DELETE FROM pr_t WHERE name = $1;
EXECUTE pr_del('plum');
SELECT count(*) FROM pr_t;
PREPARE pr_lim AS SELECT id FROM pr_t ORDER BY id LIMIT $1 OFFSET $2;
EXECUTE pr_lim(2, 1);
EXECUTE pr_lim(NULL, 0);
EXECUTE pr_lim(-1, 0);
EXECUTE pr_lim(1, -1);
-- errors
PREPARE pr_sel AS SELECT 1;
EXECUTE pr_nope(1);
EXECUTE pr_sel;
EXECUTE pr_sel(1, 2);
EXECUTE pr_sel('x');
EXECUTE pr_ins(1, 'dup', 1, '2024-01-01');
PREPARE pr_bad AS SELECT * FROM pr_missing WHERE id = $1;
PREPARE pr_bad2 AS SELEC 1;
DEALLOCATE pr_nope;
-- in a transaction block, and after a failure in it
BEGIN;
EXECUTE pr_ins(5, 'kiwi', 5, '2024-06-07');
EXECUTE pr_sel(5);
ROLLBACK;
EXECUTE pr_sel(5);
BEGIN;
EXECUTE pr_sel('y');
EXECUTE pr_sel(1);
ROLLBACK;
-- statements survive DDL on their table when the result keeps its shape
DROP TABLE pr_t;
EXECUTE pr_sel(1);
CREATE TABLE pr_t (id int4 PRIMARY KEY, name text, price numeric(8,2), at date);
INSERT INTO pr_t VALUES (1, 'again', 9, NULL);
EXECUTE pr_sel(1);
DEALLOCATE pr_sel;
EXECUTE pr_sel(1);
DEALLOCATE PREPARE pr_range;
DEALLOCATE ALL;
EXECUTE pr_expr(1, 'a');
PREPARE pr_again AS SELECT $1::text AS t;
DISCARD ALL;
EXECUTE pr_again('x');
DROP TABLE pr_t;
