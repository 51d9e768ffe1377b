package com.casarerpa.fleet.workflow.validate;

import static com.casarerpa.fleet.workflow.validate.IssueCodes.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks on the JSON document itself, before any node is built: required keys and types, the
 * original's size limits, and the security deny-list for config strings.
 */
public final class DocumentChecks {
  public static final int MAX_NODES = 1000;
  public static final int MAX_CONNECTIONS = 5000;
  public static final int MAX_NODE_ID = 256;
  public static final int MAX_NODE_TYPE = 128;
  public static final int MAX_CONFIG_DEPTH = 10;
  public static final int MAX_CONFIG_STRING = 10_000;
  public static final int MAX_NAME = 256;
  public static final int NAME_WARNING = 100;
  public static final int MAX_DESCRIPTION = 10_000;
  public static final int MAX_VERSION = 50;
  public static final String SCHEMA_VERSION = "1.0.0";

  /** Patterns the original refuses anywhere in a config string (case-insensitive). */
  public static final List<String> DENY_LIST =
      List.of(
          "__import__",
          "eval(",
          "exec(",
          "compile(",
          "os.system",
          "subprocess.",
          "open(",
          "pickle.",
          "marshal.",
          "__builtins__",
          "__globals__");

  private final List<ValidationIssue> issues = new ArrayList<>();

  private DocumentChecks() {}

  /** All document-level issues of {@code root}. */
  public static List<ValidationIssue> check(JsonNode root) {
    DocumentChecks c = new DocumentChecks();
    c.run(root);
    return c.issues;
  }

  private void run(JsonNode root) {
    if (root == null || !root.isObject()) {
      error(INVALID_TYPE, null, "the workflow must be a JSON object with a \"nodes\" key");
      return;
    }
    metadata(root.get("metadata"));
    JsonNode nodes = root.get("nodes");
    if (nodes == null) {
      error(
          MISSING_REQUIRED_KEY,
          null,
          "the workflow has no \"nodes\" key; add \"nodes\": {\"<id>\": {...}}");
      return;
    }
    if (!nodes.isObject() && !nodes.isArray()) {
      error(INVALID_TYPE, null, "\"nodes\" must be an object keyed by node id");
      return;
    }
    if (nodes.isEmpty()) {
      error(EMPTY_WORKFLOW, null, "the workflow has no nodes; add at least one node");
    }
    if (nodes.size() > MAX_NODES) {
      error(
          LIMIT_EXCEEDED,
          null,
          "the workflow has " + nodes.size() + " nodes; the limit is " + MAX_NODES);
    }
    nodes(nodes);
    connections(root.get("connections"));
    for (String key : List.of("variables", "settings")) {
      JsonNode n = root.get(key);
      if (n != null && !n.isNull() && !n.isObject()) {
        error(INVALID_TYPE, null, "\"" + key + "\" must be an object, not " + n.getNodeType());
      }
    }
  }

