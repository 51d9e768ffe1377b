package com.casarerpa.fleet.devstack.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The operator's calls the {@code dev} launcher needs, made as an operator makes them: the stack's
 * REST API with the service_role key (create_robot, create_robot_api_key, upsert_workflow,
 * enqueue_job, and reads of {@code jobs}).
 */
public final class FleetAdmin {
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final String serviceKey;

  public FleetAdmin(String url, String serviceKey) {
    this.url = url;
    this.serviceKey = serviceKey;
  }

  /** A new robot and its raw key (shown once). */
  public record Robot(UUID id, String name, String key) {}

  public Robot createRobot(String name, int maxConcurrentJobs) throws IOException {
    UUID id =
        UUID.fromString(
            rpc("create_robot", Map.of("p_name", name, "p_max_concurrent_jobs", maxConcurrentJobs))
                .asText());
    String key = rpc("create_robot_api_key", Map.of("p_robot_id", id.toString())).asText();
    return new Robot(id, name, key);
  }

  /**
   * Creates robots named {@code names} with one key each through {@code create_robots}: one
   * transaction (all or nothing) and one round trip per {@value #PROVISION_BATCH} robots.
   */
  public List<Robot> createRobots(List<String> names, int maxConcurrentJobs) throws IOException {
    List<Robot> robots = new ArrayList<>(names.size());
    for (int from = 0; from < names.size(); from += PROVISION_BATCH) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + PROVISION_BATCH));
      JsonNode rows =
          rpc(
              "create_robots",
              Map.of("p_names", batch, "p_max_concurrent_jobs", maxConcurrentJobs));
      for (JsonNode row : rows) {
        robots.add(
            new Robot(
                UUID.fromString(row.path("robot_id").asText()),
                row.path("name").asText(),
                row.path("api_key").asText()));
      }
    }
    return robots;
  }

  /** Robots per {@code create_robots} call in {@link #createRobots}. */
  static final int PROVISION_BATCH = 500;

  public UUID upsertWorkflow(String name, JsonNode workflow) throws IOException {
    return UUID.fromString(
        rpc("upsert_workflow", Map.of("p_workflow_name", name, "p_workflow_json", workflow))
            .asText());
  }

  public UUID enqueue(UUID workflowId) throws IOException {
    ObjectNode params = JSON.createObjectNode().put("p_workflow_id", workflowId.toString());
    return UUID.fromString(rpc("enqueue_job", params).asText());
  }

  /** Rows of {@code jobs} for the given ids: status, progress, current node, error. */
  public JsonNode jobs(Collection<UUID> ids) throws IOException {
    String list = ids.stream().map(UUID::toString).collect(Collectors.joining(","));
    return get(
        "/rest/v1/jobs?select=job_id,workflow_name,status,progress,current_node,error,"
            + "started_at,completed_at&job_id=in.("
            + list
            + ")");
  }

  /** The workflow's own log lines of a job (those with a node), in order, from robot_logs. */
  public JsonNode workflowLogs(UUID jobId) throws IOException {
    return get(
        "/rest/v1/robot_logs?select=seq,level,node_id,message&node_id=not.is.null&job_id=eq."
            + jobId
            + "&order=seq.asc");
  }

  /** Calls {@code rpc/<name>} with the named parameters as the service role. */
  public JsonNode rpc(String name, Object params) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/rpc/" + name))
            .POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(params).toString())));
  }

  /** PATCHes the rows a REST path selects with {@code values}, as the service role. */
  public JsonNode patch(String path, Object values) throws IOException {
    return send(
        HttpRequest.newBuilder(URI.create(url + path))
            .method(
                "PATCH", HttpRequest.BodyPublishers.ofString(JSON.valueToTree(values).toString())));
  }

  /** GETs a REST path (with its query) as the service role. */
  public JsonNode get(String path) throws IOException {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException {
    HttpRequest built =
        request
            .header("apikey", serviceKey)
            .header("Authorization", "Bearer " + serviceKey)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(15))
            .build();
    try {
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IOException(
            "HTTP "
                + response.statusCode()
                + " from "
                + built.uri().getPath()
                + ": "
                + response.body());
      }
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
