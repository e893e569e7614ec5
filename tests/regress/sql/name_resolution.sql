-- How names in ORDER BY / GROUP BY / HAVING resolve: output aliases vs input columns,
-- ambiguity, DISTINCT with ORDER BY, quoted identifiers and case folding.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE nr_t (a int4, b int4, "MixedCase" text, "select" int4);
INSERT INTO nr_t VALUES (1, 30, 'x', 7), (2, 20, 'y', 8), (3, 10, 'z', 9);
-- an output alias named like an input column wins in ORDER BY
SELECT a AS b FROM nr_t ORDER BY b;
SELECT a, b AS a FROM nr_t ORDER BY a;
SELECT b AS x FROM nr_t ORDER BY x DESC;
SELECT a AS x FROM nr_t ORDER BY x + 0;
SELECT a AS x FROM nr_t ORDER BY -a;
-- GROUP BY accepts output aliases and ordinals; input columns win over aliases there
SELECT a % 2 AS parity, count(*) FROM nr_t GROUP BY parity ORDER BY parity;
SELECT b AS a, count(*) FROM nr_t GROUP BY a ORDER BY 1;
SELECT a % 2 AS parity, sum(b) FROM nr_t GROUP BY 1 HAVING sum(b) > 15 ORDER BY 1;
SELECT a % 2 AS parity FROM nr_t GROUP BY parity HAVING parity > 0;
-- DISTINCT and ORDER BY
SELECT DISTINCT a % 2 AS p FROM nr_t ORDER BY p;
SELECT DISTINCT a % 2 FROM nr_t ORDER BY b;
-- quoted identifiers and case folding
SELECT "MixedCase", "select" FROM nr_t ORDER BY "select" DESC;
SELECT A, B FROM NR_T ORDER BY A LIMIT 1;
SELECT nr_t.a, NR_T.B FROM nr_t ORDER BY nr_t.a LIMIT 1;
SELECT a AS "Weird Name", b AS "UPPER" FROM nr_t ORDER BY "Weird Name" LIMIT 1;
SELECT "nr_t"."a" FROM "nr_t" ORDER BY 1 LIMIT 1;
SELECT x.a FROM nr_t;
SELECT * FROM "NR_T";
-- a table alias
SELECT t.a, t.b FROM nr_t AS t WHERE t.a > 1 ORDER BY t.a;
SELECT t.a FROM nr_t t ORDER BY t.b;
SELECT nr_t.a FROM nr_t t;
DROP TABLE nr_t;
