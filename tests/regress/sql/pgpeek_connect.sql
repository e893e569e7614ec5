-- regress: connect
-- pgpeek accepts any user name (trust authentication, no roles yet); PostgreSQL would
-- refuse unknown roles with 28000. Expected output is hand-maintained.
user=anyone | SELECT current_user, session_user, current_database()
user=Mixed_Case | SELECT current_user
user=anyone dbname=postgres | SELECT 1
