package com.casarerpa.fleet.devstack.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Parses request bodies, keeping numbers exact, and refuses bad JSON with {@code PGRST102}. */
final class RequestBodies {
  private final ObjectMapper json =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw ApiError.badBody("Empty or invalid json");
    }
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "PGRST102", "Empty or invalid json", e.getOriginalMessage(), null);
    }
  }

  ObjectMapper mapper() {
    return json;
  }
}
