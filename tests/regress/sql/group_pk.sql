-- GROUP BY a table's whole primary key lets its other columns appear bare (they are
-- functionally dependent); a UNIQUE column or part of the key does not.
\set VERBOSITY verbose
CREATE TABLE fd (id int4 PRIMARY KEY, name text UNIQUE, qty int2 NOT NULL);
INSERT INTO fd VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3);
SELECT name FROM fd GROUP BY id HAVING qty > 1 ORDER BY id;
SELECT id, name, qty * 2, count(*) FROM fd GROUP BY id ORDER BY name;
SELECT qty FROM fd GROUP BY name;
SELECT name, sum(qty) FROM fd GROUP BY id, name ORDER BY 1;
SELECT name FROM fd GROUP BY id + 0;
CREATE TABLE fd2 (a int, b int, c text, PRIMARY KEY (a, b));
INSERT INTO fd2 VALUES (1, 1, 'x'), (1, 2, 'y');
SELECT c FROM fd2 GROUP BY a;
SELECT c, a FROM fd2 GROUP BY b, a ORDER BY c;
DROP TABLE fd; DROP TABLE fd2;
