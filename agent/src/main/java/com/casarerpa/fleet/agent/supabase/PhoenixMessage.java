package com.casarerpa.fleet.agent.supabase;

import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * One Phoenix channel message in the vsn 1.0.0 serializer: a JSON object {@code {topic, event,
 * payload, ref, join_ref}}. The server never sends {@code join_ref}; its {@code phx_close} and
 * {@code phx_error} carry the join's ref in {@code ref}.
 */
public record PhoenixMessage(
    String topic, String event, JsonNode payload, String ref, String joinRef) {

  public String encode() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("topic", topic);
    node.put("event", event);
    node.set("payload", payload == null ? Json.MAPPER.createObjectNode() : payload);
    node.put("ref", ref);
    node.put("join_ref", joinRef);
    return node.toString();
  }

  /** Parses a frame; empty when it is not a Phoenix message. */
  public static Optional<PhoenixMessage> decode(String text) {
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node == null || !node.isObject() || !node.hasNonNull("topic") || !node.has("event")) {
        return Optional.empty();
      }
      return Optional.of(
          new PhoenixMessage(
              node.get("topic").asText(),
              node.get("event").asText(),
              node.has("payload") ? node.get("payload") : Json.MAPPER.createObjectNode(),
              textOrNull(node.get("ref")),
              textOrNull(node.get("join_ref"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  /** For {@code phx_reply}: the {@code status} field ("ok" or "error"). */
  String replyStatus() {
    return payload.path("status").asText("");
  }
}
