package com.casarerpa.fleet.devstack.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chaos suite's workflow, in CasareRPA's runtime format: {@code lines} numbered log lines with
 * a short wait between them, and halfway one real side effect, an HTTP POST to the suite's {@link
 * EffectReceiver} naming the job and its attempt. Each line reads {@code chaos a<attempt> line
 * <n>}, so the stored lines say which attempt logged them.
 */
final class ChaosWorkflow {
  private static final Pattern LINE = Pattern.compile("chaos a(\\d+) line (\\d+)");

  private final ObjectMapper json;
  private final ObjectNode root;
  private final ObjectNode nodes;
  private final ArrayNode connections;
  private String last;
  private int count;

  private ChaosWorkflow(ObjectMapper json) {
    this.json = json;
    root = json.createObjectNode();
    root.putObject("metadata").put("name", "chaos");
    nodes = root.putObject("nodes");
    connections = root.putArray("connections");
    root.putObject("variables");
    root.putObject("settings");
  }

  /**
   * The workflow: {@code lines} numbered lines, {@code waitSeconds} apart, the effect after line
   * {@code lines / 2}.
   */
  static ObjectNode build(ObjectMapper json, int lines, double waitSeconds, String effectUrl) {
    ChaosWorkflow w = new ChaosWorkflow(json);
    w.node("StartNode", json.createObjectNode());
    for (int i = 1; i <= lines; i++) {
      w.node(
          "LogNode",
          json.createObjectNode()
              .put("message", "chaos a{{_job_attempt}} line " + i)
              .put("include_node_id", false));
      if (i == lines / 2) {
        ObjectNode body = json.createObjectNode();
        body.put("job", "{{_job_id}}");
        body.put("attempt", "{{_job_attempt}}");
        w.node(
            "HttpRequestNode",
            json.createObjectNode()
                .put("method", "POST")
                .put("url", effectUrl + "?job={{_job_id}}&attempt={{_job_attempt}}")
                .put("timeout", 60)
                .put("retry_count", 0)
                .set("body", body));
      }
      if (waitSeconds > 0 && i < lines) {
        w.node("WaitNode", json.createObjectNode().put("duration", waitSeconds));
      }
    }
    w.node("EndNode", json.createObjectNode());
    return w.root;
  }

  /** {@code [attempt, line]} of a chaos line, or null for any other message. */
  static int[] parse(String message) {
    Matcher m = LINE.matcher(message);
    return m.matches()
        ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))}
        : null;
  }

  private void node(String type, ObjectNode config) {
    String id = type.replace("Node", "").toLowerCase(java.util.Locale.ROOT) + "_" + (++count);
    ObjectNode node = nodes.putObject(id);
    node.put("node_id", id);
    node.put("node_type", type);
    node.set("config", config);
    node.putArray("position").add(0.0).add(0.0);
    if (last != null) {
      connections
          .addObject()
          .put("source_node", last)
          .put("source_port", "exec_out")
          .put("target_node", id)
          .put("target_port", "exec_in");
    }
    last = id;
  }
}
