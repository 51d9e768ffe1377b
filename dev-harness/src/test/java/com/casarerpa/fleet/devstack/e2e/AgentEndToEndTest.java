package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.AgentExit;
import com.casarerpa.fleet.agent.cli.AgentMain;
import com.casarerpa.fleet.agent.support.Workflows;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The robot agent against the real local stack: database, REST and Realtime. */
class AgentEndToEndTest {
  private static LocalStack stack;
  private static FleetOperator operator;
  @TempDir Path dataDir;
  private final List<Agent> agents = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(StackSettings.ephemeral());
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    operator.settings(
        Map.of(
            "lease_seconds", 6,
            "heartbeat_interval_seconds", 1,
            "offline_threshold_seconds", 5,
            "maintenance_interval_seconds", 1));
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void stopAgents() {
    agents.forEach(a -> a.close(Duration.ofSeconds(20)));
  }

  private Agent agent(FleetAdmin.Robot robot) {
    Agent agent =
        AgentRunner.start(
            AgentRunner.config(stack.url(), stack.anonKey(), robot, dataDir.resolve(robot.name())));
    agents.add(agent);
    return agent;
  }

  private static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void a_job_is_claimed_run_and_completed_with_its_logs_in_robot_logs() {
    FleetAdmin.Robot robot = operator.createRobot(name("e2e"), 1);
    agent(robot);
    UUID workflow =
        operator.upsertWorkflow(
            name("hello"), Workflows.linear("hello").log("hello {who}").waitSeconds(1.5).end());

    UUID job = operator.enqueue(workflow, Map.of("p_payload", Map.of("who", "fleet")));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> operator.job(job).path("status").asText().equals("completed"));
    JsonNode row = operator.job(job);
    assertThat(row.path("robot_uuid").asText()).isEqualTo(robot.id().toString());
    assertThat(row.path("progress").asInt()).isEqualTo(100);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                operator.logs(job).stream()
                    .anyMatch(l -> l.path("message").asText().equals("hello fleet")));
  }

  @Test
  void an_operator_cancel_cuts_a_two_minute_wait_short() {
    FleetAdmin.Robot robot = operator.createRobot(name("cancel"), 1);
    agent(robot);
    UUID workflow =
        operator.upsertWorkflow(name("wait"), Workflows.linear("wait").waitSeconds(120).end());
    UUID job = operator.enqueue(workflow, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> operator.job(job).path("status").asText().equals("running"));

    operator.cancel(job);

    // the wait node lasts 120 s: "cancelled" well before that means the cancel cut it short (how
    // fast is a benchmark's question, not this test's)
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> operator.job(job).path("status").asText().equals("cancelled"));
  }

  @Test
  void doctor_passes_every_check_against_the_stack_and_fails_on_a_revoked_key() {
    FleetAdmin.Robot robot = operator.createRobot(name("doctor"), 1);
    String[] args = {
      "doctor",
      "--config",
      "/dev/null",
      "--supabase-url",
      stack.url(),
      "--set",
      "SUPABASE_ANON_KEY=" + stack.anonKey(),
      "--set",
      "ROBOT_API_KEY=" + robot.key(),
      "--set",
      "ROBOT_OPS_PORT=off"
    };
    StringWriter healthy = new StringWriter();
    CommandLine cli = AgentMain.commandLine();
    cli.setOut(new PrintWriter(healthy));

    assertThat(cli.execute(args)).as(healthy.toString()).isZero();
    assertThat(healthy.toString()).contains("ok    robot key: accepted", "ok    realtime: joined");

    operator.revokeKeys(robot.id());
    StringWriter revoked = new StringWriter();
    CommandLine again = AgentMain.commandLine();
    again.setOut(new PrintWriter(revoked));

    assertThat(again.execute(args)).isEqualTo(1);
    assertThat(revoked.toString()).contains("FAIL  robot key: rejected");
  }

  @Test
  void a_revoked_key_is_one_fatal_error_and_the_agent_stops() {
    FleetAdmin.Robot robot = operator.createRobot(name("revoked"), 1);
    Agent agent = agent(robot);

    operator.revokeKeys(robot.id());

    AgentExit exit =
        CompletableFuture.supplyAsync(agent::awaitExit).orTimeout(15, TimeUnit.SECONDS).join();
    assertThat(exit).isEqualTo(AgentExit.KEY_REJECTED);
  }
}
