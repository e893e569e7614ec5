-- SELECT without FROM, and the session functions.
\set VERBOSITY verbose
\pset null '(null)'
SELECT 1;
SELECT 1 AS one, 2 AS two, 'three' AS three;
SELECT 'text', 1.5, NULL, true, -7;
SELECT current_user;
SELECT current_user AS u, current_database() AS db;
SELECT current_database();
SELECT version() LIKE 'PostgreSQL 15%' AS is_pg15;
SELECT now() IS NOT NULL AS has_now, now() = now() AS stable_now;
SELECT now() > '2020-01-01'::timestamptz AS recent;
SELECT 1 + 2 * 3 AS calc, 'a' || 'b' AS cat, CASE WHEN 1 > 0 THEN 'yes' END AS c, COALESCE(NULL, 'd') AS d;
SELECT 1 WHERE false;
SELECT 1 WHERE 1 = 1;
SELECT 2 ORDER BY 1 LIMIT 5;
SELECT nosuch;
SELECT nosuchfunction();
SELECT 1 FROM nosuch_table;
