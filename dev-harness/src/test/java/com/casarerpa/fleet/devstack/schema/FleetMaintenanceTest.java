package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.LEASE_LOST;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** fleet_maintenance(): time is moved by shifting timestamps back in SQL, never by sleeping. */
class FleetMaintenanceTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void an_expired_lease_is_requeued_as_a_retry_after_the_backoff() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot crashed = fleet.robot();
    TestRobot rescuer = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode job = crashed.claimOne();
    crashed.start(job);
    fleet.expireLease(jobId);

    JsonNode result = fleet.maintenance();
    assertThat(result.get("skipped").asBoolean()).isFalse();
    assertThat(result.get("requeued").asInt()).isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("queued");
    assertThat(fleet.job(jobId, "retry_count")).isEqualTo(1);
    assertThat(fleet.job(jobId, "robot_uuid")).isNull();
    assertThat(fleet.job(jobId, "error_details->>'reason'")).isEqualTo("lease_expired");
    assertThat(db.value("SELECT scheduled_time > now() FROM jobs WHERE job_id = ?", jobId))
        .isEqualTo(true);
    assertThat(fleet.robotStatus(crashed.id)).isEqualTo("online");

    assertThat(crashed.heartbeat(job).get("lost").get(0).asText()).isEqualTo(jobId.toString());
    refusedWith(LEASE_LOST, () -> crashed.complete(job));
    assertThat(rescuer.claimOne()).as("backing off").isNull();
    fleet.makeDue(jobId);
    JsonNode retry = rescuer.claimOne();
    assertThat(TestRobot.jobId(retry)).isEqualTo(jobId);
    assertThat(retry.get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void a_job_whose_leases_keep_expiring_fails_when_its_retries_are_used_up() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow(), "p_max_retries", 1);
    robot.claimOne();
    fleet.expireLease(jobId);
    fleet.maintenance();
    assertThat(fleet.jobStatus(jobId)).isEqualTo("queued");
    fleet.makeDue(jobId);
    robot.claimOne();
    fleet.expireLease(jobId);
    JsonNode result = fleet.maintenance();
    assertThat(result.get("failed").asInt()).isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("failed");
    assertThat(fleet.job(jobId, "error").toString()).contains("lease expired");
  }

  @Test
  void a_job_with_a_cancel_request_whose_robot_vanished_is_cancelled_not_retried()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    robot.start(robot.claimOne());
    fleet.operator.rpc("cancel_job", "p_job_id", jobId);
    fleet.expireLease(jobId);
    JsonNode result = fleet.maintenance();
    assertThat(result.get("cancelled").asInt()).isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("cancelled");
  }

  @Test
  void deleting_a_robot_hands_its_live_jobs_back_to_the_queue() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    robot.start(robot.claimOne());
    assertThat(fleet.operator.execute("DELETE FROM robots WHERE robot_id = ?", robot.id))
        .isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("queued");
    assertThat(fleet.job(jobId, "error_details->>'reason'")).isEqualTo("robot_deleted");
  }

  @Test
  void a_silent_robot_goes_offline_and_its_jobs_are_recovered() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot silent = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    silent.claimOne();
    db.execute(
        "UPDATE robots SET last_heartbeat = now() - interval '91 seconds',"
            + " last_seen = now() - interval '91 seconds' WHERE robot_id = ?",
        silent.id);

    JsonNode result = fleet.maintenance();
    assertThat(result.get("robots_offline").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(fleet.robotStatus(silent.id)).isEqualTo("offline");
    assertThat(fleet.jobStatus(jobId)).isEqualTo("queued");
    assertThat(fleet.job(jobId, "error_details->>'reason'")).isEqualTo("robot_offline");
  }

  @Test
  void a_robot_heard_within_the_threshold_stays_online() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    db.execute(
        "UPDATE robots SET last_heartbeat = now() - interval '20 seconds' WHERE robot_id = ?",
        robot.id);
    fleet.maintenance();
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
  }

  @Test
  void a_job_running_past_its_timeout_becomes_timeout() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow(), "p_timeout_seconds", 30);
    JsonNode job = robot.claimOne();
    robot.start(job);
    db.execute(
        "UPDATE jobs SET started_at = now() - interval '31 seconds' WHERE job_id = ?", jobId);
    JsonNode result = fleet.maintenance();
    assertThat(result.get("timed_out").asInt()).isEqualTo(1);
    assertThat(fleet.jobStatus(jobId)).isEqualTo("timeout");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
    refusedWith(LEASE_LOST, () -> robot.complete(job));
  }

  @Test
  void only_one_concurrent_caller_does_the_work_and_the_others_skip() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    db.execute("UPDATE fleet_maintenance_state SET last_run_at = now() - interval '1 hour'");
    try (Connection holder = db.admin().getConnection()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement();
          ResultSet rs = s.executeQuery("SELECT public.fleet_maintenance()->>'skipped'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("false");
      }
      assertThat(fleet.maintenance().get("skipped").asBoolean()).isTrue();
      JsonNode robotRun = robot.session.rpc("robot_fleet_maintenance");
      assertThat(robotRun.get("ran").asBoolean()).isFalse();
      holder.commit();
    }
  }

  @Test
  void robots_run_maintenance_only_when_it_is_due() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    db.execute("UPDATE fleet_maintenance_state SET last_run_at = now() - interval '11 seconds'");
    assertThat(robot.heartbeat().get("maintenance_due").asBoolean()).isTrue();
    JsonNode first = robot.session.rpc("robot_fleet_maintenance");
    assertThat(first.get("ran").asBoolean()).isTrue();
    assertThat(first.has("requeued")).isTrue();
    JsonNode second = robot.session.rpc("robot_fleet_maintenance");
    assertThat(second.get("ran").asBoolean()).isFalse();
    assertThat(second.get("reason").asText()).isEqualTo("not due");
    assertThat(robot.heartbeat().get("maintenance_due").asBoolean()).isFalse();
  }

  @Test
  void heartbeat_history_older_than_its_retention_is_deleted() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    robot.heartbeat();
    db.execute(
        "UPDATE robot_heartbeats SET \"timestamp\" = now() - interval '25 hours'"
            + " WHERE robot_id = ? AND heartbeat_id = (SELECT heartbeat_id FROM robot_heartbeats"
            + " WHERE robot_id = ? LIMIT 1)",
        robot.id,
        robot.id);
    robot.heartbeat(); // the last history row is old: this beat is kept
    fleet.maintenance();
    assertThat(db.count("SELECT count(*) FROM robot_heartbeats WHERE robot_id = ?", robot.id))
        .isEqualTo(1);
  }
}
