package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationRunner;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationsTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  @Test
  void every_migration_applies_a_second_time_without_error_and_changes_nothing_it_should_keep()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    fleet.enqueue(fleet.workflow());
    MigrationRunner runner = new MigrationRunner(db.server().superuserDataSource());
    List<Migration> migrations = MigrationRunner.fromClasspath();
    assertThat(migrations).hasSizeGreaterThanOrEqualTo(9);
    for (Migration migration : migrations) {
      runner.execute("re-applying " + migration.version(), migration.sql());
    }
    assertThat(runner.migrate(migrations)).as("all recorded as applied").isEmpty();
    assertThat(db.count("SELECT count(*) FROM supabase_migrations.schema_migrations"))
        .isEqualTo(migrations.size());
    assertThat(db.count("SELECT count(*) FROM fleet_settings")).isEqualTo(1);
    assertThat(robot.claimOne()).as("data and functions survive a re-run").isNotNull();
  }

  @Test
  void the_server_is_the_postgresql_major_version_this_run_asked_for() throws Exception {
    int version = Integer.parseInt((String) db.value("SHOW server_version_num"));
    String jar = System.getProperty(SchemaDatabase.BINARIES_JAR_PROPERTY, "");
    int expectedMajor = jar.contains("pg15") ? 15 : 17;
    assertThat(version / 10_000).isEqualTo(expectedMajor);
  }

  @Test
  void the_schema_check_lists_the_twelve_seed_tables_present_with_row_level_security()
      throws Exception {
    JsonNode tables = db.postgrest().serviceRole().rpc("verify_fleet_schema");
    assertThat(tables.findValuesAsText("table_name")).containsExactlyElementsOf(SeedTables.NAMES);
    for (JsonNode table : tables) {
      assertThat(table.get("present").asBoolean()).as(table.toString()).isTrue();
      assertThat(table.get("rls_enabled").asBoolean()).as(table.toString()).isTrue();
    }
  }

  @Test
  void robots_and_jobs_are_published_for_realtime_changes() throws Exception {
    assertThat(
            db.count(
                "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'supabase_realtime'"
                    + " AND schemaname = 'public' AND tablename IN ('robots', 'jobs')"))
        .isEqualTo(2);
  }

  @Test
  void the_original_column_names_are_kept() throws Exception {
    String[][] expected = {
      {"robots", "robot_id"},
      {"robots", "last_heartbeat"},
      {"robots", "current_job_ids"},
      {"jobs", "job_id"},
      {"jobs", "robot_uuid"},
      {"jobs", "scheduled_time"},
      {"jobs", "claim_token"},
      {"jobs", "lease_expires_at"},
      {"jobs", "required_capabilities"},
      {"robot_api_keys", "api_key_hash"},
      {"robot_api_keys", "last_used_ip"},
      {"robot_logs", "timestamp"},
      {"robot_logs", "seq"},
      {"workflows", "search_vector"},
      {"robot_heartbeats", "latency_ms"},
      {"robot_logs_cleanup_history", "partitions_dropped"}
    };
    for (String[] column : expected) {
      assertThat(
              db.count(
                  "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'"
                      + " AND table_name = ? AND column_name = ?",
                  column[0],
                  column[1]))
          .as(column[0] + "." + column[1])
          .isEqualTo(1);
    }
  }

  @Test
  void several_robots_may_share_a_hostname_but_not_a_name() throws Exception {
    Fleet fleet = new Fleet(db);
    fleet.operator.rpc("create_robot", "p_name", "same-host-1", "p_hostname", "pc-1");
    fleet.operator.rpc("create_robot", "p_name", "same-host-2", "p_hostname", "pc-1");
    assertThat(db.count("SELECT count(*) FROM robots WHERE hostname = 'pc-1'")).isEqualTo(2);
    Refusals.refusedWith(
        "PT409", () -> fleet.operator.rpc("create_robot", "p_name", "same-host-1"));
  }
}
