package com.casarerpa.fleet.workflow;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds workflow JSON in tests: nodes with configs and connections. */
public final class TestWorkflow {
  private final Map<String, Object> nodes = new LinkedHashMap<>();
  private final List<Object> connections = new ArrayList<>();
  private final Map<String, Object> settings = new LinkedHashMap<>();

  public static TestWorkflow create() {
    return new TestWorkflow();
  }

  /** Adds a node; {@code config} alternates keys and values. */
  public TestWorkflow node(String id, String type, Object... config) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (int i = 0; i < config.length; i += 2) {
      c.put((String) config[i], config[i + 1]);
    }
    nodes.put(id, Map.of("node_id", id, "node_type", type, "config", c, "position", List.of(0, 0)));
    return this;
  }

  /** Exec connection {@code from.exec_out -> to.exec_in}. */
  public TestWorkflow then(String from, String to) {
    return connect(from, "exec_out", to, "exec_in");
  }

  /** Connects {@code from.port -> to.exec_in}. */
  public TestWorkflow exec(String from, String port, String to) {
    return connect(from, port, to, "exec_in");
  }

  public TestWorkflow connect(String from, String fromPort, String to, String toPort) {
    connections.add(
        Map.of(
            "source_node",
            from,
            "source_port",
            fromPort,
            "target_node",
            to,
            "target_port",
            toPort));
    return this;
  }

  /** Chains exec_out -> exec_in through {@code ids}. */
  public TestWorkflow chain(String... ids) {
    for (int i = 1; i < ids.length; i++) {
      then(ids[i - 1], ids[i]);
    }
    return this;
  }

  public TestWorkflow setting(String key, Object value) {
    settings.put(key, value);
    return this;
  }

  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("metadata", Map.of("name", "test"));
    root.put("nodes", nodes);
    root.put("connections", connections);
    root.put("settings", settings);
    return JsonValues.write(root);
  }

  public WorkflowDefinition parse() throws Exception {
    return WorkflowDefinition.parse(json());
  }
}
