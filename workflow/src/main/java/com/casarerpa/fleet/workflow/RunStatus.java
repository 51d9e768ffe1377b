package com.casarerpa.fleet.workflow;

/** How a run ended. */
public enum RunStatus {
  COMPLETED,
  FAILED,
  CANCELLED,
  TIMED_OUT
}
