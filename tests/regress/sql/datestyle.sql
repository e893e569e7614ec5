-- DateStyle: pgpeek prints dates only in PostgreSQL's default style ('ISO, MDY') and
-- refuses other DateStyle values with 0A000 rather than accept and ignore them.
-- Expected output is hand-maintained (see DIFFERENCES.md).
\set VERBOSITY verbose
CREATE TABLE ds_t (d date, ts timestamp, tz timestamptz);
INSERT INTO ds_t VALUES ('2024-03-05', '2024-03-05 07:08:09.5', '2024-03-05 07:08:09.5+00'), ('0044-03-15 BC', '0044-03-15 12:00:00 BC', '0044-03-15 12:00:00+00 BC');
SET DateStyle = 'ISO, DMY';
SHOW DateStyle;
SELECT * FROM ds_t ORDER BY d;
SELECT '05/03/2024'::date;
SET DateStyle = 'SQL, DMY';
SHOW DateStyle;
SELECT * FROM ds_t ORDER BY d;
SET DateStyle = 'SQL, MDY';
SELECT * FROM ds_t ORDER BY d;
SET DateStyle = 'German';
SHOW DateStyle;
SELECT * FROM ds_t ORDER BY d;
SET DateStyle = 'Postgres';
SHOW DateStyle;
SELECT * FROM ds_t ORDER BY d;
SET DateStyle = 'Postgres, YMD';
SELECT '24/03/05'::date;
SET DateStyle = 'ISO';
SHOW DateStyle;
SET DateStyle = 'YMD';
SHOW DateStyle;
RESET DateStyle;
SHOW DateStyle;
SELECT * FROM ds_t ORDER BY d;
DROP TABLE ds_t;
