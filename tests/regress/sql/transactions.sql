-- BEGIN / COMMIT / ROLLBACK, a failed transaction block, and the warnings.
\set QUIET off
\set VERBOSITY verbose
CREATE TABLE tx_t (id int4 PRIMARY KEY, v text);
BEGIN;
INSERT INTO tx_t VALUES (1, 'committed');
SELECT * FROM tx_t ORDER BY id;
COMMIT;
SELECT * FROM tx_t ORDER BY id;
BEGIN;
INSERT INTO tx_t VALUES (2, 'rolled back');
UPDATE tx_t SET v = 'changed' WHERE id = 1;
SELECT * FROM tx_t ORDER BY id;
ROLLBACK;
SELECT * FROM tx_t ORDER BY id;
-- several writes in one transaction, deletes included
START TRANSACTION;
INSERT INTO tx_t VALUES (3, 'three'), (4, 'four');
DELETE FROM tx_t WHERE id = 1;
UPDATE tx_t SET v = v || '!' WHERE id > 2;
SELECT * FROM tx_t ORDER BY id;
COMMIT;
SELECT * FROM tx_t ORDER BY id;
-- a failed transaction block: later statements are refused, COMMIT rolls back
BEGIN;
INSERT INTO tx_t VALUES (5, 'five');
SELECT 1 / 0;
SELECT * FROM tx_t;
INSERT INTO tx_t VALUES (6, 'six');
COMMIT;
SELECT * FROM tx_t ORDER BY id;
-- a unique violation inside a transaction aborts it too
BEGIN;
INSERT INTO tx_t VALUES (7, 'seven');
INSERT INTO tx_t VALUES (3, 'dup');
SELECT 1;
ROLLBACK;
SELECT * FROM tx_t ORDER BY id;
-- an error before any statement in the block, then ROLLBACK
BEGIN;
SELECT nosuch FROM tx_t;
ROLLBACK;
SELECT count(*) FROM tx_t;
-- the block's own view of deleted and re-inserted keys
BEGIN;
DELETE FROM tx_t WHERE id = 3;
INSERT INTO tx_t VALUES (3, 'replaced');
SELECT * FROM tx_t ORDER BY id;
COMMIT;
SELECT * FROM tx_t ORDER BY id;
-- warnings for misplaced transaction commands
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
SELECT count(*) FROM tx_t;
COMMIT;
-- BEGIN variants
BEGIN TRANSACTION;
COMMIT TRANSACTION;
BEGIN WORK;
ROLLBACK WORK;
BEGIN;
END;
-- an empty transaction
BEGIN;
COMMIT;
DROP TABLE tx_t;
