-- SELECT with * and expressions: arithmetic, comparison, logic, IS NULL, IN, BETWEEN,
-- LIKE, ||, casts, CASE, COALESCE, WHERE.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE se_t (id int4, a int4, b int8, f float8, n numeric, s text, v varchar(10), ok bool);
INSERT INTO se_t VALUES
  (1, 10, 100, 1.5, 1.25, 'apple', 'red', true),
  (2, -3, 0, -0.25, 10.005, 'banana', 'yellow', false),
  (3, 0, -7, 0, 0, 'cherry', 'red', NULL),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, 7, 9223372036854775807, 1e10, -99.5, 'A_B%C', 'green', true);
SELECT * FROM se_t ORDER BY id;
SELECT id, s FROM se_t ORDER BY id;
SELECT s, id, s FROM se_t ORDER BY id;
-- arithmetic
SELECT id, a + 1, a - 1, a * 2, a / 2, a % 3, -a, +a FROM se_t ORDER BY id;
SELECT id, b + a, b * 0, f * 2, f / 4, n + 1, n * a, n / 4 FROM se_t WHERE id < 5 ORDER BY id;
SELECT 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7.0 / 2, 1 / 3.0, 2 + 3 * 4, (2 + 3) * 4, 10 - 2 - 3;
SELECT 1 + 1.5, 2 * 0.5, 1.5 + 1.5::float8, 3 / 2::float8, 5 % 2.5;
SELECT 2147483647 + 0, 9223372036854775807 - 1, (-32768)::int2 * 1::int2;
SELECT 2147483647 + 1;
SELECT 9223372036854775807 + 1;
SELECT 32767::int2 + 1::int2;
SELECT 1 / 0;
SELECT 1.0 / 0;
SELECT 5 % 0;
SELECT 1.0::float8 / 0;
SELECT a / 0 FROM se_t WHERE id = 4;
-- comparison and logic
SELECT id, a > 0, a < 0, a = 0, a <> 0, a != 0, a >= 7, a <= -3 FROM se_t ORDER BY id;
SELECT id, s < 'b', s > 'B', s = 'apple', v >= 'red' FROM se_t ORDER BY id;
SELECT 1 < 2, 2 <= 1.5, 1.5 = 1.50, 1 = 1.0::float8, 'a' < 'b', 'Z' < 'a', true > false;
SELECT id, ok, NOT ok, ok AND a > 0, ok OR a > 0 FROM se_t ORDER BY id;
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::bool, NULL = NULL;
SELECT * FROM se_t WHERE a > 0 AND (s = 'apple' OR ok IS NULL) ORDER BY id;
SELECT * FROM se_t WHERE NOT (a > 0) ORDER BY id;
SELECT id FROM se_t WHERE ok ORDER BY id;
SELECT id FROM se_t WHERE NOT ok ORDER BY id;
-- IS [NOT] NULL
SELECT id, a IS NULL, a IS NOT NULL, s IS NULL, ok IS NOT NULL FROM se_t ORDER BY id;
SELECT id FROM se_t WHERE f IS NULL;
SELECT id FROM se_t WHERE ok IS NOT NULL ORDER BY id;
SELECT NULL IS NULL, 1 IS NULL, NULL IS NOT NULL;
-- IN / NOT IN
SELECT id FROM se_t WHERE id IN (1, 3, 5, 7) ORDER BY id;
SELECT id FROM se_t WHERE s IN ('apple', 'cherry') ORDER BY id;
SELECT id FROM se_t WHERE a NOT IN (10, 7) ORDER BY id;
SELECT id, a IN (10, NULL), a NOT IN (10, NULL) FROM se_t ORDER BY id;
SELECT 1 IN (1, 2), 3 IN (1, 2), 1.5 IN (1, 1.5), 'x' IN ('y', 'z');
-- BETWEEN
SELECT id FROM se_t WHERE a BETWEEN 0 AND 10 ORDER BY id;
SELECT id FROM se_t WHERE a NOT BETWEEN 0 AND 10 ORDER BY id;
SELECT id FROM se_t WHERE s BETWEEN 'b' AND 'cherry' ORDER BY id;
SELECT 5 BETWEEN 10 AND 1, 5 BETWEEN 1 AND 10, NULL BETWEEN 1 AND 2;
-- LIKE
SELECT id, s FROM se_t WHERE s LIKE 'a%' ORDER BY id;
SELECT id, s FROM se_t WHERE s LIKE '%an%' ORDER BY id;
SELECT id, s FROM se_t WHERE s LIKE '_____' ORDER BY id;
SELECT id, s FROM se_t WHERE s NOT LIKE '%e%' ORDER BY id;
SELECT id, s FROM se_t WHERE s LIKE 'A\_B\%C' ORDER BY id;
SELECT id, v LIKE 'r%' FROM se_t ORDER BY id;
SELECT 'abc' LIKE 'abc', 'abc' LIKE 'ABC', 'abc' LIKE 'a%c', 'abc' LIKE '_b_', 'ab' LIKE 'a_c', '' LIKE '%', 'a%' LIKE 'a\%';
-- concatenation
SELECT id, s || '-' || v, s || NULL, 'id=' || id, id || '' FROM se_t ORDER BY id;
SELECT 'a' || 'b' || 'c', 'x' || 1 || 2.5, 'abc'::varchar(5) || 'de';
-- casts
SELECT 42::text, '42'::int4, '  42  '::int8, CAST('7' AS int2), CAST(3.7 AS int4), 2.5::int4, -2.5::int4, 3.5::float8::int4, 2.5::float8::int8;
SELECT '1.5'::numeric, '1e3'::float8, 1e3::int4, '12.345'::numeric(4, 1), 'abcdef'::varchar(3), 7::numeric(5, 2), 1::bool, 0::bool, true::int4;
SELECT 't'::bool, 'yes'::bool, 'off'::bool, 'TRUE'::bool, '0'::bool, true::text, 1.5::text, 1.5::float8::text, '2024-03-01'::date::text;
SELECT id, a::text, f::int8, n::int8, s::varchar(3), ok::text FROM se_t ORDER BY id;
SELECT CAST(a AS float8) / 4 FROM se_t WHERE id = 1;
SELECT 'abc'::int4;
SELECT '3.7'::int4;
SELECT 'maybe'::bool;
SELECT 70000::int2;
SELECT '1e400'::float8;
-- CASE
SELECT id, CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero or null' END FROM se_t ORDER BY id;
SELECT id, CASE a WHEN 10 THEN 'ten' WHEN 7 THEN 'seven' END FROM se_t ORDER BY id;
SELECT id, CASE WHEN ok THEN 1 ELSE 0 END AS okint, CASE WHEN a IS NULL THEN -1 ELSE a * 10 END AS ax FROM se_t ORDER BY id;
SELECT CASE WHEN 1 = 1 THEN 1.5 ELSE 2 END, CASE WHEN false THEN 'x' END, CASE 1 WHEN 2 THEN 'a' ELSE 'b' END;
-- COALESCE
SELECT id, COALESCE(a, -1), COALESCE(s, v, 'none'), COALESCE(NULL, n, 0) FROM se_t ORDER BY id;
SELECT COALESCE(NULL, NULL, 3), COALESCE(1, 2), COALESCE(NULL::text, 'x'), COALESCE(1, 2.5);
-- column aliases and expression names
SELECT id AS ident, a + b AS total, s AS "Mixed Case", a "bare alias" FROM se_t WHERE id = 1;
SELECT id, id + 0, -id, (id), COALESCE(id, 0), CASE WHEN true THEN id END, id::text FROM se_t WHERE id = 2;
SELECT se_t.id, se_t.s FROM se_t WHERE se_t.id = 3;
-- WHERE with constants and no matching rows
SELECT * FROM se_t WHERE false;
SELECT * FROM se_t WHERE 1 = 1 AND id = 2;
SELECT * FROM se_t WHERE NULL;
DROP TABLE se_t;
