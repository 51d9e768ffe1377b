package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.BAD_ARGUMENT;
import static com.casarerpa.fleet.devstack.schema.Refusals.LEASE_LOST;
import static com.casarerpa.fleet.devstack.schema.Refusals.NOT_FOUND;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobLifecycleTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void a_robot_registers_claims_starts_reports_and_completes_a_job() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.unregisteredRobot();
    JsonNode registered = robot.register("default", List.of("browser"), 1);
    assertThat(registered.at("/robot/robot_id").asText()).isEqualTo(robot.id.toString());
    assertThat(registered.at("/robot/status").asText()).isEqualTo("online");
    assertThat(registered.at("/robot/hostname").asText()).isEqualTo("host-" + robot.name);
    assertThat(registered.at("/settings/lease_seconds").asInt()).isEqualTo(15);
    assertThat(registered.at("/settings/heartbeat_interval_seconds").asInt()).isEqualTo(5);
    assertThat(registered.at("/settings/offline_threshold_seconds").asInt()).isEqualTo(30);
    assertThat(registered.at("/settings/maintenance_interval_seconds").asInt()).isEqualTo(10);
    assertThat(registered.at("/settings/log_retention_days").asInt()).isEqualTo(30);
    assertThat(registered.get("live_jobs")).isEmpty();

    UUID workflow = fleet.workflow();
    UUID jobId = fleet.enqueue(workflow, "p_payload", Map.of("x", 1));

    JsonNode job = robot.claimOne();
    assertThat(job).isNotNull();
    assertThat(TestRobot.jobId(job)).isEqualTo(jobId);
    assertThat(job.get("attempt").asInt()).isEqualTo(1);
    assertThat(job.at("/payload/x").asInt()).isEqualTo(1);
    assertThat(job.at("/workflow_json/metadata/name").asText()).isEqualTo("test");
    assertThat(job.get("timeout_seconds").asInt()).isEqualTo(3600);
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

  @Test
  void a_per_job_workflow_snapshot_is_sent_instead_of_the_workflows_current_json()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow(), "p_workflow_json", Map.of("metadata", Map.of("name", "snap")));
    assertThat(robot.claimOne().at("/workflow_json/metadata/name").asText()).isEqualTo("snap");
  }

  @Test
  void every_fenced_write_with_a_stale_claim_token_is_refused_as_lease_lost() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    Object[] stale = {"p_job_id", job.get("job_id").asText(), "p_claim_token", UUID.randomUUID()};

    refusedWith(LEASE_LOST, () -> robot.session.rpc("start_job", stale));
    refusedWith(
        LEASE_LOST,
        () -> robot.session.rpc("report_job_progress", TestRobot.append(stale, "p_progress", 5)));
    refusedWith(LEASE_LOST, () -> robot.session.rpc("complete_job", stale));
    refusedWith(
        LEASE_LOST,
        () -> robot.session.rpc("fail_job", TestRobot.append(stale, "p_error_message", "x")));
    refusedWith(LEASE_LOST, () -> robot.session.rpc("release_job", stale));
    String message =
        refusedWith(LEASE_LOST, () -> robot.session.rpc("finish_cancelled_job", stale));
    assertThat(message).contains("lease lost");
    assertThat(fleet.jobStatus(TestRobot.jobId(job))).isEqualTo("claimed");
  }

  @Test
  void another_robot_cannot_write_a_job_it_does_not_hold() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot holder = fleet.robot();
    TestRobot other = fleet.robot();
    fleet.enqueue(fleet.workflow());
    JsonNode job = holder.claimOne();
    refusedWith(LEASE_LOST, () -> other.session.rpc("complete_job", TestRobot.fence(job)));
    assertThat(other.heartbeat(job).get("lost").get(0).asText())
        .isEqualTo(job.get("job_id").asText());
  }

  @Test
  void a_finished_job_refuses_further_writes() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    robot.complete(job);
    refusedWith(LEASE_LOST, () -> robot.complete(job));
    refusedWith(LEASE_LOST, () -> robot.fail(job, "late"));
  }

  @Test
  void an_unknown_job_is_not_found_and_bad_arguments_name_the_argument() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    Object[] unknown = {"p_job_id", UUID.randomUUID(), "p_claim_token", UUID.randomUUID()};
    refusedWith(NOT_FOUND, () -> robot.session.rpc("start_job", unknown));
    assertThat(refusedWith(BAD_ARGUMENT, () -> robot.session.rpc("claim_jobs", "p_limit", 0)))
        .contains("p_limit");
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () ->
                    robot.session.rpc(
                        "report_job_progress", TestRobot.append(unknown, "p_progress", 101))))
        .contains("p_progress");
    assertThat(
            refusedWith(
                BAD_ARGUMENT, () -> robot.session.rpc("robot_heartbeat", "p_status", "sleepy")))
        .contains("p_status");
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () ->
                    robot.session.rpc("robot_register", "p_hostname", "h", "p_capabilities", "{}")))
        .contains("p_capabilities");
    assertThat(refusedWith(BAD_ARGUMENT, () -> fleet.enqueue(fleet.workflow(), "p_priority", 21)))
        .contains("p_priority");
    refusedWith(NOT_FOUND, () -> fleet.enqueue(UUID.randomUUID()));
  }

  @Test
  void a_failed_job_is_retried_after_a_growing_backoff_then_fails_for_good() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow(), "p_max_retries", 2);

    JsonNode first = robot.claimOne();
    JsonNode failed = robot.fail(first, "boom");
    assertThat(failed.get("status").asText()).isEqualTo("queued");
    assertThat(backoffSeconds(jobId)).isCloseTo(5.0, within(0.001));
    assertThat(fleet.job(jobId, "retry_count")).isEqualTo(1);
    assertThat(fleet.job(jobId, "error")).isEqualTo("boom");
    assertThat(robot.claimOne()).as("not due during the backoff").isNull();

    fleet.makeDue(jobId);
    JsonNode second = robot.claimOne();
    assertThat(second.get("attempt").asInt()).isEqualTo(2);
    assertThat(second.get("claim_token").asText()).isNotEqualTo(first.get("claim_token").asText());
    robot.fail(second, "boom again");
    assertThat(backoffSeconds(jobId)).isCloseTo(10.0, within(0.001));

    fleet.makeDue(jobId);
    JsonNode third = robot.claimOne();
    JsonNode last = robot.fail(third, "no luck");
    assertThat(last.get("status").asText()).isEqualTo("failed");
    assertThat(last.get("retry_at").isNull()).isTrue();
    assertThat(fleet.job(jobId, "retry_count")).isEqualTo(2);
    assertThat(fleet.job(jobId, "completed_at")).isNotNull();
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
  }

  @Test
  void a_non_retryable_failure_fails_at_once_and_a_timed_out_one_is_timeout() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID workflow = fleet.workflow();
    fleet.enqueue(workflow);
    JsonNode job = robot.claimOne();
    JsonNode result =
        robot.session.rpc(
            "fail_job",
            TestRobot.append(
                TestRobot.fence(job),
                "p_error_message",
                "invalid workflow",
                "p_error_details",
                Map.of("node", "n1"),
                "p_retryable",
                false));
    assertThat(result.get("status").asText()).isEqualTo("failed");
    assertThat(fleet.job(TestRobot.jobId(job), "error_details->>'node'")).isEqualTo("n1");

    fleet.enqueue(workflow);
    JsonNode slow = robot.claimOne();
    JsonNode timedOut =
        robot.session.rpc(
            "fail_job",
            TestRobot.append(
                TestRobot.fence(slow), "p_error_message", "too slow", "p_timed_out", true));
    assertThat(timedOut.get("status").asText()).isEqualTo("timeout");
  }

  @Test
  void a_released_job_goes_back_to_the_queue_without_using_a_retry() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    TestRobot other = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    robot.start(job);
    JsonNode released =
        robot.session.rpc(
            "release_job", TestRobot.append(TestRobot.fence(job), "p_reason", "shutting down"));
    assertThat(released.get("status").asText()).isEqualTo("queued");
    assertThat(fleet.job(jobId, "retry_count")).isEqualTo(0);
    assertThat(fleet.job(jobId, "metadata->'last_release'->>'reason'")).isEqualTo("shutting down");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
    JsonNode again = other.claimOne();
    assertThat(TestRobot.jobId(again)).isEqualTo(jobId);
    assertThat(again.get("attempt").asInt()).isEqualTo(2);
  }

  @Test
  void cancelling_a_queued_job_cancels_it_at_once() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode result = fleet.operator.rpc("cancel_job", "p_job_id", jobId, "p_reason", "not needed");
    assertThat(result.get("status").asText()).isEqualTo("cancelled");
    assertThat(robot.claimOne()).isNull();
    assertThat(fleet.job(jobId, "error")).isEqualTo("not needed");
  }

  @Test
  void cancelling_a_running_job_asks_its_robot_which_confirms() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    robot.start(job);
    JsonNode result = fleet.operator.rpc("cancel_job", "p_job_id", jobId);
    assertThat(result.get("status").asText()).isEqualTo("running");
    assertThat(result.get("cancel_requested").asBoolean()).isTrue();

    assertThat(robot.heartbeat(job).get("cancel").get(0).asText()).isEqualTo(jobId.toString());
    JsonNode progress =
        robot.session.rpc(
            "report_job_progress", TestRobot.append(TestRobot.fence(job), "p_progress", 50));
    assertThat(progress.get("cancel_requested").asBoolean()).isTrue();
    JsonNode finished = robot.session.rpc("finish_cancelled_job", TestRobot.fence(job));
    assertThat(finished.get("status").asText()).isEqualTo("cancelled");
    assertThat(fleet.jobStatus(jobId)).isEqualTo("cancelled");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("online");
  }

  @Test
  void a_heartbeat_renews_held_leases_records_history_and_reports_lost_jobs() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot("default", List.of(), 2);
    UUID workflow = fleet.workflow();
    UUID heldId = fleet.enqueue(workflow);
    fleet.enqueue(workflow);
    List<JsonNode> jobs = robot.claim(2);
    JsonNode held = jobs.get(0);
    JsonNode gone = jobs.get(1);
    fleet.operator.rpc("cancel_job", "p_job_id", gone.get("job_id").asText());
    db.execute(
        "UPDATE jobs SET status = 'failed', completed_at = now() WHERE job_id = ?",
        TestRobot.jobId(gone));
    db.execute(
        "UPDATE jobs SET lease_expires_at = now() + interval '1 second' WHERE job_id = ?", heldId);

    JsonNode beat =
        robot.session.rpc(
            "robot_heartbeat",
            "p_metrics",
            Map.of("cpu", 12.5),
            "p_jobs",
            List.of(
                Map.of(
                    "job_id",
                    held.get("job_id").asText(),
                    "claim_token",
                    held.get("claim_token").asText()),
                Map.of(
                    "job_id",
                    gone.get("job_id").asText(),
                    "claim_token",
                    gone.get("claim_token").asText())));
    assertThat(beat.get("lost")).hasSize(1);
    assertThat(beat.get("lost").get(0).asText()).isEqualTo(gone.get("job_id").asText());
    assertThat(beat.get("cancel")).isEmpty();
    assertThat(beat.has("server_time")).isTrue();
    assertThat(beat.has("maintenance_due")).isTrue();
    assertThat(
            db.value(
                "SELECT lease_expires_at > now() + interval '10 seconds' FROM jobs WHERE job_id = ?",
                heldId))
        .isEqualTo(true);
    assertThat(db.value("SELECT metrics->>'cpu' FROM robots WHERE robot_id = ?", robot.id))
        .isEqualTo("12.5");
    assertThat(db.count("SELECT count(*) FROM robot_heartbeats WHERE robot_id = ?", robot.id))
        .isEqualTo(1);
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("busy");
  }

  @Test
  void a_registering_robot_learns_the_jobs_it_still_holds_and_going_offline_keeps_them()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID jobId = fleet.enqueue(fleet.workflow());
    JsonNode job = robot.claimOne();
    JsonNode offline = robot.session.rpc("robot_offline");
    assertThat(offline.get("status").asText()).isEqualTo("offline");
    assertThat(fleet.robotStatus(robot.id)).isEqualTo("offline");
    assertThat(fleet.jobStatus(jobId)).isEqualTo("claimed");

    JsonNode registered = robot.register("default", List.of(), 1);
    assertThat(registered.at("/robot/status").asText()).isEqualTo("busy");
    assertThat(registered.at("/live_jobs/0/job_id").asText()).isEqualTo(jobId.toString());
    assertThat(registered.at("/live_jobs/0/claim_token").asText())
        .isEqualTo(job.get("claim_token").asText());
  }

  /**
   * The retry delay the failing write set: its {@code scheduled_time} against its own {@code
   * updated_at} (both the write's transaction time), whatever time passed since.
   */
  private static double backoffSeconds(UUID jobId) throws Exception {
    return ((Number)
            db.value(
                "SELECT extract(epoch FROM scheduled_time - updated_at) FROM jobs WHERE job_id = ?",
                jobId))
        .doubleValue();
  }
}
