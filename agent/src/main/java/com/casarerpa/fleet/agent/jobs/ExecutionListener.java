package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.workflow.LogLevel;

/** What a running workflow tells the agent. Calls must be cheap: they only record and enqueue. */
public interface ExecutionListener {
  /** Progress 0..100 and the node now running (null when between nodes). */
  void progress(int percent, String nodeId, String nodeType);

  /** A workflow log line, shipped to {@code robot_logs}. */
  void log(LogLevel level, String nodeId, String message);
}
