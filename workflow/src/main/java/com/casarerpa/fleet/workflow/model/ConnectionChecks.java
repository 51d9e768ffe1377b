package com.casarerpa.fleet.workflow.model;

import com.casarerpa.fleet.workflow.validate.IssueCodes;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Dangling, self and duplicate connections. */
final class ConnectionChecks {
  private ConnectionChecks() {}

  static List<ValidationIssue> check(
      Map<String, NodeDefinition> nodes, List<Connection> connections) {
    List<ValidationIssue> issues = new ArrayList<>();
    Set<Connection> seen = new HashSet<>();
    for (Connection c : connections) {
      if (!nodes.containsKey(c.sourceNode()) || !nodes.containsKey(c.targetNode())) {
        String missing = nodes.containsKey(c.sourceNode()) ? c.targetNode() : c.sourceNode();
        issues.add(
            ValidationIssue.error(
                IssueCodes.ORPHANED_CONNECTION,
                missing,
                "connection "
                    + c
                    + " refers to node '"
                    + missing
                    + "', which does not exist; remove the connection or add the node"));
      } else if (c.sourceNode().equals(c.targetNode())) {
        issues.add(
            ValidationIssue.error(
                IssueCodes.SELF_CONNECTION,
                c.sourceNode(),
                "node '"
                    + c.sourceNode()
                    + "' is connected to itself ("
                    + c
                    + "); loops go through a loop start/end pair instead"));
      } else if (!seen.add(c)) {
        issues.add(
            ValidationIssue.warning(
                IssueCodes.DUPLICATE_CONNECTION,
                c.sourceNode(),
                "connection " + c + " appears more than once; remove the copy"));
      }
    }
    return issues;
  }
}
