package com.casarerpa.fleet.workflow.cli;

import com.casarerpa.fleet.workflow.RunResult;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The printed forms of a {@link RunResult}. */
final class ResultJson {
  private ResultJson() {}

  static Map<String, Object> of(RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", r.status().name());
    m.put("executed_nodes", r.executedNodes());
    m.put("duration_ms", r.duration().toMillis());
    m.put("failed_node", r.failedNodeId());
    m.put("error", r.errorMessage());
    m.put("variables", r.variables());
    m.put("outputs", r.nodeOutputs());
    List<Map<String, Object>> issues = r.issues().stream().map(ResultJson::issue).toList();
    m.put("issues", issues);
    return m;
  }

  private static Map<String, Object> issue(ValidationIssue i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", i.severity().name());
    m.put("code", i.code());
    m.put("node_id", i.nodeId());
    m.put("message", i.message());
    return m;
  }

  static String summary(RunResult r) {
    String base =
        r.status()
            + ": "
            + r.executedNodes()
            + " node executions in "
            + r.duration().toMillis()
            + " ms";
    return r.succeeded()
        ? base
        : base
            + "; "
            + (r.failedNodeId() == null ? "" : "node '" + r.failedNodeId() + "': ")
            + r.errorMessage();
  }
}
