package com.casarerpa.fleet.workflow.run;

import com.casarerpa.fleet.workflow.RunStatus;

/** The run must stop now (cancelled or job timeout); never caught by Try/Retry. */
final class StopSignal extends RuntimeException {
  final RunStatus status;
  final String nodeId;

  StopSignal(RunStatus status, String nodeId, String message) {
    super(message, null, false, false);
    this.status = status;
    this.nodeId = nodeId;
  }
}
