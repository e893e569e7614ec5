-- NULL everywhere: every type, operators, functions, constraints, ordering, grouping.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE nu_t (
  k int4, c_bool bool, c_int2 int2, c_int4 int4, c_int8 int8, c_float4 float4, c_float8 float8,
  c_numeric numeric, c_text text, c_varchar varchar(3), c_bytea bytea, c_date date,
  c_ts timestamp, c_tstz timestamptz
);
INSERT INTO nu_t VALUES (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO nu_t (k) VALUES (2);
INSERT INTO nu_t (k, c_int4, c_text) VALUES (3, 3, 'three');
INSERT INTO nu_t (k, c_int4) VALUES (NULL, NULL);
SELECT * FROM nu_t ORDER BY k;
\pset null ''
SELECT * FROM nu_t ORDER BY k;
\pset null '(null)'
SELECT k, c_int4 + 1, c_float8 * 2, c_numeric - 1, c_text || 'x', -c_int8, c_int4 = c_int4, c_int4 < 5 FROM nu_t ORDER BY k;
SELECT k, c_bool AND true, c_bool OR true, NOT c_bool, c_int4 IN (1, 3), c_int4 BETWEEN 1 AND 5, c_text LIKE '%' FROM nu_t ORDER BY k;
SELECT k, c_int4::text, c_text::int4, c_date::timestamp, CAST(c_numeric AS float8) FROM nu_t WHERE k < 3 ORDER BY k;
SELECT k, CASE WHEN c_int4 IS NULL THEN 'null' ELSE 'not null' END, CASE c_int4 WHEN 3 THEN 'three' END, COALESCE(c_int4, -1), COALESCE(c_text, c_varchar) FROM nu_t ORDER BY k;
SELECT k FROM nu_t WHERE c_int4 = NULL;
SELECT k FROM nu_t WHERE c_int4 <> 3 ORDER BY k;
SELECT k FROM nu_t WHERE c_int4 IS NULL ORDER BY k NULLS FIRST;
SELECT k FROM nu_t WHERE k IS NULL;
SELECT count(*), count(k), count(c_int4), count(c_text), sum(c_int4), max(c_text), avg(c_float8) FROM nu_t;
SELECT c_int4, count(*) FROM nu_t GROUP BY c_int4 ORDER BY c_int4;
SELECT k, c_int4 FROM nu_t ORDER BY c_int4 NULLS FIRST, k NULLS LAST;
SELECT NULL + 1, NULL || 'a', NULL::int4 * 0, NULL::text IS NULL, NULL::date, NULL::bytea, NULL::numeric(3, 1);
SELECT 1 / NULL::int4, NULL::int4 / 0, NULL::text LIKE 'a', 'a' IN (NULL), NULL IN (1, 2);
UPDATE nu_t SET c_text = NULL WHERE k = 3;
UPDATE nu_t SET c_text = 'was null' WHERE c_text IS NULL AND k = 1;
DELETE FROM nu_t WHERE k IS NULL;
SELECT k, c_text FROM nu_t ORDER BY k;
-- NOT NULL and NULL in keys
CREATE TABLE nu_k (a int4 PRIMARY KEY, b text UNIQUE, c text NOT NULL DEFAULT 'dflt');
INSERT INTO nu_k (a, b) VALUES (1, NULL), (2, NULL);
INSERT INTO nu_k (a, b, c) VALUES (3, 'x', NULL);
INSERT INTO nu_k (a, b) VALUES (NULL, 'y');
UPDATE nu_k SET c = NULL;
SELECT * FROM nu_k ORDER BY a;
DROP TABLE nu_t;
DROP TABLE nu_k;
