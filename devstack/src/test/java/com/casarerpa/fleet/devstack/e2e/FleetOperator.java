package com.casarerpa.fleet.devstack.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The operator's side of the fleet, over the stack's real REST API with the service_role key:
 * create robots and keys, upsert workflows, enqueue and cancel jobs, read rows, tune settings.
 */
final class FleetOperator {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final String serviceKey;

  FleetOperator(String url, String serviceKey) {
    this.url = url;
    this.serviceKey = serviceKey;
  }

  /** A robot and its key. */
  record Robot(UUID id, String name, String key) {}

  Robot createRobot(String name, int maxConcurrentJobs) {
    UUID id =
        UUID.fromString(
            rpc("create_robot", Map.of("p_name", name, "p_max_concurrent_jobs", maxConcurrentJobs))
                .asText());
    String key = rpc("create_robot_api_key", Map.of("p_robot_id", id.toString())).asText();
    return new Robot(id, name, key);
  }

  void revokeKeys(UUID robotId) {
    for (JsonNode key : get("/rest/v1/robot_api_keys?select=id&robot_id=eq." + robotId)) {
      rpc("revoke_robot_api_key", Map.of("p_key_id", key.get("id").asText(), "p_reason", "test"));
    }
  }

  UUID upsertWorkflow(String name, JsonNode workflow) {
    return UUID.fromString(
        rpc("upsert_workflow", Map.of("p_workflow_name", name, "p_workflow_json", workflow))
            .asText());
  }

  UUID enqueue(UUID workflowId, Map<String, Object> extra) {
    ObjectNode params = JSON.createObjectNode();
    params.put("p_workflow_id", workflowId.toString());
    extra.forEach((k, v) -> params.set(k, JSON.valueToTree(v)));
    return UUID.fromString(rpc("enqueue_job", params).asText());
  }

  JsonNode cancel(UUID jobId) {
    return rpc("cancel_job", Map.of("p_job_id", jobId.toString(), "p_reason", "operator test"));
  }

  JsonNode job(UUID jobId) {
    return get("/rest/v1/jobs?select=*&job_id=eq." + jobId).path(0);
  }

  JsonNode robot(UUID robotId) {
    return get("/rest/v1/robots?select=*&robot_id=eq." + robotId).path(0);
  }

  /** The job's log lines, in seq order. */
  List<JsonNode> logs(UUID jobId) {
    JsonNode rows = get("/rest/v1/robot_logs?select=*&job_id=eq." + jobId + "&order=seq.asc");
    return JSON.convertValue(
        rows, JSON.getTypeFactory().constructCollectionType(List.class, JsonNode.class));
  }

  /** Shortens the fleet's timing for a test (an operator UPDATE of fleet_settings). */
  void settings(Map<String, Integer> values) {
    send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/fleet_settings?id=eq.true"))
            .method(
                "PATCH", HttpRequest.BodyPublishers.ofString(JSON.valueToTree(values).toString())));
  }

  JsonNode maintenance() {
    return rpc("fleet_maintenance", Map.of());
  }

  JsonNode rpc(String name, Object params) {
    return send(
        HttpRequest.newBuilder(URI.create(url + "/rest/v1/rpc/" + name))
            .POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(params).toString())));
  }

  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  private JsonNode send(HttpRequest.Builder request) {
    request
        .header("apikey", serviceKey)
        .header("Authorization", "Bearer " + serviceKey)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            "HTTP "
                + response.statusCode()
                + " from "
                + request.build().uri()
                + ": "
                + response.body());
      }
      return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
