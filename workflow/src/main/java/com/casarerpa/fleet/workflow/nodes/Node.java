package com.casarerpa.fleet.workflow.nodes;

/** One configured node, executed once per pass. Must be safe to call repeatedly (loops). */
@FunctionalInterface
public interface Node {
  /**
   * Runs the node. Throw {@link NodeException} (or any exception) to fail it; return where to go.
   */
  NodeResult execute(NodeContext context) throws Exception;
}
