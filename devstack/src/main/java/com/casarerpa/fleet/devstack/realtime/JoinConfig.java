package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code config} of a {@code phx_join}, parsed leniently as Supabase does: a missing or invalid
 * field takes its default and never fails the join.
 *
 * @param broadcastSelf deliver this channel's own broadcasts back to it (default false)
 * @param broadcastAck reply {@code ok} to each broadcast (default false)
 * @param presenceEnabled send {@code presence_state} and diffs to this channel (default false)
 * @param presenceKey the presence key, a random UUID when missing or empty
 * @param privateChannel join the private namespace of the topic (default false)
 * @param postgresChanges the requested postgres_changes specs, as sent (null entries dropped)
 * @param accessToken the channel token from {@code user_token}/{@code access_token}, unless it
 *     starts with {@code sb_}; null means "use the socket's token"
 * @param replay {@code config.broadcast.replay} as sent, or null
 */
record JoinConfig(
    boolean broadcastSelf,
    boolean broadcastAck,
    boolean presenceEnabled,
    String presenceKey,
    boolean privateChannel,
    List<ObjectNode> postgresChanges,
    String accessToken,
    JsonNode replay) {

  static JoinConfig parse(JsonNode payload) {
    JsonNode config = payload == null ? null : payload.get("config");
    JsonNode broadcast = field(config, "broadcast");
    JsonNode presence = field(config, "presence");
    String key = text(field(presence, "key"));
    List<ObjectNode> changes = new ArrayList<>();
    JsonNode pg = field(config, "postgres_changes");
    if (pg != null && pg.isArray()) {
      pg.forEach(
          spec -> {
            if (spec.isObject()) {
              changes.add((ObjectNode) spec);
            }
          });
    }
    return new JoinConfig(
        bool(field(broadcast, "self")),
        bool(field(broadcast, "ack")),
        bool(field(presence, "enabled")),
        key == null || key.isEmpty() ? UUID.randomUUID().toString() : key,
        bool(field(config, "private")),
        List.copyOf(changes),
        token(payload),
        field(broadcast, "replay"));
  }

  /** The channel token in a join or {@code access_token} payload, or null. */
  static String token(JsonNode payload) {
    String token = text(field(payload, "user_token"));
    if (token == null) {
      token = text(field(payload, "access_token"));
    }
    return token == null || token.startsWith("sb_") ? null : token;
  }

  private static JsonNode field(JsonNode node, String name) {
    return node != null && node.isObject() ? node.get(name) : null;
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static boolean bool(JsonNode node) {
    if (node == null) {
      return false;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.isTextual() && node.asText().equalsIgnoreCase("true");
  }
}
