package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job that becomes queued and due wakes up to {@code wakeup_fanout} robots that claim_jobs would
 * give it to, each on its own topic {@code robot:<id>}; nothing when those robots are all full;
 * {@code job-queue} only when no live robot could take it or the fleet is in 'broadcast' mode
 * (20261201000700_targeted_wakeups).
 */
class TargetedWakeupsTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @AfterEach
  void defaultSettings() throws Exception {
    settings("targeted", 2);
  }

  private static void settings(String mode, int fanout) throws Exception {
    db.execute(
        "UPDATE fleet_settings SET wakeup_mode = ?, wakeup_fanout = ? WHERE id", mode, fanout);
  }

  /** The topics that got a job_queued hint for the job, one entry per message. */
  private static List<String> hintTopics(UUID jobId) throws Exception {
    List<String> topics = new ArrayList<>();
    try (var c = db.admin().getConnection();
        var s =
            c.prepareStatement(
                "SELECT topic, private FROM realtime.messages"
                    + " WHERE event = 'job_queued' AND payload->>'job_id' = ? ORDER BY id")) {
      s.setString(1, jobId.toString());
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          assertThat(rs.getBoolean(2)).as("hints are public messages").isFalse();
          topics.add(rs.getString(1));
        }
      }
    }
    return topics;
  }

  private static String topic(TestRobot robot) {
    return "robot:" + robot.id;
  }

  @Test
  void only_eligible_robots_are_woken_at_most_fanout_of_them() throws Exception {
    Fleet fleet = new Fleet(db);
    // a robot whose only slot is taken
    TestRobot full = fleet.robot("prod", List.of("browser"), 1);
    fleet.enqueue(fleet.workflow());
    assertThat(full.claimOne()).isNotNull();

    List<TestRobot> eligible =
        List.of(
            fleet.robot("prod", List.of("browser", "excel"), 1),
            fleet.robot("default", List.of("browser"), 2), // takes any environment
            fleet.robot("prod", List.of("browser"), 1));
    TestRobot otherEnvironment = fleet.robot("staging", List.of("browser"), 1);
    TestRobot noBrowser = fleet.robot("prod", List.of("excel"), 1);
    TestRobot stale = fleet.robot("prod", List.of("browser"), 1);
    db.execute(
        "UPDATE robots SET last_heartbeat = now() - interval '1 hour',"
            + " last_seen = now() - interval '1 hour' WHERE robot_id = ?",
        stale.id);
    TestRobot inMaintenance = fleet.robot("prod", List.of("browser"), 1);
    db.execute("UPDATE robots SET status = 'maintenance' WHERE robot_id = ?", inMaintenance.id);
    TestRobot otherTenant = new Fleet(db).robot("prod", List.of("browser"), 1);
    List<String> never =
        List.of(
            topic(full),
            topic(otherEnvironment),
            topic(noBrowser),
            topic(stale),
            topic(inMaintenance),
            topic(otherTenant));
    List<String> eligibleTopics = eligible.stream().map(TargetedWakeupsTest::topic).toList();
    UUID workflow = fleet.workflow();

    for (int i = 0; i < 5; i++) {
      UUID job =
          fleet.enqueue(
              workflow, "p_environment", "prod", "p_required_capabilities", List.of("browser"));
      List<String> topics = hintTopics(job);
      assertThat(topics).as("K = 2 of 3 eligible robots").hasSize(2).doesNotHaveDuplicates();
      assertThat(eligibleTopics).containsAll(topics);
      assertThat(topics).doesNotContainAnyElementsOf(never).doesNotContain("job-queue");
    }

    settings("targeted", 10);
    UUID job =
        fleet.enqueue(
            workflow, "p_environment", "prod", "p_required_capabilities", List.of("browser"));
    assertThat(hintTopics(job))
        .as("min(K, eligible): all three, nobody else")
        .containsExactlyInAnyOrderElementsOf(eligibleTopics);
  }

  @Test
  void idle_robots_are_preferred_to_busy_ones_with_a_free_slot() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot busy = fleet.robot("default", List.of(), 2);
    fleet.enqueue(fleet.workflow());
    assertThat(busy.claimOne()).isNotNull();
    TestRobot idle = fleet.robot("default", List.of(), 1);
    settings("targeted", 1);
    UUID workflow = fleet.workflow();
    for (int i = 0; i < 5; i++) {
      assertThat(hintTopics(fleet.enqueue(workflow))).containsExactly(topic(idle));
    }
    settings("targeted", 2);
    assertThat(hintTopics(fleet.enqueue(workflow)))
        .as("the busy robot still has a slot")
        .containsExactlyInAnyOrder(topic(idle), topic(busy));
  }

  @Test
  void a_workflow_assigned_to_robots_wakes_only_those() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot assigned = fleet.robot();
    fleet.robot();
    fleet.robot();
    UUID workflow = fleet.workflow();
    db.execute(
        "INSERT INTO workflow_robot_assignments (workflow_id, robot_id) VALUES (?, ?)",
        workflow,
        assigned.id);
    assertThat(hintTopics(fleet.enqueue(workflow))).containsExactly(topic(assigned));
  }

  @Test
  void a_job_nobody_can_take_is_broadcast_on_job_queue() throws Exception {
    Fleet fleet = new Fleet(db);
    fleet.robot("prod", List.of(), 1);
    UUID job =
        fleet.enqueue(fleet.workflow(), "p_required_capabilities", List.of("no-robot-has-this"));
    assertThat(hintTopics(job)).containsExactly("job-queue");
  }

  @Test
  void a_job_only_full_robots_could_take_wakes_nobody_they_claim_it_when_a_slot_frees()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID workflow = fleet.workflow();
    fleet.enqueue(workflow);
    var first = robot.claimOne();
    robot.start(first);
    UUID waiting = fleet.enqueue(workflow);
    assertThat(hintTopics(waiting)).as("no robot has a slot: no broadcast to the fleet").isEmpty();
    robot.complete(first);
    assertThat(TestRobot.jobId(robot.claimOne())).isEqualTo(waiting);
  }

  @Test
  void broadcast_mode_keeps_the_old_behaviour() throws Exception {
    Fleet fleet = new Fleet(db);
    fleet.robot();
    fleet.robot();
    settings("broadcast", 2);
    assertThat(hintTopics(fleet.enqueue(fleet.workflow()))).containsExactly("job-queue");
  }

  @Test
  void the_settings_are_bounded() throws Exception {
    for (Map.Entry<String, Object> bad :
        Map.<String, Object>of("wakeup_mode", "everyone", "wakeup_fanout", 0).entrySet()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  db.execute(
                      "UPDATE fleet_settings SET " + bad.getKey() + " = ? WHERE id",
                      bad.getValue()))
          .hasMessageContaining("fleet_settings_" + bad.getKey());
    }
  }
}
