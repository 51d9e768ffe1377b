package com.casarerpa.fleet.workflow.nodes.builtin;

import com.casarerpa.fleet.workflow.nodes.NodeCatalog;
import com.casarerpa.fleet.workflow.nodes.NodeResult;
import com.casarerpa.fleet.workflow.nodes.NodeType;
import java.util.List;

/**
 * Every {@code *TriggerNode} of the original (schedule, webhook, file watch, e-mail, Gmail, ...).
 * In a run a trigger is where the workflow starts: the hidden auto-start wires to its targets, and
 * a trigger reached mid-chain passes through. What starts a job in the fleet is the fleet's
 * business, not the node's: a ScheduleTriggerNode's meaning is a {@code schedules} row, a webhook
 * trigger's an enqueue through the operator API (see the README).
 */
final class TriggerNodes {
  private TriggerNodes() {}

  static List<NodeType> all() {
    return NodeCatalog.names().stream()
        .filter(n -> NodeCatalog.family(n) == NodeCatalog.Family.TRIGGER)
        .filter(n -> n.endsWith("TriggerNode") && !n.equals("BaseTriggerNode"))
        .map(n -> NodeType.of(n, c -> ctx -> NodeResult.next()))
        .toList();
  }
}
