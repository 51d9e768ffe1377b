package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.workflow.WorkflowEngine;
import com.casarerpa.fleet.workflow.model.WorkflowDefinition;
import com.casarerpa.fleet.workflow.validate.ValidationIssue;
import com.casarerpa.fleet.workflow.validate.WorkflowValidationException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A workflow file checked by the engine before anything is uploaded: a file with errors is reported
 * with the engine's issue codes and never reaches the database.
 */
record WorkflowFile(Path path, String name, JsonNode json, List<ValidationIssue> warnings) {

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
    List<ValidationIssue> issues;
    WorkflowDefinition wf;
    try (WorkflowEngine engine = WorkflowEngine.builder().build()) {
      wf = WorkflowDefinition.parse(data);
      issues = engine.validate(wf);
    } catch (WorkflowValidationException e) {
      issues = e.issues();
      wf = null;
    }
    List<ValidationIssue> errors = issues.stream().filter(ValidationIssue::isError).toList();
    if (!errors.isEmpty() || wf == null) {
      for (ValidationIssue issue : issues) {
        err.println("  " + issue);
      }
      err.flush();
      throw CliException.failure(
          path + " is not a valid workflow (" + errors.size() + " error(s)); nothing uploaded");
    }
    JsonNode json;
    try {
      json = FleetApi.JSON.readTree(data);
    } catch (IOException e) {
      throw CliException.failure(path + ": " + e.getMessage());
    }
    String name = nameOverride;
    if (name == null || name.isBlank()) {
      name = wf.name();
    }
    if (name == null || name.isBlank()) {
      name = path.getFileName().toString().replaceFirst("(\\.json)?(\\.gz)?$", "");
    }
    return new WorkflowFile(path, name, json, issues);
  }
}
