package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent never depends on a Realtime hint arriving. Hosted {@code realtime.send} swallows its
 * errors (a message whose day has no {@code realtime.messages} partition is lost with a warning);
 * here every insert into {@code realtime.messages} fails the same way, so no {@code job_queued} and
 * no {@code cancel_job} hint is ever sent. The robot still claims the job (its claim poll) and
 * still honours the operator's cancel (its heartbeat's {@code cancel} list).
 */
class AgentWithoutHintsTest {
  private static LocalStack stack;
  private static FleetOperator operator;
  @TempDir Path dataDir;

  @BeforeAll
  static void startStackWithoutHints() throws SQLException {
    stack = LocalStack.start(StackSettings.ephemeral());
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    operator.settings(
        Map.of(
            "lease_seconds", 6,
            "heartbeat_interval_seconds", 1,
            "job_poll_interval_seconds", 1,
            "offline_threshold_seconds", 5,
            "maintenance_interval_seconds", 1));
    try (Connection c = stack.context().adminPool().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          """
          CREATE FUNCTION realtime.test_missing_partition() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            RAISE EXCEPTION 'no partition of relation "messages" found for row';
          END
          $$;
          CREATE TRIGGER test_missing_partition BEFORE INSERT ON realtime.messages
            FOR EACH ROW EXECUTE FUNCTION realtime.test_missing_partition();
          """);
    }
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static long hintsStored() throws SQLException {
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM realtime.messages WHERE event IN ('job_queued', 'cancel_job')");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void a_job_is_claimed_and_a_cancel_honoured_when_no_hint_is_ever_sent() throws Exception {
    FleetAdmin.Robot robot =
        operator.createRobot("no-hints-" + UUID.randomUUID().toString().substring(0, 8), 1);
    Agent agent =
        AgentRunner.start(
            AgentRunner.config(stack.url(), stack.anonKey(), robot, dataDir)
                .jobPollInterval(Duration.ofSeconds(1)));
    try {
      UUID workflow =
          operator.upsertWorkflow(
              "wait-" + UUID.randomUUID(), Workflows.linear("wait").waitSeconds(120).end());

      UUID job = operator.enqueue(workflow, Map.of());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> operator.job(job).path("status").asText().equals("running"));
      operator.cancel(job);

      // the wait node lasts 120 s: "cancelled" before that means the heartbeat carried the cancel
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> operator.job(job).path("status").asText().equals("cancelled"));
      assertThat(operator.job(job).path("robot_uuid").asText()).isEqualTo(robot.id().toString());
      assertThat(hintsStored()).as("no hint was ever sent").isZero();
    } finally {
      agent.close(Duration.ofSeconds(20));
    }
  }
}
