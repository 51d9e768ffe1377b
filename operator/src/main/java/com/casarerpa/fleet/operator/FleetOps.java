package com.casarerpa.fleet.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's fleet calls on top of {@link FleetApi}: robots and workflows by name or id, robot
 * creation with its first key. Only the existing operator RPCs (docs/RPC.md) and table reads.
 */
public final class FleetOps {
  public static final String ROBOT_COLUMNS =
      "robot_id,name,hostname,status,environment,capabilities,max_concurrent_jobs,"
          + "current_job_ids,last_heartbeat,agent_version,created_at";

  private final FleetApi api;

  public FleetOps(FleetApi api) {
    this.api = api;
  }

  public FleetApi api() {
    return api;
  }

  /** A robot row by exact name or robot_id; exit 1 with a clear message when there is none. */
  public JsonNode robot(String nameOrId) {
    String filter =
        isUuid(nameOrId) ? "robot_id=eq." + nameOrId : "name=eq." + FleetApi.encode(nameOrId);
    JsonNode rows = api.get("robots?select=" + ROBOT_COLUMNS + "&" + filter);
    if (rows.isEmpty()) {
      throw CliException.failure("no robot " + nameOrId + " (see `casare-fleet robots list`)");
    }
    return rows.get(0);
  }

  /** A workflow row by id or exact name (the newest of that name). */
  public JsonNode workflow(String nameOrId) {
    String filter =
        isUuid(nameOrId)
            ? "workflow_id=eq." + nameOrId
            : "workflow_name=eq." + FleetApi.encode(nameOrId) + "&order=updated_at.desc&limit=1";
    JsonNode rows =
        api.get(
            "workflows?select=workflow_id,workflow_name,version,description,timeout_seconds,"
                + "max_retries,created_at,updated_at&"
                + filter);
    if (rows.isEmpty()) {
      throw CliException.failure(
          "no workflow " + nameOrId + " (see `casare-fleet workflows list`, or push it first)");
    }
    return rows.get(0);
  }

  /** A new robot (or the existing one of that name) plus a fresh key, shown once. */
  public record NewRobot(UUID id, String name, boolean created, String key) {}

  public NewRobot robotWithKey(
      String name, String environment, JsonNode capabilities, int maxConcurrentJobs) {
    UUID id;
    boolean created;
    JsonNode existing = api.get("robots?select=robot_id&name=eq." + FleetApi.encode(name));
    if (existing.isEmpty()) {
      ObjectNode params =
          FleetApi.JSON
              .createObjectNode()
              .put("p_name", name)
              .put("p_environment", environment)
              .put("p_max_concurrent_jobs", maxConcurrentJobs);
      params.set("p_capabilities", capabilities);
      id = UUID.fromString(api.rpc("create_robot", params).asText());
      created = true;
    } else {
      id = UUID.fromString(existing.get(0).path("robot_id").asText());
      created = false;
    }
    String key = createKey(id, "setup", null);
    return new NewRobot(id, name, created, key);
  }

  public String createKey(UUID robotId, String name, Instant expiresAt) {
    ObjectNode params = FleetApi.JSON.createObjectNode().put("p_robot_id", robotId.toString());
    if (name != null) {
      params.put("p_name", name);
    }
    if (expiresAt != null) {
      params.put("p_expires_at", expiresAt.toString());
    }
    return api.rpc("create_robot_api_key", params).asText();
  }

  public UUID enqueue(UUID workflowId, Map<String, Object> params) {
    ObjectNode body = FleetApi.JSON.valueToTree(params);
    body.put("p_workflow_id", workflowId.toString());
    return UUID.fromString(api.rpc("enqueue_job", body).asText());
  }

  /** Cancels a job ({@code cancel_job}): at once when queued, else its robot is asked to stop. */
  public String cancel(UUID jobId, String reason) {
    ObjectNode params = FleetApi.JSON.createObjectNode().put("p_job_id", jobId.toString());
    if (reason != null) {
      params.put("p_reason", reason);
    }
    return api.rpc("cancel_job", params).path("status").asText();
  }

  /**
   * Queues a finished (failed, timeout, cancelled) job again: a new job with the same workflow,
   * payload, priority, environment and capabilities; {@code job} is its full row.
   */
  public UUID retry(JsonNode job) {
    String status = job.path("status").asText();
    if (!java.util.Set.of("failed", "timeout", "cancelled").contains(status)) {
      throw CliException.failure(
          "job "
              + job.path("job_id").asText()
              + " is "
              + status
              + ": only failed, timeout or cancelled jobs are retried");
    }
    Map<String, Object> params = new java.util.LinkedHashMap<>();
    params.put("p_payload", job.path("payload"));
    params.put("p_priority", job.path("priority").asInt(10));
    params.put("p_environment", job.path("environment").asText("default"));
    params.put("p_required_capabilities", job.path("required_capabilities"));
    params.put("p_max_retries", job.path("max_retries").asInt());
    params.put("p_timeout_seconds", job.path("timeout_seconds").asInt());
    if (job.hasNonNull("workflow_json")) {
      params.put("p_workflow_json", job.path("workflow_json"));
    }
    return enqueue(UUID.fromString(job.path("workflow_id").asText()), params);
  }

  /**
   * Disables a robot (status {@code maintenance}: it claims nothing) or enables it again (online
   * when its heartbeat is recent, else offline). Returns the new status, or null when enabling a
   * robot that is not disabled.
   */
  public String setRobotEnabled(JsonNode robot, boolean enabled) {
    String current = robot.path("status").asText();
    String next;
    if (!enabled) {
      next = "maintenance";
    } else {
      if (!"maintenance".equals(current) && !"error".equals(current)) {
        return null;
      }
      Instant beat = Output.instant(robot.path("last_heartbeat"));
      boolean recent = beat != null && beat.isAfter(Instant.now().minusSeconds(90));
      next = recent ? "online" : "offline";
    }
    api.patch("robots?robot_id=eq." + robot.path("robot_id").asText(), Map.of("status", next));
    return next;
  }

  public static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return s.length() == 36;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([smhdw])");

  /** {@code 90d}, {@code 12h}, {@code 30m}, {@code 2w}, {@code 45s}. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase());
    if (!m.matches()) {
      throw CliException.config(
          "bad duration " + text + ": use a number and s, m, h, d or w (e.g. 90d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }
}
