-- regress: connect
-- Startup parameters: each line is "extra libpq keywords | SQL", one connection each.
 | SELECT current_user, current_database()
application_name=regress_conn | SHOW application_name
options='-c extra_float_digits=0' | SELECT 0.1::float8 + 0.2::float8
options='-c application_name=from_options' | SHOW application_name
options='-c DateStyle=ISO,MDY -c TimeZone=UTC' | SELECT '2024-01-02 03:04:05+00'::timestamptz
options='-c no_such_setting=1' | SELECT 1
options='-c extra_float_digits=99' | SELECT 1
client_encoding=UTF8 | SHOW client_encoding
client_encoding=SQL_ASCII | SHOW client_encoding
dbname=nosuchdb | SELECT 1
sslmode=disable | SELECT 'plain' AS tcp
sslmode=prefer | SELECT 'fallback' AS tcp
gssencmode=prefer sslmode=disable | SELECT 'no gss' AS tcp
