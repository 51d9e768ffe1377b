package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dashboard built on supabase-js sees of a robot running a job. */
class AgentObserverTest {
  @TempDir Path dataDir;

  @Test
  void a_supabase_js_observer_sees_the_robot_in_presence_and_the_job_go_claimed_running_completed()
      throws Exception {
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral());
        JsObserver observer = new JsObserver(stack.url(), stack.serviceRoleKey())) {
      FleetOperator operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
      RealtimeClient javaObserver =
          new RealtimeClient(
              SupabaseRest.httpClient(Duration.ofSeconds(5)),
              URI.create(stack.url()),
              stack.serviceRoleKey());
      RealtimeChannel watch =
          javaObserver.channel("robot-fleet", ChannelOptions.presence(null, true));
      javaObserver.start();
      await().atMost(Duration.ofSeconds(10)).until(watch::isJoined);
      FleetAdmin.Robot robot = operator.createRobot("observed-robot", 1);
      Agent agent =
          AgentRunner.start(AgentRunner.config(stack.url(), stack.anonKey(), robot, dataDir));
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(presenceOf(observer, robot.id()))
                        .as("%s", observer)
                        .anySatisfy(
                            meta -> {
                              assertThat(meta.path("status").asText()).isEqualTo("online");
                              assertThat(meta.path("name").asText()).isEqualTo("observed-robot");
                            }));

        UUID workflow =
            operator.upsertWorkflow(
                "observed",
                Workflows.linear("observed")
                    .log("one")
                    .waitSeconds(8)
                    .log("two")
                    .waitSeconds(1)
                    .end());
        UUID job = operator.enqueue(workflow, Map.of());

        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> statuses(observer, job).contains("completed"));
        assertThat(statuses(observer, job)).containsSubsequence("claimed", "running", "completed");
        assertThat(jobEvents(observer, job))
            .anySatisfy(
                e -> {
                  assertThat(e.path("status").asText()).isEqualTo("running");
                  assertThat(e.path("progress").asInt()).isBetween(1, 99);
                });
        assertThat(presenceOf(observer, robot.id()))
            .anySatisfy(meta -> assertThat(meta.path("status").asText()).isEqualTo("busy"));
        assertThat(watch.presenceKeys()).contains(robot.id().toString());
      } finally {
        agent.close(Duration.ofSeconds(20));
      }
      // The robot leaves presence when it stops. Checked with the agent's own Phoenix client:
      // supabase-js 2.109 keeps a stale meta once a presence is updated (its presence adapter's
      // onJoin transform deletes phx_ref from the metas still in state, so the leave cannot
      // match them); a dashboard should show a key's newest meta, the last one.
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.presenceKeys().isEmpty());
      assertThat(watch.presenceKeys()).doesNotContain(robot.id().toString());
      javaObserver.stop(Duration.ofSeconds(2));
    }
  }

  private static List<JsonNode> presenceOf(JsObserver observer, UUID robot) {
    return observer.events("presence").stream()
        .flatMap(e -> stream(e.path("robots").path(robot.toString())))
        .toList();
  }

  private static Stream<JsonNode> stream(JsonNode metas) {
    return StreamSupport.stream(metas.spliterator(), false);
  }

  private static JsonNode lastPresence(JsObserver observer) {
    List<JsonNode> all = observer.events("presence");
    return all.isEmpty() ? FleetOperator.JSON.createObjectNode() : all.getLast();
  }

  private static List<JsonNode> jobEvents(JsObserver observer, UUID job) {
    return observer.events("job").stream()
        .filter(e -> e.path("job_id").asText().equals(job.toString()))
        .toList();
  }

  private static List<String> statuses(JsObserver observer, UUID job) {
    return jobEvents(observer, job).stream()
        .map(e -> e.path("status").asText())
        .distinct()
        .toList();
  }
}
