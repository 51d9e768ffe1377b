package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which robot may claim which job (CONTRACT.md §4), one rule per test. */
class ClaimEligibilityTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static List<UUID> ids(List<JsonNode> jobs) {
    return jobs.stream().map(TestRobot::jobId).toList();
  }

  @Test
  void higher_priority_is_claimed_first_then_the_oldest() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot("default", List.of(), 10);
    UUID workflow = fleet.workflow();
    UUID low = fleet.enqueue(workflow, "p_priority", 5);
    UUID highOld = fleet.enqueue(workflow, "p_priority", 15);
    UUID highNew = fleet.enqueue(workflow, "p_priority", 15);
    UUID middle = fleet.enqueue(workflow, "p_priority", 10);
    assertThat(ids(robot.claim(10))).containsExactly(highOld, highNew, middle, low);
  }

  @Test
  void a_default_robot_takes_any_environment_and_others_take_their_own_and_default()
      throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    UUID prodJob = fleet.enqueue(workflow, "p_environment", "prod");
    UUID testJob = fleet.enqueue(workflow, "p_environment", "test");
    UUID defaultJob = fleet.enqueue(workflow);
    TestRobot prod = fleet.robot("prod", List.of(), 10);
    assertThat(ids(prod.claim(10))).containsExactlyInAnyOrder(prodJob, defaultJob);
    TestRobot anywhere = fleet.robot("default", List.of(), 10);
    assertThat(ids(anywhere.claim(10))).containsExactly(testJob);
  }

  @Test
  void a_robot_needs_every_required_capability() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID job =
        fleet.enqueue(fleet.workflow(), "p_required_capabilities", List.of("browser", "excel"));
    TestRobot browserOnly = fleet.robot("default", List.of("browser"), 1);
    assertThat(browserOnly.claimOne()).isNull();
    TestRobot both = fleet.robot("default", List.of("excel", "browser", "desktop"), 1);
    assertThat(TestRobot.jobId(both.claimOne())).isEqualTo(job);
  }

  @Test
  void workflow_assignments_restrict_the_robots_that_may_claim() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    TestRobot unassigned = fleet.robot();
    TestRobot assigned = fleet.robot();
    db.execute(
        "INSERT INTO workflow_robot_assignments (workflow_id, robot_id) VALUES (?, ?)",
        workflow,
        assigned.id);
    UUID job = fleet.enqueue(workflow);
    assertThat(unassigned.claimOne()).isNull();
    assertThat(TestRobot.jobId(assigned.claimOne())).isEqualTo(job);
  }

  @Test
  void active_node_overrides_add_their_capabilities() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    db.execute(
        "INSERT INTO node_robot_overrides (workflow_id, node_id, required_capabilities)"
            + " VALUES (?, 'excel-node', '[\"excel\"]')",
        workflow);
    db.execute(
        "INSERT INTO node_robot_overrides (workflow_id, node_id, required_capabilities, is_active)"
            + " VALUES (?, 'old-node', '[\"mainframe\"]', false)",
        workflow);
    UUID job = fleet.enqueue(workflow);
    TestRobot plain = fleet.robot();
    assertThat(plain.claimOne()).isNull();
    TestRobot excel = fleet.robot("default", List.of("excel"), 1);
    assertThat(TestRobot.jobId(excel.claimOne())).isEqualTo(job);
  }

  @Test
  void an_override_pinning_a_robot_pins_the_job() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    TestRobot other = fleet.robot();
    TestRobot pinned = fleet.robot();
    db.execute(
        "INSERT INTO node_robot_overrides (workflow_id, node_id, robot_id) VALUES (?, 'n', ?)",
        workflow,
        pinned.id);
    UUID job = fleet.enqueue(workflow);
    assertThat(other.claimOne()).isNull();
    assertThat(TestRobot.jobId(pinned.claimOne())).isEqualTo(job);
  }

  @Test
  void a_robot_claims_no_more_than_its_free_slots() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot("default", List.of(), 2);
    fleet.enqueueMany(fleet.workflow(), 5);
    List<JsonNode> first = robot.claim(10);
    assertThat(first).hasSize(2);
    assertThat(robot.claim(10)).isEmpty();
    robot.complete(first.get(0));
    assertThat(robot.claim(10)).hasSize(1);
    TestRobot none = fleet.robot("default", List.of(), 0);
    assertThat(none.claim(10)).isEmpty();
  }

  @Test
  void a_scheduled_job_waits_for_its_time() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID job =
        fleet.enqueue(
            fleet.workflow(),
            "p_scheduled_time",
            java.time.OffsetDateTime.now().plusHours(1).toString());
    assertThat(robot.claimOne()).isNull();
    fleet.makeDue(job);
    assertThat(TestRobot.jobId(robot.claimOne())).isEqualTo(job);
  }

  @Test
  void robots_claim_only_their_own_tenants_jobs() throws Exception {
    Fleet mine = new Fleet(db);
    Fleet theirs = new Fleet(db);
    UUID job = theirs.enqueue(theirs.workflow());
    TestRobot robot = mine.robot("default", List.of(), 5);
    assertThat(robot.claimOne()).isNull();
    assertThat(theirs.jobStatus(job)).isEqualTo("queued");
  }

  @Test
  void a_robot_in_maintenance_or_error_claims_nothing() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow());
    robot.session.rpc("robot_heartbeat", "p_status", "maintenance");
    assertThat(robot.claimOne()).isNull();
    robot.session.rpc("robot_heartbeat", "p_status", "error");
    assertThat(robot.claimOne()).isNull();
    robot.session.rpc("robot_heartbeat", "p_status", "online");
    assertThat(robot.claimOne()).isNotNull();
  }

  @Test
  void a_batch_claim_takes_up_to_the_limit_each_with_its_own_token() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot("default", List.of(), 50);
    fleet.enqueueMany(fleet.workflow(), 12);
    List<JsonNode> batch = robot.claim(10);
    assertThat(batch).hasSize(10);
    assertThat(batch.stream().map(j -> j.get("claim_token").asText()).distinct()).hasSize(10);
    assertThat(robot.claim(10)).hasSize(2);
  }
}
