// PostgreSQL JDBC driver client test. PreparedStatement uses the extended protocol; the
// driver switches to a named server-side statement after prepareThreshold (5) runs,
// which the 100-run loop exercises. Connection settings come from PGHOST etc.
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

public class ClientTest {
  static final String T = "clients_jdbc";
  static final String COLUMNS = "id, big, t, v, f, n, b, d, ts, by";
  static final byte[] BYTES = {0x00, 0x01, (byte) 0xfe, (byte) 0xff, 0x27, 0x5c};
  static final OffsetDateTime TS = OffsetDateTime.of(2024, 2, 29, 12, 34, 56, 789012000, ZoneOffset.UTC);

  static class Fail extends Exception {
    Fail(String m) {
      super(m);
    }
  }

  // The step under way, named in the failure message.
  static String step = "connect";

  static void check(boolean cond, String what) throws Fail {
    if (!cond) throw new Fail(what);
  }

  static String env(String k, String d) {
    String v = System.getenv(k);
    return v == null || v.isEmpty() ? d : v;
  }

  static void checkValue(String name, Object got, Class<?> cls, Object want) throws Fail {
    check(got != null, "column " + name + ": NULL, expected " + want);
    check(cls.isInstance(got), "column " + name + ": " + got.getClass().getName() + ", expected " + cls.getName());
    boolean eq = got instanceof byte[] ? Arrays.equals((byte[]) got, (byte[]) want) : got.equals(want);
    check(eq, "column " + name + ": got " + (got instanceof byte[] ? Arrays.toString((byte[]) got) : got)
        + ", expected " + (want instanceof byte[] ? Arrays.toString((byte[]) want) : want));
  }

  static void run() throws Exception {
    String url = "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432") + "/"
        + env("PGDATABASE", "materialize");
    Connection c = DriverManager.getConnection(url, env("PGUSER", "materialize"), "");
    step = "driver probes (isValid, SHOW TRANSACTION ISOLATION LEVEL, two statements in one)";
    // isValid sends an empty query (connection pools call it constantly).
    check(c.isValid(5), "isValid(5) is false");
    check(c.getTransactionIsolation() != Connection.TRANSACTION_NONE, "getTransactionIsolation");
    try (Statement two = c.createStatement()) {
      // One Statement with two queries: the driver sends two Parse/Bind/Execute, one Sync.
      check(two.execute("SELECT 1; SELECT 2"), "two statements: no result set");
      try (ResultSet rs = two.getResultSet()) {
        check(rs.next() && rs.getInt(1) == 1, "two statements: first result");
      }
      check(two.getMoreResults(), "two statements: no second result");
      try (ResultSet rs = two.getResultSet()) {
        check(rs.next() && rs.getInt(1) == 2, "two statements: second result");
      }
    }

    step = "create table";
    Statement st = c.createStatement();
    st.execute("DROP TABLE IF EXISTS " + T);
    st.execute("CREATE TABLE " + T + " (id int4, big int8, t text, v varchar(20), f float8, "
        + "n numeric, b bool, d date, ts timestamptz, by bytea)");

