-- Type resolution per construct: || converts a non-text operand as a cast to text does;
-- CASE, COALESCE, GREATEST, LEAST and IN lists pick one common type as PostgreSQL's
-- select_common_type does (int and real give real), not as the = operator would.
\set VERBOSITY verbose
\pset null '(null)'
SELECT 'a' || true, 'x' || 1, 1 || 'x', 'a' || false, true || 'a'::varchar;
SELECT 'x' || 1.50, 'x' || 1e300::float8, 'x' || 0.1::float4, 'x' || '2024-01-01'::date, 'x' || '2024-01-01 10:00+00'::timestamptz;
SELECT null || 1, 'x'::varchar(2) || 5, 'a' || 'b', 1 || null;
SELECT '\x01'::bytea || '\x02'::bytea, 'a' || '\x01'::bytea, 'a'::text || '\x01'::bytea;
SELECT 1 || 2;
SELECT true || false;
SELECT coalesce(0.1::real, 1), coalesce(1, 0.1::real), CASE WHEN false THEN 1 ELSE 0.1::real END, greatest(0.1::real, 0), least(1, 0.1::real, 2::int8);
SELECT coalesce(1, 2.5), coalesce(1::int8, 2::int2), coalesce('2024-01-01'::date, '2024-01-01 10:00'::timestamp), coalesce(null, null);
SELECT coalesce(0.1::real, 0.2::float8), coalesce(1::int2, 0.5::real), greatest(1::int8, 0.25::real), least(3, 2.5);
SELECT CASE WHEN true THEN 'a'::varchar ELSE 'b'::text END, coalesce('a'::varchar, 'b'::text);
SELECT coalesce('a'::varchar(3), 'b'::varchar(3)), coalesce('a'::varchar(3), 'b'), CASE WHEN true THEN 'a'::varchar(3) ELSE 'bb'::varchar(4) END;
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END;
SELECT CASE WHEN true THEN 1 WHEN false THEN true END;
SELECT COALESCE(1, 'x'::text);
SELECT greatest(1, now());
SELECT least('2024-01-01'::date, 5);
SELECT 0.1::real IN (0.1, 1), 0.1::real IN (0.1), 0.1::real = 0.1, 1 IN (1.5::real, 2);
SELECT 1 IN ('1', 2), 3 NOT IN (1, NULL), 2 IN (NULL, 2), 'a' IN ('a'::varchar, 'b');
SELECT 1 IN ('1'::text, 2);
SELECT 1 IN (true, 2);
CREATE TABLE et (id int, r real, v varchar(5), n numeric, b bool);
INSERT INTO et VALUES (1, 0.1, 'a', 1.5, true), (2, 2, 'bb', 2, false), (3, NULL, NULL, NULL, NULL);
SELECT id FROM et WHERE r IN (0.1, 1) ORDER BY id;
SELECT id FROM et WHERE r IN (0.1) ORDER BY id;
SELECT id FROM et WHERE r IN (id, 0.1, 5) ORDER BY id;
SELECT id FROM et WHERE id IN (r, 2.0) ORDER BY id;
SELECT id FROM et WHERE id NOT IN (1, NULL) ORDER BY id;
SELECT id FROM et WHERE n IN (1.5, 2::int8, 3::real) ORDER BY id;
SELECT id, coalesce(r, 1), CASE WHEN id = 1 THEN r ELSE 1 END, greatest(r, id, n) FROM et ORDER BY id;
SELECT id, v || id, id || v, r || '', 'b=' || b, n || '/' || r FROM et ORDER BY id;
DROP TABLE et;
-- round(integer or real) is round(double precision); negative scales round to tens
SELECT round(1), round(1::int8), round(2.5::int4), round(1.5::float4), round(2.5), round(1, 2);
SELECT round(1234.5678, -2), round(-1250, -2), round(0.5, -1), round(5, -1), round(99.5, -2), round(1e20::numeric, -25), round('NaN'::numeric, -1);
SELECT length('\x0102'::bytea), octet_length('abc'::bytea), length('é'), octet_length('é'), char_length('é');
SELECT char_length('\x01'::bytea);
-- a value error in a constant cast waits for execution: type errors come first, and a
-- branch never taken never fails
SELECT CASE WHEN false THEN 2147483648::int4 ELSE 1 END, coalesce(1, 2147483648::int4);
SELECT least(2147483648::int4, true);
SELECT 2147483648::int4;
SELECT -2147483648::int4;
SELECT (1 NOT IN (1::int8, '2024-01-01'::date));
-- NULLIF is typed as the = operator's left input: integers, floats and date/times keep
-- their own type (PostgreSQL has = across each family)
SELECT nullif(1::int2, 2), nullif(1, 2::int8), nullif(0.3::float4, 2::float8), nullif(1, 2.5), nullif('2024-01-01'::date, '2024-01-01'::timestamp), nullif(1::int2, 1.5::float4);
-- what the planner settles without computing: NULL inputs of strict operations, CASE
-- arms that cannot be taken, COALESCE after a non-NULL constant
CREATE TABLE nf (i int4);
INSERT INTO nf VALUES (0), (5);
SELECT i, nullif(round(null::float8), i % i), CASE WHEN null THEN 1 / i ELSE 2 END, coalesce(null, 3, 1 / i) FROM nf ORDER BY i;
SELECT i, 1 / i FROM nf ORDER BY i;
DROP TABLE nf;
-- constant parts are computed when planning: after every analysis error, before any row
CREATE TABLE ef (i int4);
SELECT 1 / 0, nosuch FROM ef;
SELECT CASE WHEN i > 0 THEN 1 / 0 ELSE 1 END FROM ef;
SELECT CASE WHEN i > 0 THEN -32768::int2 ELSE 1::int2 END FROM ef;
SELECT i FROM ef WHERE false AND 1 / 0 = 1;
SELECT coalesce(i, 2, 1 / 0), CASE WHEN false THEN 1 / 0 ELSE 3 END FROM ef;
SELECT (1 / 0) || null::text;
SELECT round(2.5) + 1, 'a' || 'b' || 3, upper('x') || lower('Y'), 2 + 3 * 4, 10 % 4 = 2;
DROP TABLE ef;
SELECT nullif(1.5::float4, 1::int8), nullif(0.1::float4, 1.5), nullif(1.5::numeric, 1::float4), nullif(1::int4, 1.5::float4);
SELECT '2024-03-10T10:00'::timestamp, '2024-03-10 T 10:00'::timestamp, '20240310T101112'::timestamp;
SELECT '2024-03-10t'::timestamp;
SELECT '2024-03-10 t'::timestamp;
SELECT substr('\x0102030405'::bytea, 2), substr('\x0102030405'::bytea, 2, 2), substring('\x0102'::bytea, -1, 3), substr('\x0102'::bytea, 5), substring('\x0102'::bytea from 2 for 1);
SELECT substr('\x01'::bytea, 1, -1);
-- aggregates: min/max(varchar) are min/max(text); a tie takes the newer value; a float
-- sum starts from its first value; constant inputs are computed when planning
CREATE TABLE ag (v varchar(5), n numeric, f float8, d date);
INSERT INTO ag VALUES ('b', 0.0, '-0', '2024-01-01'), ('a', 0.000, '-0', '2024-01-01'), ('a', 1.50, 2, NULL);
SELECT max(v), min(v), max(n), min(n), sum(f), min(f), max(d) FROM ag;
SELECT v, max(n), sum(f) FROM ag GROUP BY v ORDER BY v;
SELECT max(v), sum(-32768::int2) FROM ag WHERE false;
SELECT count(*) FROM ag HAVING max(1 / 0) > 0;
DROP TABLE ag;
-- LIKE: polynomial on patterns with many %; bytea LIKE bytea matches bytes
SELECT repeat('a', 100000) LIKE '%a%a%a%a%a%a%a%a%a%a%b', repeat('ab', 5000) LIKE '%a_b%b%', 'é' LIKE '_', '' LIKE '_', 'x%y' LIKE 'x\%y';
SELECT 'abc'::bytea LIKE 'a%', 'abc'::bytea LIKE 'a_c', '\xc3a9'::bytea LIKE '__', '\xc3a9'::bytea LIKE '_', 'abc'::bytea NOT LIKE 'b%', 'abc' LIKE 'a_c'::bytea;
SELECT 'abc'::bytea ILIKE 'a%';
SELECT round('-Infinity'::numeric), round('Infinity'::numeric, 2), round('NaN'::numeric, -3), round('-Infinity'::float8::numeric + 2);
-- a strict function computes every argument before a NULL one makes it NULL; stable casts
-- of constants wait for execution
CREATE TABLE ie (c int4, t text);
INSERT INTO ie VALUES (0, 'x'), (1, NULL);
SELECT c, 1 IN (1, 10 / c) FROM ie ORDER BY c;
SELECT c, substr(t, 10 / c) FROM ie ORDER BY c;
SELECT c, round(null::numeric, 10 / c), strpos(NULL, (10 / c)::text) FROM ie ORDER BY c;
SELECT 3 IN (2.5, ('2000-02-29 00:00:00.5-05'::timestamptz || 'abc')::float8, 10::int2 % 0::int2);
DROP TABLE ie;
