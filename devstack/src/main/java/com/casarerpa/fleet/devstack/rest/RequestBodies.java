package com.casarerpa.fleet.devstack.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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

  /**
   * The top-level field names of {@code body} when it is a JSON object, none for any other JSON
   * value; the whole body is checked (refused with {@code PGRST102} as {@link #parse} does) but no
   * tree is built.
   */
  List<String> objectNames(String body) {
    if (body == null || body.isBlank()) {
      throw ApiError.badBody("Empty or invalid json");
    }
    try (JsonParser parser = json.getFactory().createParser(body)) {
      JsonToken first = parser.nextToken();
      List<String> names = new ArrayList<>();
      if (first == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          names.add(parser.currentName());
          parser.nextToken();
          parser.skipChildren();
        }
      } else {
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        throw new ApiError(
            400, "PGRST102", "Empty or invalid json", "Trailing token after the JSON value", null);
      }
      return first == JsonToken.START_OBJECT ? names : List.of();
    } catch (JsonProcessingException e) {
      throw new ApiError(400, "PGRST102", "Empty or invalid json", e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ObjectMapper mapper() {
    return json;
  }
}
