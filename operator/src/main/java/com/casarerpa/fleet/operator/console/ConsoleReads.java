package com.casarerpa.fleet.operator.console;

import com.casarerpa.fleet.operator.FleetApi;
import com.casarerpa.fleet.operator.Output;
import com.casarerpa.fleet.operator.PresenceMode;
import com.casarerpa.fleet.operator.fleet.JobsCommand;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The console's reads, through the operator's {@link FleetApi} (PostgREST with the service key, the
 * same tables and columns the CLI commands read), shaped into {@link Views}.
 */
final class ConsoleReads {
  static final List<String> STATUSES =
      List.of(
          "pending", "queued", "claimed", "running", "completed", "failed", "timeout", "cancelled");
  static final List<String> LEVELS =
      List.of("TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");
  static final Duration SPARK_WINDOW = Duration.ofMinutes(10);
  static final int QUEUE_ROWS = 100;
  static final int LOG_ROWS = 500;

  private final FleetApi api;
  private final InstantSource clock;

  ConsoleReads(FleetApi api, InstantSource clock) {
    this.api = api;
    this.clock = clock;
  }

  Views.Fleet fleet(Set<String> present) {
    Instant now = clock.instant();
    PresenceMode mode = PresenceMode.read(api);
    JsonNode robots =
        api.get(
            "robots?select=robot_id,name,status,environment,capabilities,last_heartbeat"
                + "&order=name.asc");
    Map<String, Views.JobBrief> jobs = new HashMap<>();
    for (JsonNode job :
        api.get(
            "jobs?select=job_id,workflow_name,status,progress,current_node,robot_uuid"
                + "&status=in.(claimed,running)&order=created_at.asc")) {
      jobs.putIfAbsent(
          job.path("robot_uuid").asText(),
          new Views.JobBrief(
              job.path("job_id").asText(),
              job.path("workflow_name").asText(),
              job.path("status").asText(),
              job.path("progress").asInt(),
              job.path("current_node").asText("")));
    }
    Map<String, List<Double>> cpu = new HashMap<>();
    Map<String, List<Double>> memory = new HashMap<>();
    for (JsonNode beat :
        api.get(
            "robot_heartbeats?select=robot_id,timestamp,metrics&timestamp=gte."
                + FleetApi.encode(now.minus(SPARK_WINDOW).toString())
                + "&order=timestamp.asc&limit=5000")) {
      String id = beat.path("robot_id").asText();
      JsonNode m = beat.path("metrics");
      if (m.has("cpu_percent")) {
        cpu.computeIfAbsent(id, k -> new ArrayList<>()).add(m.path("cpu_percent").asDouble());
      }
      if (m.has("memory_percent")) {
        memory.computeIfAbsent(id, k -> new ArrayList<>()).add(m.path("memory_percent").asDouble());
      }
    }
    List<Views.Robot> out = new ArrayList<>();
    for (JsonNode r : robots) {
      String id = r.path("robot_id").asText();
      Views.JobBrief job = jobs.get(id);
      String status = r.path("status").asText();
      String presence =
          !mode.up(present.contains(id), status) ? "offline" : job != null ? "busy" : "online";
      List<String> caps = new ArrayList<>();
      r.path("capabilities").forEach(c -> caps.add(c.asText()));
      out.add(
          new Views.Robot(
              id,
              r.path("name").asText(),
              presence,
              status,
              r.path("environment").asText("default"),
              caps.isEmpty() ? "—" : String.join(", ", caps),
              Output.ago(r.path("last_heartbeat"), now),
              job,
              Charts.sparkline(tail(cpu.getOrDefault(id, List.of())), "CPU"),
              Charts.sparkline(tail(memory.getOrDefault(id, List.of())), "Memory"),
              status.equals("maintenance")));
    }
    return new Views.Fleet(
        out,
        counts(),
        mode.on() ? null : mode.reason() + " (presence shown from the robots' rows)");
  }

