package com.casarerpa.fleet.devstack.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Twenty simulated robots against the real local stack: all of them register, heartbeat and show in
 * {@code robot-fleet} presence; one vanishes while it runs a job (its sockets drop, no leave, no
 * {@code robot_offline}); the fleet marks it offline, presence drops it, and another robot runs the
 * job again to completion.
 */
class FleetSimulatorTest {
  private static LocalStack stack;
  private static FleetSimulator fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    stack = LocalStack.start(StackSettings.ephemeral());
    FleetAdmin admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
    // a short lease and threshold, so that the vanished robot's absence shows within seconds
    admin.patch(
        "/rest/v1/fleet_settings?id=eq.true",
        Map.of(
            "lease_seconds", 6,
            "heartbeat_interval_seconds", 1,
            "offline_threshold_seconds", 5,
            "maintenance_interval_seconds", 1,
            "retry_backoff_base_seconds", 0));
    fleet =
        new FleetSimulator(
            stack.url(),
            stack.anonKey(),
            stack.serviceRoleKey(),
            FleetSimulator.Settings.of(20).withHeartbeat(Duration.ofSeconds(1)));
    fleet.start();
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aVanishedRobotGoesOfflineAndItsJobRunsElsewhere() throws Exception {
    List<SimRobot> robots = fleet.robots();
    assertThat(robots).hasSize(20);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(fleet.inPresence())
                  .containsAll(robots.stream().map(r -> r.id().toString()).toList());
              assertThat(fleet.heartbeatLatencies().count()).isGreaterThanOrEqualTo(20);
            });

    FleetAdmin admin = fleet.admin();
    UUID workflow =
        admin.upsertWorkflow(
            "sim-" + UUID.randomUUID(),
            FleetAdmin.JSON.readTree(
                "{\"metadata\":{\"name\":\"sim\"},\"nodes\":{"
                    + "\"start\":{\"node_id\":\"start\",\"node_type\":\"StartNode\",\"config\":{}}},"
                    + "\"connections\":[]}"));
    // the first attempt would run ten minutes: only a rescue can finish it within the wait
    UUID job =
        UUID.fromString(
            admin
                .rpc(
                    "enqueue_job",
                    Map.of(
                        "p_workflow_id", workflow.toString(),
                        "p_payload", Map.of("sim_ms", 600_000, "sim_retry_ms", 0)))
                .asText());
    JsonNode running =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> jobRow(admin, job), row -> "running".equals(row.path("status").asText()));
    UUID first = UUID.fromString(running.path("robot_id").asText());
    SimRobot victim = fleet.robot(first);
    assertThat(victim).isNotNull();

    victim.inject(new Fault.Vanish());

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(fleet.inPresence()).doesNotContain(first.toString());
              JsonNode robot =
                  admin.get("/rest/v1/robots?select=status&robot_id=eq." + first).get(0);
              assertThat(robot.path("status").asText()).isEqualTo("offline");
              JsonNode row = jobRow(admin, job);
              assertThat(row.path("status").asText()).isEqualTo("completed");
              assertThat(row.path("robot_id").asText()).isNotEqualTo(first.toString());
              assertThat(row.path("attempt").asInt()).isGreaterThanOrEqualTo(2);
            });
    assertThat(fleet.inPresence()).hasSize(19);
    // the rescuer counts its completion after complete_job answered, a moment after the row changed
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(fleet.completions()).isGreaterThanOrEqualTo(1));
  }

  private static JsonNode jobRow(FleetAdmin admin, UUID job) throws Exception {
    return admin.get("/rest/v1/jobs?select=status,robot_id,attempt&job_id=eq." + job).get(0);
  }
}
