-- Where pgpeek deliberately behaves like Materialize rather than PostgreSQL (see
-- DIFFERENCES.md). Expected output is hand-maintained.
\set QUIET off
\set VERBOSITY verbose
SHOW transaction_isolation;
SHOW default_transaction_isolation;
SELECT version() LIKE 'PostgreSQL 15.% (pgpeek %' AS is_pgpeek;
SHOW server_version_num;
CREATE TABLE ps_t (id int4, v text);
INSERT INTO ps_t VALUES (1, 'a'), (2, 'b');
CREATE DEFAULT INDEX ON ps_t;
CREATE DEFAULT INDEX IN CLUSTER default ON ps_t;
create default index on ps_t;
CREATE DEFAULT INDEX ON nosuch_t;
SELECT * FROM ps_t ORDER BY id;
DROP TABLE ps_t;
