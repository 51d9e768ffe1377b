package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.supabase.RealtimeQuota;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A local stack started with the Free plan's Realtime quotas (200 connections), filled with 200
 * sockets: the next socket is refused with Realtime's own 429 {@code {"error":"Too many connected
 * users"}}; a real agent whose socket is refused that way still heartbeats and runs a job by
 * polling, warns once, and counts the refusal on {@code /metrics}. Also the fleet's presence
 * budget: {@code robot_presence_budget()} spaces presence updates by fleet size and budget.
 */
class RealtimeQuotaTest {
  private static final int FREE_CONNECTIONS = 200;
  private static LocalStack stack;
  private static FleetOperator operator;
  private static OkHttpClient http;
  private static final List<WebSocket> fillers = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.ScheduledExecutorService keepAlive =
      Executors.newSingleThreadScheduledExecutor();
  @TempDir Path dataDir;

  @BeforeAll
  static void startFullStack() {
    stack = LocalStack.start(StackSettings.ephemeral().withRealtimePlan("free"));
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    operator.settings(
        Map.of(
            "lease_seconds", 6,
            "heartbeat_interval_seconds", 1,
            "offline_threshold_seconds", 5,
            "maintenance_interval_seconds", 1));
    Dispatcher dispatcher = new Dispatcher(Executors.newVirtualThreadPerTaskExecutor());
    dispatcher.setMaxRequests(1_000);
    dispatcher.setMaxRequestsPerHost(1_000);
    http = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    AtomicInteger open = new AtomicInteger();
    for (int i = 0; i < FREE_CONNECTIONS; i++) {
      fillers.add(
          http.newWebSocket(
              socketRequest(),
              new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                  open.incrementAndGet();
                }
              }));
    }
    await().atMost(Duration.ofSeconds(120)).until(() -> open.get() == FREE_CONNECTIONS);
    // the idle timeout (60 s) would close sockets that never speak
    keepAlive.scheduleAtFixedRate(
        () ->
            fillers.forEach(
                ws ->
                    ws.send(
                        "{\"topic\":\"phoenix\",\"event\":\"heartbeat\",\"payload\":{},\"ref\":\"k\"}")),
        20,
        20,
        TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopStack() {
    keepAlive.shutdownNow();
    fillers.forEach(ws -> ws.close(1000, "test over"));
    if (http != null) {
      http.dispatcher().executorService().shutdownNow();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static Request socketRequest() {
    return new Request.Builder()
        .url(
            stack.url().replaceFirst("^http", "ws")
                + "/realtime/v1/websocket?apikey="
                + stack.anonKey()
                + "&vsn=1.0.0")
        .build();
  }

  @Test
  void the_socket_beyond_the_plans_connections_is_refused_with_realtimes_429() throws Exception {
    CompletableFuture<String> refusal = new CompletableFuture<>();
    http.newWebSocket(
        socketRequest(),
        new WebSocketListener() {
          @Override
          public void onOpen(WebSocket ws, Response response) {
            refusal.complete("opened");
            ws.close(1000, null);
          }

          @Override
          public void onFailure(WebSocket ws, Throwable t, Response response) {
            try {
              refusal.complete(
                  response == null
                      ? t.toString()
                      : response.code() + " " + response.body().string());
            } catch (java.io.IOException e) {
              refusal.complete(e.toString());
            }
          }
        });
    assertThat(refusal.get(60, TimeUnit.SECONDS))
        .isEqualTo("429 {\"error\":\"Too many connected users\"}");
  }

  @Test
  void a_robot_refused_for_quota_keeps_working_warns_once_and_counts_it() throws Exception {
    Logger quotaLog = (Logger) LoggerFactory.getLogger(RealtimeQuota.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    quotaLog.addAppender(warnings);
    FleetAdmin.Robot robot = operator.createRobot("quota-" + UUID.randomUUID(), 1);
    Agent agent =
        AgentRunner.start(
            AgentRunner.config(stack.url(), stack.anonKey(), robot, dataDir)
                .opsPort(0)
                .jobPollInterval(Duration.ofSeconds(1)));
    try {
      UUID workflow =
          operator.upsertWorkflow(
              "quota-" + UUID.randomUUID(), Workflows.linear("quota").log("ran by polling").end());
      UUID job = operator.enqueue(workflow, Map.of());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> operator.job(job).path("status").asText().equals("completed"));
      assertThat(operator.job(job).path("robot_uuid").asText()).isEqualTo(robot.id().toString());
      assertThat(operator.robot(robot.id()).path("status").asText()).isIn("online", "busy");

      String metrics = get("http://127.0.0.1:" + agent.opsPort() + "/metrics");
      assertThat(metrics)
          .containsPattern("agent_realtime_quota_refusals_total\\{quota=\"connections\"\\} [1-9]")
          .contains("agent_realtime_connected 0.0");
      List<ILoggingEvent> warned =
          new ArrayList<>(warnings.list.stream().filter(e -> e.getLevel() == Level.WARN).toList());
      assertThat(warned).hasSize(1);
      assertThat(warned.get(0).getFormattedMessage())
          .contains("Too many connected users")
          .contains("concurrent connections")
          .contains("JOB_POLL_INTERVAL")
          .contains("How many robots per plan");
    } finally {
      agent.close(Duration.ofSeconds(20));
      quotaLog.detachAppender(warnings);
    }
  }

  @Test
  void the_presence_interval_grows_with_the_fleet_and_shrinks_with_the_budget() {
    FleetAdmin.Robot robot = operator.createRobot("budget-" + UUID.randomUUID(), 1);
    SupabaseRest rest =
        new SupabaseRest(
            SupabaseRest.httpClient(Duration.ofSeconds(15)),
            URI.create(stack.url()),
            stack.anonKey(),
            robot.key());
    JsonNode defaults = rest.rpc("robot_presence_budget", Map.of(), RetryPolicy.QUICK);
    assertThat(defaults.path("presence_budget_per_second").asDouble()).isEqualTo(40.0);
    int fleet = defaults.path("fleet_size").asInt();
    assertThat(defaults.path("presence_interval_seconds").asDouble())
        .isEqualTo(Math.max(6.5, Math.round(fleet * (fleet + 1) / 40.0 * 10) / 10.0));

    operatorBudget(0.1);
    try {
      JsonNode tight = rest.rpc("robot_presence_budget", Map.of(), RetryPolicy.QUICK);
      int size = tight.path("fleet_size").asInt();
      assertThat(size).isGreaterThanOrEqualTo(1);
      assertThat(tight.path("presence_interval_seconds").asDouble())
          .isEqualTo(Math.max(6.5, Math.round(size * (size + 1) / 0.1 * 10) / 10.0));
    } finally {
      operatorBudget(40);
    }
  }

  private static void operatorBudget(double perSecond) {
    try {
      new FleetAdmin(stack.url(), stack.serviceRoleKey())
          .patch(
              "/rest/v1/fleet_settings?id=eq.true",
              Map.of("presence_budget_per_second", perSecond));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
