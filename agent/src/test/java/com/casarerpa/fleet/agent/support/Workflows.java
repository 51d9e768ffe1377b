package com.casarerpa.fleet.agent.support;

import com.casarerpa.fleet.agent.internal.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Small CasareRPA workflows in the runtime format, built for tests. */
public final class Workflows {
  private final ObjectNode root = Json.MAPPER.createObjectNode();
  private final ObjectNode nodes;
  private final ArrayNode connections;
  private String last;
  private int count;

  private Workflows(String name) {
    root.putObject("metadata").put("name", name);
    nodes = root.putObject("nodes");
    connections = root.putArray("connections");
    root.putObject("variables");
    root.putObject("settings");
    node("StartNode", Json.MAPPER.createObjectNode());
  }

  /** A linear workflow starting at a StartNode. */
  public static Workflows linear(String name) {
    return new Workflows(name);
  }

  public Workflows log(String message) {
    return node(
        "LogNode",
        Json.MAPPER.createObjectNode().put("message", message).put("include_node_id", false));
  }

  public Workflows waitSeconds(double seconds) {
    return node("WaitNode", Json.MAPPER.createObjectNode().put("duration", seconds));
  }

  public Workflows node(String type, ObjectNode config) {
    String id = type.replace("Node", "").toLowerCase(Locale.ROOT) + "_" + (++count);
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
    return this;
  }

  public ObjectNode end() {
    node("EndNode", Json.MAPPER.createObjectNode());
    return root;
  }
}
