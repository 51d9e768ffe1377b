package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dead robot's job is rescued by the survivors' next heartbeat once its lease has expired, at
 * once (no backoff), and announced by job_queued (20261201000200_fast_rescue). Time is moved by
 * shifting timestamps in SQL, never by sleeping.
 */
class FastRescueTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void the_defaults_rescue_within_a_short_lease_renewed_every_five_seconds() throws Exception {
    Fleet fleet = new Fleet(db);
    JsonNode settings = fleet.robot().session.rpc("robot_register", "p_hostname", "h");
    assertThat(settings.at("/settings/lease_seconds").asInt()).isEqualTo(15);
    assertThat(settings.at("/settings/heartbeat_interval_seconds").asInt()).isEqualTo(5);
    assertThat(settings.at("/settings/offline_threshold_seconds").asInt()).isEqualTo(30);
  }

  @Test
  void a_survivors_heartbeat_and_maintenance_call_requeue_an_expired_lease_at_once()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot crashed = fleet.robot();
    TestRobot survivor = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode job = crashed.claimOne();
    crashed.start(job);
    survivor.session.rpc("robot_fleet_maintenance"); // the full maintenance is not due after this

    assertThat(survivor.heartbeat().get("maintenance_due").asBoolean())
        .as("nothing to rescue while the lease lives")
        .isFalse();
    JsonNode early = survivor.session.rpc("robot_fleet_maintenance");
    assertThat(early.at("/rescued/requeued").asInt()).isZero();
    assertThat(fleet.jobStatus(jobId)).isEqualTo("running");

    fleet.expireLease(jobId);
    assertThat(survivor.heartbeat().get("maintenance_due").asBoolean())
        .as("an expired lease makes maintenance due at once")
        .isTrue();
    long hintsBefore = hints(jobId);
    JsonNode rescue = survivor.session.rpc("robot_fleet_maintenance");
    assertThat(rescue.get("reason").asText()).isEqualTo("not due");
    assertThat(rescue.at("/rescued/requeued").asInt()).isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("queued");
    assertThat(fleet.job(jobId, "retry_count")).isEqualTo(1);
    assertThat(fleet.job(jobId, "error_details->>'reason'")).isEqualTo("lease_expired");
    assertThat(db.value("SELECT scheduled_time <= now() FROM jobs WHERE job_id = ?", jobId))
        .as("no backoff: the robot vanished, the job did not fail")
        .isEqualTo(true);
    assertThat(hints(jobId))
        .as("job_queued announces the rescued job (to its eligible robots, here both)")
        .isGreaterThan(hintsBefore);

    JsonNode retry = survivor.claimOne();
    assertThat(TestRobot.jobId(retry)).isEqualTo(jobId);
    assertThat(retry.get("attempt").asInt()).isEqualTo(2);
    assertThat(crashed.heartbeat(job).get("lost").get(0).asText()).isEqualTo(jobId.toString());
  }

  @Test
  void a_job_that_keeps_losing_its_robot_fails_when_its_retries_are_used_up() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow(), "p_max_retries", 1);
    robot.claimOne();
    fleet.expireLease(jobId);
    assertThat(robot.session.rpc("robot_fleet_maintenance").at("/rescued/requeued").asInt())
        .isEqualTo(1);
    robot.claimOne();
    fleet.expireLease(jobId);
    assertThat(robot.session.rpc("robot_fleet_maintenance").at("/rescued/failed").asInt())
        .isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("failed");
  }

  @Test
  void the_heartbeat_history_keeps_a_row_per_three_beats_or_status_change() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    robot.heartbeat();
    robot.heartbeat();
    assertThat(history(robot)).as("two quick beats, same status: one row").isEqualTo(1);
    fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    robot.heartbeat(job);
    assertThat(history(robot)).as("online -> busy is kept").isEqualTo(2);
    db.execute(
        "UPDATE robot_heartbeats SET \"timestamp\" = \"timestamp\" - interval '15 seconds'"
            + " WHERE robot_id = ?",
        robot.id);
    robot.heartbeat(job);
    assertThat(history(robot)).as("3 intervals later a beat is kept again").isEqualTo(3);
  }

  private long hints(UUID jobId) throws Exception {
    return db.count(
        "SELECT count(*) FROM realtime.messages WHERE event = 'job_queued'"
            + " AND payload->>'job_id' = ? AND (topic = 'job-queue' OR topic LIKE 'robot:%')",
        jobId.toString());
  }

  private long history(TestRobot robot) throws Exception {
    return db.count("SELECT count(*) FROM robot_heartbeats WHERE robot_id = ?", robot.id);
  }
}
