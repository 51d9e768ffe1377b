package com.casarerpa.fleet.devstack.e2e;

import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The operator's side of the fleet, over the stack's real REST API with the service_role key:
 * create robots and keys, upsert workflows, enqueue and cancel jobs, read rows, tune settings.
 */
final class FleetOperator {
  static final ObjectMapper JSON = FleetAdmin.JSON;

  private final FleetAdmin admin;

  FleetOperator(String url, String serviceKey) {
    this.admin = new FleetAdmin(url, serviceKey);
  }

  FleetAdmin.Robot createRobot(String name, int maxConcurrentJobs) {
    try {
      return admin.createRobot(name, maxConcurrentJobs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void revokeKeys(UUID robotId) {
    for (JsonNode key : get("/rest/v1/robot_api_keys?select=id&robot_id=eq." + robotId)) {
      rpc("revoke_robot_api_key", Map.of("p_key_id", key.get("id").asText(), "p_reason", "test"));
    }
  }

  UUID upsertWorkflow(String name, JsonNode workflow) {
    try {
      return admin.upsertWorkflow(name, workflow);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    try {
      admin.patch("/rest/v1/fleet_settings?id=eq.true", values);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode maintenance() {
    return rpc("fleet_maintenance", Map.of());
  }

  JsonNode rpc(String name, Object params) {
    try {
      return admin.rpc(name, params);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode get(String path) {
    try {
      return admin.get(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
