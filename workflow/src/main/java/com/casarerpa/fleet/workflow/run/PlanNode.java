package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.expr.Expression;
import com.casarerpa.fleet.workflow.nodes.Node;
import com.casarerpa.fleet.workflow.nodes.NodeConfig;
import java.util.HashMap;
import java.util.Map;

/** One node of a compiled plan: everything the executor needs, resolved up front. */
final class PlanNode {
  static final int NONE = -1;
  private static final int[] NO_TARGETS = new int[0];

  final int index;
  final String id;
  final String type;
  final ControlKind kind;
  final NodeConfig config;
  final boolean disabled;
  Node node;

  /**
   * The type routes only to its own ports (ValidateNode: valid/invalid) yet the workflow connects
   * {@code exec_out}: when the chosen port leads nowhere, the run continues on {@code exec_out}.
   */
  boolean undeclaredExecOut;

  /** Exec port → target node indices. */
  final Map<String, int[]> execTargets = new HashMap<>();

  /** Data connections into this node. */
  DataInput[] dataInputs = new DataInput[0];

  /** Compiled condition (If/While/Assert/Switch expression), or null. */
  Expression condition;

  /** Loop starts and Retry: nodes to reset each pass. Try: the protected nodes. */
  int[] body = NO_TARGETS;

  /** Loop end/Break/Continue: the loop start; Catch/Finally: the Try. */
  int paired = NONE;

  /** Try: its Catch and Finally nodes (or NONE). */
  int catchNode = NONE;

  int finallyNode = NONE;

  PlanNode(int index, String id, String type, NodeConfig config, boolean disabled) {
    this.index = index;
    this.id = id;
    this.type = type;
    this.kind = ControlKind.of(type);
    this.config = config;
    this.disabled = disabled;
  }

  /** How messages name this node: {@code node 'id' (Type)}. */
  String label() {
    return "node '" + id + "' (" + type + ")";
  }

  int[] targets(String port) {
    return execTargets.getOrDefault(port, NO_TARGETS);
  }

  void addTarget(String port, int target) {
    int[] old = targets(port);
    int[] grown = java.util.Arrays.copyOf(old, old.length + 1);
    grown[old.length] = target;
    execTargets.put(port, grown);
  }

  /** {@code target.input[targetPort] = source.output[sourcePort]}. */
  record DataInput(int source, String sourcePort, String targetPort) {}
}