  private void metadata(JsonNode meta) {
    if (meta == null || meta.isNull()) {
      warning(MISSING_NAME, null, "the workflow has no metadata.name; give it a name");
      return;
    }
    if (!meta.isObject()) {
      error(INVALID_TYPE, null, "\"metadata\" must be an object");
      return;
    }
    JsonNode name = meta.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      warning(MISSING_NAME, null, "the workflow has no metadata.name; give it a name");
    } else if (name.asText().length() > MAX_NAME) {
      error(
          LIMIT_EXCEEDED,
          null,
          "metadata.name is " + name.asText().length() + " characters; the limit is " + MAX_NAME);
    } else if (name.asText().length() > NAME_WARNING) {
      warning(NAME_TOO_LONG, null, "metadata.name is longer than " + NAME_WARNING + " characters");
    }
    limit(meta.get("description"), MAX_DESCRIPTION, "metadata.description");
    limit(meta.get("version"), MAX_VERSION, "metadata.version");
    JsonNode schema = meta.get("schema_version");
    if (schema != null && schema.isTextual() && !schema.asText().equals(SCHEMA_VERSION)) {
      warning(
          SCHEMA_VERSION_MISMATCH,
          null,
          "metadata.schema_version is "
              + schema.asText()
              + "; this engine reads "
              + SCHEMA_VERSION);
    }
  }

  private void limit(JsonNode text, int max, String what) {
    if (text != null && text.isTextual() && text.asText().length() > max) {
      error(
          LIMIT_EXCEEDED,
          null,
          what + " is " + text.asText().length() + " characters; the limit is " + max);
    }
  }

  private void nodes(JsonNode nodes) {
    if (!nodes.isObject()) {
      error(
          INVALID_TYPE,
          null,
          "\"nodes\" is a list; the runtime format keys nodes by id: {\"<id>\": {...}}");
      return;
    }
    for (Map.Entry<String, JsonNode> e : nodes.properties()) {
      node(e.getKey(), e.getValue());
    }
  }

  private void node(String key, JsonNode node) {
    if (!node.isObject()) {
      error(
          INVALID_TYPE,
          key,
          "node '" + key + "' must be an object with node_id, node_type and config");
      return;
    }
    if (key.length() > MAX_NODE_ID) {
      error(
          LIMIT_EXCEEDED,
          key,
          "node id is " + key.length() + " characters; the limit is " + MAX_NODE_ID);
    }
    JsonNode id = node.get("node_id");
    JsonNode type = node.get("node_type");
    if (id == null || !id.isTextual()) {
      error(
          MISSING_REQUIRED_FIELD,
          key,
          "node '" + key + "' has no node_id; add \"node_id\": \"" + key + "\"");
    } else if (!id.asText().equals(key)) {
      error(
          NODE_ID_MISMATCH,
          key,
          "node key '" + key + "' differs from its node_id '" + id.asText() + "'; make them equal");
    }
    if (type == null || !type.isTextual() || type.asText().isBlank()) {
      error(
          MISSING_REQUIRED_FIELD,
          key,
          "node '" + key + "' has no node_type; set it to a node class name such as \"LogNode\"");
    } else if (type.asText().length() > MAX_NODE_TYPE) {
      error(LIMIT_EXCEEDED, key, "node_type is longer than " + MAX_NODE_TYPE + " characters");
    }
    JsonNode config = node.get("config");
    if (config != null && !config.isNull() && !config.isObject()) {
      error(
          INVALID_CONFIG,
          key,
          "node '" + key + "' config must be an object, not " + config.getNodeType());
    } else if (config != null) {
      configValue(key, "config", config, 1);
    }
    JsonNode pos = node.get("position");
    if (pos != null
        && !pos.isNull()
        && !(pos.isArray() && pos.size() == 2 && pos.get(0).isNumber() && pos.get(1).isNumber())
        && !(pos.isObject() && pos.has("x") && pos.has("y"))) {
      warning(INVALID_POSITION, key, "node '" + key + "' position should be [x, y]");
    }
  }

  private void configValue(String nodeId, String path, JsonNode value, int depth) {
    if (depth > MAX_CONFIG_DEPTH) {
      error(
          INVALID_CONFIG,
          nodeId,
          "node '" + nodeId + "' " + path + " nests deeper than " + MAX_CONFIG_DEPTH + " levels");
      return;
    }
    if (value.isTextual()) {
      String s = value.asText();
      if (s.length() > MAX_CONFIG_STRING) {
        error(
            LIMIT_EXCEEDED,
            nodeId,
            "node '"
                + nodeId
                + "' "
                + path
                + " is "
                + s.length()
                + " characters; the limit is "
                + MAX_CONFIG_STRING);
      }
      String lower = s.toLowerCase(Locale.ROOT);
      for (String pattern : DENY_LIST) {
        if (lower.contains(pattern)) {
          error(
              DANGEROUS_CONTENT,
              nodeId,
              "node '"
                  + nodeId
                  + "' "
                  + path
                  + " contains the forbidden pattern '"
                  + pattern
                  + "'; remove it");
        }
      }
    } else if (value.isContainerNode()) {
      for (Map.Entry<String, JsonNode> f : value.properties()) {
        configValue(nodeId, path + "." + f.getKey(), f.getValue(), depth + 1);
      }
      for (int i = 0; value.isArray() && i < value.size(); i++) {
        configValue(nodeId, path + "[" + i + "]", value.get(i), depth + 1);
      }
    }
  }

  private void connections(JsonNode conns) {
    if (conns == null || conns.isNull()) {
      return;
    }
    if (!conns.isArray()) {
      error(INVALID_TYPE, null, "\"connections\" must be a list");
      return;
    }
    if (conns.size() > MAX_CONNECTIONS) {
      error(
          LIMIT_EXCEEDED,
          null,
          "the workflow has " + conns.size() + " connections; the limit is " + MAX_CONNECTIONS);
    }
    for (int i = 0; i < conns.size(); i++) {
      JsonNode c = conns.get(i);
      if (c.isObject() && c.has("out") && c.has("in")) {
        continue;
      }
      for (String field : List.of("source_node", "source_port", "target_node", "target_port")) {
        if (!c.isObject() || c.get(field) == null || !c.get(field).isTextual()) {
          error(
              MISSING_REQUIRED_FIELD,
              null,
              "connection #"
                  + i
                  + " has no text \""
                  + field
                  + "\"; every connection needs source_node, source_port, target_node and target_port");
          break;
        }
      }
    }
  }

  private void error(String code, String node, String message) {
    issues.add(ValidationIssue.error(code, node, message));
  }

  private void warning(String code, String node, String message) {
    issues.add(ValidationIssue.warning(code, node, message));
  }
}
