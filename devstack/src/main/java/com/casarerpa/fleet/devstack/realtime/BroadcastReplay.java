package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Broadcast replay for private channels ({@code config.broadcast.replay = {since: <ms epoch>,
 * limit}}), as Supabase does it: the newest {@code limit} (1–25, default 25) stored broadcasts of
 * the topic inserted since {@code since}, sent to the joining channel alone in chronological order
 * with {@code meta: {id, replayed: true}}.
 */
final class BroadcastReplay {
  static final int HARD_LIMIT = 25;

  private final DataSource db;
  private final ObjectMapper json;

  BroadcastReplay(DataSource db, ObjectMapper json) {
    this.db = db;
    this.json = json;
  }

  /** The replay request, or null when the params are not valid. */
  record Request(long sinceMillis, int limit) {
    static Request parse(JsonNode replay) {
      JsonNode since = replay == null ? null : replay.get("since");
      JsonNode limit = replay == null ? null : replay.get("limit");
      if (since == null || !since.canConvertToLong() || !since.isIntegralNumber()) {
        return null;
      }
      if (limit != null && !limit.isNull() && !limit.isIntegralNumber()) {
        return null;
      }
      int n = limit == null || limit.isNull() ? HARD_LIMIT : limit.asInt();
      return new Request(since.asLong(), Math.max(1, Math.min(n, HARD_LIMIT)));
    }
  }

  /**
   * The stored broadcasts of {@code topic} ({@code realtime:<subtopic>}) to replay, oldest first.
   */
  List<Broadcast> messages(String topic, Request request) throws SQLException {
    List<Broadcast> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, event, payload::text FROM realtime.messages WHERE topic = ? AND private"
                    + " AND extension = 'broadcast' AND inserted_at >= ? AND inserted_at < now() +"
                    + " interval '1 minute' ORDER BY inserted_at DESC, id DESC LIMIT ?")) {
      s.setString(1, topic.substring(RealtimeHub.TOPIC_PREFIX.length()));
      s.setTimestamp(2, Timestamp.from(Instant.ofEpochMilli(request.sinceMillis())));
      s.setInt(3, request.limit());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              0,
              Broadcast.replayed(
                  json,
                  topic,
                  rs.getString(2) == null ? "" : rs.getString(2),
                  parse(rs.getString(3)),
                  Long.toString(rs.getLong(1))));
        }
      }
    }
    return out;
  }

  private JsonNode parse(String text) {
    try {
      return text == null ? json.nullNode() : json.readTree(text);
    } catch (IOException e) {
      return json.getNodeFactory().textNode(text);
    }
  }
}
