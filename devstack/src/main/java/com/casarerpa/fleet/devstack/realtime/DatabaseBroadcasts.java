package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcast from the database: {@code realtime.send(payload, event, topic, private)} stores a row
 * in {@code realtime.messages} and notifies {@code realtime_messages} with its id; this reads the
 * row and delivers it to the topic's channels (public or private namespace by the row's {@code
 * private}), as a user broadcast with {@code meta.id}, as Supabase does. After the listener
 * reconnects, messages stored meanwhile (ids above the last one delivered) are delivered late
 * rather than lost. Rows older than three days are pruned, Supabase's retention. Called only from
 * the listener thread (after {@link #init}).
 */
final class DatabaseBroadcasts {
  static final String NOTIFY_CHANNEL = "realtime_messages";
  private static final Logger log = LoggerFactory.getLogger(DatabaseBroadcasts.class);

  private final DataSource db;
  private final RealtimeHub hub;
  private final ObjectMapper json;
  private static final int REMEMBERED = 10_000;
  private long lastDelivered;
  private final java.util.Set<Long> recent = new java.util.LinkedHashSet<>();

  DatabaseBroadcasts(DataSource db, RealtimeHub hub, ObjectMapper json) {
    this.db = db;
    this.hub = hub;
    this.json = json;
  }

  /** Starts after the newest stored message: older ones are never delivered. */
  void init() throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(id), 0) FROM realtime.messages")) {
      rs.next();
      lastDelivered = rs.getLong(1);
    }
  }

  /** Delivers messages stored while the listener was disconnected. */
  void catchUp() {
    java.util.List<Long> missed = new java.util.ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id FROM realtime.messages WHERE id > ? AND extension = 'broadcast' ORDER BY"
                    + " id LIMIT 1000")) {
      s.setLong(1, lastDelivered);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          missed.add(rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      log.warn("cannot read missed realtime.messages: {}", e.getMessage());
      return;
    }
    missed.forEach(id -> deliver(Long.toString(id)));
  }

  /** Handles one {@code realtime_messages} notification (the message id). */
  void deliver(String id) {
    long messageId;
    try {
      messageId = Long.parseLong(id.trim());
    } catch (NumberFormatException e) {
      log.debug("ignoring realtime_messages notification '{}': not an id", id);
      return;
    }
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT topic, event, payload::text, private FROM realtime.messages WHERE id = ?"
                    + " AND extension = 'broadcast'")) {
      s.setLong(1, messageId);
      try (ResultSet rs = s.executeQuery()) {
        if (!recent.add(messageId)) {
          return; // already delivered (a catch-up raced its notification)
        }
        if (recent.size() > REMEMBERED) {
          recent.remove(recent.iterator().next());
        }
        lastDelivered = Math.max(lastDelivered, messageId);
        if (rs.next()) {
          JsonNode payload = parse(rs.getString(3));
          hub.fanOut(
              Broadcast.user(
                  json,
                  RealtimeHub.TOPIC_PREFIX + rs.getString(1),
                  rs.getBoolean(4),
                  rs.getString(2) == null ? "" : rs.getString(2),
                  payload,
                  Long.toString(messageId),
                  true),
              null);
        }
      }
    } catch (SQLException e) {
      log.warn("cannot read realtime.messages row {}: {}", messageId, e.getMessage());
    }
  }

  void prune() {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "DELETE FROM realtime.messages WHERE inserted_at < now() - interval '3 days'");
    } catch (SQLException e) {
      log.warn("pruning realtime.messages failed: {}", e.getMessage());
    }
  }

  private JsonNode parse(String text) {
    try {
      return text == null ? json.nullNode() : json.readTree(text);
    } catch (IOException e) {
      return json.getNodeFactory().textNode(text);
    }
  }
}