  private static List<Double> tail(List<Double> values) {
    return values.size() <= 60 ? values : values.subList(values.size() - 60, values.size());
  }

  Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String status : STATUSES) {
      counts.put(status, api.count("jobs?status=eq." + status));
    }
    return counts;
  }

  Views.Queue queue(Views.QueueFilter filter) {
    Instant now = clock.instant();
    Map<String, String> robotNames = new LinkedHashMap<>();
    for (JsonNode r : api.get("robots?select=robot_id,name&order=name.asc")) {
      robotNames.put(r.path("robot_id").asText(), r.path("name").asText());
    }
    StringBuilder query =
        new StringBuilder("jobs?select=" + JobsCommand.COLUMNS + "&order=created_at.desc");
    query.append("&limit=").append(QUEUE_ROWS);
    if (present(filter.status()) && STATUSES.contains(filter.status())) {
      query.append("&status=eq.").append(filter.status());
    }
    if (present(filter.robot())) {
      String id =
          robotNames.entrySet().stream()
              .filter(e -> e.getValue().equals(filter.robot()))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse("00000000-0000-0000-0000-000000000000");
      query.append("&robot_uuid=eq.").append(id);
    }
    if (present(filter.workflow())) {
      query.append("&workflow_name=eq.").append(FleetApi.encode(filter.workflow()));
    }
    if (present(filter.environment())) {
      query.append("&environment=eq.").append(FleetApi.encode(filter.environment()));
    }
    List<Views.JobRow> rows = new ArrayList<>();
    for (JsonNode j : api.get(query.toString())) {
      rows.add(
          new Views.JobRow(
              j.path("job_id").asText(),
              j.path("workflow_name").asText(),
              j.path("status").asText(),
              j.path("progress").asInt(),
              j.path("current_node").asText(""),
              j.path("priority").asInt(),
              j.path("environment").asText(),
              robotNames.getOrDefault(j.path("robot_uuid").asText(), "—"),
              Output.ago(j.path("created_at"), now),
              j.path("error").isNull() ? "" : j.path("error").asText("")));
    }
    Set<String> workflows = new TreeSet<>();
    api.get("workflows?select=workflow_name")
        .forEach(w -> workflows.add(w.path("workflow_name").asText()));
    Set<String> environments = new TreeSet<>(List.of("default"));
    api.get("robots?select=environment")
        .forEach(r -> environments.add(r.path("environment").asText("default")));
    return new Views.Queue(
        filter,
        counts(),
        rows,
        List.copyOf(robotNames.values()),
        List.copyOf(workflows),
        List.copyOf(environments),
        "/fragments/queue" + filter.query());
  }

  /** A job's page, or null when there is no such job. */
  Views.Job job(String id) {
    JsonNode rows = api.get("jobs?select=*,robot:robots(name)&job_id=eq." + id);
    if (rows.isEmpty()) {
      return null;
    }
    JsonNode j = rows.get(0);
    String robot = j.path("robot").path("name").asText("—");
    List<Views.Step> steps = new ArrayList<>();
    step(steps, "queued", j.path("created_at"), "priority " + j.path("priority").asInt());
    step(steps, "claimed", j.path("claimed_at"), "by " + robot + ", attempt " + j.path("attempt"));
    step(steps, "running", j.path("started_at"), "on " + robot);
    if (j.hasNonNull("cancel_requested_at")) {
      step(steps, "cancel requested", j.path("cancel_requested_at"), "");
    }
    String status = j.path("status").asText();
    if (JobsCommand.FINAL.contains(status)) {
      step(
          steps,
          status,
          j.path("completed_at"),
          j.path("duration_ms").asInt() > 0 ? j.path("duration_ms").asInt() + " ms" : "");
    }
    return new Views.Job(
        j.path("job_id").asText(),
        j.path("workflow_name").asText(),
        status,
        j.path("progress").asInt(),
        j.path("current_node").asText(""),
        robot,
        j.path("attempt").asInt(),
        steps,
        j.path("result").isMissingNode() || j.path("result").isNull()
            ? ""
            : j.path("result").toPrettyString(),
        j.path("error").isNull() ? "" : j.path("error").asText(""),
        !JobsCommand.FINAL.contains(status),
        Set.of("failed", "timeout", "cancelled").contains(status));
  }

  private static void step(List<Views.Step> steps, String label, JsonNode at, String detail) {
    if (at != null && !at.isNull() && !at.isMissingNode()) {
      steps.add(new Views.Step(label, at.asText(), detail));
    }
  }

  /** A job's log lines, oldest first: {@code level} and above, containing {@code search}. */
  List<Views.LogLine> logs(String jobId, String level, String search) {
    StringBuilder filter = new StringBuilder("&job_id=eq.").append(jobId);
    int from = level == null ? -1 : LEVELS.indexOf(level.toUpperCase());
    if (from > 0) {
      filter
          .append("&level=in.(")
          .append(String.join(",", LEVELS.subList(from, LEVELS.size())))
          .append(")");
    }
    if (present(search)) {
      filter
          .append("&message=ilike.")
          .append(FleetApi.encode("*" + search.replace("*", "").replace(",", " ") + "*"));
    }
    JsonNode rows =
        api.get(
            "robot_logs?select=timestamp,level,node_id,seq,message"
                + filter
                + "&order=timestamp.asc,seq.asc&limit="
                + LOG_ROWS);
    List<Views.LogLine> lines = new ArrayList<>();
    for (JsonNode r : rows) {
      lines.add(
          new Views.LogLine(
              r.path("timestamp").asText(),
              r.path("level").asText(),
              r.path("node_id").asText(""),
              r.path("message").asText()));
    }
    return lines;
  }

  JsonNode workflows() {
    return api.get(
        "workflows?select=workflow_id,workflow_name,version,description,updated_at"
            + "&order=workflow_name.asc,updated_at.desc");
  }

  Map<String, List<JsonNode>> versions() {
    Map<String, List<JsonNode>> byWorkflow = new HashMap<>();
    for (JsonNode v :
        api.get(
            "workflow_versions?select=workflow_id,version_number,created_at,change_description"
                + "&order=version_number.desc&limit=1000")) {
      byWorkflow.computeIfAbsent(v.path("workflow_id").asText(), k -> new ArrayList<>()).add(v);
    }
    return byWorkflow;
  }

  JsonNode keys() {
    return api.get(
        "robot_api_keys?select=id,robot_id,name,created_at,expires_at,last_used_at,is_revoked,"
            + "robot:robots(name)&order=created_at.desc");
  }

  JsonNode robotNames() {
    return api.get("robots?select=robot_id,name&order=name.asc");
  }

  List<Views.Schedule> schedules() {
    Instant now = clock.instant();
    List<Views.Schedule> out = new ArrayList<>();
    for (JsonNode s :
        api.get(
            "schedules?select=schedule_id,schedule_name,cron_expression,enabled,last_run_at,"
                + "next_run_at,run_count,failure_count,workflow:workflows(workflow_name)"
                + "&order=schedule_name.asc")) {
      List<String> next = new ArrayList<>();
      if (s.path("enabled").asBoolean() && s.hasNonNull("next_run_at")) {
        String at = s.path("next_run_at").asText();
        next.add(at);
        for (int i = 0; i < 2; i++) {
          JsonNode after =
              api.rpc(
                  "cron_next_run",
                  Map.of("p_expression", s.path("cron_expression").asText(), "p_after", at));
          if (after.isNull() || after.asText().isEmpty()) {
            break;
          }
          at = after.asText();
          next.add(at);
        }
      }
      out.add(
          new Views.Schedule(
              s.path("schedule_id").asText(),
              s.path("schedule_name").asText(),
              s.path("workflow").path("workflow_name").asText("—"),
              s.path("cron_expression").asText(),
              s.path("enabled").asBoolean(),
              next,
              Output.ago(s.path("last_run_at"), now),
              s.path("run_count").asInt(),
              s.path("failure_count").asInt()));
    }
    return out;
  }

  List<Views.Chart> charts(Duration window) {
    Instant now = clock.instant();
    // jobs that touched the window: created in it, or created up to a day before (still queued)
    JsonNode jobs =
        api.get(
            "jobs?select=status,created_at,claimed_at,completed_at&created_at=gte."
                + FleetApi.encode(now.minus(window).minus(Duration.ofDays(1)).toString())
                + "&order=created_at.asc&limit=20000");
    return Charts.build(jobs, now, window);
  }

  static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
