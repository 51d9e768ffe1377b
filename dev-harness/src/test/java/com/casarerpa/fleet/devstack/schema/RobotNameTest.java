package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ROBOT_NAME} is the robot's name: {@code robot_register(p_name)} sets {@code robots.name};
 * without it the operator's name stays; a name held by another robot is never taken (the suffix
 * rule of migration 20261201000100).
 */
class RobotNameTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static JsonNode register(TestRobot robot, String name) throws SQLException {
    return robot.session.rpc(
        "robot_register",
        "p_hostname",
        "host-" + robot.name,
        "p_environment",
        "default",
        "p_name",
        name);
  }

  private static String nameOf(TestRobot robot) throws SQLException {
    return (String) db.value("SELECT name FROM robots WHERE robot_id = ?", robot.id);
  }

  private static String suffixed(String name, TestRobot robot) {
    String id = robot.id.toString();
    return name + " (" + id.substring(id.length() - 8) + ")";
  }

  @Test
  void the_name_a_robot_sends_becomes_its_name_in_the_fleet_and_its_views() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.unregisteredRobot();
    String wanted = "  Robot-lab-" + UUID.randomUUID() + " ";

    JsonNode reply = register(robot, wanted);

    assertThat(reply.at("/robot/name").asText()).isEqualTo(wanted.strip());
    assertThat(reply.get("requested_name").asText()).isEqualTo(wanted.strip());
    assertThat(nameOf(robot)).isEqualTo(wanted.strip());
    assertThat(db.value("SELECT robot_name FROM robot_stats WHERE robot_id = ?", robot.id))
        .as("the seed view's original column")
        .isEqualTo(wanted.strip());
    assertThat(
            fleet
                .operator
                .select("SELECT name FROM robots WHERE robot_id = ?::uuid", robot.id.toString())
                .get(0)
                .get("name"))
        .as("what the operator's CLI reads")
        .isEqualTo(wanted.strip());
  }

  @Test
  void a_call_without_a_name_as_older_agents_make_it_keeps_the_operators_name() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.unregisteredRobot();

    JsonNode reply = robot.register("default", List.of(), 1);
    JsonNode blank = register(robot, "   ");

    assertThat(reply.at("/robot/name").asText()).isEqualTo(robot.name);
    assertThat(reply.get("requested_name").isNull()).isTrue();
    assertThat(blank.at("/robot/name").asText()).isEqualTo(robot.name);
    assertThat(nameOf(robot)).isEqualTo(robot.name);
    assertThat(
            db.count(
                "SELECT count(*) FROM pg_proc WHERE proname = 'robot_register'"
                    + " AND pronamespace = 'public'::regnamespace"))
        .as("one function, so PostgREST never has two candidates for the old call")
        .isEqualTo(1);
  }

  @Test
  void a_name_held_by_another_robot_is_never_taken_the_suffix_rule_applies() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot holder = fleet.unregisteredRobot();
    TestRobot other = fleet.unregisteredRobot();

    JsonNode reply = register(other, holder.name);

    assertThat(reply.get("requested_name").asText()).isEqualTo(holder.name);
    assertThat(reply.at("/robot/name").asText()).isEqualTo(suffixed(holder.name, other));
    assertThat(nameOf(holder)).as("the holder keeps its name").isEqualTo(holder.name);
    assertThat(register(other, holder.name).at("/robot/name").asText())
        .as("stable across restarts")
        .isEqualTo(suffixed(holder.name, other));

    db.execute("DELETE FROM robots WHERE robot_id = ?", holder.id);
    assertThat(register(other, holder.name).at("/robot/name").asText())
        .as("free again: the robot gets the name it asked for")
        .isEqualTo(holder.name);
  }

  @Test
  void when_the_suffixed_name_is_taken_too_the_name_stays() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot holder = fleet.unregisteredRobot();
    TestRobot squatter = fleet.unregisteredRobot();
    TestRobot robot = fleet.unregisteredRobot();
    db.execute(
        "UPDATE robots SET name = ? WHERE robot_id = ?", suffixed(holder.name, robot), squatter.id);

    JsonNode reply = register(robot, holder.name);

    assertThat(reply.at("/robot/name").asText()).isEqualTo(robot.name);
    assertThat(reply.get("requested_name").asText()).isEqualTo(holder.name);
  }

  @Test
  void robots_registering_one_new_name_at_once_end_with_distinct_names() throws Exception {
    Fleet fleet = new Fleet(db);
    List<TestRobot> robots = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      robots.add(fleet.unregisteredRobot());
    }
    String wanted = "shared-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(robots.size());
    try {
      List<Future<JsonNode>> replies = new ArrayList<>();
      for (TestRobot robot : robots) {
        Callable<JsonNode> call = () -> register(robot, wanted);
        replies.add(pool.submit(call));
      }
      Set<String> names = new HashSet<>();
      int exact = 0;
      for (int i = 0; i < robots.size(); i++) {
        String name = replies.get(i).get().at("/robot/name").asText();
        names.add(name);
        if (name.equals(wanted)) {
          exact++;
        } else {
          assertThat(name).isEqualTo(suffixed(wanted, robots.get(i)));
        }
      }
      assertThat(exact).as("exactly one robot got the name").isEqualTo(1);
      assertThat(names).hasSize(robots.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_name_does_not_widen_routing_and_a_bad_one_is_refused() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.unregisteredRobot();
    db.execute(
        "UPDATE robots SET environment = 'prod', capabilities = '[\"browser\"]',"
            + " max_concurrent_jobs = 2 WHERE robot_id = ?",
        robot.id);

    JsonNode registered =
        robot
            .session
            .rpc(
                "robot_register",
                "p_hostname",
                "h",
                "p_environment",
                "staging",
                "p_capabilities",
                List.of("browser", "admin"),
                "p_max_concurrent_jobs",
                50,
                "p_name",
                "renamed-" + robot.name)
            .get("robot");

    assertThat(registered.get("name").asText()).isEqualTo("renamed-" + robot.name);
    assertThat(registered.get("environment").asText()).isEqualTo("prod");
    assertThat(registered.get("capabilities").toString()).isEqualTo("[\"browser\"]");
    assertThat(registered.get("max_concurrent_jobs").asInt()).isEqualTo(2);

    String tooLong =
        Refusals.refusedWith(Refusals.BAD_ARGUMENT, () -> register(robot, "x".repeat(256)));
    assertThat(tooLong).contains("p_name").contains("ROBOT_NAME");
    Refusals.refusedWith(Refusals.BAD_ARGUMENT, () -> register(robot, "line\nbreak"));
    assertThat(nameOf(robot)).isEqualTo("renamed-" + robot.name);
  }
}
