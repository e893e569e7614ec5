-- Index lookups: equality on a prefix of an index's columns and ranges on the next one
-- give the same rows as a scan (EXPLAIN's shape is checked in tests/unit/test_adp_index.c:
-- PostgreSQL picks its path by cost).
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ix_t (id int PRIMARY KEY, grp int, name text, score float8, born date);
INSERT INTO ix_t VALUES
  (1, 1, 'ann', 1.5, '2001-01-01'),
  (2, 1, 'bob', 'NaN', '1999-12-31'),
  (3, 2, NULL, -0.0, NULL),
  (4, NULL, 'cat', 0, '2020-02-29'),
  (5, 2, 'ann', 'Infinity', '2001-01-01'),
  (6, 3, '', '-Infinity', 'infinity'),
  (7, 1, 'dan', NULL, '-infinity'),
  (8, 2, 'bob', 2.5, '2010-06-15');
CREATE INDEX ix_t_grp_name ON ix_t (grp, name);
CREATE INDEX ix_t_score ON ix_t (score);
CREATE UNIQUE INDEX ix_t_born_id ON ix_t (born, id);
SELECT * FROM ix_t WHERE id = 3;
SELECT * FROM ix_t WHERE id BETWEEN 2 AND 5 ORDER BY id;
SELECT id FROM ix_t WHERE id > 6 ORDER BY id;
SELECT id FROM ix_t WHERE 6 >= id AND id > 4 ORDER BY id;
SELECT id, name FROM ix_t WHERE grp = 1 ORDER BY id;
SELECT id, name FROM ix_t WHERE grp = 2 AND name = 'bob';
SELECT id, name FROM ix_t WHERE grp = 2 AND name >= 'ann' ORDER BY id;
SELECT id, name FROM ix_t WHERE grp = 2 AND name < 'b' ORDER BY id;
SELECT id FROM ix_t WHERE grp >= 2 ORDER BY id;
SELECT id FROM ix_t WHERE grp IS NULL;
SELECT id FROM ix_t WHERE grp = NULL;
SELECT id FROM ix_t WHERE name = '' AND grp = 3;
SELECT id, score FROM ix_t WHERE score > 1 ORDER BY id;
SELECT id, score FROM ix_t WHERE score = 0 ORDER BY id;
SELECT id, score FROM ix_t WHERE score <= 'NaN' ORDER BY id;
SELECT id, score FROM ix_t WHERE score < 0 ORDER BY id;
SELECT id FROM ix_t WHERE born = '2001-01-01' ORDER BY id;
SELECT id FROM ix_t WHERE born = '2001-01-01' AND id > 1;
SELECT id FROM ix_t WHERE born > '2005-01-01' ORDER BY id;
SELECT id FROM ix_t WHERE born BETWEEN '-infinity' AND '2001-01-01' ORDER BY id;
SELECT count(*), sum(id) FROM ix_t WHERE grp BETWEEN 1 AND 2;
SELECT id FROM ix_t WHERE id IN (3, 1, NULL, 3, 99) ORDER BY id;
SELECT id, name FROM ix_t WHERE grp IN (1, 2) AND name IN ('ann', 'bob') ORDER BY id;
SELECT id FROM ix_t WHERE grp IN (NULL);
SELECT id FROM ix_t WHERE grp NOT IN (1, 2) ORDER BY id;
SELECT grp, count(*) FROM ix_t WHERE grp > 0 GROUP BY grp ORDER BY grp;
SELECT id FROM ix_t WHERE grp = 1 ORDER BY name DESC LIMIT 2;
-- writes through the index
UPDATE ix_t SET grp = 9 WHERE grp = 1 AND name > 'b' RETURNING id, grp;
DELETE FROM ix_t WHERE score > 2 RETURNING id;
SELECT id, grp FROM ix_t WHERE grp = 9 ORDER BY id;
SELECT id FROM ix_t WHERE score > 2;
-- keys that move inside a transaction, and a rollback
BEGIN;
UPDATE ix_t SET id = id + 100 WHERE id < 3;
SELECT id FROM ix_t WHERE id > 100 ORDER BY id;
SELECT id FROM ix_t WHERE id < 3;
ROLLBACK;
SELECT id FROM ix_t WHERE id < 3 ORDER BY id;
SELECT id FROM ix_t WHERE id > 100;
-- a duplicate through a unique index still fails
INSERT INTO ix_t VALUES (20, 1, 'x', 1, '2001-01-01'), (21, 1, 'x', 1, '2001-01-01');
INSERT INTO ix_t VALUES (20, 1, 'x', 1, '2001-01-01');
SELECT id FROM ix_t WHERE born = '2001-01-01' AND id >= 5 ORDER BY id;
-- an index created over existing rows, and a dropped one
CREATE INDEX ix_t_name ON ix_t (name);
SELECT id FROM ix_t WHERE name BETWEEN 'ann' AND 'bob' ORDER BY id;
DROP INDEX ix_t_name;
SELECT id FROM ix_t WHERE name BETWEEN 'ann' AND 'bob' ORDER BY id;
-- a parameter as the key
PREPARE ix_q(int, text) AS SELECT id FROM ix_t WHERE grp = $1 AND name >= $2 ORDER BY id;
EXECUTE ix_q(2, 'a');
EXECUTE ix_q(2, NULL);
DEALLOCATE ix_q;
-- columns of other widths than the value compared with
CREATE TABLE ix_w (s smallint, v varchar(8), f real, b bigint);
INSERT INTO ix_w VALUES (1, 'a', 1.5, 5000000000), (2, 'ab', 0.1, -1), (3, NULL, 'NaN', 7),
  (NULL, 'b', NULL, NULL), (2, 'b', 2.25, 7);
CREATE INDEX ix_w_s ON ix_w (s, v);
CREATE INDEX ix_w_f ON ix_w (f);
CREATE INDEX ix_w_b ON ix_w (b);
SELECT * FROM ix_w WHERE s = 2 ORDER BY v;
SELECT * FROM ix_w WHERE s = 2 AND v >= 'ab'::text ORDER BY v;
SELECT * FROM ix_w WHERE s < 100000 ORDER BY s, v;
SELECT * FROM ix_w WHERE v = 'b' ORDER BY s;
SELECT * FROM ix_w WHERE f > 1 ORDER BY f;
SELECT * FROM ix_w WHERE f = 0.1;
SELECT * FROM ix_w WHERE f = 0.1::real;
SELECT * FROM ix_w WHERE b > 6 ORDER BY b, s;
SELECT * FROM ix_w WHERE b = 7 AND s > 2;
DROP TABLE ix_w;
TRUNCATE ix_t;
SELECT * FROM ix_t WHERE id > 0;
DROP TABLE ix_t;
