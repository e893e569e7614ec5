-- TimeZone spellings: numeric offsets (ISO and POSIX sign conventions), intervals,
-- LOCAL/DEFAULT, case. Every accepted setting must shift timestamptz output exactly as
-- PostgreSQL does.
\set VERBOSITY verbose
CREATE TABLE ds_t (d date, tz timestamptz);
INSERT INTO ds_t VALUES ('2024-03-05', '2024-03-05 07:08:09.5+00'), ('0044-03-15 BC', '0044-03-15 12:00:00+00 BC');
SET TIME ZONE -5;
SHOW TimeZone;
SELECT d, tz FROM ds_t ORDER BY d;
SET TimeZone = 'UTC+3';
SHOW TimeZone;
SELECT d, tz FROM ds_t ORDER BY d;
SET TimeZone = '+02:30';
SELECT d, tz FROM ds_t ORDER BY d;
SET TIME ZONE INTERVAL '+05:45' HOUR TO MINUTE;
SHOW TimeZone;
SELECT d, tz FROM ds_t ORDER BY d;
SET TIME ZONE LOCAL;
SHOW TimeZone;
SET SESSION TIME ZONE 'Asia/Tokyo';
SELECT d, tz FROM ds_t ORDER BY d;
SET TIME ZONE DEFAULT;
SHOW TimeZone;
SET TimeZone = 'utc';
SHOW TimeZone;
SET TimeZone = 'Etc/UTC';
SHOW TimeZone;
SELECT d, tz FROM ds_t ORDER BY d;
RESET TimeZone;
DROP TABLE ds_t;
