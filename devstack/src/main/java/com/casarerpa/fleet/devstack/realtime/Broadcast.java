package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One broadcast on a topic, in the two shapes Supabase Realtime delivers:
 *
 * <ul>
 *   <li>a JSON broadcast (client text push, REST batch): everyone gets the map {@code {type, event,
 *       payload[, meta]}} as a text {@code broadcast} event;
 *   <li>a user broadcast (vsn 2.0.0 binary push, {@code realtime.send}, single-message REST): vsn
 *       2.0.0 sockets get a binary kind-4 frame, vsn 1.0.0 sockets the same JSON map, or nothing
 *       when the payload is raw binary.
 * </ul>
 *
 * @param topic the full topic, {@code realtime:<name>}
 * @param privateTopic true for the private namespace of {@code topic}
 * @param envelope the JSON map every text subscriber receives, or null for a raw-binary payload
 * @param user the kind-4 form, or null for a JSON broadcast
 * @param payloadSize the user payload's size in bytes (what the payload limit applies to)
 */
record Broadcast(
    String topic, boolean privateTopic, ObjectNode envelope, UserForm user, int payloadSize) {

  /**
   * The kind-4 parts.
   *
   * @param event user event
   * @param json encoding byte 1 (JSON) or 0 (raw)
   * @param payload encoded user payload
   * @param metadata JSON metadata such as {@code {"id":"…"}}, or null
   */
  record UserForm(String event, boolean json, byte[] payload, String metadata) {}

  /** A client's text {@code broadcast} push: the whole map is relayed unchanged. */
  static Broadcast fromClientMap(
      ObjectMapper json, String topic, boolean privateTopic, ObjectNode map) {
    JsonNode payload = map.get("payload");
    return new Broadcast(topic, privateTopic, map, null, size(json, payload));
  }

  /** A broadcast built from parts (REST, database, binary push). */
  static Broadcast user(
      ObjectMapper json,
      String topic,
      boolean privateTopic,
      String event,
      JsonNode payload,
      String messageId,
      boolean asUserBroadcast) {
    ObjectNode envelope = json.createObjectNode();
    envelope.put("type", "broadcast");
    envelope.put("event", event);
    envelope.set("payload", payload);
    String metadata = null;
    if (messageId != null) {
      envelope.putObject("meta").put("id", messageId);
      metadata = "{\"id\":" + json.getNodeFactory().textNode(messageId) + "}";
    }
    byte[] bytes = encode(json, payload);
    UserForm user = asUserBroadcast ? new UserForm(event, true, bytes, metadata) : null;
    return new Broadcast(topic, privateTopic, envelope, user, bytes.length);
  }

  /** A replayed stored message: a user broadcast with {@code meta: {id, replayed: true}}. */
  static Broadcast replayed(
      ObjectMapper json, String topic, String event, JsonNode payload, String messageId) {
    Broadcast b = user(json, topic, true, event, payload, messageId, true);
    ((ObjectNode) b.envelope().get("meta")).put("replayed", true);
    String metadata =
        "{\"replayed\":true,\"id\":" + json.getNodeFactory().textNode(messageId) + "}";
    UserForm user = new UserForm(event, true, b.user().payload(), metadata);
    return new Broadcast(topic, true, b.envelope(), user, b.payloadSize());
  }

  /** A vsn 2.0.0 binary push (kind 3). */
  static Broadcast fromBinaryPush(
      ObjectMapper json, String topic, boolean privateTopic, PhoenixMessage.UserPayload push) {
    ObjectNode envelope = null;
    if (push.json()) {
      try {
        envelope = json.createObjectNode();
        envelope.put("type", "broadcast");
        envelope.put("event", push.event());
        envelope.set("payload", json.readTree(push.bytes()));
      } catch (IOException e) {
        envelope = null;
      }
    }
    UserForm user = new UserForm(push.event(), push.json(), push.bytes(), null);
    return new Broadcast(topic, privateTopic, envelope, user, push.bytes().length);
  }

  private static int size(ObjectMapper json, JsonNode payload) {
    return payload == null ? 0 : encode(json, payload).length;
  }

  private static byte[] encode(ObjectMapper json, JsonNode payload) {
    try {
      return json.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      return String.valueOf(payload).getBytes(StandardCharsets.UTF_8);
    }
  }
}
