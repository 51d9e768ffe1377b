package com.casarerpa.fleet.workflow.validate;

import java.util.List;
import java.util.stream.Collectors;

/** The workflow is not runnable; {@link #issues()} lists every error (and any warnings). */
public final class WorkflowValidationException extends Exception {
  private final List<ValidationIssue> issues;

  public WorkflowValidationException(List<ValidationIssue> issues) {
    super(summary(issues));
    this.issues = List.copyOf(issues);
  }

  public List<ValidationIssue> issues() {
    return issues;
  }

  public List<ValidationIssue> errors() {
    return issues.stream().filter(ValidationIssue::isError).toList();
  }

  private static String summary(List<ValidationIssue> issues) {
    List<ValidationIssue> errors = issues.stream().filter(ValidationIssue::isError).toList();
    return "workflow is invalid ("
        + errors.size()
        + (errors.size() == 1 ? " error" : " errors")
        + "): "
        + errors.stream().limit(5).map(ValidationIssue::toString).collect(Collectors.joining("; "))
        + (errors.size() > 5 ? "; ..." : "");
  }
}
