-- Aggregates: count(*), count, sum, min, max, avg; GROUP BY; HAVING.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE ag_t (g text, h int4, i int4, b int8, s int2, f float8, r float4, n numeric, d date, t text);
INSERT INTO ag_t VALUES
  ('a', 1, 1, 10, 1, 1.5, 0.5, 1.10, '2024-01-03', 'x'),
  ('a', 1, 2, 20, 2, 2.5, 1.5, 2.20, '2024-01-01', 'y'),
  ('a', 2, 3, 30, 3, NULL, NULL, NULL, NULL, NULL),
  ('b', 1, 4, 9223372036854775807, 4, 0.1, 0.1, 0.333, '2023-12-31', 'z'),
  ('b', 2, NULL, 1, NULL, 0.2, 0.2, 0.667, '2025-06-30', 'abc'),
  (NULL, NULL, 5, 5, 5, -1e10, -1, -5, '1999-01-01', ''),
  (NULL, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
-- whole-table aggregates
SELECT count(*), count(i), count(g), count(f), count(t) FROM ag_t;
SELECT sum(i), sum(s), sum(n), min(i), max(i), min(n), max(n) FROM ag_t;
SELECT sum(b) FROM ag_t;
SELECT sum(f), sum(r), min(f), max(f), min(r), max(r) FROM ag_t;
SELECT avg(i), avg(s), avg(b), avg(n), avg(f), avg(r) FROM ag_t;
SELECT min(g), max(g), min(t), max(t), min(d), max(d) FROM ag_t;
SELECT count(*) AS c, sum(i) AS total, max(i) - min(i) AS spread, avg(i) * 2 AS avg2 FROM ag_t;
SELECT count(*), sum(i), avg(i), min(i), max(i) FROM ag_t WHERE i > 100;
SELECT count(*), sum(i) FROM ag_t WHERE i IS NULL;
SELECT count(1), count(NULL::int4), sum(1), avg(2) FROM ag_t;
-- GROUP BY
SELECT g, count(*), count(i), sum(i), min(i), max(i), avg(i) FROM ag_t GROUP BY g ORDER BY g;
SELECT g, h, count(*), sum(b) FROM ag_t GROUP BY g, h ORDER BY g, h;
SELECT h, count(*) FROM ag_t GROUP BY h ORDER BY h NULLS FIRST;
SELECT g, sum(f), avg(f), sum(n), avg(n) FROM ag_t GROUP BY g ORDER BY g;
SELECT g FROM ag_t GROUP BY g ORDER BY g;
SELECT g, count(*) FROM ag_t WHERE i > 1 GROUP BY g ORDER BY g;
SELECT g, count(*) FROM ag_t GROUP BY 1 ORDER BY 1;
SELECT count(*), g FROM ag_t GROUP BY g ORDER BY count(*) DESC, g;
SELECT g, max(t), min(d) FROM ag_t GROUP BY g ORDER BY g DESC;
-- HAVING
SELECT g, count(*) FROM ag_t GROUP BY g HAVING count(*) > 1 ORDER BY g;
SELECT g, sum(i) FROM ag_t GROUP BY g HAVING sum(i) >= 5 ORDER BY g;
SELECT g, avg(i) FROM ag_t GROUP BY g HAVING avg(i) < 3 AND g IS NOT NULL ORDER BY g;
SELECT g, count(*) FROM ag_t GROUP BY g HAVING max(i) IS NULL;
SELECT count(*) FROM ag_t HAVING count(*) > 100;
SELECT count(*) FROM ag_t HAVING count(*) > 1;
-- integer sums widen: int4 -> int8, int8 -> numeric
SELECT sum(b) FROM ag_t WHERE g = 'b';
CREATE TABLE ag_big (x int4, y int2);
INSERT INTO ag_big VALUES (2147483647, 32767), (2147483647, 32767), (1, 1);
SELECT sum(x), avg(x), sum(y), avg(y), min(x), max(y) FROM ag_big;
-- empty table
CREATE TABLE ag_empty (a int4, f float8, n numeric, t text);
SELECT count(*), count(a), sum(a), avg(a), min(a), max(a), sum(f), avg(n), min(t) FROM ag_empty;
SELECT a, count(*) FROM ag_empty GROUP BY a;
-- errors
SELECT g, i FROM ag_t GROUP BY g;
SELECT i, count(*) FROM ag_t;
SELECT count(*) FROM ag_t WHERE count(*) > 1;
SELECT sum(g) FROM ag_t;
SELECT avg(t) FROM ag_t;
SELECT count(*) FROM ag_t GROUP BY 9;
SELECT nosuch, count(*) FROM ag_t GROUP BY nosuch;
DROP TABLE ag_t;
DROP TABLE ag_big;
DROP TABLE ag_empty;
