package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JobLifecycleTest {
  private static SchemaDatabase db;

  @BeforeAll
  static void start() {
    db = SchemaDatabase.start();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  void a_robot_registers_claims_starts_reports_and_completes_a_job() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.unregisteredRobot();
    JsonNode registered = robot.register("default", List.of("browser"), 1);
    assertThat(registered.at("/robot/robot_id").asText()).isEqualTo(robot.id.toString());
    assertThat(registered.at("/robot/status").asText()).isEqualTo("online");
    assertThat(registered.at("/settings/lease_seconds").asInt()).isEqualTo(60);
    assertThat(registered.at("/settings/heartbeat_interval_seconds").asInt()).isEqualTo(15);
    assertThat(registered.at("/settings/offline_threshold_seconds").asInt()).isEqualTo(90);

    UUID workflow = fleet.workflow();
    UUID jobId = fleet.enqueue(workflow, "p_payload", java.util.Map.of("x", 1));

    JsonNode job = robot.claimOne();
    assertThat(job).isNotNull();
    assertThat(TestRobot.jobId(job)).isEqualTo(jobId);
    assertThat(job.get("attempt").asInt()).isEqualTo(1);
    assertThat(job.at("/payload/x").asInt()).isEqualTo(1);
    assertThat(job.at("/workflow_json/metadata/name").asText()).isEqualTo("test");
    assertThat(fleet.jobStatus(jobId)).isEqualTo("claimed");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("busy");

    assertThat(robot.start(job).get("status").asText()).isEqualTo("running");
    JsonNode progress =
        robot.session.rpc(
            "report_job_progress",
            TestRobot.append(TestRobot.fence(job), "p_progress", 40, "p_current_node", "n1"));
    assertThat(progress.get("cancel_requested").asBoolean()).isFalse();
    assertThat(fleet.job(jobId, "progress")).isEqualTo(40);
    assertThat(fleet.job(jobId, "current_node")).isEqualTo("n1");

    assertThat(robot.complete(job).get("status").asText()).isEqualTo("completed");
    assertThat(fleet.jobStatus(jobId)).isEqualTo("completed");
    assertThat(fleet.job(jobId, "result::text")).isEqualTo("{\"ok\": true}");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
  }
}
