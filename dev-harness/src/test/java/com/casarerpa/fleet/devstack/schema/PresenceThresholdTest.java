package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.BAD_ARGUMENT;
import static com.casarerpa.fleet.devstack.schema.Refusals.PERMISSION_DENIED;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet-size threshold for presence ({@code 20261201000600_presence_threshold.sql}): {@code
 * robot_presence_budget()} and {@code fleet_presence_budget()} say presence is off once the fleet
 * is larger than the budget carries at {@code presence_max_interval_seconds}, or when the operator
 * turned it off; {@code create_robots} provisions many robots with working keys in one call.
 */
class PresenceThresholdTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @AfterEach
  void defaults() throws SQLException {
    db.execute(
        "UPDATE public.fleet_settings SET presence_budget_per_second = 40, presence_watchers = 1,"
            + " presence_max_interval_seconds = 600, presence_mode = 'auto' WHERE id");
  }

  @Test
  void a_fleet_the_budget_carries_has_presence_with_the_largest_size_stated() throws Exception {
    TestRobot robot = new Fleet(db).robot();
    JsonNode budget = robot.session.rpc("robot_presence_budget");
    int size = budget.path("fleet_size").asInt();
    // N (N + 1) <= 40 x 600: N = 154 with the defaults
    assertThat(budget.path("presence_max_fleet_size").asInt()).isEqualTo(154);
    assertThat(budget.path("presence_enabled").asBoolean()).isEqualTo(size <= 154);
    // a budget that carries this fleet (the schema tests share one database)
    db.execute("UPDATE public.fleet_settings SET presence_budget_per_second = 100000 WHERE id");
    budget = robot.session.rpc("robot_presence_budget");
    assertThat(budget.path("presence_max_fleet_size").asInt()).isEqualTo(7745);
    assertThat(budget.path("presence_enabled").asBoolean()).isTrue();
    assertThat(budget.path("presence_off_reason").isNull()).isTrue();
    assertThat(budget.path("presence_mode").asText()).isEqualTo("auto");
    assertThat(budget.path("presence_interval_seconds").asDouble())
        .isEqualTo(Math.max(6.5, Math.round(size * (size + 1) / 100000.0 * 10) / 10.0));
    // the operator's view is the same answer
    assertThat(db.postgrest().serviceRole().rpc("fleet_presence_budget")).isEqualTo(budget);
  }

  @Test
  void past_the_size_the_budget_carries_presence_is_off_with_the_reason() throws Exception {
    TestRobot robot = new Fleet(db).robot();
    int size = robot.session.rpc("robot_presence_budget").path("fleet_size").asInt();
    // a budget that carries exactly one robot fewer than the fleet at one update per 600 s
    int carried = size - 1;
    db.execute(
        "UPDATE public.fleet_settings SET presence_budget_per_second = (? + 0.5) / 600 WHERE id",
        carried * (carried + 1));
    JsonNode off = robot.session.rpc("robot_presence_budget");
    assertThat(off.path("presence_max_fleet_size").asInt()).isEqualTo(carried);
    assertThat(off.path("presence_enabled").asBoolean()).isFalse();
    assertThat(off.path("presence_off_reason").asText())
        .contains("a fleet of " + size + " robots")
        .contains("the " + carried + " that a presence budget")
        .contains("seen through their heartbeats");
    // older agents read only the interval: it still says how long they would have to wait
    assertThat(off.path("presence_interval_seconds").asDouble()).isGreaterThan(600);

    // a longer acceptable interval carries the same fleet again
    db.execute("UPDATE public.fleet_settings SET presence_max_interval_seconds = 86400 WHERE id");
    assertThat(robot.session.rpc("robot_presence_budget").path("presence_enabled").asBoolean())
        .isTrue();
  }

  @Test
  void the_operator_can_turn_presence_off_and_bad_settings_are_refused() throws Exception {
    TestRobot robot = new Fleet(db).robot();
    db.execute("UPDATE public.fleet_settings SET presence_mode = 'off' WHERE id");
    JsonNode off = robot.session.rpc("robot_presence_budget");
    assertThat(off.path("presence_enabled").asBoolean()).isFalse();
    assertThat(off.path("presence_off_reason").asText()).contains("presence_mode = 'off'");

    for (String bad :
        new String[] {
          "presence_mode = 'sometimes'",
          "presence_max_interval_seconds = 5",
          "presence_max_interval_seconds = 100000"
        }) {
      String state =
          refusedWith(
              "23514", () -> db.execute("UPDATE public.fleet_settings SET " + bad + " WHERE id"));
      assertThat(state).contains("fleet_settings");
    }
  }

  @Test
  void the_budget_is_for_robots_and_operators_only() throws Exception {
    refusedWith(Refusals.UNAUTHORIZED, () -> db.postgrest().anon().rpc("robot_presence_budget"));
    refusedWith(PERMISSION_DENIED, () -> db.postgrest().anon().rpc("fleet_presence_budget"));
    refusedWith(
        PERMISSION_DENIED,
        () -> db.postgrest().user(UUID.randomUUID()).rpc("fleet_presence_budget"));
  }

  @Test
  void create_robots_provisions_many_robots_with_working_keys_in_one_transaction()
      throws Exception {
    String prefix = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
    JsonNode rows =
        db.postgrest()
            .serviceRole()
            .rpc(
                "create_robots", "p_names", "{" + prefix + "-1," + prefix + "-2," + prefix + "-3}");
    assertThat(rows).hasSize(3);
    Set<String> keys = new HashSet<>();
    for (JsonNode row : rows) {
      assertThat(row.path("name").asText()).startsWith(prefix);
      String key = row.path("api_key").asText();
      assertThat(key).startsWith("crpa_").hasSize(48);
      keys.add(key);
      JsonNode reply =
          new TestRobot(
                  UUID.fromString(row.path("robot_id").asText()),
                  row.path("name").asText(),
                  key,
                  db.postgrest().robot(key))
              .register("default", java.util.List.of(), 1);
      assertThat(reply.path("robot").path("robot_id").asText())
          .isEqualTo(row.path("robot_id").asText());
    }
    assertThat(keys).hasSize(3);

    // all or nothing: a name taken by an existing robot leaves no new robot behind
    String message =
        refusedWith(
            "PT409",
            () ->
                db.postgrest()
                    .serviceRole()
                    .rpc("create_robots", "p_names", "{" + prefix + "-4," + prefix + "-1}"));
    assertThat(message).contains(prefix + "-1");
    assertThat(db.value("SELECT count(*) FROM public.robots WHERE name = ?", prefix + "-4"))
        .isEqualTo(0L);
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () ->
                    db.postgrest()
                        .serviceRole()
                        .rpc("create_robots", "p_names", "{" + prefix + "-5," + prefix + "-5}")))
        .contains("more than once");
    assertThat(
            refusedWith(
                BAD_ARGUMENT,
                () -> db.postgrest().serviceRole().rpc("create_robots", "p_names", "{}")))
        .contains("at least one");
    refusedWith(
        PERMISSION_DENIED,
        () -> db.postgrest().anon().rpc("create_robots", "p_names", "{" + prefix + "-6}"));
  }
}
