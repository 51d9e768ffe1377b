package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationException;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hosted Supabase's safeupdate refuses UPDATE/DELETE without WHERE in API sessions, also inside
 * functions. The migrated schema has none, maintenance runs as both callers, and the local stack
 * refuses a migration that would bring one back.
 */
class SafeUpdateTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void no_function_of_the_migrated_schema_updates_or_deletes_without_where() throws Exception {
    try (Connection c = db.admin().getConnection()) {
      assertThat(MigrationRunner.unqualifiedWrites(c)).isEmpty();
    }
  }

  @Test
  void maintenance_runs_for_the_service_role_and_for_robots() throws Exception {
    Fleet fleet = new Fleet(db);
    JsonNode result = fleet.operator.rpc("fleet_maintenance");
    assertThat(result.get("skipped").asBoolean()).isFalse();
    db.execute(
        "UPDATE fleet_maintenance_state SET last_run_at = now() - interval '1 hour' WHERE id");
    TestRobot robot = fleet.robot();
    assertThat(robot.session.rpc("robot_fleet_maintenance").get("ran").asBoolean()).isTrue();
    assertThat(
            db.count(
                "SELECT count(*) FROM fleet_maintenance_state WHERE last_run_at > now() - interval '1 minute'"))
        .isEqualTo(1);
  }

  @Test
  void a_migration_that_brings_back_an_unqualified_update_makes_the_local_stack_refuse_the_schema()
      throws Exception {
    MigrationRunner runner = new MigrationRunner(db.server().superuserDataSource());
    Migration bad =
        new Migration(
            "29990101000000",
            "bad",
            """
            CREATE FUNCTION public.reset_all_progress() RETURNS void
            LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE public.jobs SET progress = 0;
            END
            $$;
            """);
    try {
      assertThatThrownBy(() -> runner.migrate(List.of(bad)))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("safeupdate")
          .hasMessageContaining("reset_all_progress()")
          .hasMessageContaining("UPDATE without WHERE: update public . jobs set progress");
      assertThatThrownBy(() -> runner.migrate(List.of()))
          .as("and keeps refusing until a later migration fixes the function")
          .hasMessageContaining("reset_all_progress()");
    } finally {
      db.execute("DROP FUNCTION IF EXISTS public.reset_all_progress()");
    }
    assertThat(runner.migrate(List.of())).isEmpty();
  }
}
