package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code workflows push|list|show}. */
@Command(name = "workflows", mixinStandardHelpOptions = true, description = "Workflows.")
public final class WorkflowsCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description =
          "Validate workflow files with the engine and upload them (a new version when a workflow"
              + " of that name exists). A file with errors is reported with the engine's codes"
              + " and not uploaded.")
  int push(
      @Parameters(paramLabel = "FILE", arity = "1..*") List<Path> files,
      @Option(
              names = "--name",
              description =
                  "workflow name (one file only; default:" + " metadata.name, else the file name)")
          String name,
      @Option(names = "--description") String description) {
    FleetMain root = FleetMain.of(spec);
    if (name != null && files.size() > 1) {
      throw com.casarerpa.fleet.operator.CliException.config("--name needs exactly one FILE");
    }
    List<WorkflowFile> checked = new ArrayList<>();
    for (Path file : files) {
      checked.add(WorkflowFile.read(root.env().resolve(file), name, root.env().err()));
    }
    for (WorkflowFile wf : checked) {
      UUID id = push(new FleetOps(root.api()), wf, description);
      root.env().out().println("Pushed " + wf.name() + " (" + id + ") from " + wf.path());
      wf.warnings().forEach(w -> root.env().out().println("  " + w));
    }
    root.env().out().flush();
    return 0;
  }

  /** Uploads a checked file: a new version of the newest workflow of that name, else a new one. */
  public static UUID push(FleetOps ops, WorkflowFile wf, String description) {
    JsonNode existing =
        ops.api()
            .get(
                "workflows?select=workflow_id&workflow_name=eq."
                    + FleetApi.encode(wf.name())
                    + "&order=updated_at.desc&limit=1");
    ObjectNode params = FleetApi.JSON.createObjectNode().put("p_workflow_name", wf.name());
    params.set("p_workflow_json", wf.json());
    if (!existing.isEmpty()) {
      params.put("p_workflow_id", existing.get(0).path("workflow_id").asText());
    }
    if (description != null) {
      params.put("p_description", description);
    }
    return UUID.fromString(ops.api().rpc("upsert_workflow", params).asText());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "All workflows.")
  int list(@Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    JsonNode rows =
        root.api()
            .get(
                "workflows?select=workflow_id,workflow_name,version,description,timeout_seconds,"
                    + "max_retries,updated_at&order=workflow_name.asc");
    PrintWriter out = root.env().out();
    Instant now = Instant.now();
    Output.list(
        out,
        json,
        rows,
        List.of(
            Output.Column.of("NAME", "workflow_name"),
            Output.Column.of("VERSION", "version"),
            new Output.Column("UPDATED", r -> Output.ago(r.path("updated_at"), now)),
            Output.Column.of("ID", "workflow_id"),
            Output.Column.of("DESCRIPTION", "description")));
    return 0;
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One workflow.")
  int show(
      @Parameters(paramLabel = "NAME|ID") String workflow,
      @Option(names = "--json", description = "JSON output, including the workflow JSON")
          boolean json) {
    FleetMain root = FleetMain.of(spec);
    JsonNode row = new FleetOps(root.api()).workflow(workflow);
    JsonNode full =
        root.api()
            .get("workflows?select=*&workflow_id=eq." + row.path("workflow_id").asText())
            .get(0);
    PrintWriter out = root.env().out();
    if (json) {
      ((ObjectNode) full).remove("search_vector");
      Output.json(out, full);
      return 0;
    }
    Output.details(out, row);
    JsonNode nodes = full.path("workflow_json").path("nodes");
    out.println("nodes:");
    for (var node : nodes.properties()) {
      out.println("  " + node.getKey() + "  " + node.getValue().path("node_type").asText());
    }
    out.flush();
    return 0;
  }
}
