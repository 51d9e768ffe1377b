package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private channel authorization as Supabase does it, through RLS on {@code realtime.messages}: a
 * join needs a SELECT policy that lets the caller see a probe row of the topic (extension {@code
 * broadcast} or {@code presence}); sending needs an INSERT policy. Both run in a transaction that
 * is rolled back, as the caller's role with {@code request.jwt.claims} and {@code realtime.topic}
 * set. Write checks are cached per token, topic and extension (bounded, least recently used out).
 */
final class ChannelPolicy {
  private static final Logger log = LoggerFactory.getLogger(ChannelPolicy.class);
  private static final int MAX_CACHED = 1024;

  private final DataSource superuser;
  private final ObjectMapper json;
  private final Map<String, Boolean> writes =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_CACHED;
        }
      };

  ChannelPolicy(DataSource superuser, ObjectMapper json) {
    this.superuser = superuser;
    this.json = json;
  }

  /** May the token's role read (join) the private topic {@code subtopic}? */
  boolean canRead(TokenCheck.Verified token, String subtopic) {
    try (Connection c = superuser.getConnection()) {
      c.setAutoCommit(false);
      try {
        long[] probes = new long[2];
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO realtime.messages (topic, extension, private) VALUES (?, 'broadcast',"
                    + " true), (?, 'presence', true) RETURNING id")) {
          insert.setString(1, subtopic);
          insert.setString(2, subtopic);
          try (ResultSet rs = insert.executeQuery()) {
            for (int i = 0; i < 2 && rs.next(); i++) {
              probes[i] = rs.getLong(1);
            }
          }
        }
        actAs(c, token, subtopic);
        try (PreparedStatement select =
            c.prepareStatement("SELECT count(*) FROM realtime.messages WHERE id IN (?, ?)")) {
          select.setLong(1, probes[0]);
          select.setLong(2, probes[1]);
          try (ResultSet rs = select.executeQuery()) {
            return rs.next() && rs.getLong(1) > 0;
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      log.debug("read check on private topic {} denied: {}", subtopic, e.getMessage());
      return false;
    }
  }

  /** May the token's role send {@code extension} messages on the private topic? */
  boolean canWrite(TokenCheck.Verified token, String subtopic, String extension) {
    String key = token.token() + '|' + extension + '|' + subtopic;
    synchronized (writes) {
      Boolean cached = writes.get(key);
      if (cached != null) {
        return cached;
      }
    }
    boolean allowed = checkWrite(token, subtopic, extension);
    synchronized (writes) {
      writes.put(key, allowed);
    }
    return allowed;
  }

  private boolean checkWrite(TokenCheck.Verified token, String subtopic, String extension) {
    try (Connection c = superuser.getConnection()) {
      c.setAutoCommit(false);
      try {
        actAs(c, token, subtopic);
        try (PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO realtime.messages (topic, extension, private) VALUES (?, ?, true)")) {
          insert.setString(1, subtopic);
          insert.setString(2, extension);
          insert.executeUpdate();
          return true;
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      log.debug("write check on private topic {} denied: {}", subtopic, e.getMessage());
      return false;
    }
  }

  /** {@code SET LOCAL ROLE} and the GUCs Supabase sets for policies. */
  static void actAs(Connection c, TokenCheck.Verified token, String subtopic, ObjectMapper json)
      throws SQLException {
    String claims;
    try {
      claims = json.writeValueAsString(token.claims());
    } catch (JsonProcessingException e) {
      throw new SQLException("claims are not JSON", e);
    }
    try (Statement role = c.createStatement()) {
      role.execute("SET LOCAL ROLE " + quoteIdentifier(token.role()));
    }
    try (PreparedStatement set =
        c.prepareStatement(
            "SELECT set_config('request.jwt.claims', ?, true),"
                + " set_config('request.jwt.claim.role', ?, true),"
                + " set_config('request.jwt.claim.sub', ?, true),"
                + " set_config('realtime.topic', ?, true)")) {
      set.setString(1, claims);
      set.setString(2, token.role());
      Object sub = token.claims().get("sub");
      set.setString(3, sub == null ? "" : sub.toString());
      set.setString(4, subtopic == null ? "" : subtopic);
      set.execute();
    }
  }

  private void actAs(Connection c, TokenCheck.Verified token, String subtopic) throws SQLException {
    actAs(c, token, subtopic, json);
  }

  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
