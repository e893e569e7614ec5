-- ORDER BY (names, ordinals, ASC/DESC, NULLS FIRST/LAST), LIMIT and OFFSET.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ol_t (id int4, grp text, x int4, f float8, n numeric, d date);
INSERT INTO ol_t VALUES
  (1, 'b', 30, 1.5, 2.50, '2024-03-01'),
  (2, 'a', NULL, 'NaN', NULL, NULL),
  (3, 'c', 10, -0.5, -1, '2023-01-01'),
  (4, 'a', 20, 'Infinity', 10, '2024-03-01'),
  (5, NULL, 10, '-Infinity', 2.5, 'infinity'),
  (6, 'B', -5, 0, 0.001, '1999-12-31'),
  (7, 'a', NULL, NULL, 1e10, '-infinity'),
  (8, 'ab', 0, 1e-10, -0.001, '2000-01-01');
SELECT * FROM ol_t ORDER BY id;
SELECT * FROM ol_t ORDER BY id DESC;
SELECT id, x FROM ol_t ORDER BY x, id;
SELECT id, x FROM ol_t ORDER BY x ASC, id ASC;
SELECT id, x FROM ol_t ORDER BY x DESC, id;
SELECT id, x FROM ol_t ORDER BY x NULLS FIRST, id;
SELECT id, x FROM ol_t ORDER BY x ASC NULLS LAST, id DESC;
SELECT id, x FROM ol_t ORDER BY x DESC NULLS LAST, id;
SELECT id, x FROM ol_t ORDER BY x DESC NULLS FIRST, id;
SELECT id, grp FROM ol_t ORDER BY grp, id;
SELECT id, grp FROM ol_t ORDER BY grp DESC, id DESC;
SELECT id, f FROM ol_t ORDER BY f, id;
SELECT id, f FROM ol_t ORDER BY f DESC, id;
SELECT id, n FROM ol_t ORDER BY n, id;
SELECT id, d FROM ol_t ORDER BY d, id;
SELECT id, d FROM ol_t ORDER BY d DESC NULLS LAST, id;
-- ordinals and output names
SELECT grp, x, id FROM ol_t ORDER BY 1, 3;
SELECT grp, x, id FROM ol_t ORDER BY 2 DESC NULLS LAST, 3 DESC;
SELECT id AS k, x AS v FROM ol_t ORDER BY v, k;
SELECT id, x FROM ol_t ORDER BY grp, x, id;
SELECT id FROM ol_t ORDER BY x, id;
-- LIMIT / OFFSET
SELECT id FROM ol_t ORDER BY id LIMIT 3;
SELECT id FROM ol_t ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM ol_t ORDER BY id OFFSET 6;
SELECT id FROM ol_t ORDER BY id OFFSET 100;
SELECT id FROM ol_t ORDER BY id LIMIT 0;
SELECT id FROM ol_t ORDER BY id LIMIT 100;
SELECT id FROM ol_t ORDER BY id DESC LIMIT 2 OFFSET 1;
SELECT id, x FROM ol_t WHERE x IS NOT NULL ORDER BY x DESC, id LIMIT 3;
SELECT grp, count(*) FROM ol_t GROUP BY grp ORDER BY 2 DESC, 1 LIMIT 2;
SELECT id FROM ol_t ORDER BY id LIMIT ALL;
SELECT id FROM ol_t ORDER BY id LIMIT NULL;
SELECT id FROM ol_t ORDER BY id OFFSET 0 LIMIT 1;
SELECT count(*) FROM ol_t LIMIT 1;
-- errors
SELECT id FROM ol_t ORDER BY 5;
SELECT id FROM ol_t ORDER BY 0;
SELECT id FROM ol_t ORDER BY nosuch;
SELECT id FROM ol_t LIMIT -1;
SELECT id FROM ol_t OFFSET -1;
SELECT id FROM ol_t LIMIT 'x';
DROP TABLE ol_t;
