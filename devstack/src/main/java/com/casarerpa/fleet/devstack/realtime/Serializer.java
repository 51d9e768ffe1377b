package com.casarerpa.fleet.devstack.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;

/** A Phoenix serializer, chosen per socket by the {@code vsn} query parameter. */
interface Serializer {
  /** The {@code vsn} value, e.g. {@code 1.0.0}. */
  String version();

  PhoenixMessage decode(String text) throws MalformedFrameException;

  PhoenixMessage decode(ByteBuffer binary) throws MalformedFrameException;

  Frame encode(PhoenixMessage message);

  /** The frame for {@code broadcast}, or null when this serializer cannot carry it. */
  Frame encode(Broadcast broadcast);

  /**
   * The serializer for {@code vsn}: absent means 1.0.0; {@code 1.x} and {@code 2.x} as Phoenix's
   * {@code ~> 1.0.0} / {@code ~> 2.0.0}; anything else null.
   */
  static Serializer forVersion(String vsn, ObjectMapper json) {
    if (vsn == null || vsn.isEmpty() || vsn.matches("1\\.0\\.\\d+")) {
      return new JsonObjectSerializer(json);
    }
    if (vsn.matches("2\\.0\\.\\d+")) {
      return new JsonArraySerializer(json);
    }
    return null;
  }

  /** The JSON tree of a text frame; null for an empty frame. */
  static JsonNode readJson(ObjectMapper json, String text) throws MalformedFrameException {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MalformedFrameException("not JSON: " + e.getOriginalMessage());
    }
  }
}
