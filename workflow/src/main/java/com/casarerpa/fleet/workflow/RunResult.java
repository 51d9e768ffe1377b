package com.casarerpa.fleet.workflow;

import com.casarerpa.fleet.workflow.model.JsonValues;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one run.
 *
 * @param variables final workflow variables (node outputs excluded)
 * @param nodeOutputs last outputs of each executed node, by node id
 * @param executedNodes node executions (a node in a loop counts once per pass)
 * @param failedNodeId the node that failed the run (null unless FAILED/TIMED_OUT in a node)
 * @param errorMessage what went wrong (null when COMPLETED)
 * @param issues validation issues (warnings on success; errors when validation failed the run)
 */
public record RunResult(
    RunStatus status,
    Map<String, Object> variables,
    Map<String, Map<String, Object>> nodeOutputs,
    long executedNodes,
    Duration duration,
    String failedNodeId,
    String errorMessage,
    List<ValidationIssue> issues) {

  public boolean succeeded() {
    return status == RunStatus.COMPLETED;
  }

  /** True when the run never started because the workflow is invalid (retrying cannot help). */
  public boolean invalidWorkflow() {
    return issues.stream().anyMatch(ValidationIssue::isError);
  }

  /**
   * {@code {"variables": {...}, "node_outputs": {...}}} as JSON safe for storage (non-finite floats
   * become null): what the agent stores as the job's result.
   */
  public JsonNode outputJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("variables", JsonValues.toSafeJson(variables));
    out.set("node_outputs", JsonValues.toSafeJson(nodeOutputs));
    return out;
  }
}
