-- The session from the issue's "Done when": create, insert, select, and a syntax
-- error whose caret psql places under the offending token.
\set QUIET off
CREATE TABLE basic_t (id text, value int4);
INSERT INTO basic_t VALUES ('hello', 42);
SELECT * FROM basic_t;
SELECT id, value FROM basic_t WHERE value = 42;
SELECT * FORM basic_t;
SELEC 1;
SELECT * FROM basic_t WHERE;
SELECT 1 +;
SELECT * FROM basic_t;
DROP TABLE basic_t;
