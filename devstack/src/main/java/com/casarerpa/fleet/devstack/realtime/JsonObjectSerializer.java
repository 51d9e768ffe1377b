package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;

/**
 * Phoenix's V1 JSON serializer ({@code vsn=1.0.0}): one JSON object per text frame. Inbound needs
 * {@code topic}, {@code event}, {@code payload} and {@code ref}; outbound carries exactly {@code
 * topic, event, payload, ref} and never {@code join_ref}.
 */
final class JsonObjectSerializer implements Serializer {
  private final ObjectMapper json;

  JsonObjectSerializer(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public PhoenixMessage decode(String text) throws MalformedFrameException {
    JsonNode root = Serializer.readJson(json, text);
    if (root == null || !root.isObject()) {
      throw new MalformedFrameException("vsn 1.0.0 frames are JSON objects");
    }
    for (String key : new String[] {"topic", "event", "payload", "ref"}) {
      if (!root.has(key)) {
        throw new MalformedFrameException("missing key '" + key + "'");
      }
    }
    if (!root.get("topic").isTextual() || !root.get("event").isTextual()) {
      throw new MalformedFrameException("topic and event must be strings");
    }
    return new PhoenixMessage(
        root.path("join_ref").isMissingNode() ? NullNode.getInstance() : root.get("join_ref"),
        root.get("ref"),
        root.get("topic").asText(),
        root.get("event").asText(),
        root.get("payload"),
        null);
  }

  @Override
  public PhoenixMessage decode(ByteBuffer binary) throws MalformedFrameException {
    throw new MalformedFrameException("vsn 1.0.0 has no binary frames");
  }

  @Override
  public Frame encode(PhoenixMessage message) {
    ObjectNode out = json.createObjectNode();
    out.put("topic", message.topic());
    out.put("event", message.event());
    out.set("payload", message.payload());
    out.set("ref", message.ref());
    return Frame.text(out.toString());
  }

  @Override
  public Frame encode(Broadcast broadcast) {
    if (broadcast.envelope() == null) {
      return null;
    }
    ObjectNode out = json.createObjectNode();
    out.put("topic", broadcast.topic());
    out.put("event", "broadcast");
    out.set("payload", broadcast.envelope());
    out.putNull("ref");
    return Frame.text(out.toString());
  }
}
