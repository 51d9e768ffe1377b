package com.casarerpa.fleet.workflow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Per-run inputs.
 *
 * @param variables initial variables (the job payload); they override the workflow's defaults
 * @param jobTimeout the whole run's limit; null means the workflow's {@code settings.timeout} or
 *     none
 * @param nodeTimeout default limit for one node execution ({@link #DEFAULT_NODE_TIMEOUT})
 * @param workingDirectory the job's folder for file nodes; null lets the engine create one under
 *     its working root
 */
public record RunOptions(
    Map<String, Object> variables,
    Duration jobTimeout,
    Duration nodeTimeout,
    Path workingDirectory) {
  /** The original engine's per-node timeout. */
  public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(120);

  public static final RunOptions DEFAULTS =
      new RunOptions(Map.of(), null, DEFAULT_NODE_TIMEOUT, null);

  public RunOptions {
    variables = variables == null ? Map.of() : variables;
    nodeTimeout = nodeTimeout == null ? DEFAULT_NODE_TIMEOUT : nodeTimeout;
    if (nodeTimeout.isNegative() || nodeTimeout.isZero()) {
      throw new IllegalArgumentException("nodeTimeout must be positive, got " + nodeTimeout);
    }
    if (jobTimeout != null && (jobTimeout.isNegative() || jobTimeout.isZero())) {
      throw new IllegalArgumentException("jobTimeout must be positive, got " + jobTimeout);
    }
  }

  public RunOptions withVariables(Map<String, Object> v) {
    return new RunOptions(v, jobTimeout, nodeTimeout, workingDirectory);
  }

  public RunOptions withJobTimeout(Duration t) {
    return new RunOptions(variables, t, nodeTimeout, workingDirectory);
  }

  public RunOptions withNodeTimeout(Duration t) {
    return new RunOptions(variables, jobTimeout, t, workingDirectory);
  }

  public RunOptions withWorkingDirectory(Path dir) {
    return new RunOptions(variables, jobTimeout, nodeTimeout, dir);
  }
}
