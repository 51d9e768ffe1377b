package com.casarerpa.fleet.workflow.model;

import com.casarerpa.fleet.workflow.validate.DocumentChecks;
import com.casarerpa.fleet.workflow.validate.IssueCodes;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A parsed CasareRPA workflow in the runtime format: {@code metadata}, {@code nodes} keyed by id,
 * {@code connections}, {@code variables}, {@code frames} (ignored) and {@code settings}. Parsing
 * checks the document (shape, limits, deny-list, ids, dangling and self connections); checks that
 * need the node library (types, exec cycles) are done by the engine's validator.
 */
public record WorkflowDefinition(
    Map<String, Object> metadata,
    Map<String, NodeDefinition> nodes,
    List<Connection> connections,
    Map<String, Object> variables,
    WorkflowSettings settings,
    List<ValidationIssue> warnings) {

  /** Largest accepted document (also the bound on gzip expansion). */
  public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public String name() {
    return metadata.get("name") instanceof String s ? s : "";
  }

  /** Parses JSON text. */
  public static WorkflowDefinition parse(String json) throws WorkflowValidationException {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Parses JSON bytes, gzip-compressed or not. */
  public static WorkflowDefinition parse(byte[] data) throws WorkflowValidationException {
    byte[] json = isGzip(data) ? gunzip(data) : data;
    if (json.length > MAX_DOCUMENT_BYTES) {
      throw single(
          IssueCodes.LIMIT_EXCEEDED,
          "the workflow is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    try {
      return parse(STRICT.readTree(json));
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      String code = duplicateNode(e) ? IssueCodes.DUPLICATE_NODE_ID : IssueCodes.INVALID_JSON;
      throw single(
          code,
          "the workflow is not valid JSON: "
              + message
              + " (line "
              + e.getLocation().getLineNr()
              + ")");
    } catch (IOException e) {
      throw single(IssueCodes.INVALID_JSON, "the workflow could not be read: " + e.getMessage());
    }
  }

  /** True when the parse failed on a repeated key directly inside {@code nodes}. */
  private static boolean duplicateNode(JsonProcessingException e) {
    if (!e.getOriginalMessage().startsWith("Duplicate field")
        || !(e.getProcessor() instanceof JsonParser parser)) {
      return false;
    }
    JsonStreamContext parent = parser.getParsingContext().getParent();
    return parent != null && "nodes".equals(parent.getCurrentName());
  }

  /**
   * Builds from a Jackson tree; a text node (JSON stored as a string, as job_queue does) is parsed.
   */
  public static WorkflowDefinition parse(JsonNode root) throws WorkflowValidationException {
    if (root != null && root.isTextual()) {
      return parse(root.textValue());
    }
    List<ValidationIssue> issues = new ArrayList<>(DocumentChecks.check(root));
    if (issues.stream().anyMatch(ValidationIssue::isError)) {
      throw new WorkflowValidationException(issues);
    }
    Map<String, NodeDefinition> nodes = new LinkedHashMap<>();
    root.get("nodes")
        .properties()
        .forEach(e -> nodes.put(e.getKey(), node(e.getKey(), e.getValue())));
    List<Connection> connections = connections(root.get("connections"));
    issues.addAll(ConnectionChecks.check(nodes, connections));
    if (issues.stream().anyMatch(ValidationIssue::isError)) {
      throw new WorkflowValidationException(issues);
    }
    return new WorkflowDefinition(
        map(root.get("metadata")),
        Collections.unmodifiableMap(nodes),
        List.copyOf(new java.util.LinkedHashSet<>(connections)),
        initialVariables(map(root.get("variables"))),
        WorkflowSettings.from(map(root.get("settings"))),
        List.copyOf(issues));
  }

  private static NodeDefinition node(String id, JsonNode n) {
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) JsonValues.freeze(map(n.get("config")));
    String name =
        n.hasNonNull("name") ? n.get("name").asText() : n.path("display_name").asText(null);
    return new NodeDefinition(id, n.get("node_type").asText(), config, name);
  }

  private static List<Connection> connections(JsonNode conns) {
    List<Connection> out = new ArrayList<>();
    if (conns == null || !conns.isArray()) {
      return out;
    }
    for (JsonNode c : conns) {
      if (c.has("out") && c.has("in")) {
        out.add(
            new Connection(
                c.get("out").path(0).asText(),
                c.get("out").path(1).asText(),
                c.get("in").path(0).asText(),
                c.get("in").path(1).asText()));
      } else {
        out.add(
            new Connection(
                c.get("source_node").asText(),
                c.get("source_port").asText(),
                c.get("target_node").asText(),
                c.get("target_port").asText()));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode n) {
    return n != null && n.isObject()
        ? (Map<String, Object>) JsonValues.toValue(n)
        : new LinkedHashMap<>();
  }

  /** {@code variables}: either {name: {default_value: ...}} or {name: plain value}. */
  private static Map<String, Object> initialVariables(Map<String, Object> raw) {
    Map<String, Object> out = new LinkedHashMap<>();
    raw.forEach(
        (name, v) -> {
          if (v instanceof Map<?, ?> m
              && (m.containsKey("default_value") || m.containsKey("type"))) {
            out.put(name, JsonValues.freeze(m.get("default_value")));
          } else {
            out.put(name, JsonValues.freeze(v));
          }
        });
    return Collections.unmodifiableMap(out);
  }

  private static boolean isGzip(byte[] data) {
    return data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
  }

  private static byte[] gunzip(byte[] data) throws WorkflowValidationException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
      byte[] out = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (out.length > MAX_DOCUMENT_BYTES) {
        throw single(
            IssueCodes.LIMIT_EXCEEDED,
            "the gzip workflow expands beyond " + MAX_DOCUMENT_BYTES + " bytes");
      }
      return out;
    } catch (IOException e) {
      throw single(
          IssueCodes.INVALID_JSON,
          "the gzip workflow could not be decompressed: " + e.getMessage());
    }
  }

  private static WorkflowValidationException single(String code, String message) {
    return new WorkflowValidationException(List.of(ValidationIssue.error(code, null, message)));
  }
}
