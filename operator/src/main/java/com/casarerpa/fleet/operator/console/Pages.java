package com.casarerpa.fleet.operator.console;

import static com.casarerpa.fleet.operator.console.ConsoleServer.model;

import com.casarerpa.fleet.operator.CliException;
import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.FleetOps;
import com.casarerpa.fleet.operator.fleet.JobsCommand;
import com.casarerpa.fleet.operator.fleet.WorkflowFile;
import com.casarerpa.fleet.operator.fleet.WorkflowsCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gg.jte.TemplateEngine;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * The console's pages, fragments and actions. Reads go through {@link ConsoleReads}; every change
 * goes through the operator's own calls ({@link FleetOps}, the CLI commands' helpers), so the
 * console does exactly what {@code casare-fleet robots|jobs|keys|workflows} do.
 */
final class Pages {
  static final List<String> WINDOWS = List.of("15m", "1h", "6h", "24h");

  private final ConsoleReads reads;
  private final FleetApi api;
  private final FleetOps ops;
  private final LiveEvents events;
  private final TemplateEngine templates;

  Pages(ConsoleReads reads, FleetApi api, LiveEvents events, TemplateEngine templates) {
    this.reads = reads;
    this.api = api;
    this.ops = new FleetOps(api);
    this.events = events;
    this.templates = templates;
  }

  void routes(RoutesConfig r) {
    r.get("/", ctx -> ctx.redirect("/fleet", HttpStatus.SEE_OTHER));
    r.get("/fleet", ctx -> page(ctx, "fleet", "Fleet", "fleet", reads.fleet(events.present())));
    r.get(
        "/fragments/fleet",
        ctx -> fragment(ctx, "fleetRobots", "fleet", reads.fleet(events.present())));
    r.post("/robots/{id}/disable", ctx -> robotEnabled(ctx, false));
    r.post("/robots/{id}/enable", ctx -> robotEnabled(ctx, true));
    r.get("/queue", ctx -> page(ctx, "queue", "Queue", "queue", reads.queue(filter(ctx))));
    r.get("/fragments/queue", ctx -> fragment(ctx, "queueJobs", "queue", reads.queue(filter(ctx))));
    r.post("/jobs", this::enqueue);
    r.get("/jobs/{id}", this::job);
    r.get(
        "/fragments/jobs/{id}/status",
        ctx -> fragment(ctx, "jobStatus", "job", job(ctx.pathParam("id"))));
    r.get("/fragments/jobs/{id}/logs", this::logs);
    r.post("/jobs/{id}/cancel", this::cancel);
    r.post("/jobs/{id}/retry", this::retry);
    r.get("/workflows", ctx -> workflows(ctx, List.of(), null));
    r.post("/workflows", this::upload);
    r.get("/keys", ctx -> keys(ctx, null, null));
    r.post("/keys", this::createKey);
    r.post("/keys/{id}/revoke", this::revokeKey);
    r.get("/schedules", ctx -> page(ctx, "schedules", "Schedules", "schedules", reads.schedules()));
    r.post("/schedules/{id}/enable", ctx -> scheduleEnabled(ctx, true));
    r.post("/schedules/{id}/disable", ctx -> scheduleEnabled(ctx, false));
    r.get("/charts", this::charts);
    r.get("/api/fleet", ctx -> ctx.json(reads.fleet(events.present())));
    r.get("/api/queue", ctx -> ctx.json(reads.queue(filter(ctx))));
    r.get("/api/jobs/{id}", ctx -> ctx.json(job(ctx.pathParam("id"))));
  }

  void login(Context ctx, String error) {
    ctx.html(ConsoleServer.render(templates, "login.jte", model("error", error)));
  }

  void failure(CliException e, Context ctx) {
    ctx.status(e.exitCode() == CliException.USAGE ? 400 : 502);
    page(ctx, "error", "Error", "", e.getMessage());
  }

