package com.casarerpa.fleet.workflow.cli;

import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a workflow file (plain or gzip) and prints issues. */
final class WorkflowFiles {
  private WorkflowFiles() {}

  static WorkflowDefinition read(Path file) throws IOException, WorkflowValidationException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such workflow file: " + file.toAbsolutePath());
    }
    return WorkflowDefinition.parse(Files.readAllBytes(file));
  }

  static void print(PrintWriter out, List<ValidationIssue> issues) {
    for (ValidationIssue i : issues) {
      out.println(
          (i.isError() ? "error   " : "warning ")
              + i.code()
              + (i.nodeId() == null ? "" : " [" + i.nodeId() + "]")
              + ": "
              + i.message());
    }
    out.flush();
  }
}
