package com.casarerpa.fleet.agent.fleet;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RpcRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this robot is, as {@code robot_register} confirmed it.
 *
 * @param tenantId the robot's tenant, or null
 */
public record Registration(
    UUID robotId,
    String name,
    String hostname,
    String environment,
    List<String> capabilities,
    int maxConcurrentJobs,
    UUID tenantId,
    ServerSettings settings,
    List<HeldJob> heldJobs) {

  private static final Logger log = LoggerFactory.getLogger(Registration.class);

  /** PostgREST's code for "no function with these parameters" (a database without p_name). */
  private static final String NO_SUCH_FUNCTION = "PGRST202";

  /** A job the robot still held from an earlier run, with the token to release it. */
  public record HeldJob(UUID jobId, UUID claimToken) {}

  /**
   * Calls {@code robot_register} with a patient retry (the backend may still be starting). With
   * {@code ROBOT_NAME} set, it is sent as {@code p_name}: the robot's name in the fleet.
   */
  public static Registration register(SupabaseRest rest, AgentConfig config, String agentVersion) {
    Map<String, Object> params = new HashMap<>();
    params.put("p_hostname", config.hostname());
    params.put("p_capabilities", config.capabilities());
    params.put("p_environment", config.environment());
    params.put("p_max_concurrent_jobs", config.maxConcurrentJobs());
    params.put("p_agent_version", agentVersion);
    params.put("p_tags", config.tags());
    params.put(
        "p_metadata",
        Map.of(
            "os", System.getProperty("os.name") + " " + System.getProperty("os.version"),
            "java", Runtime.version().toString(),
            "pid", ProcessHandle.current().pid(),
            "started_at",
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime())
                    .toString()));
    if (config.robotName() != null) {
      params.put("p_name", config.robotName());
    }
    JsonNode reply;
    try {
      reply = rest.rpc("robot_register", params, RetryPolicy.PATIENT);
    } catch (RpcRejected e) {
      if (!params.containsKey("p_name") || !NO_SUCH_FUNCTION.equals(e.code())) {
        throw e;
      }
      log.warn(
          "ROBOT_NAME={} not applied: the database has no robot_register(p_name) yet (migration"
              + " 20261201000100); the robot keeps its name. Apply the migrations (supabase db"
              + " push)",
          config.robotName());
      params.remove("p_name");
      reply = rest.rpc("robot_register", params, RetryPolicy.PATIENT);
    }
    Registration registration = fromJson(reply, config);
    String requested = reply.path("requested_name").asText(null);
    if (requested != null && !requested.equals(registration.name())) {
      log.warn(
          "ROBOT_NAME={} is the name of another robot of the fleet (names are unique), so this"
              + " robot is named \"{}\"; give it a ROBOT_NAME of its own",
          requested,
          registration.name());
    }
    return registration;
  }

  static Registration fromJson(JsonNode response, AgentConfig config) {
    JsonNode robot = response.path("robot");
    List<String> capabilities = new java.util.ArrayList<>();
    robot.path("capabilities").forEach(c -> capabilities.add(c.asText()));
    return new Registration(
        UUID.fromString(robot.path("robot_id").asText()),
        robot.path("name").asText(config.robotName() != null ? config.robotName() : ""),
        robot.path("hostname").asText(config.hostname()),
        robot.path("environment").asText(config.environment()),
        capabilities.isEmpty() ? config.capabilities() : List.copyOf(capabilities),
        robot.path("max_concurrent_jobs").asInt(config.maxConcurrentJobs()),
        robot.hasNonNull("tenant_id") ? UUID.fromString(robot.get("tenant_id").asText()) : null,
        ServerSettings.fromJson(response.path("settings")),
        heldJobs(response.path("live_jobs")));
  }

  private static List<HeldJob> heldJobs(JsonNode live) {
    List<HeldJob> held = new java.util.ArrayList<>();
    for (JsonNode job : live) {
      if (job.hasNonNull("job_id") && job.hasNonNull("claim_token")) {
        held.add(
            new HeldJob(
                UUID.fromString(job.get("job_id").asText()),
                UUID.fromString(job.get("claim_token").asText())));
      }
    }
    return List.copyOf(held);
  }
}
