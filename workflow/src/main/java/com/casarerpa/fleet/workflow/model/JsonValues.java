package com.casarerpa.fleet.workflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Jackson trees and the engine's value model: {@code String}, {@code Long}, {@code
 * Double}, {@code Boolean}, {@code null}, {@code List<Object>}, {@code Map<String, Object>}
 * (insertion-ordered, like Python dicts).
 */
public final class JsonValues {
  /** Shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonValues() {}

  public static Object toValue(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isArray()) {
      List<Object> out = new ArrayList<>(node.size());
      node.forEach(item -> out.add(toValue(item)));
      return out;
    }
    if (node.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.put(e.getKey(), toValue(e.getValue()));
      }
      return out;
    }
    return node.asText();
  }

  /**
   * A deeply unmodifiable copy of a value-model tree: parsed config and defaults are shared by
   * every run of a definition, so no run may change them.
   */
  public static Object freeze(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), freeze(v)));
      return java.util.Collections.unmodifiableMap(out);
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(freeze(v)));
      return java.util.Collections.unmodifiableList(out);
    }
    return value;
  }

  public static JsonNode toJson(Object value) {
    return MAPPER.valueToTree(value == null ? JsonNodeFactory.instance.nullNode() : value);
  }

  /**
   * A JSON tree safe to store anywhere (PostgreSQL jsonb included): non-finite floats become null,
   * values outside the value model become their text.
   */
  public static JsonNode toSafeJson(Object value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case null -> f.nullNode();
      case String s -> f.textNode(s);
      case Boolean b -> f.booleanNode(b);
      case Double d -> Double.isFinite(d) ? f.numberNode(d) : f.nullNode();
      case Float d -> Float.isFinite(d) ? f.numberNode(d) : f.nullNode();
      case Long n -> f.numberNode(n);
      case Integer n -> f.numberNode(n);
      case Number n -> f.numberNode(new java.math.BigDecimal(n.toString()));
      case Map<?, ?> m -> {
        com.fasterxml.jackson.databind.node.ObjectNode o = f.objectNode();
        m.forEach((k, v) -> o.set(String.valueOf(k), toSafeJson(v)));
        yield o;
      }
      case List<?> l -> {
        com.fasterxml.jackson.databind.node.ArrayNode a = f.arrayNode();
        l.forEach(v -> a.add(toSafeJson(v)));
        yield a;
      }
      default -> f.textNode(value.toString());
    };
  }

  /** Compact JSON text (Python {@code json.dumps}-like separators are not reproduced). */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
    }
  }
}
