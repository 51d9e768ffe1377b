package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.util.List;

/**
 * A workflow compiled for execution: nodes by index with their exec targets, data inputs, compiled
 * templates and conditions, loop bodies and try pairings. Built once per run; holds no run state.
 */
final class ExecutionPlan {
  final WorkflowDefinition definition;
  final PlanNode[] nodes;
  final int entry;
  final List<ValidationIssue> issues;

  /** Nodes the user wrote (the synthetic auto-start excluded), for progress. */
  final int userNodeCount;

  ExecutionPlan(
      WorkflowDefinition definition,
      PlanNode[] nodes,
      int entry,
      List<ValidationIssue> issues,
      int userNodeCount) {
    this.definition = definition;
    this.nodes = nodes;
    this.entry = entry;
    this.issues = List.copyOf(issues);
    this.userNodeCount = userNodeCount;
  }
}
