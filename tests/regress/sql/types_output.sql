-- Text output of every type, exactly as PostgreSQL 15 prints it.
\set VERBOSITY verbose
\pset null '(null)'
-- bool
SELECT true, false, NULL::bool;
-- integers, including their limits
SELECT 0::int2, 32767::int2, (-32768)::int2, 0::int4, 2147483647::int4, (-2147483648)::int4;
SELECT 9223372036854775807::int8, (-9223372036854775808)::int8, 12345678901::int8, -0::int4;
-- float8: shortest exact output
SELECT 0.1::float8, 1e100::float8, 1.5e-7::float8, 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, -0.0::float8;
SELECT 0.1::float8 + 0.2::float8, 1::float8 / 3, 2::float8 / 3, 100::float8, 1e15::float8, 1e16::float8, 123456789012345678::float8;
SELECT 1.7976931348623157e308::float8, 2.2250738585072014e-308::float8, 5e-324::float8, 0.000001::float8, 0.0001234::float8, 1e-5::float8;
SELECT 1.5::float8, -2.75::float8, 3.14159265358979::float8, 1e21::float8, 1e-4::float8, 123.456e3::float8, 'nan'::float8, 'inf'::float8, '-inf'::float8;
-- float4
SELECT 0.1::float4, 1e30::float4, 1.5e-7::float4, 'NaN'::float4, 'Infinity'::float4, '-Infinity'::float4, -0.0::float4;
SELECT 3.4028235e38::float4, 1.17549435e-38::float4, 1::float4 / 3, 16777217::float4, 0.1::float4 + 0.2::float4, 1e7::float4, 123456.7::float4;
SELECT 0.1::float4::float8, 1.5::float4::float8;
-- numeric: the scale is kept, arbitrary precision
SELECT 1.50::numeric, 0.000::numeric, 100::numeric, -0.5::numeric, 1e20::numeric, 1.5e-7::numeric, 'NaN'::numeric;
SELECT 'Infinity'::numeric, '-Infinity'::numeric, 123456789012345678901234567890.123456789::numeric, 0.1 + 0.2, 10.0 / 3, 1 / 3.0;
SELECT 1.23456::numeric(10, 3), 2.5::numeric(2, 0), (-2.5)::numeric(2, 0), 0.005::numeric(3, 2), 99.995::numeric(5, 2)::text, 12::numeric(6, 4);
SELECT 1.10 * 2.200, 1.5 - 1.50, 2.000 / 1.0, 7.5 % 2, -1.00, 0.0 * -1;
SELECT '  1.50  '::numeric, '-0'::numeric, '1e-3'::numeric, '00012.3400'::numeric;
SELECT 99.995::numeric(4, 2);
-- text and varchar
SELECT 'hello'::text, ''::text, 'it''s'::text, 'héllo wörld ✓'::text, '  spaced  '::text, 'tab	inside'::text;
SELECT 'abc'::varchar(5), 'abcdef'::varchar(3), ''::varchar(1), 'ünï'::varchar(3);
SELECT E'line1\nline2' AS two_lines, 'x' AS one;
-- bytea (hex output)
SELECT '\x'::bytea, '\xdeadbeef'::bytea, '\xDEADBEEF'::bytea, 'abc'::bytea, 'a\000b'::bytea, '\x00ff10'::bytea, 'ü'::bytea;
SELECT NULL::bytea, ''::bytea;
SELECT '\xzz'::bytea;
-- date
SELECT '2024-02-29'::date, '1999-12-31'::date, '0001-01-01'::date, '4713-01-01 BC'::date, '0001-12-31 BC'::date;
SELECT 'infinity'::date, '-infinity'::date, '5874897-12-31'::date, 'epoch'::date, '20240315'::date, 'Jan 2, 2003'::date;
SELECT '2024-02-30'::date;
SELECT 'not a date'::date;
-- timestamp
SELECT '2024-02-29 12:34:56'::timestamp, '2024-02-29 12:34:56.789'::timestamp, '2024-02-29 12:34:56.123456'::timestamp, '2024-02-29'::timestamp;
SELECT '2000-01-01 00:00:00.5'::timestamp, '1999-12-31 23:59:59.999999'::timestamp, '0044-03-15 12:00:00 BC'::timestamp, 'epoch'::timestamp;
SELECT 'infinity'::timestamp, '-infinity'::timestamp, '294276-12-31 23:59:59.999999'::timestamp, '4714-11-24 00:00:00 BC'::timestamp;
SELECT '2024-01-01 10:00:00.1234567'::timestamp, '2024-01-01T10:00:00'::timestamp;
SELECT '2024-13-01 00:00:00'::timestamp;
-- timestamptz (TimeZone is UTC)
SELECT '2024-02-29 12:34:56+00'::timestamptz, '2024-02-29 12:34:56+02'::timestamptz, '2024-02-29 12:34:56.5-05:30'::timestamptz, '2024-02-29'::timestamptz;
SELECT '2024-06-01 00:00:00 UTC'::timestamptz, 'epoch'::timestamptz, 'infinity'::timestamptz, '-infinity'::timestamptz, '0010-05-05 05:05:05+00 BC'::timestamptz;
-- conversions between the date/time types
SELECT '2024-03-01'::date::timestamp, '2024-03-01 23:59:59'::timestamp::date, '2024-03-01 10:00:00'::timestamp::timestamptz, '2024-03-01 10:00:00+03'::timestamptz::timestamp, '2024-03-01 10:00:00+03'::timestamptz::date;
-- every type read back from a table, with NULLs
CREATE TABLE to_all (
  k int4, c_bool bool, c_int2 int2, c_int4 int4, c_int8 int8, c_float4 float4, c_float8 float8,
  c_numeric numeric, c_num52 numeric(5, 2), c_text text, c_varchar varchar(4), c_bytea bytea,
  c_date date, c_ts timestamp, c_tstz timestamptz
);
INSERT INTO to_all VALUES
  (1, true, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 'a', 'b', '\x01', '2024-01-01', '2024-01-01 01:01:01', '2024-01-01 01:01:01+00'),
  (2, false, -32768, -2147483648, -9223372036854775808, 'NaN', '-Infinity', 'NaN', -999.99, '', '', '\x', '4713-01-01 BC', '0044-03-15 12:00:00 BC', '-infinity'),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, true, 32767, 2147483647, 9223372036854775807, 3.4028235e38, 1e308, 1e30, 999.99, 'longer text value', 'abcd', '\xfffe', 'infinity', 'infinity', '2038-01-19 03:14:07.999999+00'),
  (5, false, 0, 0, 0, -0.0, -0.0, -0.0, 0.005, 'with ''quote''', 'wxyz', 'xyz', '2000-02-29', '2000-02-29 00:00:00.000001', '1970-01-01 00:00:00+00');
SELECT * FROM to_all ORDER BY k;
SELECT k, c_float4, c_float8, c_numeric, c_num52 FROM to_all ORDER BY k;
DROP TABLE to_all;
