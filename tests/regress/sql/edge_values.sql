-- Edge values: float formatting boundaries, numeric precision and scale rules, integer
-- limits, multibyte text, timestamp rounding; all within the supported statements.
\set VERBOSITY verbose
\pset null '(null)'
-- float8: where PostgreSQL switches to exponent form, and shortest round-trip digits
SELECT 1e14::float8, 1e15::float8, 123456789012345.6::float8, 1234567890123456.7::float8, 0.0001::float8, 0.00001::float8;
SELECT 1e22::float8, 1e23::float8, 9007199254740993::float8, 0.1::float8 * 3, 1::float8 / 7, 4.35::float8, 2.675::float8;
SELECT 1::float8 / 3 * 3, 100::float8 / 3, -1e-300::float8, 1.0000000000000002::float8, 0.30000000000000004::float8;
SELECT 5e-324::float8 / 2;
SELECT 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 'Infinity'::float8, '-0'::float8 = 0::float8, 'Infinity'::float8 + 1, 'Infinity'::float8 - 'Infinity'::float8;
SELECT 1e308::float8 * 10;
SELECT 1e-308::float8 / 1e300::float8;
-- float4
SELECT 1.4e-45::float4, 0.3::float4, 7.0e-8::float4, 16777216::float4, 3.14159274::float4, 1e10::float4, 1e-10::float4, 100000::float4, 1234567::float4, 12345678::float4;
SELECT 0.1::float4 * 3, 1::float4 / 7, 2::float4 / 3 * 3, 'NaN'::float4 = 'NaN'::float4;
SELECT 3.4e38::float4 * 10::float4;
-- numeric: division scale, rounding, huge and tiny values
SELECT 1 / 7::numeric, 100 / 7.000, 2 / 3::numeric * 3, 1::numeric / 3 * 3, 22 / 7.0, 1 / 1000000::numeric, 123456789 / 0.001;
SELECT 12345678901234567890 * 98765432109876543210, 0.000000001 * 0.000000001, 1.0 = 1.00, 1.0 < 1.01, -0.0 = 0, 10.5 % 3, -10.5 % 3;
SELECT 'NaN'::numeric = 'NaN'::numeric, 'NaN'::numeric > 1e100, 'Infinity'::numeric > 1e100, 'NaN'::numeric + 1, 'Infinity'::numeric * -1;
SELECT (-1.005)::numeric(5, 2), 1.005::numeric(5, 2), 0.5::numeric(1, 0), (-0.5)::numeric(1, 0), 0.45::numeric(2, 1), 9.99::numeric(3, 1);
SELECT 1e-20::numeric, 1.5e30::numeric, 0.1e1::numeric, 1234.5678::numeric(20, 10), 1.000000000000000000001 + 1;
SELECT 2.5::numeric::int4, 3.5::numeric::int4, (-2.5)::numeric::int4, 2.5::float8::int4, 3.5::float8::int4, (-2.5)::float8::int4, 0.5::float4::int2;
SELECT 9.99::numeric(3, 1)::text, 1e300::numeric::float8, 1.5e-300::numeric::float8, 0.1::numeric::float4;
-- integers at their limits
SELECT (-2147483648)::int4 / -1;
SELECT (-32768)::int2 / (-1)::int2;
SELECT (-9223372036854775808)::int8 / -1;
SELECT (-2147483648)::int4 % -1, (-9223372036854775808)::int8 % -1, 7::int2 / 2::int2, (-7)::int8 % 3::int8, 2147483647::int4 + 1::int8;
SELECT 32767::int2 * 2;
SELECT '  -0042  '::int4, '+7'::int2, '9223372036854775807'::int8;
SELECT '0x1F'::int4;
SELECT '9223372036854775808'::int8;
-- text: multibyte characters count as characters
SELECT 'é' LIKE '_', '日本語' LIKE '__語', 'é' > 'z', 'ünï' || 'c', 'Ω'::varchar(1), 'ΩΩ'::varchar(1);
CREATE TABLE ev_t (id int4, v varchar(3), t text);
INSERT INTO ev_t VALUES (1, 'ünï', 'ü'), (2, '日本語', '日本語'), (3, 'abc', 'a b'), (4, '', ''), (5, NULL, NULL);
INSERT INTO ev_t VALUES (6, 'ünïc', 'x');
SELECT * FROM ev_t ORDER BY t, id;
SELECT id, t || v, t LIKE '%本%', v = 'abc' FROM ev_t ORDER BY id;
DROP TABLE ev_t;
-- timestamps: microsecond rounding and ordering
SELECT '2024-01-01 10:00:00.0000005'::timestamp, '2024-01-01 10:00:00.9999995'::timestamp, '1999-12-31 23:59:59.9999996'::timestamp, '2000-01-01 00:00:00.000001'::timestamptz;
SELECT '2024-01-01'::timestamp < '2024-01-01 00:00:00.000001'::timestamp, '2024-01-01'::date = '2024-01-01 00:00:00'::timestamp, 'infinity'::timestamp > '294276-01-01'::timestamp, '-infinity'::date < '4713-01-01 BC'::date;
SELECT '2024-01-01 00:00:00+00'::timestamptz = '2024-01-01 02:00:00+02'::timestamptz, '2024-02-29 23:59:59-01'::timestamptz::date;
CREATE TABLE ev_ts (id int4, ts timestamp, tz timestamptz, d date);
INSERT INTO ev_ts VALUES
  (1, '2024-01-01 00:00:00', '2024-01-01 00:00:00+05', '2024-01-01'),
  (2, 'infinity', '-infinity', '-infinity'),
  (3, '0001-01-01 00:00:00 BC', '0001-01-01 00:00:00+00 BC', '0001-01-01 BC'),
  (4, '1970-01-01 00:00:00.5', '1969-12-31 23:59:59.5+00', '1970-01-01'),
  (5, NULL, NULL, NULL);
SELECT * FROM ev_ts ORDER BY ts, id;
SELECT * FROM ev_ts ORDER BY tz DESC, id;
SELECT id, d FROM ev_ts ORDER BY d NULLS FIRST, id;
SELECT min(ts), max(ts), min(tz), max(tz), min(d), max(d), count(d) FROM ev_ts;
DROP TABLE ev_ts;