  private void page(Context ctx, String template, String title, String nav, Object data) {
    ConsoleAuth.Session session = ctx.attribute("session");
    Views.Frame frame =
        new Views.Frame(title, nav, session == null ? "" : session.csrf(), events.realtimeLive());
    ctx.html(
        ConsoleServer.render(templates, template + ".jte", model("frame", frame, "data", data)));
  }

  private void fragment(Context ctx, String template, String name, Object data) {
    ConsoleAuth.Session session = ctx.attribute("session");
    ctx.html(
        ConsoleServer.render(
            templates, template + ".jte", model(name, data, "csrf", session.csrf())));
  }

  private static Views.QueueFilter filter(Context ctx) {
    return new Views.QueueFilter(
        ctx.queryParam("status"),
        ctx.queryParam("robot"),
        ctx.queryParam("workflow"),
        ctx.queryParam("environment"));
  }

  private void robotEnabled(Context ctx, boolean enabled) {
    ops.setRobotEnabled(ops.robot(uuid(ctx.pathParam("id"))), enabled);
    events.signal("fleet");
    ctx.redirect("/fleet", HttpStatus.SEE_OTHER);
  }

  private void enqueue(Context ctx) {
    JsonNode workflow = ops.workflow(required(ctx, "workflow"));
    Map<String, Object> params = new LinkedHashMap<>();
    ObjectNode payload = FleetApi.JSON.createObjectNode();
    String variables = ctx.formParam("variables");
    if (variables != null) {
      for (String line : variables.split("\\R")) {
        if (line.isBlank()) {
          continue;
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw CliException.config(
              "variables are one name=value per line; this line has no name=: " + line.strip());
        }
        payload.set(
            line.substring(0, eq).strip(), JobsCommand.value(line.substring(eq + 1).strip()));
      }
    }
    params.put("p_payload", payload);
    String priority = ctx.formParam("priority");
    if (ConsoleReads.present(priority)) {
      try {
        params.put("p_priority", Integer.parseInt(priority.strip()));
      } catch (NumberFormatException e) {
        throw CliException.config("priority must be a whole number 0..20, got " + priority);
      }
    }
    String environment = ctx.formParam("environment");
    if (ConsoleReads.present(environment)) {
      params.put("p_environment", environment.strip());
    }
    UUID id = ops.enqueue(UUID.fromString(workflow.path("workflow_id").asText()), params);
    events.signal("jobs");
    ctx.redirect("/jobs/" + id, HttpStatus.SEE_OTHER);
  }

  private Views.Job job(String id) {
    Views.Job job = reads.job(uuid(id));
    if (job == null) {
      throw CliException.failure("no job " + id + " (it may have been deleted)");
    }
    return job;
  }

  private void job(Context ctx) {
    Views.Job job = job(ctx.pathParam("id"));
    String level = ctx.queryParam("level");
    String search = ctx.queryParam("q");
    page(
        ctx,
        "job",
        "Job " + job.id().substring(0, 8),
        "queue",
        new Views.JobPage(job, reads.logs(job.id(), level, search), level, search));
  }

  private void logs(Context ctx) {
    String id = uuid(ctx.pathParam("id"));
    String level = ctx.queryParam("level");
    String search = ctx.queryParam("q");
    Views.Job job = job(id);
    fragment(
        ctx,
        "jobLogs",
        "page",
        new Views.JobPage(job, reads.logs(id, level, search), level, search));
  }

  private void cancel(Context ctx) {
    String id = uuid(ctx.pathParam("id"));
    ops.cancel(UUID.fromString(id), "cancelled from the console");
    events.signal("jobs");
    ctx.redirect("/jobs/" + id, HttpStatus.SEE_OTHER);
  }

