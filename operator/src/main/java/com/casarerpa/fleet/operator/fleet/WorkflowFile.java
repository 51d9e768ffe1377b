package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.IssueCodes;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A workflow file checked by the engine before anything is uploaded: a file with errors is reported
 * with the engine's issue codes and never reaches the database.
 */
public record WorkflowFile(Path path, String name, JsonNode json, List<ValidationIssue> warnings) {

  /**
   * Findings that depend on the robot, not on the workflow: a capability, a service's credentials
   * or a Windows folder mapping that this (operator's) engine lacks but the robot that claims the
   * job may have. Uploading must not refuse them; the robot refuses the job before running it if it
   * lacks them too.
   */
  private static final Set<String> ROBOT_DEPENDENT =
      Set.of(
          IssueCodes.NEEDS_CAPABILITY,
          IssueCodes.NEEDS_CREDENTIALS,
          IssueCodes.UNMAPPED_WINDOWS_PATH);

  /**
   * The engine's verdict on a workflow document: the file when it has no errors, and every issue.
   */
  public record Checked(WorkflowFile file, List<ValidationIssue> issues) {
    public boolean valid() {
      return file != null;
    }
  }

  /** Checks {@code data} with the engine; {@code origin} names it in messages (a file name). */
  public static Checked check(byte[] data, String origin, String nameOverride) {
    List<ValidationIssue> issues;
    WorkflowDefinition wf;
    try (WorkflowEngine engine = WorkflowEngine.builder().build()) {
      wf = WorkflowDefinition.parse(data);
      issues = engine.validate(wf).stream().map(WorkflowFile::asRobotRequirement).toList();
    } catch (WorkflowValidationException e) {
      issues = e.issues();
      wf = null;
    }
    if (wf == null || issues.stream().anyMatch(ValidationIssue::isError)) {
      return new Checked(null, issues);
    }
    JsonNode json;
    try {
      json = FleetApi.JSON.readTree(data);
    } catch (IOException e) {
      return new Checked(
          null,
          List.of(ValidationIssue.error("INVALID_JSON", null, origin + ": " + e.getMessage())));
    }
    String name = nameOverride;
    if (name == null || name.isBlank()) {
      name = wf.name();
    }
    if (name == null || name.isBlank()) {
      name = origin.replaceFirst("(\\.json)?(\\.gz)?$", "");
    }
    return new Checked(new WorkflowFile(Path.of(origin), name, json, issues), issues);
  }

  private static ValidationIssue asRobotRequirement(ValidationIssue issue) {
    if (!issue.isError() || !ROBOT_DEPENDENT.contains(issue.code())) {
      return issue;
    }
    return ValidationIssue.warning(
        issue.code(),
        issue.nodeId(),
        issue.message() + " (only a robot that has this can run the workflow)");
  }

  static WorkflowFile read(Path path, String nameOverride, PrintWriter err) {
    byte[] data;
    try (InputStream in =
        path.toString().endsWith(".gz")
            ? new GZIPInputStream(Files.newInputStream(path))
            : Files.newInputStream(path)) {
      data = in.readAllBytes();
    } catch (IOException e) {
      throw CliException.config("cannot read " + path + ": " + e.getMessage());
    }
    Checked checked = check(data, path.getFileName().toString(), nameOverride);
    if (!checked.valid()) {
      for (ValidationIssue issue : checked.issues()) {
        err.println("  " + issue);
      }
      err.flush();
      long errors = checked.issues().stream().filter(ValidationIssue::isError).count();
      throw CliException.failure(
          path
              + " is not a valid workflow ("
              + Math.max(errors, 1)
              + " error(s)); nothing uploaded");
    }
    WorkflowFile file = checked.file();
    return new WorkflowFile(path, file.name(), file.json(), file.warnings());
  }
}
