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
 * Runs one request in one transaction as PostgREST does: READ ONLY for reads, then {@link
 * RequestSettings} (search path, impersonated role, {@code request.*} GUCs, the role's own
 * settings), then the work; COMMIT on success, ROLLBACK on any error.
 */
final class RequestTransaction {
  /** Work done inside the transaction. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** A rows-as-JSON result: the JSON text and how many rows it holds. */
  record JsonRows(String json, long rows) {}

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
    String role = request.caller().role();
    new RequestSettings(
            role,
            claimsJson,
            request.method(),
            request.path(),
            request.headersJson(),
            request.cookiesJson())
        .applyTo(c, searchPath, roleSettings.apply(role));
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
