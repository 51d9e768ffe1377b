package com.casarerpa.fleet.workflow.nodes;

import java.util.Map;
import java.util.Set;

/**
 * The config keys some built-in types read, so validation can warn about a key a node ignores
 * ({@code UNUSED_CONFIG_KEY}: usually a typo, or a key of another node, such as WaitNode {@code
 * seconds} for {@code duration}). Types not listed are not checked. Keys starting with {@code _},
 * {@code paired_*} and {@link #COMMON} are accepted everywhere.
 */
final class ConfigKeys {
  static final Set<String> COMMON =
      Set.of("continue_on_error", "node_name", "name", "description", "label", "comment", "color");

  private static final Map<String, Set<String>> KEYS =
      Map.ofEntries(
          Map.entry("WaitNode", Set.of("duration")),
          Map.entry(
              "RetryNode",
              Set.of("max_attempts", "retry_delay", "initial_delay", "backoff_multiplier")),
          Map.entry(
              "LogNode",
              Set.of("message", "data", "level", "include_timestamp", "include_node_id")),
          Map.entry("IncrementVariableNode", Set.of("variable_name", "increment")),
          Map.entry(
              "RandomNumberNode", Set.of("min_value", "max_value", "min", "max", "integer_only")),
          Map.entry("DictToJsonNode", Set.of("dict", "indent", "sort_keys", "ensure_ascii")),
          Map.entry("EvaluateExpressionNode", Set.of("expression")),
          Map.entry("ParseXMLNode", Set.of("xml_string")),
          Map.entry("XPathQueryNode", Set.of("xml_string", "xpath", "query")),
          Map.entry("GetXMLElementNode", Set.of("xml_string", "tag_name", "path", "index")),
          Map.entry(
              "GetXMLAttributeNode", Set.of("xml_string", "xpath", "attribute_name", "attribute")),
          Map.entry("XMLToJsonNode", Set.of("xml_string", "include_attributes", "text_key")),
          Map.entry("JsonToXMLNode", Set.of("json_data", "root_tag", "pretty_print")),
          // the original's server/login keys are accepted and ignored: the robot's credentials
          Map.entry(
              "MarkEmailNode",
              Set.of(
                  "email_uid",
                  "mark_as",
                  "folder",
                  "imap_server",
                  "imap_port",
                  "username",
                  "password")),
          Map.entry(
              "SaveAttachmentNode",
              Set.of(
                  "email_uid",
                  "save_path",
                  "folder",
                  "imap_server",
                  "imap_port",
                  "username",
                  "password")));

  private ConfigKeys() {}

  /** The keys {@code type} reads, or null when not listed (then nothing is checked). */
  static Set<String> of(String type) {
    return KEYS.get(type);
  }

  static boolean acceptedEverywhere(String key) {
    return key.startsWith("_") || key.startsWith("paired_") || COMMON.contains(key);
  }
}
