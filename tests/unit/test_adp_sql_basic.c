/* Adapter SQL: SELECT without FROM, types and names of expressions, syntax errors. */
#include <stdarg.h>

#include "unit/test_adp_sql_util.h"

int main(void)
{
    pgw_error err;
    adp_db *db = adp_db_open(NULL, &err);
    adp_session *s = adp_session_new(db);
    EXPECT(s, "SELECT 1", "T ?column?:23:-1 | D 1 | C SELECT 1 [I]");
    EXPECT(
        s, "select 1 as a, 'x', null, 2.50, 3000000000, 99999999999999999999",
        "T a:23:-1,?column?:25:-1,?column?:25:-1,?column?:1700:-1,?column?:20:-1,?column?:1700:-1"
        " | D 1,x,~,2.50,3000000000,99999999999999999999 | C SELECT 1 [I]");
    EXPECT(s, "SELECT 1::int8, 'a'::text, CAST(2 AS int2), true",
           "T int8:20:-1,text:25:-1,int2:21:-1,?column?:16:-1 | D 1,a,2,t | C SELECT 1 [I]");
    EXPECT(s, "SELECT * FORM t", "E ERROR 42601 syntax error at or near \"FORM\" @10 [I]");
    EXPECT(s, "", "I [I]");
    EXPECT(s, "  ;  ", "I [I]");
    EXPECT(s, "select 1 + 2 * 3, 7 / 2, 7 % 3, -5, 1.5 + 1",
           "T ?column?:23:-1,?column?:23:-1,?column?:23:-1,?column?:23:-1,?column?:1700:-1 | D "
           "7,3,1,-5,2.5 | C SELECT 1 [I]");
    EXPECT(s, "select 1/0", "E ERROR 22012 division by zero [I]");
    EXPECT(s, "select 2147483647 + 1", "E ERROR 22003 integer out of range [I]");
    EXPECT(s, "select 'abc'::int",
           "E ERROR 22P02 invalid input syntax for type integer: \"abc\" @8 [I]");
    EXPECT(s, "select null is null, 1 is not null, 1 in (1,2), 3 not in (1,2), 2 between 1 and 3",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:16:-1 | D "
           "t,t,t,t,t | C SELECT 1 [I]");
    EXPECT(s, "select 1 in (2, null), null and false, null or true, not null::bool",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:16:-1 | D ~,f,t,~ | C SELECT 1 "
           "[I]");
    EXPECT(s, "select 'abc' like 'a%', 'abc' not like '_b_', 'ABC' ilike 'a%', 'a' || 'b' || 1",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:25:-1 | D t,f,t,ab1 | C SELECT "
           "1 [I]");
    EXPECT(s,
           "select case when 1 > 2 then 'a' else 'b' end, case 2 when 1 then 10 when 2 then 20 "
           "end, coalesce(null, 3)",
           "T case:25:-1,case:23:-1,coalesce:23:-1 | D b,20,3 | C SELECT 1 [I]");
    EXPECT(s, "select current_user, current_database(), current_schema()",
           "T current_user:19:-1,current_database:19:-1,current_schema:19:-1 | D "
           "materialize,materialize,public | C SELECT 1 [I]");
    EXPECT_PREFIX(s, "select version()", "T version:25:-1 | D PostgreSQL 15.0 (pgpeek ");
    EXPECT_PREFIX(s, "select now(), current_timestamp",
                  "T now:1184:-1,current_timestamp:1184:-1 | D ");
    EXPECT(s, "select foo(1)",
           "E ERROR 42883 function foo(integer) does not exist @8 hint=No function matches the "
           "given name and argument types. You might need to add explicit type casts. [I]");
    EXPECT(s, "select x", "E ERROR 42703 column \"x\" does not exist @8 [I]");
    EXPECT(s, "select * from nosuch", "E ERROR 42P01 relation \"nosuch\" does not exist @15 [I]");
    EXPECT(s, "select 'é' || x", "E ERROR 42703 column \"x\" does not exist @15 [I]");
    EXPECT(s, "select 1 union select 2",
           "E ERROR 0A000 UNION/INTERSECT/EXCEPT is not supported [I]");
    EXPECT(s, "select 'a'::varchar(3), 'abcd'::varchar(2)",
           "T varchar:1043:7,varchar:1043:6 | D a,ab | C SELECT 1 [I]");
    EXPECT(s, "select 1 = 'a'::text",
           "E ERROR 42883 operator does not exist: integer = text @10 hint=No operator matches "
           "the given name and argument types. You might need to add explicit type casts. [I]");
    EXPECT(s, "select nullif(1, 1), nullif(1, 2), greatest(1, null, 3), least('b', 'a')",
           "T nullif:23:-1,nullif:23:-1,greatest:23:-1,least:25:-1 | D ~,1,3,a | C SELECT 1 [I]");
    EXPECT(s,
           "select null is distinct from 1, null is not distinct from null, 1 is distinct from 1",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1 | D t,t,f | C SELECT 1 [I]");
    EXPECT(
        s,
        "select null::bool is true, null::bool is not false, false is false, null::bool is unknown",
        "T ?column?:16:-1,?column?:16:-1,?column?:16:-1,?column?:16:-1 | D f,t,t,t | C SELECT 1 "
        "[I]");
    EXPECT(s, "select current_setting('DateStyle')",
           "T current_setting:25:-1 | D ISO, MDY | C SELECT 1 [I]");
    EXPECT(s, "select avg('1')",
           "E ERROR 42725 function avg(unknown) is not unique @8 hint=Could not choose a best "
           "candidate function. You might need to add explicit type casts. [I]");
    EXPECT(s, "select distinct 1, 'a'", "T ?column?:23:-1,?column?:25:-1 | D 1,a | C SELECT 1 [I]");
    EXPECT(s, "select count(*) filter (where false), count(*)",
           "T count:20:-1,count:20:-1 | D 0,1 | C SELECT 1 [I]");
    /* round(5) is round(double precision): float8 is the preferred numeric type */
    EXPECT(
        s, "select round(2.5), round(-2.5), round(2.345, 2), round(5), round(2.5::float8)",
        "T round:1700:-1,round:1700:-1,round:1700:-1,round:701:-1,round:701:-1 | D 3,-3,2.35,5,2 "
        "| C SELECT 1 [I]");
    EXPECT(
        s,
        "select substr('héllo', 2, 3), strpos('héllo', 'l'), replace('abab', 'b', 'X'), "
        "concat('a', null, 1), trim(both 'x' from 'xax'), left('héllo', -3), right('ab', 1), "
        "repeat('ab', 2), reverse('hé')",
        "T substr:25:-1,strpos:23:-1,replace:25:-1,concat:25:-1,btrim:25:-1,left:25:-1,"
        "right:25:-1,repeat:25:-1,reverse:25:-1 | D éll,3,aXaX,a1,a,hé,b,abab,éh | C SELECT 1 [I]");
    EXPECT(s, "select substr('x', 1, -1)",
           "E ERROR 22011 negative substring length not allowed [I]");
    EXPECT(s, "select 'a%' like 'a\\%', 'ab' like 'a\\%', 'é' like '_'",
           "T ?column?:16:-1,?column?:16:-1,?column?:16:-1 | D t,f,t | C SELECT 1 [I]");
    EXPECT(s, "select 'a' like 'a\\'",
           "E ERROR 22025 LIKE pattern must not end with escape character [I]");
    /* the parse-tree cache: repeats, evictions and errors give the same answers */
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 40; i++) {
            char q[64], want[128];
            snprintf(q, sizeof q, "select %d + 1", i);
            snprintf(want, sizeof want, "T ?column?:23:-1 | D %d | C SELECT 1 [I]", i + 1);
            EXPECT(s, q, want);
        }
    EXPECT(s, "SELECT * FORM t", "E ERROR 42601 syntax error at or near \"FORM\" @10 [I]");
    EXPECT(s, "SELECT * FORM t", "E ERROR 42601 syntax error at or near \"FORM\" @10 [I]");
    adp_session_free(s);
    adp_db_close(db);
    return finish();
}
