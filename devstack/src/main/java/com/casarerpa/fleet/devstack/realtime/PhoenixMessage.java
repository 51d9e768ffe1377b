package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Phoenix channel message in either direction. Refs are kept as JSON values so they are echoed
 * exactly as the client sent them (clients send strings; a number stays a number).
 *
 * @param joinRef the join ref of the channel instance, {@link NullNode} when absent
 * @param ref the request ref, {@link NullNode} for pushes
 * @param topic e.g. {@code realtime:robot-fleet} or {@code phoenix}
 * @param event e.g. {@code phx_join}, {@code broadcast}
 * @param payload the JSON payload; for a binary broadcast push, the {@code {type, event}} part
 * @param userPayload the raw user payload of a vsn 2.0.0 binary broadcast push, else null
 */
record PhoenixMessage(
    JsonNode joinRef,
    JsonNode ref,
    String topic,
    String event,
    JsonNode payload,
    UserPayload userPayload) {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  PhoenixMessage {
    joinRef = joinRef == null ? NullNode.getInstance() : joinRef;
    ref = ref == null ? NullNode.getInstance() : ref;
  }

  /** A server push on a channel: no ref. */
  static PhoenixMessage push(JsonNode joinRef, String topic, String event, JsonNode payload) {
    return new PhoenixMessage(joinRef, null, topic, event, payload, null);
  }

  /** {@code phx_reply {"status": status, "response": response}} to {@code request}. */
  static PhoenixMessage reply(PhoenixMessage request, String status, JsonNode response) {
    ObjectNode payload = NODES.objectNode();
    payload.put("status", status);
    payload.set("response", response);
    return new PhoenixMessage(
        request.joinRef, request.ref, request.topic, "phx_reply", payload, null);
  }

  static PhoenixMessage ok(PhoenixMessage request) {
    return reply(request, "ok", NODES.objectNode());
  }

  static PhoenixMessage error(PhoenixMessage request, String reason) {
    ObjectNode response = NODES.objectNode();
    response.put("reason", reason);
    return reply(request, "error", response);
  }

  /** The payload field {@code name} as text, or null when absent or not text. */
  String payloadText(String name) {
    JsonNode node = payload == null ? null : payload.get(name);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  /**
   * The user part of a binary broadcast push (kind 3).
   *
   * @param event the user event
   * @param json true when {@code bytes} is JSON text (encoding byte 1), false for raw binary
   * @param bytes the user payload
   */
  record UserPayload(String event, boolean json, byte[] bytes) {}
}
