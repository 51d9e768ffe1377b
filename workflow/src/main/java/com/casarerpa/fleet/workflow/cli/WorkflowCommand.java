package com.casarerpa.fleet.workflow.cli;

import picocli.CommandLine.Command;

/**
 * {@code workflow}: run or validate a workflow file locally. The agent's CLI mounts this class as a
 * subcommand; {@link WorkflowMain} runs it standalone.
 */
@Command(
    name = "workflow",
    mixinStandardHelpOptions = true,
    description = "Run or validate a CasareRPA workflow file locally (no fleet needed).",
    subcommands = {RunWorkflowCommand.class, ValidateWorkflowCommand.class})
public final class WorkflowCommand implements Runnable {
  /** Exit code for an invalid workflow or unreadable file. */
  public static final int EXIT_INVALID = 2;

  /** Exit code for a run that did not complete. */
  public static final int EXIT_FAILED = 1;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
