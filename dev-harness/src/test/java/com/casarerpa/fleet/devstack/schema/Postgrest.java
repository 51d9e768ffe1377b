package com.casarerpa.fleet.devstack.schema;

import com.casarerpa.fleet.devstack.rest.RequestSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Runs SQL as an API request does, without HTTP: one transaction on an {@code authenticator}
 * connection, set up by the local stack's REST layer itself ({@link RequestSettings}: search path,
 * role, JWT claims, method, path, headers with lower-cased names, cookies, the role's own
 * settings).
 */
final class Postgrest {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ROLES = Set.of("anon", "authenticated", "service_role");

  private final DataSource api;
  private final Map<String, Signature> signatures = new ConcurrentHashMap<>();

  Postgrest(DataSource api) {
    this.api = api;
  }

  /** The anon key and no robot key. */
  Session anon() {
    return new Session("anon", claims("anon"), JSON.createObjectNode());
  }

  /** The anon key plus {@code x-robot-api-key}. */
  Session robot(String apiKey) {
    ObjectNode headers = JSON.createObjectNode().put("x-robot-api-key", apiKey);
    headers.put("x-forwarded-for", "203.0.113.7, 10.0.0.1");
    return new Session("anon", claims("anon"), headers);
  }

  /** A dashboard user of {@code tenant}. */
  Session user(UUID tenant) {
    ObjectNode claims = claims("authenticated").put("sub", UUID.randomUUID().toString());
    claims.put("tenant_id", tenant.toString());
    return new Session("authenticated", claims, JSON.createObjectNode());
  }

  Session serviceRole() {
    return new Session("service_role", claims("service_role"), JSON.createObjectNode());
  }

  private static ObjectNode claims(String role) {
    return JSON.createObjectNode().put("role", role).put("iss", "supabase");
  }

  /** One caller: a role with its claims and headers. */
  final class Session {
    private final String role;
    private final String claims;
    private final String headers;

    private Session(String role, ObjectNode claims, ObjectNode headers) {
      if (!ROLES.contains(role)) {
        throw new IllegalArgumentException("unknown role " + role);
      }
      this.role = role;
      this.claims = claims.toString();
      this.headers = headers.toString();
    }

    /**
     * {@code POST /rest/v1/rpc/<function>} with a body of named arguments ({@code name, value,
     * name, value...}): a set-returning function gives an array, a void one null.
     */
    JsonNode rpc(String function, Object... namedArgs) throws SQLException {
      Signature signature = signature(function);
      Map<String, Object> args = new LinkedHashMap<>();
      for (int i = 0; i < namedArgs.length; i += 2) {
        args.put((String) namedArgs[i], namedArgs[i + 1]);
      }
      List<String> binds = new ArrayList<>();
      for (String name : args.keySet()) {
        String type = signature.types().get(name);
        if (type == null) {
          throw new IllegalArgumentException(function + " has no argument " + name);
        }
        binds.add(name + " => ?::" + type);
      }
      String call = "public." + function + "(" + String.join(", ", binds) + ")";
      String sql =
          signature.returnsSet()
              ? "SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]')::text FROM " + call + " r"
              : signature.returnsVoid()
                  ? "SELECT " + call + " IS NULL"
                  : "SELECT to_jsonb(" + call + ")::text";
      List<Map<String, Object>> rows =
          select("/rpc/" + function, sql, args.values().stream().map(Postgrest::text).toArray());
      if (signature.returnsVoid()) {
        return NullNode.getInstance();
      }
      Object value = rows.get(0).values().iterator().next();
      try {
        return value == null ? NullNode.getInstance() : JSON.readTree((String) value);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable JSON from " + function, e);
      }
    }

    /** Runs a query in this caller's transaction; each row as column name -> value. */
    List<Map<String, Object>> select(String sql, Object... params) throws SQLException {
      return select("/", sql, params);
    }

    private List<Map<String, Object>> select(String path, String sql, Object... params)
        throws SQLException {
      return inTransaction(
          path,
          c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
              bindText(s, params);
              try (ResultSet rs = s.executeQuery()) {
                return rows(rs);
              }
            }
          });
    }

    /** Runs a statement in this caller's transaction; returns the update count. */
    int execute(String sql, Object... params) throws SQLException {
      return inTransaction(
          "/",
          c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
              SchemaDatabase.bind(s, params);
              return s.executeUpdate();
            }
          });
    }

    private <T> T inTransaction(String path, Work<T> work) throws SQLException {
      try (Connection c = api.getConnection()) {
        c.setAutoCommit(false);
        try {
          new RequestSettings(role, claims, "POST", path, headers, "{}").applyTo(c);
          T result = work.run(c);
          c.commit();
          return result;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
    }
  }

  private Signature signature(String function) throws SQLException {
    Signature known = signatures.get(function);
    if (known != null) {
      return known;
    }
    String sql =
        "SELECT p.proretset, p.prorettype = 'void'::regtype,"
            + " array(SELECT n FROM unnest(p.proargnames) WITH ORDINALITY u(n, o) ORDER BY o),"
            + " array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) WITH ORDINALITY"
            + " u(t, o) ORDER BY o)"
            + " FROM pg_proc p WHERE p.proname = ? AND p.pronamespace = 'public'::regnamespace";
    try (Connection c = api.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, function);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalArgumentException("no function public." + function);
        }
        String[] names = (String[]) rs.getArray(3).getArray();
        String[] types = (String[]) rs.getArray(4).getArray();
        Map<String, String> byName = new LinkedHashMap<>();
        for (int i = 0; i < types.length; i++) {
          byName.put(names[i], types[i]);
        }
        Signature signature = new Signature(rs.getBoolean(1), rs.getBoolean(2), byName);
        signatures.put(function, signature);
        return signature;
      }
    }
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      try {
        return JSON.writeValueAsString(value);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("not JSON-serialisable: " + value, e);
      }
    }
    return value.toString();
  }

  private static void bindText(PreparedStatement s, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      if (params[i] == null) {
        s.setNull(i + 1, Types.VARCHAR);
      } else if (params[i] instanceof String text) {
        s.setString(i + 1, text);
      } else {
        s.setObject(i + 1, params[i]);
      }
    }
  }

  private static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    List<Map<String, Object>> rows = new ArrayList<>();
    while (rs.next()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        row.put(meta.getColumnLabel(i), rs.getObject(i));
      }
      rows.add(row);
    }
    return rows;
  }

  private record Signature(boolean returnsSet, boolean returnsVoid, Map<String, String> types) {}

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }
}
