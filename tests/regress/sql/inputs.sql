-- Input parsing of every type: accepted spellings, rounding on input, and the exact
-- error for each rejected one. One value per statement so each error stands alone.
\set VERBOSITY verbose
\pset null '(null)'
-- bool
SELECT ' t '::bool;
SELECT 'on'::bool;
SELECT 'of'::bool;
SELECT 'o'::bool;
SELECT 'n'::bool;
SELECT 'y'::bool;
SELECT 'TRUE'::bool;
SELECT 'FaLsE'::bool;
SELECT '1'::bool;
SELECT '2'::bool;
SELECT ''::bool;
SELECT 'true '::bool;
-- int2
SELECT ' 12 '::int2;
SELECT '-0'::int2;
SELECT '+0'::int2;
SELECT '32767'::int2;
SELECT '32768'::int2;
SELECT '1_000'::int2;
SELECT '1.0'::int2;
SELECT '1e2'::int2;
SELECT ''::int2;
-- int4
SELECT '-2147483648'::int4;
SELECT '2147483648'::int4;
SELECT '  +42'::int4;
SELECT '4 2'::int4;
SELECT '0042'::int4;
-- int8
SELECT '-9223372036854775808'::int8;
SELECT '-9223372036854775809'::int8;
SELECT '00000000000000000000001'::int8;
-- float4
SELECT '1e'::float4;
SELECT ' 1.5 '::float4;
SELECT '.5'::float4;
SELECT '5.'::float4;
SELECT '+inf'::float4;
SELECT '-INF'::float4;
SELECT 'infinity'::float4;
SELECT 'nan'::float4;
SELECT '1e39'::float4;
SELECT '1e-46'::float4;
SELECT '3.4028236e38'::float4;
SELECT '-0'::float4;
SELECT '0x10'::float4;
-- float8
SELECT '1e'::float8;
SELECT '.5e-3'::float8;
SELECT '5.e2'::float8;
SELECT '+Infinity'::float8;
SELECT '-nan'::float8;
SELECT '1e309'::float8;
SELECT '2e-324'::float8;
SELECT '4.9e-324'::float8;
SELECT '  -0.0  '::float8;
SELECT '1.797693134862315708e308'::float8;
SELECT '123456789012345678901234567890'::float8;
-- numeric
SELECT '.5'::numeric;
SELECT '5.'::numeric;
SELECT '1e-5'::numeric;
SELECT ' +1.5 '::numeric;
SELECT 'inf'::numeric;
SELECT '-infinity'::numeric;
SELECT 'NAN'::numeric;
SELECT '1e'::numeric;
SELECT '0.0000'::numeric;
SELECT '-0.000'::numeric;
SELECT '1e131071'::numeric;
SELECT '9' || '0'::numeric;
SELECT '12345678901234567890.12345678901234567890'::numeric;
-- numeric(4,2)
SELECT '99.994'::numeric(4,2);
SELECT '99.995'::numeric(4,2);
SELECT '-99.995'::numeric(4,2);
SELECT '0.001'::numeric(4,2);
SELECT 'NaN'::numeric(4,2);
SELECT 'Infinity'::numeric(4,2);
-- text
SELECT E'tab\there'::text;
SELECT E'nl\\n'::text;
SELECT U&'\0041\00e9'::text;
SELECT E'\x41\101'::text;
SELECT 'a''b'::text;
SELECT $$dollar 'quoted'$$::text;
-- varchar(2)
SELECT 'ab  '::varchar(2);
SELECT 'abc'::varchar(2);
SELECT 'a  '::varchar(2);
SELECT 'é '::varchar(2);
-- bytea
SELECT '\x'::bytea;
SELECT '\x0'::bytea;
SELECT '\x 01'::bytea;
SELECT '\X0A'::bytea;
SELECT '\000\377'::bytea;
SELECT '\\'::bytea;
SELECT 'abc\'::bytea;
SELECT '\x01 02'::bytea;
SELECT E'\\x4142'::bytea;
-- date
SELECT '2024/03/15'::date;
SELECT '15-Mar-2024'::date;
SELECT 'March 15, 2024'::date;
SELECT '2024-03-15 BC'::date;
SELECT '20240315'::date;
SELECT '2024-3-5'::date;
SELECT '99-01-02'::date;
SELECT '1/2/2003'::date;
SELECT '2024-02-29 10:00:00'::date;
SELECT 'J2451545'::date;
SELECT '0000-01-01'::date;
SELECT '2024-03-15 garbage'::date;
-- timestamp
SELECT '2024-03-15 10:11'::timestamp;
SELECT '2024-03-15T10:11:12.5'::timestamp;
SELECT '2024-03-15 10:11:12+05'::timestamp;
SELECT '2024-03-15 24:00:00'::timestamp;
SELECT '2024-03-15 23:59:60'::timestamp;
SELECT '2024-03-15 10:11:12.1234565'::timestamp;
SELECT '15 Mar 2024 10:11 PM'::timestamp;
SELECT '2024-03-15 allballs'::timestamp;
SELECT '2024-03-15 10:11:12 BC'::timestamp;
SELECT 'epoch'::timestamp;
SELECT '2024-03-15 25:00'::timestamp;
-- timestamptz
SELECT '2024-03-15 10:11:12Z'::timestamptz;
SELECT '2024-03-15 10:11:12 +0530'::timestamptz;
SELECT '2024-03-15 10:11:12-08:00'::timestamptz;
SELECT '2024-03-15 10:11:12 UTC'::timestamptz;
SELECT '2024-03-15 10:11:12 GMT'::timestamptz;
SELECT '2024-03-15 10:11:12+14:00'::timestamptz;
SELECT '2024-03-15 10:11:12+16'::timestamptz;
SELECT '2024-03-15T10:11:12.000001+00:00'::timestamptz;
-- LIKE escapes
SELECT 'a%' LIKE 'a\%';
SELECT 'a\' LIKE 'a\';
SELECT 'a_b' LIKE 'a\_b';
SELECT 'ab' LIKE 'a\_b';
SELECT '%' LIKE '%%';
SELECT 'abc' LIKE '%b%c%';
SELECT '' LIKE '';
SELECT 'a' LIKE '';
SELECT 'ABC' LIKE 'a%';
SELECT 'a
b' LIKE 'a_b';
