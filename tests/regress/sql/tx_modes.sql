-- Transaction modes and message levels: READ ONLY, isolation levels (their names only:
-- pgpeek reports Materialize's strict serializable by default, so SHOW of the default
-- is left to pgpeek_specific), client_min_messages.
\set QUIET off
\set VERBOSITY verbose
CREATE TABLE tm_t (a int4);
INSERT INTO tm_t VALUES (1);
BEGIN READ ONLY;
SELECT count(*) FROM tm_t;
INSERT INTO tm_t VALUES (2);
ROLLBACK;
BEGIN;
SET TRANSACTION READ ONLY;
UPDATE tm_t SET a = 5;
ROLLBACK;
START TRANSACTION READ WRITE;
INSERT INTO tm_t VALUES (3);
COMMIT;
BEGIN READ ONLY;
CREATE TABLE tm_u (b int4);
ROLLBACK;
BEGIN READ ONLY;
DELETE FROM tm_t;
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
SELECT count(*) FROM tm_t;
COMMIT;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY;
SHOW transaction_isolation;
SHOW transaction_read_only;
COMMIT;
SHOW transaction_read_only;
SET TRANSACTION READ ONLY;
SELECT count(*) FROM tm_t;
-- client_min_messages hides notices and warnings below the level
SET client_min_messages = warning;
DROP TABLE IF EXISTS tm_nosuch;
COMMIT;
SET client_min_messages = error;
COMMIT;
BEGIN;
BEGIN;
COMMIT;
RESET client_min_messages;
DROP TABLE IF EXISTS tm_nosuch;
SELECT a FROM tm_t ORDER BY a;
DROP TABLE tm_t;
