package com.casarerpa.fleet.operator.fleet;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetMain;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.Output;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobs enqueue|list|show|cancel|retry}. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "The job queue.")
public final class JobsCommand {
  public static final Set<String> FINAL = Set.of("completed", "failed", "cancelled", "timeout");
  public static final String COLUMNS =
      "job_id,workflow_id,workflow_name,status,priority,environment,required_capabilities,"
          + "robot_uuid,progress,current_node,attempt,retry_count,max_retries,created_at,"
          + "started_at,completed_at,error,cancel_requested_at";

  @Spec CommandSpec spec;

  @Command(
      name = "enqueue",
      mixinStandardHelpOptions = true,
      description =
          "Queue a job for a workflow (by name, id, or a FILE that is validated and pushed first).")
  int enqueue(
      @Option(names = "--workflow", required = true, paramLabel = "NAME|ID|FILE") String workflow,
      @Option(names = "--priority", paramLabel = "0..20", description = "default 10")
          Integer priority,
      @Option(names = "--env", paramLabel = "ENV", description = "environment (default: default)")
          String environment,
      @Option(names = "--capability", paramLabel = "CAP", description = "required (repeatable)")
          List<String> capabilities,
      @Option(names = "--var", paramLabel = "K=V", description = "workflow variable (repeatable)")
          Map<String, String> variables,
      @Option(names = "--max-retries", paramLabel = "N") Integer maxRetries,
      @Option(names = "--timeout", paramLabel = "DURATION", description = "job timeout, e.g. 10m")
          String timeout,
      @Option(
              names = "--wait",
              description = "wait for the job to finish; exit 0 only if it completed")
          boolean waitForIt,
      @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "30m")
          String waitTimeout,
      @Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    FleetOps ops = new FleetOps(root.api());
    PrintWriter out = root.env().out();
    UUID workflowId;
    Path file = root.env().resolve(Path.of(workflow));
    if (!FleetOps.isUuid(workflow) && Files.isRegularFile(file)) {
      WorkflowFile wf = WorkflowFile.read(file, null, root.env().err());
      workflowId = WorkflowsCommand.push(ops, wf, null);
      if (!json) {
        out.println("Pushed " + wf.name() + " (" + workflowId + ")");
      }
    } else {
      workflowId = UUID.fromString(ops.workflow(workflow).path("workflow_id").asText());
    }
    Map<String, Object> params = new LinkedHashMap<>();
    ObjectNode payload = FleetApi.JSON.createObjectNode();
    if (variables != null) {
      variables.forEach((k, v) -> payload.set(k, value(v)));
    }
    params.put("p_payload", payload);
    if (priority != null) {
      params.put("p_priority", priority);
    }
    if (environment != null) {
      params.put("p_environment", environment);
    }
    if (capabilities != null) {
      params.put("p_required_capabilities", capabilities);
    }
    if (maxRetries != null) {
      params.put("p_max_retries", maxRetries);
    }
    if (timeout != null) {
      params.put("p_timeout_seconds", FleetOps.parseDuration(timeout).toSeconds());
    }
    UUID jobId = ops.enqueue(workflowId, params);
    if (!waitForIt) {
      if (json) {
        Output.json(out, FleetApi.JSON.createObjectNode().put("job_id", jobId.toString()));
      } else {
        out.println("Queued job " + jobId);
        out.flush();
      }
      return 0;
    }
    if (!json) {
      out.println("Queued job " + jobId + "; waiting for it to finish ...");
      out.flush();
    }
    JsonNode done = waitFor(root, jobId, FleetOps.parseDuration(waitTimeout), json ? null : out);
    if (json) {
      Output.json(out, done);
    } else {
      out.println(
          "Job "
              + jobId
              + " "
              + done.path("status").asText()
              + (done.hasNonNull("error") ? ": " + done.path("error").asText() : ""));
      out.flush();
    }
    return "completed".equals(done.path("status").asText()) ? 0 : CliException.FAILURE;
  }

  /** Polls the job until it is final, printing each change of status or progress. */
  static JsonNode waitFor(FleetMain root, UUID jobId, Duration limit, PrintWriter out) {
    Instant deadline = Instant.now().plus(limit);
    String last = "";
    while (true) {
      JsonNode job = root.api().get("jobs?select=" + COLUMNS + "&job_id=eq." + jobId).get(0);
      String status = job.path("status").asText();
      String line =
          status + " " + job.path("progress").asInt() + "% " + job.path("current_node").asText("");
      if (out != null && !line.equals(last)) {
        out.println(
            "  "
                + status
                + (status.equals("running")
                    ? " "
                        + job.path("progress").asInt()
                        + "% "
                        + job.path("current_node").asText("")
                    : ""));
        out.flush();
        last = line;
      }
      if (FINAL.contains(status)) {
        return job;
      }
      if (Instant.now().isAfter(deadline)) {
        throw CliException.failure(
            "job " + jobId + " is still " + status + " after " + limit + " (it keeps running)");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CliException.failure("interrupted; job " + jobId + " keeps running");
      }
    }
  }

  /** A {@code --var} value: JSON numbers, booleans, objects, arrays and null kept, else text. */
  public static JsonNode value(String text) {
    try {
      JsonNode parsed = FleetApi.JSON.readTree(text);
      if (parsed != null
          && !parsed.isMissingNode()
          && (parsed.isNumber()
              || parsed.isBoolean()
              || parsed.isObject()
              || parsed.isArray()
              || parsed.isNull())) {
        return parsed;
      }
    } catch (IOException ignored) {
      // not JSON: a string
    }
    return FleetApi.JSON.getNodeFactory().textNode(text);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Recent jobs, newest first.")
  int list(
      @Option(names = "--status", paramLabel = "S[,S…]", split = ",") List<String> status,
      @Option(names = "--limit", defaultValue = "20") int limit,
      @Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    StringBuilder query =
        new StringBuilder(
            "jobs?select=" + COLUMNS + ",robot:robots(name)&order=created_at.desc&limit=" + limit);
    if (status != null && !status.isEmpty()) {
      query.append("&status=in.(").append(String.join(",", status)).append(")");
    }
    JsonNode rows = root.api().get(query.toString());
    PrintWriter out = root.env().out();
    Instant now = Instant.now();
    Output.list(
        out,
        json,
        rows,
        List.of(
            Output.Column.of("ID", "job_id"),
            Output.Column.of("WORKFLOW", "workflow_name"),
            Output.Column.of("STATUS", "status"),
            new Output.Column("PROGRESS", r -> r.path("progress").asInt() + "%"),
            Output.Column.of("PRIO", "priority"),
            new Output.Column("ROBOT", r -> Output.text(r.path("robot").path("name"))),
            new Output.Column("CREATED", r -> Output.ago(r.path("created_at"), now)),
            Output.Column.of("ERROR", "error")));
    return 0;
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One job.")
  int show(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--json", description = "JSON output") boolean json) {
    FleetMain root = FleetMain.of(spec);
    JsonNode job = job(root, id, "*");
    ((ObjectNode) job).remove("claim_token");
    ((ObjectNode) job).remove("workflow_json");
    if (json) {
      Output.json(root.env().out(), job);
    } else {
      Output.details(root.env().out(), job);
    }
    return 0;
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a job: at once when queued; a running job is asked to stop.")
  int cancel(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--reason", paramLabel = "TEXT") String reason) {
    FleetMain root = FleetMain.of(spec);
    job(root, id, "job_id");
    String status = new FleetOps(root.api()).cancel(UUID.fromString(id), reason);
    root.env()
        .out()
        .println(
            "Job "
                + id
                + ": "
                + (status.equals("cancelled")
                    ? "cancelled"
                    : status + ", cancel requested from its robot"));
    root.env().out().flush();
    return 0;
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description =
          "Queue a finished (failed, timeout, cancelled) job again: a new job with the same"
              + " workflow, payload, priority, environment and capabilities; the old one keeps its"
              + " history.")
  int retry(@Parameters(paramLabel = "ID") String id) {
    FleetMain root = FleetMain.of(spec);
    JsonNode job = job(root, id, "*");
    UUID newId = new FleetOps(root.api()).retry(job);
    root.env().out().println("Queued job " + newId + " (retry of " + id + ")");
    root.env().out().flush();
    return 0;
  }

  private static JsonNode job(FleetMain root, String id, String select) {
    if (!FleetOps.isUuid(id)) {
      throw CliException.config("job ids are UUIDs (see `casare-fleet jobs list`), got " + id);
    }
    ArrayNode rows = (ArrayNode) root.api().get("jobs?select=" + select + "&job_id=eq." + id);
    if (rows.isEmpty()) {
      throw CliException.failure("no job " + id);
    }
    return rows.get(0);
  }
}
