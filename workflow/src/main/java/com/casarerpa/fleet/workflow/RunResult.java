package com.casarerpa.fleet.workflow;

import com.casarerpa.fleet.workflow.validate.ValidationIssue;
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
}
