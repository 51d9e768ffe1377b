package com.casarerpa.fleet.devstack.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an API request sets on its transaction before any of its SQL runs, in one {@code set_config}
 * statement, as PostgREST does: the search path, the impersonated role, {@code request.jwt.claims},
 * {@code request.method}, {@code request.path}, {@code request.headers}, {@code request.cookies},
 * then the role's own settings ({@code ALTER ROLE ... SET}, such as a {@code statement_timeout}).
 * Every setting is transaction-local.
 *
 * <p>The REST layer runs every request through this. Tests that call the database as an API caller
 * without HTTP (a Supabase project's schema tests) use {@link #applyTo(Connection)} on a connection
 * logged in as {@code authenticator} with auto-commit off, and so see what a request sees.
 *
 * @param role the role the request runs as ({@code anon}, {@code authenticated}, {@code
 *     service_role})
 * @param claimsJson the JWT claims as a JSON object
 * @param method the HTTP method ({@code POST})
 * @param path the path after {@code /rest/v1} ({@code /rpc/claim_jobs})
 * @param headersJson the request headers as a JSON object with lower-cased names
 * @param cookiesJson the cookies as a JSON object
 */
public record RequestSettings(
    String role,
    String claimsJson,
    String method,
    String path,
    String headersJson,
    String cookiesJson) {
  /** The search path every request runs with. */
  public static final String SEARCH_PATH = "public, extensions";

  private static final String SET_CONFIG =
      "SELECT set_config('search_path', ?, true), set_config('role', ?, true),"
          + " set_config('request.jwt.claims', ?, true), set_config('request.method', ?, true),"
          + " set_config('request.path', ?, true), set_config('request.headers', ?, true),"
          + " set_config('request.cookies', ?, true)";

  public RequestSettings {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(claimsJson, "claimsJson");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(headersJson, "headersJson");
    Objects.requireNonNull(cookiesJson, "cookiesJson");
  }

  /**
   * Applies these settings, with the role's own settings read from the catalog now, on a connection
   * inside a transaction.
   */
  public void applyTo(Connection c) throws SQLException {
    applyTo(c, SEARCH_PATH, roleSettings(c).getOrDefault(role, Map.of()));
  }

  /** One statement: search path, role, request settings, then the role's own settings. */
  void applyTo(Connection c, String searchPath, Map<String, String> ownSettings)
      throws SQLException {
    StringBuilder sql = new StringBuilder(SET_CONFIG);
    for (int i = 0; i < ownSettings.size(); i++) {
      sql.append(", set_config(?, ?, true)");
    }
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      s.setString(1, searchPath);
      s.setString(2, role);
      s.setString(3, claimsJson);
      s.setString(4, method);
      s.setString(5, path);
      s.setString(6, headersJson);
      s.setString(7, cookiesJson);
      int i = 8;
      for (var setting : ownSettings.entrySet()) {
        s.setString(i++, setting.getKey());
        s.setString(i++, setting.getValue());
      }
      s.execute();
    }
  }

  /**
   * Every role's own settings in the current database ({@code pg_db_role_setting}, database-wide
   * ones first so a database-specific one wins), keeping custom ({@code x.y}) settings and those a
   * user may set.
   */
  static Map<String, Map<String, String>> roleSettings(Connection c) throws SQLException {
    Map<String, Map<String, String>> settings = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement(
                """
                SELECT r.rolname, cfg
                FROM pg_db_role_setting s
                JOIN pg_roles r ON r.oid = s.setrole
                CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
                WHERE s.setdatabase IN (0, (SELECT oid FROM pg_database
                                            WHERE datname = current_database()))
                  AND (split_part(cfg, '=', 1) LIKE '%.%'
                       OR EXISTS (SELECT 1 FROM pg_settings p
                                  WHERE p.name = split_part(cfg, '=', 1) AND p.context = 'user'))
                ORDER BY s.setdatabase
                """);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String setting = rs.getString(2);
        int eq = setting.indexOf('=');
        if (eq > 0) {
          settings
              .computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
              .put(setting.substring(0, eq), setting.substring(eq + 1));
        }
      }
    }
    settings.replaceAll((k, v) -> Map.copyOf(v));
    return Map.copyOf(settings);
  }
}
