package com.casarerpa.fleet.workflow.validate;

/**
 * One finding about a workflow, with the original engine's code (for example {@code
 * UNKNOWN_NODE_TYPE}), the node it concerns (null for the whole workflow), and a message that says
 * what is wrong and how to fix it.
 */
public record ValidationIssue(String code, String nodeId, String message, Severity severity) {

  public static ValidationIssue error(String code, String nodeId, String message) {
    return new ValidationIssue(code, nodeId, message, Severity.ERROR);
  }

  public static ValidationIssue warning(String code, String nodeId, String message) {
    return new ValidationIssue(code, nodeId, message, Severity.WARNING);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return severity + " " + code + (nodeId == null ? "" : " [" + nodeId + "]") + ": " + message;
  }
}
