package com.casarerpa.fleet.workflow.cli;

import picocli.CommandLine;

/**
 * Standalone entry point: {@code java -cp ... com.casarerpa.fleet.workflow.cli.WorkflowMain run
 * FILE}.
 */
public final class WorkflowMain {
  private WorkflowMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkflowCommand()).execute(args));
  }
}
