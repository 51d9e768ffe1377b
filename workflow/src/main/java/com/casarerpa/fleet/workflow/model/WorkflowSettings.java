package com.casarerpa.fleet.workflow.model;

import java.time.Duration;
import java.util.Map;

/**
 * {@code settings}: {@code stop_on_error} (default true), {@code continue_on_error} (default
 * false), {@code timeout} in seconds (the workflow's own job timeout; absent = none) and {@code
 * retry_count}.
 */
public record WorkflowSettings(boolean stopOnError, Duration timeout, int retryCount) {
  public static final WorkflowSettings DEFAULTS = new WorkflowSettings(true, null, 0);

  static WorkflowSettings from(Map<String, Object> raw) {
    if (raw == null) {
      return DEFAULTS;
    }
    boolean stop = !Boolean.TRUE.equals(raw.get("continue_on_error"));
    if (raw.get("stop_on_error") instanceof Boolean b) {
      stop = stop && b;
    }
    Duration timeout = null;
    if (raw.get("timeout") instanceof Number n && n.doubleValue() > 0) {
      timeout = Duration.ofMillis((long) (n.doubleValue() * 1000));
    }
    int retries = raw.get("retry_count") instanceof Number n ? Math.max(0, n.intValue()) : 0;
    return new WorkflowSettings(stop, timeout, retries);
  }
}
