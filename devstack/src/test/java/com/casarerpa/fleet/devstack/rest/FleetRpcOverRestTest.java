package com.casarerpa.fleet.devstack.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.EphemeralStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet's real RPCs (install/supabase/migrations) through {@code /rest/v1/rpc}, as the agent
 * and an operator call them: robot key in {@code x-robot-api-key}, fenced writes, PTxxx statuses.
 */
class FleetRpcOverRestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension static final EphemeralStack stack = EphemeralStack.perClass();

  private static HttpResponse<String> rpc(String fn, String key, String robotKey, Object args)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/rpc/" + fn))
            .header("apikey", key)
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(args)));
    if (robotKey != null) {
      b.header("X-Robot-Api-Key", robotKey);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode operator(String fn, Object args) throws Exception {
    return ok(rpc(fn, stack.serviceRoleKey(), null, args));
  }

  @Test
  void a_robot_registers_claims_runs_and_completes_a_job_over_rest() throws Exception {
    String robotId = operator("create_robot", java.util.Map.of("p_name", "rest-robot")).asText();
    String key = operator("create_robot_api_key", java.util.Map.of("p_robot_id", robotId)).asText();
    assertThat(key).startsWith("crpa_").hasSize(48);

    JsonNode registered =
        ok(rpc("robot_register", stack.anonKey(), key, java.util.Map.of("p_hostname", "host-1")));
    assertThat(registered.path("robot").path("robot_id").asText()).isEqualTo(robotId);

    String workflowId =
        operator(
                "upsert_workflow",
                java.util.Map.of(
                    "p_workflow_name",
                    "rest-flow",
                    "p_workflow_json",
                    JSON.readTree(
                        "{\"metadata\":{\"name\":\"rest-flow\"},\"nodes\":{},\"connections\":[]}")))
            .asText();
    String jobId = operator("enqueue_job", java.util.Map.of("p_workflow_id", workflowId)).asText();

    JsonNode claimed = ok(rpc("claim_jobs", stack.anonKey(), key, java.util.Map.of("p_limit", 1)));
    assertThat(claimed.isArray()).isTrue();
    assertThat(claimed).hasSize(1);
    assertThat(claimed.get(0).path("job_id").asText()).isEqualTo(jobId);
    String token = claimed.get(0).path("claim_token").asText();

    var fence = java.util.Map.of("p_job_id", jobId, "p_claim_token", token);
    assertThat(ok(rpc("start_job", stack.anonKey(), key, fence)).path("status").asText())
        .isEqualTo("running");
    assertThat(ok(rpc("complete_job", stack.anonKey(), key, fence)).path("status").asText())
        .isEqualTo("completed");

    HttpResponse<String> stale = rpc("complete_job", stack.anonKey(), key, fence);
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    assertThat(JSON.readTree(stale.body()).path("code").asText()).isEqualTo("PT409");
  }

  @Test
  void a_function_whose_arguments_all_have_defaults_is_callable_with_none() throws Exception {
    String robotId = operator("create_robot", java.util.Map.of("p_name", "no-args-robot")).asText();
    String key = operator("create_robot_api_key", java.util.Map.of("p_robot_id", robotId)).asText();
    ok(rpc("robot_register", stack.anonKey(), key, java.util.Map.of("p_hostname", "h")));

    JsonNode beat = ok(rpc("robot_heartbeat", stack.anonKey(), key, java.util.Map.of()));
    assertThat(beat.has("server_time")).as(beat.toString()).isTrue();
  }

  @Test
  void robot_rpcs_without_a_valid_robot_key_are_401_and_tables_are_closed_to_anon()
      throws Exception {
    HttpResponse<String> noKey =
        rpc("robot_register", stack.anonKey(), null, java.util.Map.of("p_hostname", "h"));
    assertThat(noKey.statusCode()).as(noKey.body()).isEqualTo(401);
    assertThat(JSON.readTree(noKey.body()).path("code").asText()).isEqualTo("PT401");

    HttpResponse<String> badKey =
        rpc("claim_jobs", stack.anonKey(), "crpa_" + "x".repeat(43), java.util.Map.of());
    assertThat(badKey.statusCode()).isEqualTo(401);

    HttpResponse<String> operatorOnly =
        rpc(
            "enqueue_job",
            stack.anonKey(),
            null,
            java.util.Map.of("p_workflow_id", java.util.UUID.randomUUID()));
    assertThat(operatorOnly.statusCode()).isEqualTo(401);

    HttpResponse<String> jobs =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.url() + "/rest/v1/jobs?select=job_id"))
                .header("apikey", stack.anonKey())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(401);
    assertThat(JSON.readTree(jobs.body()).path("code").asText()).isEqualTo("42501");
  }
}
