-- TimeZone settings: timestamptz output and input in named zones, DST transitions,
-- fixed offsets. Conversions between timestamp and timestamptz follow the session zone.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE tz_t (id int4, tz timestamptz);
INSERT INTO tz_t VALUES
  (1, '2024-01-15 12:00:00+00'), (2, '2024-07-15 12:00:00+00'),
  (3, '2024-03-10 06:59:59+00'), (4, '2024-03-10 07:00:00+00'),
  (5, '2024-11-03 05:59:59+00'), (6, '2024-11-03 06:00:00+00'),
  (7, '1900-01-01 00:00:00+00'), (8, '2038-01-19 03:14:08+00'),
  (9, 'infinity'), (10, NULL);
SET TimeZone = 'America/New_York';
SHOW TimeZone;
SELECT * FROM tz_t ORDER BY id;
SELECT '2024-03-10 02:30:00'::timestamptz, '2024-11-03 01:30:00'::timestamptz, '2024-06-01 12:00:00 Europe/Paris'::timestamptz, '2024-06-01 12:00:00+09'::timestamptz;
SELECT '2024-07-15 12:00:00+00'::timestamptz::timestamp, '2024-07-15 12:00:00'::timestamp::timestamptz, '2024-07-15 23:30:00-04'::timestamptz::date;
SET TimeZone = 'Europe/Berlin';
SELECT * FROM tz_t ORDER BY id;
SET TimeZone = 'Asia/Kolkata';
SELECT id, tz FROM tz_t WHERE id IN (1, 2, 7) ORDER BY id;
SET TimeZone = 'Australia/Lord_Howe';
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
SET TimeZone = 'Pacific/Chatham';
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
SET TimeZone = 'America/St_Johns';
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
SET TimeZone = 'Etc/GMT+5';
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
SET TimeZone = 'UTC';
SELECT * FROM tz_t ORDER BY id;
SET TIME ZONE 'Europe/London';
SHOW TimeZone;
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
SET TimeZone = 'Mars/Olympus_Mons';
SHOW TimeZone;
RESET TimeZone;
SHOW TimeZone;
SELECT id, tz FROM tz_t WHERE id IN (1, 2) ORDER BY id;
DROP TABLE tz_t;
