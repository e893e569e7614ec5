-- regress: connect
-- TimeZone as a startup parameter, as drivers send it (JDBC: the JVM's zone).
options='-c TimeZone=America/New_York' | SELECT '2024-01-15 12:00:00+00'::timestamptz, '2024-07-15 12:00:00+00'::timestamptz
options='-c TimeZone=Etc/UTC' | SHOW TimeZone
options='-c TimeZone=europe/berlin' | SHOW TimeZone
options='-c TimeZone=Nowhere/Else' | SELECT 1