    step = "insert with parameters";
    String ins = "INSERT INTO " + T + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (PreparedStatement ps = c.prepareStatement(ins)) {
      ps.setInt(1, 1);
      ps.setLong(2, 9007199254740993L);
      ps.setString(3, "it's héllo");
      ps.setString(4, "abc");
      ps.setDouble(5, 2.718281828459045);
      ps.setBigDecimal(6, new BigDecimal("12345678901234567890.123456789"));
      ps.setBoolean(7, true);
      ps.setObject(8, LocalDate.of(2024, 2, 29));
      ps.setObject(9, TS);
      ps.setBytes(10, BYTES);
      check(ps.executeUpdate() == 1, "insert update count");
      ps.setInt(1, 2);
      ps.setNull(2, Types.BIGINT);
      ps.setNull(3, Types.VARCHAR);
      ps.setNull(4, Types.VARCHAR);
      ps.setNull(5, Types.DOUBLE);
      ps.setNull(6, Types.NUMERIC);
      ps.setNull(7, Types.BOOLEAN);
      ps.setNull(8, Types.DATE);
      ps.setNull(9, Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setNull(10, Types.BINARY);
      check(ps.executeUpdate() == 1, "insert of NULLs update count");
    }

    step = "select with a bound WHERE";
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + T + " WHERE id = ?")) {
      ps.setInt(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        check(rs.next(), "select id=1: no row");
        ResultSetMetaData md = rs.getMetaData();
        // getColumnType maps the column's type oid through the driver's built-in table.
        // (getColumnTypeName would also run a pg_attribute/pg_class join to spot serial
        // columns: a catalog query, not protocol; see /work/brief/client-diffs.md.)
        int[] want = {Types.INTEGER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.DOUBLE, Types.NUMERIC,
            Types.BIT, Types.DATE, Types.TIMESTAMP, Types.BINARY};
        for (int i = 0; i < want.length; i++) {
          check(want[i] == md.getColumnType(i + 1),
              "column " + (i + 1) + " java.sql.Types " + md.getColumnType(i + 1) + ", expected " + want[i]);
        }
        checkValue("id", rs.getObject(1), Integer.class, 1);
        checkValue("big", rs.getObject(2), Long.class, 9007199254740993L);
        checkValue("t", rs.getObject(3), String.class, "it's héllo");
        checkValue("v", rs.getObject(4), String.class, "abc");
        checkValue("f", rs.getObject(5), Double.class, 2.718281828459045);
        checkValue("n", rs.getObject(6), BigDecimal.class, new BigDecimal("12345678901234567890.123456789"));
        checkValue("b", rs.getObject(7), Boolean.class, true);
        checkValue("d", rs.getObject(8, LocalDate.class), LocalDate.class, LocalDate.of(2024, 2, 29));
        checkValue("ts", rs.getObject(9, OffsetDateTime.class), OffsetDateTime.class, TS);
        checkValue("by", rs.getObject(10), byte[].class, BYTES);
        check(!rs.next(), "select id=1: more than one row");
      }
      ps.setInt(1, 2);
      try (ResultSet rs = ps.executeQuery()) {
        check(rs.next(), "select id=2: no row");
        check(rs.getInt(1) == 2, "select id=2: id " + rs.getInt(1));
        for (int i = 2; i <= 10; i++) {
          Object o = rs.getObject(i);
          check(o == null, "select id=2: column " + i + ": " + o + ", expected NULL");
        }
      }
    }

    step = "syntax error";
    try {
      st.execute("SELEC 1");
      check(false, "SELEC 1 did not raise");
    } catch (SQLException e) {
      check("42601".equals(e.getSQLState()), "syntax error SQLSTATE " + e.getSQLState() + " (" + e.getMessage() + "), expected 42601");
    }
    step = "syntax error (prepared statement)";
    try (PreparedStatement ps = c.prepareStatement("SELEC ?")) {
      ps.setInt(1, 1);
      ps.executeQuery();
      check(false, "prepared SELEC ? did not raise");
    } catch (SQLException e) {
      check("42601".equals(e.getSQLState()), "prepared syntax error SQLSTATE " + e.getSQLState() + ", expected 42601");
    }
    step = "query after the syntax error";
    try (PreparedStatement ps = c.prepareStatement("SELECT 40 + ?")) {
      ps.setInt(1, 2);
      try (ResultSet rs = ps.executeQuery()) {
        check(rs.next() && rs.getInt(1) == 42, "connection unusable after the syntax error");
      }
    }

    step = "100 parameterized queries";
    try (PreparedStatement ps = c.prepareStatement("SELECT id + ? FROM " + T + " WHERE id = ?")) {
      for (int i = 0; i < 100; i++) {
        ps.setInt(1, i);
        ps.setInt(2, 1);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "loop " + i + ": no row");
          int got = rs.getInt(1);
          check(got == 1 + i, "loop " + i + ": got " + got + ", expected " + (1 + i));
          check(!rs.next(), "loop " + i + ": more than one row");
        }
      }
      // From the 5th run (prepareThreshold) the driver uses a named server-side statement.
      check(ps.unwrap(org.postgresql.PGStatement.class).isUseServerPrepare(),
          "the driver did not switch to a server-side prepared statement");
    }

    step = "fetch size (Execute with a row limit, PortalSuspended)";
    // With autocommit off and a fetch size the driver keeps the portal open and
    // Executes it 3 rows at a time; the server answers PortalSuspended in between.
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " (id, t) VALUES (?, ?)")) {
      for (int i = 10; i < 20; i++) {
        ps.setInt(1, i);
        ps.setString(2, "batch " + i);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      check(counts.length == 10, "batch insert: " + counts.length + " counts");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT id, t FROM " + T + " WHERE id >= ? ORDER BY id")) {
      ps.setFetchSize(3);
      ps.setInt(1, 10);
      try (ResultSet rs = ps.executeQuery()) {
        int want = 10;
        while (rs.next()) {
          check(rs.getInt(1) == want && ("batch " + want).equals(rs.getString(2)),
              "fetch: row " + rs.getInt(1) + " " + rs.getString(2) + ", expected " + want);
          want++;
        }
        check(want == 20, "fetch: got rows up to " + (want - 1) + ", expected up to 19");
      }
    }
    c.rollback();
    check(count(c, 10) == 0, "batch rows still there after rollback");

    step = "error in a transaction (25P02 until ROLLBACK)";
    try {
      st.execute("SELEC 1");
      check(false, "SELEC 1 in a transaction did not raise");
    } catch (SQLException e) {
      check("42601".equals(e.getSQLState()), "SQLSTATE " + e.getSQLState() + ", expected 42601");
    }
    try {
      count(c, 1);
      check(false, "a query in a failed transaction did not raise");
    } catch (SQLException e) {
      check("25P02".equals(e.getSQLState()), "failed transaction SQLSTATE " + e.getSQLState() + " (" + e.getMessage() + "), expected 25P02");
    }
    c.rollback();
    c.setAutoCommit(true);
    check(count(c, 1) == 1, "query after ROLLBACK of a failed transaction");

    step = "BEGIN/INSERT/ROLLBACK";
    c.setAutoCommit(false); // the driver sends BEGIN before the next statement
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " (id, t) VALUES (?, ?)")) {
      ps.setInt(1, 3);
      ps.setString(2, "rolled back");
      check(ps.executeUpdate() == 1, "insert in transaction");
    }
    check(count(c, 3) == 1, "inserted row not visible inside its transaction");
    c.rollback();
    c.setAutoCommit(true);
    check(count(c, 3) == 0, "row still there after ROLLBACK");
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + T)) {
      check(rs.next() && rs.getLong(1) == 2, "table does not have exactly 2 rows");
    }
    step = "close";
    c.close();
    check(c.isClosed(), "connection not closed");
  }

  static long count(Connection c, int id) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + T + " WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public static void main(String[] args) {
    try {
      run();
    } catch (Fail e) {
      System.err.println("jdbc: FAIL: step '" + step + "': " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      String state = e instanceof SQLException ? " (SQLSTATE " + ((SQLException) e).getSQLState() + ")" : "";
      System.err.println("jdbc: FAIL: step '" + step + "': unexpected " + e + state);
      System.exit(1);
    }
    System.out.println("jdbc: all checks passed");
  }
}
