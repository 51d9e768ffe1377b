package com.casarerpa.fleet.workflow;

/**
 * Receives events from a running workflow, on the thread that runs it. Every method has a no-op
 * default. Implementations must be quick and must not throw; an exception is logged and ignored.
 */
public interface RunListener {
  RunListener NONE = new RunListener() {};

  /**
   * Progress: {@code percent} of distinct nodes executed so far and the node about to run; a
   * completed run ends with {@code (100, null, null)}.
   */
  default void onProgress(int percent, String nodeId, String nodeType) {}

  /** A log line produced by a node (LogNode, errors, warnings). */
  default void onLog(LogLevel level, String nodeId, String message) {}

  default void onNodeStarted(String nodeId, String nodeType) {}

  /** {@code error} is null on success. */
  default void onNodeFinished(String nodeId, String nodeType, String error) {}
}
