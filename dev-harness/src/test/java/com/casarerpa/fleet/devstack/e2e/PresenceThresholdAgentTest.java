package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The fleet-size threshold for presence with real agents on the local stack: an agent whose fleet
 * the presence budget carries shows in {@code robot-fleet} presence; one started after the budget
 * stopped carrying the fleet says why once (INFO), never tracks, keeps its Realtime socket (for
 * wake-ups and cancels), is seen through its robots row and heartbeats, and runs jobs.
 */
class PresenceThresholdAgentTest {
  private static LocalStack stack;
  private static FleetOperator operator;
  private static FleetAdmin admin;
  private static RealtimeClient watcherClient;
  private static RealtimeChannel watcher;
  @TempDir Path dataA;
  @TempDir Path dataB;

  @BeforeAll
  static void start() {
    stack = LocalStack.start(StackSettings.ephemeral());
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
    operator.settings(Map.of("heartbeat_interval_seconds", 1));
    watcherClient =
        new RealtimeClient(
            SupabaseRest.httpClient(Duration.ofSeconds(15)),
            URI.create(stack.url()),
            stack.anonKey());
    watcher = watcherClient.channel("robot-fleet", ChannelOptions.presence(null, true));
    watcherClient.start();
  }

  @AfterAll
  static void stop() {
    if (watcherClient != null) {
      watcherClient.stop(Duration.ofSeconds(2));
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void past_the_threshold_an_agent_stays_off_presence_and_keeps_working() throws Exception {
    Logger runningLog = (Logger) LoggerFactory.getLogger("com.casarerpa.fleet.agent.Running");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    runningLog.addAppender(lines);
    FleetAdmin.Robot carried = operator.createRobot("carried-" + UUID.randomUUID(), 1);
    FleetAdmin.Robot beyond = operator.createRobot("beyond-" + UUID.randomUUID(), 1);
    Agent a = AgentRunner.start(AgentRunner.config(stack.url(), stack.anonKey(), carried, dataA));
    Agent b = null;
    try {
      // two robots, budget 40/s: carried (max fleet 154)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> watcher.presenceKeys().contains(carried.id().toString()));

      // the budget now carries no fleet at one update per 600 s: N (N + 1) <= 0.6
      admin.patch(
          "/rest/v1/fleet_settings?id=eq.true", Map.of("presence_budget_per_second", 0.001));
      b =
          AgentRunner.start(
              AgentRunner.config(stack.url(), stack.anonKey(), beyond, dataB).opsPort(0));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(lines.list)
                      .anySatisfy(
                          e -> {
                            assertThat(e.getLevel()).isEqualTo(Level.INFO);
                            assertThat(e.getFormattedMessage())
                                .contains("presence is off: a fleet of 2 robots")
                                .contains("is not shown in robot-fleet presence");
                          }));
      Agent agentB = b;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  get(agentB, "/metrics").contains("agent_realtime_connected 1.0")
                      && operator.robot(beyond.id()).path("status").asText().equals("online"));
      String before = operator.robot(beyond.id()).path("last_heartbeat").asText();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !operator.robot(beyond.id()).path("last_heartbeat").asText().equals(before));
      assertThat(watcher.presenceKeys())
          .contains(carried.id().toString())
          .doesNotContain(beyond.id().toString());

      // only B left: it claims and runs the job
      a.close(Duration.ofSeconds(20));
      a = null;
      UUID workflow =
          operator.upsertWorkflow(
              "beyond-" + UUID.randomUUID(), Workflows.linear("beyond").log("ran").end());
      UUID job = operator.enqueue(workflow, Map.of());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> operator.job(job).path("status").asText().equals("completed"));
      assertThat(operator.job(job).path("robot_uuid").asText()).isEqualTo(beyond.id().toString());
      assertThat(watcher.presenceKeys()).doesNotContain(beyond.id().toString());
      assertThat(
              lines.list.stream()
                  .filter(e -> e.getFormattedMessage().contains("presence is off"))
                  .count())
          .isEqualTo(1);
    } finally {
      runningLog.detachAppender(lines);
      if (a != null) {
        a.close(Duration.ofSeconds(20));
      }
      if (b != null) {
        b.close(Duration.ofSeconds(20));
      }
      admin.patch("/rest/v1/fleet_settings?id=eq.true", Map.of("presence_budget_per_second", 40));
    }
  }

  private static String get(Agent agent, String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.opsPort() + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
