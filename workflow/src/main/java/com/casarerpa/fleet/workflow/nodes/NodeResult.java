package com.casarerpa.fleet.workflow.nodes;

import java.util.List;

/** Where execution goes after a node: the exec output ports to follow. */
public final class NodeResult {
  private static final NodeResult NEXT = new NodeResult(List.of("exec_out"));
  private static final NodeResult END = new NodeResult(List.of());

  private final List<String> ports;

  private NodeResult(List<String> ports) {
    this.ports = ports;
  }

  /** Success, continue on {@code exec_out}. */
  public static NodeResult next() {
    return NEXT;
  }

  /** Success, continue on the named exec ports. */
  public static NodeResult route(String... ports) {
    return new NodeResult(List.of(ports));
  }

  /** Success, this branch ends here. */
  public static NodeResult end() {
    return END;
  }

  public List<String> ports() {
    return ports;
  }
}
