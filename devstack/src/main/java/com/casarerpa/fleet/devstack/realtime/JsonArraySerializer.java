package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Supabase Realtime's V2 serializer ({@code vsn=2.0.0}): text frames hold {@code [join_ref, ref,
 * topic, event, payload]}; binary frames carry user broadcasts. Inbound binary kind 3 ({@code
 * USER_BROADCAST_PUSH}): kind, sizes of join_ref, ref, topic, user event and metadata, the payload
 * encoding (0 raw, 1 JSON), the five strings, then the payload. Outbound kind 4 ({@code
 * USER_BROADCAST}): kind, sizes of topic, user event and metadata, the encoding, the three strings,
 * then the payload.
 */
final class JsonArraySerializer implements Serializer {
  static final int USER_BROADCAST_PUSH = 3;
  static final int USER_BROADCAST = 4;
  private static final int PUSH_HEADER = 7;

  private final ObjectMapper json;

  JsonArraySerializer(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String version() {
    return "2.0.0";
  }

  @Override
  public PhoenixMessage decode(String text) throws MalformedFrameException {
    JsonNode root = Serializer.readJson(json, text);
    if (root == null || !root.isArray() || root.size() < 5) {
      throw new MalformedFrameException(
          "vsn 2.0.0 text frames are [join_ref, ref, topic, event, payload]");
    }
    if (!root.get(2).isTextual() || !root.get(3).isTextual()) {
      throw new MalformedFrameException("topic and event must be strings");
    }
    return new PhoenixMessage(
        root.get(0), root.get(1), root.get(2).asText(), root.get(3).asText(), root.get(4), null);
  }

  @Override
  public PhoenixMessage decode(ByteBuffer binary) throws MalformedFrameException {
    ByteBuffer in = binary.duplicate();
    if (in.remaining() < PUSH_HEADER || (in.get() & 0xff) != USER_BROADCAST_PUSH) {
      throw new MalformedFrameException("only binary kind 3 (user broadcast push) is accepted");
    }
    int joinRefSize = in.get() & 0xff;
    int refSize = in.get() & 0xff;
    int topicSize = in.get() & 0xff;
    int eventSize = in.get() & 0xff;
    int metadataSize = in.get() & 0xff;
    int encoding = in.get() & 0xff;
    if (in.remaining() < joinRefSize + refSize + topicSize + eventSize + metadataSize) {
      throw new MalformedFrameException("binary frame shorter than its header says");
    }
    String joinRef = string(in, joinRefSize);
    String ref = string(in, refSize);
    String topic = string(in, topicSize);
    String event = string(in, eventSize);
    string(in, metadataSize); // metadata is not used, as in Supabase
    byte[] payload = new byte[in.remaining()];
    in.get(payload);
    ObjectNode envelope = json.createObjectNode();
    envelope.put("type", "broadcast");
    envelope.put("event", event);
    return new PhoenixMessage(
        joinRef.isEmpty() ? null : TextNode.valueOf(joinRef),
        ref.isEmpty() ? null : TextNode.valueOf(ref),
        topic,
        "broadcast",
        envelope,
        new PhoenixMessage.UserPayload(event, encoding == 1, payload));
  }

  @Override
  public Frame encode(PhoenixMessage message) {
    ArrayNode out = json.createArrayNode();
    out.add(message.joinRef());
    out.add(message.ref());
    out.add(message.topic());
    out.add(message.event());
    out.add(message.payload());
    return Frame.text(out.toString());
  }

  @Override
  public Frame encode(Broadcast broadcast) {
    Broadcast.UserForm user = broadcast.user();
    if (user == null) {
      ArrayNode out = json.createArrayNode();
      out.addNull();
      out.addNull();
      out.add(broadcast.topic());
      out.add("broadcast");
      out.add(broadcast.envelope());
      return Frame.text(out.toString());
    }
    byte[] topic = broadcast.topic().getBytes(StandardCharsets.UTF_8);
    byte[] event = user.event().getBytes(StandardCharsets.UTF_8);
    byte[] metadata =
        user.metadata() == null ? new byte[0] : user.metadata().getBytes(StandardCharsets.UTF_8);
    if (topic.length > 255 || event.length > 255 || metadata.length > 255) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(5 + topic.length + user.payload().length);
    out.write(USER_BROADCAST);
    out.write(topic.length);
    out.write(event.length);
    out.write(metadata.length);
    out.write(user.json() ? 1 : 0);
    out.writeBytes(topic);
    out.writeBytes(event);
    out.writeBytes(metadata);
    out.writeBytes(user.payload());
    return Frame.binary(out.toByteArray());
  }

  private static String string(ByteBuffer in, int size) {
    byte[] bytes = new byte[size];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