  private void retry(Context ctx) {
    String id = uuid(ctx.pathParam("id"));
    JsonNode rows = api.get("jobs?select=*&job_id=eq." + id);
    if (rows.isEmpty()) {
      throw CliException.failure("no job " + id);
    }
    UUID next = ops.retry(rows.get(0));
    events.signal("jobs");
    ctx.redirect("/jobs/" + next, HttpStatus.SEE_OTHER);
  }

  private void workflows(Context ctx, List<Views.Issue> issues, String notice) {
    page(
        ctx,
        "workflows",
        "Workflows",
        "workflows",
        new Views.Workflows(reads.workflows(), reads.versions(), issues, notice));
  }

  private void upload(Context ctx) throws IOException {
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      throw CliException.config("choose a workflow file (.json or .json.gz) to upload");
    }
    byte[] data;
    try (InputStream in =
        file.filename().endsWith(".gz") ? new GZIPInputStream(file.content()) : file.content()) {
      data = in.readAllBytes();
    }
    String name = ctx.formParam("name");
    WorkflowFile.Checked checked = WorkflowFile.check(data, file.filename(), name);
    List<Views.Issue> issues = new ArrayList<>();
    checked
        .issues()
        .forEach(
            i ->
                issues.add(
                    new Views.Issue(
                        i.code(),
                        i.nodeId() == null ? "—" : i.nodeId(),
                        i.message(),
                        i.isError())));
    if (!checked.valid()) {
      ctx.status(422);
      workflows(ctx, issues, file.filename() + " is not a valid workflow: nothing uploaded.");
      return;
    }
    String description = ctx.formParam("description");
    UUID id =
        WorkflowsCommand.push(
            ops, checked.file(), ConsoleReads.present(description) ? description : null);
    workflows(ctx, issues, "Uploaded " + checked.file().name() + " (" + id + ").");
  }

  private void keys(Context ctx, String newKey, String robot) {
    page(
        ctx,
        "keys",
        "Keys",
        "keys",
        new Views.Keys(reads.keys(), reads.robotNames(), newKey, robot));
  }

  private void createKey(Context ctx) {
    JsonNode robot = ops.robot(required(ctx, "robot"));
    String label = ctx.formParam("name");
    String expires = ctx.formParam("expires_in");
    Instant expiresAt =
        ConsoleReads.present(expires) ? Instant.now().plus(FleetOps.parseDuration(expires)) : null;
    String key =
        ops.createKey(
            UUID.fromString(robot.path("robot_id").asText()),
            ConsoleReads.present(label) ? label : null,
            expiresAt);
    keys(ctx, key, robot.path("name").asText());
  }

  private void revokeKey(Context ctx) {
    String id = uuid(ctx.pathParam("id"));
    api.rpc(
        "revoke_robot_api_key",
        FleetApi.JSON
            .createObjectNode()
            .put("p_key_id", id)
            .put("p_reason", "revoked from the console"));
    ctx.redirect("/keys", HttpStatus.SEE_OTHER);
  }

  private void scheduleEnabled(Context ctx, boolean enabled) {
    String id = uuid(ctx.pathParam("id"));
    api.patch("schedules?schedule_id=eq." + id, Map.of("enabled", enabled));
    ctx.redirect("/schedules", HttpStatus.SEE_OTHER);
  }

  private void charts(Context ctx) {
    String window = ctx.queryParam("window");
    if (window == null || !WINDOWS.contains(window)) {
      window = "1h";
    }
    Duration span = FleetOps.parseDuration(window);
    page(
        ctx,
        "charts",
        "Charts",
        "charts",
        new Views.ChartsPage(window, WINDOWS, reads.charts(span)));
  }

  private static String required(Context ctx, String field) {
    String value = ctx.formParam(field);
    if (!ConsoleReads.present(value)) {
      throw CliException.config("the form field " + field + " is required");
    }
    return value.strip();
  }

  private static String uuid(String id) {
    if (!FleetOps.isUuid(id)) {
      throw CliException.config("not an id: " + id);
    }
    return id;
  }
}
