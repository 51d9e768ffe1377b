package com.casarerpa.fleet.workflow.cli;

import com.casarerpa.fleet.workflow.PathMap;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code workflow validate FILE}: errors and warnings; non-zero exit on errors. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check a workflow file without running it.")
final class ValidateWorkflowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "workflow JSON (.json or .json.gz)")
  Path file;

  @Option(
      names = "--allow-run-command",
      description = "validate for a robot that allows host nodes")
  boolean allowRunCommand;

  @Option(
      names = "--path-map",
      paramLabel = "WINDOWS_FOLDER=DIR",
      description = "the robot's path map, as for run (default: $CASARE_PATH_MAP)")
  String pathMap = System.getenv("CASARE_PATH_MAP");

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      WorkflowDefinition wf = WorkflowFiles.read(file);
      List<ValidationIssue> issues =
          WorkflowEngine.builder()
              .allowRunCommand(allowRunCommand)
              .pathMap(PathMap.parse(pathMap))
              .build()
              .validate(wf);
      WorkflowFiles.print(out, issues);
      long errors = issues.stream().filter(ValidationIssue::isError).count();
      out.println(
          errors == 0
              ? "valid: " + file + " (" + wf.nodes().size() + " nodes)"
              : "invalid: " + errors + " error(s)");
      out.flush();
      return errors == 0 ? 0 : WorkflowCommand.EXIT_INVALID;
    } catch (WorkflowValidationException e) {
      WorkflowFiles.print(out, e.issues());
      out.println("invalid: " + e.errors().size() + " error(s)");
      out.flush();
      return WorkflowCommand.EXIT_INVALID;
    } catch (IOException | IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return WorkflowCommand.EXIT_INVALID;
    }
  }
}
