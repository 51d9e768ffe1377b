package com.casarerpa.fleet.workflow.run;

/** A node failed; carried up to the nearest Try/Retry or to the run. */
final class NodeFailure extends RuntimeException {
  final String nodeId;
  final String errorType;

  NodeFailure(String nodeId, String message, String errorType, Throwable cause) {
    super(message, cause, false, false);
    this.nodeId = nodeId;
    this.errorType = errorType;
  }
}
