package com.casarerpa.fleet.agent.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.agent.support.TestKeys;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SupabaseRestTest {
  private static final RetryPolicy FAST =
      new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5));

  private final MockWebServer server = new MockWebServer();
  private SupabaseRest rest;

  @BeforeEach
  void start() throws Exception {
    server.start();
    URI url = URI.create(server.url("/").toString().replaceAll("/$", ""));
    rest =
        new SupabaseRest(
            SupabaseRest.httpClient(Duration.ofMillis(800)),
            url,
            TestKeys.ANON_KEY,
            TestKeys.ROBOT_KEY);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void sends_the_anon_key_twice_and_the_robot_key_in_its_header() throws Exception {
    server.enqueue(json(200, "{\"ok\":true}"));

    JsonNode result = rest.rpc("claim_jobs", Map.of("p_limit", 2), FAST);

    RecordedRequest request = server.takeRequest();
    assertThat(result.get("ok").asBoolean()).isTrue();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/rest/v1/rpc/claim_jobs");
    assertThat(request.getHeaders().get("apikey")).isEqualTo(TestKeys.ANON_KEY);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TestKeys.ANON_KEY);
    assertThat(request.getHeaders().get("x-robot-api-key")).isEqualTo(TestKeys.ROBOT_KEY);
    assertThat(request.getBody().utf8()).isEqualTo("{\"p_limit\":2}");
  }

  @Test
  void a_rejected_robot_key_is_fatal_and_never_retried() {
    server.enqueue(
        json(
            401,
            "{\"code\":\"PT401\",\"message\":\"robot key revoked\",\"details\":null,\"hint\":null}"));

    assertThatThrownBy(() -> rest.rpc("robot_heartbeat", Map.of(), FAST))
        .isInstanceOf(RobotKeyRejected.class)
        .hasMessageContaining("PT401")
        .hasMessageContaining("robot key revoked");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a_gateway_401_without_a_code_is_also_a_rejected_key() {
    server.enqueue(json(401, "{\"message\":\"Invalid API key\"}"));

    assertThatThrownBy(() -> rest.rpc("robot_register", Map.of(), FAST))
        .isInstanceOf(RobotKeyRejected.class)
        .hasMessageContaining("Invalid API key");
  }

  @Test
  void a_fenced_write_refused_with_pt409_is_a_lost_lease() {
    server.enqueue(
        json(
            409, "{\"code\":\"PT409\",\"message\":\"lease lost\",\"details\":null,\"hint\":null}"));

    assertThatThrownBy(() -> rest.rpc("complete_job", Map.of(), FAST))
        .isInstanceOf(LeaseLost.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void a_bad_request_keeps_code_details_and_hint_and_is_not_retried() {
    server.enqueue(
        json(
            400,
            "{\"code\":\"PT400\",\"message\":\"p_progress must be 0..100\",\"details\":\"got 140\",\"hint\":\"clamp it\"}"));

    assertThatThrownBy(() -> rest.rpc("report_job_progress", Map.of(), FAST))
        .isInstanceOfSatisfying(
            RpcRejected.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).isEqualTo("PT400");
              assertThat(e.details()).isEqualTo("got 140");
              assertThat(e.hint()).isEqualTo("clamp it");
            });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void server_errors_and_rate_limits_are_retried_until_one_succeeds() {
    server.enqueue(json(503, "{\"code\":\"PGRST001\",\"message\":\"db down\"}"));
    server.enqueue(json(429, "{\"message\":\"Too many requests\"}"));
    server.enqueue(json(200, "3"));

    assertThat(rest.rpc("append_robot_logs", Map.of(), FAST).asInt()).isEqualTo(3);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void a_dropped_connection_is_retried() {
    server.enqueue(
        new MockResponse.Builder()
            .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
            .build());
    server.enqueue(json(204, ""));

    assertThat(rest.rpc("robot_offline", Map.of(), FAST).isNull()).isTrue();
  }

  @Test
  void when_every_attempt_fails_the_backend_is_reported_unavailable() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(502, "bad gateway"));
    }

    assertThatThrownBy(() -> rest.rpc("claim_jobs", Map.of(), FAST))
        .isInstanceOf(BackendUnavailable.class)
        .hasMessageContaining("HTTP 502");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void a_call_that_hangs_ends_at_the_timeout() {
    server.enqueue(json(200, "{}").newBuilder().headersDelay(5, TimeUnit.SECONDS).build());

    assertThatThrownBy(() -> rest.rpc("claim_jobs", Map.of(), RetryPolicy.ONCE))
        .isInstanceOf(BackendUnavailable.class);
  }

  @Test
  void errors_never_contain_the_keys() {
    server.close();

    assertThatThrownBy(() -> rest.rpc("claim_jobs", Map.of(), RetryPolicy.ONCE))
        .isInstanceOf(BackendUnavailable.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestKeys.ROBOT_KEY));
  }

  /** A clock that only moves when the code under test "sleeps". */
  private static final class DrivenTime implements InstantSource {
    private volatile Instant now = Instant.parse("2026-11-30T00:00:00Z");
    private final java.util.List<Duration> waits =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Instant instant() {
      return now;
    }

    void sleep(Duration wait) {
      waits.add(wait);
      now = now.plus(wait);
    }
  }

  @Test
  void retries_wait_out_full_jitter_backoff_on_the_injected_sleeper_within_the_deadline() {
    DrivenTime time = new DrivenTime();
    URI url = URI.create(server.url("/").toString().replaceAll("/$", ""));
    SupabaseRest driven =
        new SupabaseRest(
            SupabaseRest.httpClient(Duration.ofMillis(800)),
            url,
            TestKeys.ANON_KEY,
            TestKeys.ROBOT_KEY,
            time,
            time::sleep);
    for (int i = 0; i < 40; i++) {
      server.enqueue(json(503, "{\"code\":\"PGRST001\",\"message\":\"down\"}"));
    }
    RetryPolicy patient = new RetryPolicy(40, Duration.ofSeconds(1), Duration.ofSeconds(8));

    assertThatThrownBy(() -> driven.rpc("robot_offline", Map.of(), patient, Duration.ofSeconds(20)))
        .isInstanceOf(BackendUnavailable.class);

    assertThat(time.waits)
        .isNotEmpty()
        .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(8)));
    Duration waited = time.waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(waited).as("no retry starts past the deadline").isLessThan(Duration.ofSeconds(20));
    assertThat(server.getRequestCount()).isEqualTo(time.waits.size() + 1).isLessThan(40);
  }
}
