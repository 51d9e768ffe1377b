package com.casarerpa.fleet.agent.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * How a workflow run ended.
 *
 * @param output result stored on completion (a JSON object)
 * @param errorMessage why it failed, for {@code FAILED}/{@code TIMED_OUT}
 * @param errorDetails structured failure details, or null
 * @param retryable false when running it again cannot help (e.g. an invalid workflow)
 */
public record ExecutionResult(
    Status status, JsonNode output, String errorMessage, JsonNode errorDetails, boolean retryable) {
  public enum Status {
    COMPLETED,
    FAILED,
    CANCELLED,
    TIMED_OUT
  }

  public static ExecutionResult completed(JsonNode output) {
    return new ExecutionResult(Status.COMPLETED, output, null, null, false);
  }

  public static ExecutionResult failed(String message, JsonNode details, boolean retryable) {
    return new ExecutionResult(Status.FAILED, NullNode.instance, message, details, retryable);
  }

  public static ExecutionResult cancelled() {
    return new ExecutionResult(Status.CANCELLED, NullNode.instance, "cancelled", null, false);
  }

  public static ExecutionResult timedOut(String message) {
    return new ExecutionResult(Status.TIMED_OUT, NullNode.instance, message, null, false);
  }
}
