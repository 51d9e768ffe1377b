package com.casarerpa.fleet.workflow.model;

/** An edge from an output port of one node to an input port of another. */
public record Connection(
    String sourceNode, String sourcePort, String targetNode, String targetPort) {
  @Override
  public String toString() {
    return sourceNode + "." + sourcePort + " -> " + targetNode + "." + targetPort;
  }
}
