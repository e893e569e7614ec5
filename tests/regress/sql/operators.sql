-- Operators across types: result types (psql right-aligns numbers, left-aligns text),
-- mixed integer widths, float4/float8/numeric mixing, date/time comparisons, bytea.
\set VERBOSITY verbose
\pset null '(null)'
SELECT 1::int2 + 1::int2, 1::int2 + 1::int4, 1::int2 * 1::int8, 1::int4 - 1::int8, 7::int8 / 2::int2, 7::int2 % 4::int8;
SELECT 1::int4 + 1.5, 1::int8 * 1.5, 1::int4 + 1.5::float4, 1::int8 + 1.5::float8, 1.5::float4 + 1.5::float8, 1.1::float4 * 1, 0.1::float4 + 0.1::numeric;
SELECT 1.5::numeric + 1.5::float8, 1.5::numeric = 1.5::float8, 0.1::float4 = 0.1::float8, 0.1::float4 = 0.1, 1 = 1::int8, 1::int2 = 1.0;
SELECT 3 / 2.0::float4, 3::float4 / 2, -3 % 2, 3 % -2, -(3::int2), - 1.5::float4, -'Infinity'::float8, 2 * -0.0::float8;
SELECT 'abc'::text = 'abc'::varchar(3), 'abc'::varchar(5) < 'abd'::text, 'a'::varchar(2) || 'b'::varchar(2), 'x'::text || 1::int8 || 1.5::float4 || true || '2024-01-01'::date;
SELECT 'abc' || NULL::text, NULL::int4 || 'x', 'a' || ''::text || 'b';
SELECT 1 || 2;
SELECT '2024-01-01'::date = '2024-01-01 00:00:00'::timestamp, '2024-01-01'::date < '2024-01-01 00:00:01+00'::timestamptz, '2024-01-01 00:00:00'::timestamp = '2024-01-01 00:00:00+00'::timestamptz;
SELECT '2024-01-01'::date IN ('2024-01-01', '2024-01-02'), '2024-01-01 10:00'::timestamp BETWEEN '2024-01-01' AND '2024-01-02';
SELECT '\x01'::bytea = '\x01'::bytea, '\x01'::bytea < '\x0100'::bytea, '\xff'::bytea > '\x01ff'::bytea, '\x01'::bytea || '\x02'::bytea, 'ab'::bytea || 'cd'::bytea;
SELECT true = false, true <> false, true AND 't', NOT 'f'::bool, true IN (false, NULL), false < true;
SELECT 'NaN'::numeric = 'NaN'::numeric, 'NaN'::float8 <> 'NaN'::float8, 'NaN'::float8 IN (1, 'NaN'), 0::float8 = -0::float8, 'Infinity'::numeric = 'Infinity'::float8;
SELECT 1 < 2 AND 2 < 3 OR false, NOT true OR true, NOT (true OR true), true OR NULL AND false;
SELECT 2 + 3 * 4 - 5 / 2 % 3, (2 + 3) * (4 - 5), -2 * -3, 2 - -3, 10 / 3 * 3, 10 / (3 * 3), 1.5 * 2 / 3;
SELECT 5 BETWEEN 1 AND 10 = true, 1 + 1 IN (2, 3), 'a' || 'b' LIKE 'a%', NULL IS NULL = true, (1 IS NULL) IS NOT NULL;
CREATE TABLE op_t (a int2, b int8, c float4, d numeric(8, 3), e bytea, f date);
INSERT INTO op_t VALUES (1, 10, 1.5, 2.125, '\x0a', '2024-01-01'), (-2, -20, -0.5, -1.5, '\x', '1999-12-31'), (NULL, 30, NULL, 0.001, '\xff00', NULL);
SELECT a + b, a * c, c + d, d * b, a / 2, b % 7, -d FROM op_t ORDER BY b;
SELECT sum(a), sum(b), sum(c), sum(d), avg(a), avg(c), avg(d), max(f) FROM op_t;
SELECT e, f FROM op_t ORDER BY e;
SELECT e, f FROM op_t ORDER BY e DESC;
SELECT count(*) FROM op_t GROUP BY c = c ORDER BY 1;
DROP TABLE op_t;
CREATE TABLE op_g (f float8, n numeric);
INSERT INTO op_g VALUES (0, 1.0), (-0, 1.00), ('NaN', 'NaN'), ('NaN', 'NaN'), (1, 1), ('-0', 2);
SELECT count(*) FROM op_g GROUP BY f ORDER BY count(*) DESC, min(n);
SELECT count(*) FROM op_g GROUP BY n ORDER BY count(*) DESC, max(f);
SELECT count(DISTINCT f), count(DISTINCT n) FROM op_g;
SELECT f, n FROM op_g ORDER BY f DESC, n;
DROP TABLE op_g;
