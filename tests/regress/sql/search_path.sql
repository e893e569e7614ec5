-- search_path and schema-qualified names: only schema public exists.
\set VERBOSITY verbose
\pset null '(null)'
CREATE TABLE sp_t (a int4);
INSERT INTO sp_t VALUES (1);
SHOW search_path;
SELECT * FROM public.sp_t;
SELECT * FROM materialize.public.sp_t;
SELECT * FROM nosuchschema.sp_t;
SELECT * FROM otherdb.public.sp_t;
CREATE TABLE public.sp_u (b text);
INSERT INTO public.sp_u VALUES ('x');
SELECT * FROM sp_u;
SELECT current_schema;
SET search_path = public;
SELECT * FROM sp_t;
SET search_path = "$user", public;
SHOW search_path;
SELECT * FROM sp_t;
-- a search_path without public: unqualified names are not found, creation has nowhere to go
SET search_path = nosuchschema;
SHOW search_path;
SELECT current_schema;
SELECT * FROM sp_t;
INSERT INTO sp_t VALUES (2);
CREATE TABLE sp_v (c int4);
SELECT * FROM public.sp_t;
SET search_path = nosuchschema, public;
SELECT current_schema;
SELECT * FROM sp_t;
RESET search_path;
SELECT * FROM sp_t;
DROP TABLE public.sp_u;
DROP TABLE sp_t;
