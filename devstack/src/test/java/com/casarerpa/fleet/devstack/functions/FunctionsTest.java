package com.casarerpa.fleet.devstack.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Runs install/supabase/functions/health under the real Deno the npm package installs. */
class FunctionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpResponse<String> call(LocalStack stack, String path, String apiKey)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(stack.url() + path))
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (apiKey != null) {
      b.header("apikey", apiKey).header("Authorization", "Bearer " + apiKey);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_health_function_runs_under_deno_and_answers_ok() throws Exception {
    assertThat(DenoLocator.locate()).as("deno from npm (devstack/src/test/js)").isPresent();
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      HttpResponse<String> first = call(stack, "/functions/v1/health", stack.anonKey());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(first.body());
      assertThat(body.path("status").asText()).isEqualTo("ok");
      assertThat(Instant.parse(body.path("time").asText())).isBefore(Instant.now().plusSeconds(5));

      HttpResponse<String> reused = call(stack, "/functions/v1/health/sub/path", stack.anonKey());
      assertThat(reused.statusCode()).isEqualTo(200);

      HttpResponse<String> missing = call(stack, "/functions/v1/no-such-function", stack.anonKey());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(missing.body()).path("code").asText()).isEqualTo("NOT_FOUND");

      HttpResponse<String> keyless = call(stack, "/functions/v1/health", null);
      assertThat(keyless.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void without_deno_a_function_call_is_a_clear_503() throws Exception {
    System.setProperty(DenoLocator.OVERRIDE_PROPERTY, "none");
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      HttpResponse<String> response = call(stack, "/functions/v1/health", stack.anonKey());
      assertThat(response.statusCode()).isEqualTo(503);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.path("code").asText()).isEqualTo("DENO_UNAVAILABLE");
      assertThat(body.path("message").asText()).contains("Deno is not installed");
    } finally {
      System.clearProperty(DenoLocator.OVERRIDE_PROPERTY);
    }
  }
}
