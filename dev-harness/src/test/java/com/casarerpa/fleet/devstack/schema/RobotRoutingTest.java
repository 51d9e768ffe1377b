package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Routing (environment, capabilities, max_concurrent_jobs) is the operator's: a robot reports what
 * it has and may only narrow it, never widen it.
 */
class RobotRoutingTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  /** A robot whose routing the operator set (as a PATCH on robots with the service key does). */
  private static TestRobot robot(Fleet fleet, String environment, String capabilities, int max)
      throws Exception {
    TestRobot robot = fleet.unregisteredRobot();
    db.execute(
        "UPDATE robots SET environment = ?, capabilities = ?::jsonb, max_concurrent_jobs = ?"
            + " WHERE robot_id = ?",
        environment,
        capabilities,
        max,
        robot.id);
    return robot;
  }

  private static UUID job(Fleet fleet, String environment, List<String> capabilities)
      throws Exception {
    return fleet.enqueue(
        fleet.workflow(), "p_environment", environment, "p_required_capabilities", capabilities);
  }

  @Test
  void a_robot_cannot_widen_what_the_operator_set() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = robot(fleet, "prod", "[\"browser\"]", 2);

    JsonNode registered =
        robot.register("default", List.of("browser", "excel", "admin"), 1000).get("robot");

    assertThat(registered.get("environment").asText()).isEqualTo("prod");
    assertThat(registered.get("capabilities").toString()).isEqualTo("[\"browser\"]");
    assertThat(registered.get("max_concurrent_jobs").asInt()).isEqualTo(2);
    assertThat(db.value("SELECT environment FROM robots WHERE robot_id = ?", robot.id))
        .as("the operator's value stays")
        .isEqualTo("prod");
    assertThat(db.value("SELECT max_concurrent_jobs FROM robots WHERE robot_id = ?", robot.id))
        .isEqualTo(2);

    UUID excel = job(fleet, "prod", List.of("excel"));
    UUID staging = job(fleet, "staging", List.of());
    for (int i = 0; i < 3; i++) {
      job(fleet, "prod", List.of("browser"));
    }
    List<JsonNode> claimed = robot.claim(10);
    assertThat(claimed).as("two slots, as the operator set").hasSize(2);
    assertThat(claimed.stream().map(TestRobot::jobId)).doesNotContain(excel, staging);
  }

  @Test
  void a_robot_may_narrow_what_the_operator_set() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = robot(fleet, "default", "[\"browser\", \"excel\"]", 4);

    JsonNode registered = robot.register("lab", List.of("excel", "gpu"), 1).get("robot");

    assertThat(registered.get("environment").asText()).isEqualTo("lab");
    assertThat(registered.get("capabilities").toString()).isEqualTo("[\"excel\"]");
    assertThat(registered.get("max_concurrent_jobs").asInt()).isEqualTo(1);
    UUID browser = job(fleet, "lab", List.of("browser"));
    UUID gpu = job(fleet, "lab", List.of("gpu"));
    UUID elsewhere = job(fleet, "office", List.of());
    UUID fits = job(fleet, "lab", List.of("excel"));
    job(fleet, "default", List.of());

    List<JsonNode> claimed = robot.claim(10);
    assertThat(claimed).as("one slot: the robot reported 1").hasSize(1);
    assertThat(claimed.stream().map(TestRobot::jobId)).doesNotContain(browser, gpu, elsewhere);
    db.execute(
        "UPDATE jobs SET status = 'completed' WHERE robot_uuid = ? AND status = 'claimed'",
        robot.id);
    List<JsonNode> second = robot.claim(10);
    assertThat(second).hasSize(1);
    assertThat(robot.claim(10)).isEmpty();
    assertThat(List.of(TestRobot.jobId(claimed.get(0)), TestRobot.jobId(second.get(0))))
        .contains(fits)
        .doesNotContain(browser, gpu, elsewhere);
  }
}
