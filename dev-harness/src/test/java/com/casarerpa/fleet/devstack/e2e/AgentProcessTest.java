package com.casarerpa.fleet.devstack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.AgentExit;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agents as real processes against the local stack: crash recovery, signals, no double runs. */
class AgentProcessTest {
  private static LocalStack stack;
  private static FleetOperator operator;
  private static RealtimeClient watcher;
  private static RealtimeChannel fleet;
  @TempDir Path dir;
  private final List<Agent> agents = new ArrayList<>();
  private final List<AgentProcess> processes = new ArrayList<>();

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(StackSettings.ephemeral());
    operator = new FleetOperator(stack.url(), stack.serviceRoleKey());
    operator.settings(
        Map.of(
            "lease_seconds", 5,
            "heartbeat_interval_seconds", 1,
            "offline_threshold_seconds", 5,
            "maintenance_interval_seconds", 1));
    watcher =
        new RealtimeClient(
            SupabaseRest.httpClient(Duration.ofSeconds(5)),
            URI.create(stack.url()),
            stack.serviceRoleKey());
    fleet = watcher.channel("robot-fleet", ChannelOptions.presence(null, true));
    watcher.start();
  }

  @AfterAll
  static void stopStack() {
    if (watcher != null) {
      watcher.stop(Duration.ofSeconds(2));
    }
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void stopAgents() {
    processes.forEach(p -> System.out.println("--- child agent output ---\n" + p.output()));
    processes.forEach(AgentProcess::close);
    agents.forEach(a -> a.close(Duration.ofSeconds(20)));
  }

  private AgentProcess process(FleetAdmin.Robot robot, String... overrides) throws Exception {
    Map<String, String> settings =
        AgentRunner.processSettings(
            stack.url(), stack.anonKey(), robot, dir.resolve(robot.name()), overrides);
    AgentProcess process = AgentProcess.start(settings, dir.resolve(robot.name() + "-proc"));
    processes.add(process);
    return process;
  }

  private Agent inProcess(FleetAdmin.Robot robot) {
    Agent agent =
        AgentRunner.start(
            AgentRunner.config(stack.url(), stack.anonKey(), robot, dir.resolve(robot.name())));
    agents.add(agent);
    return agent;
  }

  private static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String status(UUID job) {
    return operator.job(job).path("status").asText();
  }

  private static void awaitStatus(UUID job, String status, int seconds) {
    await().atMost(Duration.ofSeconds(seconds)).until(() -> status(job).equals(status));
  }

  @Test
  void a_job_of_a_killed_agent_is_completed_by_another_and_the_dead_robot_goes_offline()
      throws Exception {
    FleetAdmin.Robot doomed = operator.createRobot(name("doomed"), 1);
    FleetAdmin.Robot survivor = operator.createRobot(name("survivor"), 1);
    AgentProcess victim = process(doomed);
    UUID workflow =
        operator.upsertWorkflow(
            name("slow"), Workflows.linear("slow").waitSeconds(5).log("done").end());
    UUID job = operator.enqueue(workflow, Map.of("p_max_retries", 3));
    awaitStatus(job, "running", 30);
    assertThat(operator.job(job).path("robot_uuid").asText()).isEqualTo(doomed.id().toString());

    victim.kill();
    inProcess(survivor);

    awaitStatus(job, "completed", 40);
    JsonNode row = operator.job(job);
    assertThat(row.path("robot_uuid").asText()).isEqualTo(survivor.id().toString());
    assertThat(row.path("attempt").asInt()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> operator.robot(doomed.id()).path("status").asText().equals("offline"));
  }

  @Test
  void sigterm_during_a_job_lets_it_finish_within_the_budget_exits_0_and_leaves_presence()
      throws Exception {
    FleetAdmin.Robot robot = operator.createRobot(name("graceful"), 1);
    AgentProcess agent = process(robot, "ROBOT_SHUTDOWN_BUDGET", "30s");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fleet.presenceKeys().contains(robot.id().toString()));
    UUID workflow =
        operator.upsertWorkflow(name("short"), Workflows.linear("short").waitSeconds(3).end());
    UUID job = operator.enqueue(workflow, Map.of());
    awaitStatus(job, "running", 30);

    agent.terminate();

    assertThat(agent.waitForExit(40)).as(agent.output()).isEqualTo(AgentExit.OK.code());
    assertThat(status(job)).isEqualTo("completed");
    assertThat(operator.robot(robot.id()).path("status").asText()).isEqualTo("offline");
    assertThat(
            operator
                .get("/rest/v1/robot_logs?select=message&source=eq.agent&robot_id=eq." + robot.id())
                .findValuesAsText("message"))
        .as("the daemon's own log lines reach robot_logs")
        .anySatisfy(m -> assertThat(m).startsWith("registered as robot"));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !fleet.presenceKeys().contains(robot.id().toString()));
  }

  @Test
  void sigterm_with_a_job_longer_than_the_budget_releases_it_and_exits_0() throws Exception {
    FleetAdmin.Robot robot = operator.createRobot(name("impatient"), 1);
    AgentProcess agent = process(robot, "ROBOT_SHUTDOWN_BUDGET", "1s");
    UUID workflow =
        operator.upsertWorkflow(name("long"), Workflows.linear("long").waitSeconds(120).end());
    UUID job = operator.enqueue(workflow, Map.of());
    awaitStatus(job, "running", 30);

    agent.terminate();

    assertThat(agent.waitForExit(40)).as(agent.output()).isEqualTo(AgentExit.OK.code());
    JsonNode row = operator.job(job);
    assertThat(row.path("status").asText()).isEqualTo("queued");
    assertThat(row.path("retry_count").asInt()).isZero();
    operator.cancel(job);
  }

  @Test
  void a_second_sigterm_stops_the_running_job_at_once_releases_it_and_exits_4() throws Exception {
    FleetAdmin.Robot robot = operator.createRobot(name("forced"), 1);
    AgentProcess agent = process(robot, "ROBOT_SHUTDOWN_BUDGET", "120s");
    UUID workflow =
        operator.upsertWorkflow(
            name("endless"), Workflows.linear("endless").waitSeconds(300).end());
    UUID job = operator.enqueue(workflow, Map.of());
    awaitStatus(job, "running", 30);

    agent.terminate();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> agent.output().contains("received SIGTERM (1 of 3)"));
    agent.terminate();

    assertThat(agent.waitForExit(30)).as(agent.output()).isEqualTo(AgentExit.FORCED.code());
    assertThat(status(job)).isEqualTo("queued");
    operator.cancel(job);
  }

  @Test
  void two_agents_never_run_the_same_job() {
    inProcess(operator.createRobot(name("twin-a"), 2));
    inProcess(operator.createRobot(name("twin-b"), 2));
    UUID workflow =
        operator.upsertWorkflow(
            name("quick"), Workflows.linear("quick").log("hi").waitSeconds(0.2).end());
    List<UUID> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      jobs.add(operator.enqueue(workflow, Map.of()));
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> jobs.stream().allMatch(j -> status(j).equals("completed")));
    for (UUID job : jobs) {
      assertThat(operator.job(job).path("attempt").asInt()).as("claims of %s", job).isEqualTo(1);
      assertThat(
              operator.logs(job).stream()
                  .filter(l -> l.path("message").asText().startsWith("job started")))
          .as("starts of %s", job)
          .hasSize(1);
    }
  }
}
