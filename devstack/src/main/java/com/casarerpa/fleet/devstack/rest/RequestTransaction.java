package com.casarerpa.fleet.devstack.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Runs one request in one transaction as PostgREST does: READ ONLY for reads, then one {@code
 * set_config} statement for the search path, the impersonated role and the {@code request.*} GUCs,
 * then the work; COMMIT on success, ROLLBACK on any error.
 */
final class RequestTransaction {
  /** Work done inside the transaction. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** A rows-as-JSON result: the JSON text and how many rows it holds. */
  record JsonRows(String json, long rows) {}

  private static final String SET_CONFIG =
      "SELECT set_config('search_path', ?, true), set_config('role', ?, true),"
          + " set_config('request.jwt.claims', ?, true), set_config('request.method', ?, true),"
          + " set_config('request.path', ?, true), set_config('request.headers', ?, true),"
          + " set_config('request.cookies', ?, true)";

  private final DataSource pool;
  private final String searchPath;
  private final Function<String, Map<String, String>> roleSettings;

  /**
   * @param pool connections as {@code authenticator}
   * @param searchPath the search path every request runs with
   * @param roleSettings the settings attached to a role, applied after switching to it
   */
  RequestTransaction(
      DataSource pool, String searchPath, Function<String, Map<String, String>> roleSettings) {
    this.pool = pool;
    this.searchPath = searchPath;
    this.roleSettings = roleSettings;
  }

  <T> T run(RestRequest request, String claimsJson, boolean readOnly, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      c.setReadOnly(readOnly);
      try {
        setConfig(c, request, claimsJson);
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLTransientConnectionException e) {
      throw new ApiError(
          504, "PGRST003", "Timed out acquiring connection from connection pool.", null, null);
    } catch (SQLException e) {
      throw PgErrors.toApiError(e, request.caller().isAnonymous());
    }
  }

  /** One statement: search path, role, request GUCs, then the role's own settings. */
  private void setConfig(Connection c, RestRequest request, String claimsJson) throws SQLException {
    Map<String, String> settings = roleSettings.apply(request.caller().role());
    StringBuilder sql = new StringBuilder(SET_CONFIG);
    for (int i = 0; i < settings.size(); i++) {
      sql.append(", set_config(?, ?, true)");
    }
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      s.setString(1, searchPath);
      s.setString(2, request.caller().role());
      s.setString(3, claimsJson);
      s.setString(4, request.method());
      s.setString(5, request.path());
      s.setString(6, request.headersJson());
      s.setString(7, request.cookiesJson());
      int i = 8;
      for (var setting : settings.entrySet()) {
        s.setString(i++, setting.getKey());
        s.setString(i++, setting.getValue());
      }
      s.execute();
    }
  }

  /** Runs a query whose first column is JSON text and second a row count. */
  static JsonRows jsonRows(Connection c, Sql sql) throws SQLException {
    try (PreparedStatement s = prepare(c, sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return new JsonRows(rs.getString(1), rs.getLong(2));
    }
  }

  /** Runs a query returning one long. */
  static long count(Connection c, Sql sql) throws SQLException {
    try (PreparedStatement s = prepare(c, sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static int update(Connection c, Sql sql) throws SQLException {
    try (PreparedStatement s = prepare(c, sql)) {
      return s.executeUpdate();
    }
  }

  static PreparedStatement prepare(Connection c, Sql sql) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql.text());
    int i = 1;
    for (Object value : sql.values()) {
      s.setObject(i++, value, Types.OTHER);
    }
    return s;
  }
}
