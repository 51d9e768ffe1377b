package com.casarerpa.fleet.devstack.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Linear CasareRPA workflows (runtime format) built for the end-to-end tests. */
final class Workflows {
  private final ObjectNode root = FleetOperator.JSON.createObjectNode();
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
    node("StartNode", FleetOperator.JSON.createObjectNode());
  }

  static Workflows linear(String name) {
    return new Workflows(name);
  }

  Workflows log(String message) {
    return node(
        "LogNode",
        FleetOperator.JSON
            .createObjectNode()
            .put("message", message)
            .put("include_node_id", false));
  }

  Workflows waitSeconds(double seconds) {
    return node("WaitNode", FleetOperator.JSON.createObjectNode().put("duration", seconds));
  }

  Workflows node(String type, ObjectNode config) {
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

  ObjectNode end() {
    node("EndNode", FleetOperator.JSON.createObjectNode());
    return root;
  }
}
