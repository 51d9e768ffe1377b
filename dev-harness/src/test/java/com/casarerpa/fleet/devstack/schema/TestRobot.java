package com.casarerpa.fleet.devstack.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A robot as the agent is: its id, its raw API key, and calls made with that key as anon. */
final class TestRobot {
  final UUID id;
  final String name;
  final String key;
  final Postgrest.Session session;

  TestRobot(UUID id, String name, String key, Postgrest.Session session) {
    this.id = id;
    this.name = name;
    this.key = key;
    this.session = session;
  }

  JsonNode register(String environment, List<String> capabilities, int maxConcurrentJobs)
      throws SQLException {
    return session.rpc(
        "robot_register",
        "p_hostname",
        "host-" + name,
        "p_environment",
        environment,
        "p_capabilities",
        capabilities,
        "p_max_concurrent_jobs",
        maxConcurrentJobs,
        "p_agent_version",
        "test");
  }

  List<JsonNode> claim(int limit) throws SQLException {
    List<JsonNode> jobs = new ArrayList<>();
    session.rpc("claim_jobs", "p_limit", limit).forEach(jobs::add);
    return jobs;
  }

  /** Claims one job and returns it, or null when nothing is eligible. */
  JsonNode claimOne() throws SQLException {
    List<JsonNode> jobs = claim(1);
    return jobs.isEmpty() ? null : jobs.get(0);
  }

  JsonNode start(JsonNode job) throws SQLException {
    return session.rpc("start_job", fence(job));
  }

  JsonNode complete(JsonNode job) throws SQLException {
    Object[] args = append(fence(job), "p_result", Map.of("ok", true));
    return session.rpc("complete_job", args);
  }

  JsonNode fail(JsonNode job, String message) throws SQLException {
    return session.rpc("fail_job", append(fence(job), "p_error_message", message));
  }

  JsonNode heartbeat(JsonNode... jobs) throws SQLException {
    List<Map<String, String>> held = new ArrayList<>();
    for (JsonNode job : jobs) {
      held.add(
          Map.of(
              "job_id",
              job.get("job_id").asText(),
              "claim_token",
              job.get("claim_token").asText()));
    }
    return session.rpc("robot_heartbeat", "p_jobs", held);
  }

  static Object[] fence(JsonNode job) {
    return new Object[] {
      "p_job_id", job.get("job_id").asText(), "p_claim_token", job.get("claim_token").asText()
    };
  }

  static Object[] append(Object[] args, Object... more) {
    Object[] all = new Object[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  static UUID jobId(JsonNode job) {
    return UUID.fromString(job.get("job_id").asText());
  }
}
