package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle agent polling every 10 minutes is woken by the database's targeted hint on its own topic
 * {@code robot:<id>} (20261201000700_targeted_wakeups): the job is claimed in seconds, and no
 * {@code job-queue} broadcast was needed.
 */
class AgentTargetedWakeupTest {
  private static final Duration POLL = Duration.ofSeconds(600);
  private static LocalStack stack;
  private static FleetOperator operator;
  @TempDir Path dataDir;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(StackSettings.ephemeral());
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    operator.settings(
        Map.of(
            "lease_seconds", 6,
            "heartbeat_interval_seconds", 1,
            "job_poll_interval_seconds", (int) POLL.toSeconds(),
            "offline_threshold_seconds", 5));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static List<String> hintTopics(UUID jobId) throws SQLException {
    List<String> topics = new ArrayList<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT topic FROM realtime.messages WHERE event = 'job_queued'"
                    + " AND payload->>'job_id' = ? ORDER BY id")) {
      s.setString(1, jobId.toString());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          topics.add(rs.getString(1));
        }
      }
    }
    return topics;
  }

  private static double metric(Agent agent, String name, String topic) {
    var search = agent.metrics().find(name).tag("topic", topic);
    Gauge gauge = search.gauge();
    if (gauge != null) {
      return gauge.value();
    }
    Counter counter = search.counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void an_idle_agent_is_woken_by_a_hint_on_its_own_topic_long_before_its_poll() throws Exception {
    FleetAdmin.Robot robot =
        operator.createRobot("targeted-" + UUID.randomUUID().toString().substring(0, 8), 1);
    Agent agent =
        AgentRunner.start(
            AgentRunner.config(stack.url(), stack.anonKey(), robot, dataDir).jobPollInterval(POLL));
    try {
      UUID workflow =
          operator.upsertWorkflow(
              "quick-" + UUID.randomUUID(), Workflows.linear("quick").log("hello").end());
      // both hint channels joined (their joins cost one claim each, done before the job exists)
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  metric(agent, "agent.wakeup.joined", "robot") == 1
                      && metric(agent, "agent.wakeup.joined", "job-queue") == 1
                      && operator.robot(robot.id()).path("status").asText().equals("online"));

      UUID job = operator.enqueue(workflow, Map.of());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> operator.job(job).path("status").asText().equals("completed"));

      assertThat(hintTopics(job))
          .as("the only live robot is woken on its own topic, no broadcast")
          .containsExactly("robot:" + robot.id());
      assertThat(metric(agent, "agent.wakeup.hints", "robot"))
          .as("the agent received the targeted hint")
          .isGreaterThanOrEqualTo(1);
      assertThat(metric(agent, "agent.wakeup.hints", "job-queue")).isZero();
    } finally {
      agent.close(Duration.ofSeconds(20));
    }
  }
}
