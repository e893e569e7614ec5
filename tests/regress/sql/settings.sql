-- SET / SHOW / RESET of session settings, and their transactional behaviour.
\set QUIET off
\set VERBOSITY verbose
SHOW application_name;
SET application_name = 'regress_app';
SHOW application_name;
SET application_name TO 'second';
SHOW application_name;
RESET application_name;
SHOW application_name;
SHOW TimeZone;
SHOW timezone;
SET TimeZone = 'UTC';
SHOW TimeZone;
SHOW DateStyle;
SET DateStyle = 'ISO, MDY';
SHOW DateStyle;
SHOW client_encoding;
SHOW server_encoding;
SHOW standard_conforming_strings;
SHOW integer_datetimes;
SHOW IntervalStyle;
SHOW extra_float_digits;
SHOW search_path;
SHOW is_superuser;
SHOW session_authorization;
SHOW max_identifier_length;
SELECT current_setting('server_version') LIKE '15.%' AS v15, current_setting('server_version_num')::int4 / 10000 AS major;
-- extra_float_digits changes float output
SET extra_float_digits = 0;
SELECT 0.1::float8 + 0.2::float8, 1::float8 / 3, 0.1::float4;
RESET extra_float_digits;
SELECT 0.1::float8 + 0.2::float8, 1::float8 / 3, 0.1::float4;
SET extra_float_digits TO DEFAULT;
SHOW extra_float_digits;
-- unknown and invalid settings
SET no_such_setting = 1;
SHOW no_such_setting;
RESET no_such_setting;
SET TimeZone = 'Nowhere/Bogus';
SET extra_float_digits = 'many';
SET extra_float_digits = 10;
-- a SET inside a rolled back transaction is undone; inside a committed one it stays
BEGIN;
SET application_name = 'in_tx';
SHOW application_name;
ROLLBACK;
SHOW application_name;
BEGIN;
SET application_name = 'committed';
COMMIT;
SHOW application_name;
-- SET LOCAL lasts until the end of the transaction
BEGIN;
SET LOCAL application_name = 'local_only';
SHOW application_name;
COMMIT;
SHOW application_name;
RESET ALL;
SHOW application_name;
