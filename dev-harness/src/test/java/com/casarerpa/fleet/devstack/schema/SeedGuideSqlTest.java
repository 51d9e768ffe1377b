package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQL of the original seed guide (deploy/supabase/README.md: "Verify Installation",
 * "Troubleshooting", "Quick Reference"), run as written, as the dashboard's SQL editor does, and
 * the answers it expects; and the seed's view columns under their original names.
 */
class SeedGuideSqlTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static List<Map<String, Object>> sql(String query) throws SQLException {
    try (Connection c = db.admin().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static List<String> columns(String view) throws SQLException {
    List<String> names = new ArrayList<>();
    for (Map<String, Object> row :
        sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = '"
                + view
                + "' ORDER BY ordinal_position")) {
      names.add((String) row.get("column_name"));
    }
    return names;
  }

  @Test
  void verify_installation_lists_the_twelve_expected_tables() throws Exception {
    List<Object> tables =
        sql(
                """
                SELECT table_name
                FROM information_schema.tables
                WHERE table_schema = 'public'
                AND table_type = 'BASE TABLE'
                ORDER BY table_name;
                """)
            .stream()
            .map(r -> r.get("table_name"))
            .toList();
    assertThat(tables).containsAll(SeedTables.NAMES);
  }

  @Test
  void realtime_troubleshooting_shows_robots_and_jobs_in_the_publication() throws Exception {
    List<Map<String, Object>> rows = sql("SELECT * FROM pg_publication_tables");
    assertThat(
            rows.stream()
                .filter(r -> "supabase_realtime".equals(r.get("pubname")))
                .map(r -> r.get("tablename")))
        .contains("robots", "jobs");
  }

  @Test
  void log_partitions_not_created_is_fixed_by_the_seeds_call() throws Exception {
    List<Map<String, Object>> rows = sql("SELECT * FROM ensure_robot_logs_partitions(2);");
    assertThat(rows).isNotEmpty();
    assertThat(rows.get(0)).containsKeys("partition_name", "status");
    String thisMonth =
        "robot_logs_" + LocalDate.now(ZoneOffset.UTC).plusMonths(2).toString().replace('-', '_');
    assertThat(rows.stream().map(r -> r.get("partition_name")))
        .as("two months ahead are covered")
        .contains(thisMonth);
  }

  @Test
  void reduce_retention_drops_old_partitions_and_the_cron_form_runs() throws Exception {
    String old = LocalDate.now(ZoneOffset.UTC).minusDays(20).toString();
    sql("SELECT create_robot_logs_partition('" + old + "')");
    List<Map<String, Object>> dropped = sql("SELECT * FROM drop_old_robot_logs_partitions(7)");
    assertThat(dropped)
        .anySatisfy(
            r -> {
              assertThat(r.get("partition_name")).isEqualTo("robot_logs_" + old.replace('-', '_'));
              assertThat(r.get("action")).isEqualTo("DROPPED");
            });
    assertThat(sql("SELECT drop_old_robot_logs_partitions(30)")).isNotNull();
  }

  @Test
  void high_database_usage_daily_summary_counts_the_logs_with_the_original_columns()
      throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    String now = java.time.Instant.now().toString();
    robot.session.rpc(
        "append_robot_logs",
        "p_logs",
        List.of(
            Map.of("id", UUID.randomUUID(), "ts", now, "level", "ERROR", "message", "boom"),
            Map.of("id", UUID.randomUUID(), "ts", now, "level", "INFO", "message", "hello")));
    assertThat(columns("robot_logs_daily_summary"))
        .startsWith(
            "tenant_id",
            "robot_id",
            "log_date",
            "total_logs",
            "error_count",
            "warning_count",
            "critical_count",
            "estimated_size");
    Map<String, Object> mine =
        sql("SELECT * FROM robot_logs_daily_summary").stream()
            .filter(r -> robot.id.equals(r.get("robot_id")))
            .findFirst()
            .orElseThrow();
    assertThat(mine.get("total_logs")).isEqualTo(2L);
    assertThat(mine.get("error_count")).isEqualTo(1L);
    assertThat(mine.get("estimated_size")).isEqualTo("9 bytes");
  }

  @Test
  void quick_reference_functions_and_api_key_troubleshooting_run_as_written() throws Exception {
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    String hash =
        (String)
            sql("SELECT api_key_hash FROM robot_api_keys WHERE robot_id = '" + robot.id + "'")
                .get(0)
                .get("api_key_hash");
    assertThat(sql("SELECT * FROM robot_api_keys WHERE api_key_hash = '" + hash + "'")).hasSize(1);
    List<Map<String, Object>> valid = sql("SELECT * FROM validate_api_key_hash('" + hash + "');");
    assertThat(valid)
        .singleElement()
        .satisfies(r -> assertThat(r.get("reason")).isEqualTo("valid"));
    sql("SELECT update_api_key_last_used('" + hash + "', '192.168.1.1'::inet);");
    assertThat(
            sql("SELECT host(last_used_ip) AS ip FROM robot_api_keys WHERE api_key_hash = '"
                    + hash
                    + "'")
                .get(0)
                .get("ip"))
        .isEqualTo("192.168.1.1");
    assertThat(
            sql(
                "SELECT * FROM query_robot_logs(\n"
                    + "    p_tenant_id := '"
                    + fleet.tenant
                    + "',\n    p_robot_id := '"
                    + robot.id
                    + "',\n    p_min_level := 'WARNING',\n    p_limit := 100\n);"))
        .isEmpty();
    for (String view :
        List.of(
            "robot_stats",
            "workflow_assignment_stats",
            "robot_api_keys_active",
            "robot_logs_daily_summary")) {
      assertThat(sql("SELECT * FROM " + view + ";")).as(view).isNotNull();
    }
  }

  @Test
  void robot_stats_keeps_the_original_columns_and_counts() throws Exception {
    assertThat(columns("robot_stats"))
        .startsWith(
            "robot_id",
            "robot_name",
            "hostname",
            "status",
            "environment",
            "max_concurrent_jobs",
            "current_jobs",
            "utilization_percent",
            "last_heartbeat",
            "total_jobs_run",
            "completed_jobs",
            "failed_jobs",
            "avg_duration_ms");
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID workflow = fleet.workflow();
    fleet.enqueue(workflow);
    fleet.enqueue(workflow);
    var first = robot.claimOne();
    robot.start(first);
    robot.complete(first);
    var second = robot.claimOne();
    robot.start(second);
    db.execute(
        "UPDATE jobs SET status = 'timeout', completed_at = now(), lease_expires_at = NULL"
            + " WHERE job_id = ?",
        TestRobot.jobId(second));
    Map<String, Object> row =
        sql("SELECT * FROM robot_stats WHERE robot_id = '" + robot.id + "'").get(0);
    assertThat(row.get("robot_name")).isEqualTo(robot.name);
    assertThat(row.get("total_jobs_run")).isEqualTo(2L);
    assertThat(row.get("completed_jobs")).isEqualTo(1L);
    assertThat(row.get("failed_jobs")).as("the seed counts status 'failed' only").isEqualTo(0L);
    assertThat(row.get("current_jobs")).isEqualTo(0);
  }

  @Test
  void workflow_assignment_and_key_views_keep_the_original_columns() throws Exception {
    assertThat(columns("workflow_assignment_stats"))
        .startsWith(
            "workflow_id",
            "workflow_name",
            "assigned_robot_count",
            "assigned_robot_names",
            "node_override_count");
    assertThat(columns("robot_api_keys_active"))
        .startsWith(
            "key_id",
            "robot_id",
            "robot_name",
            "robot_hostname",
            "key_name",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "created_by",
            "status",
            "days_since_last_use")
        .doesNotContain("api_key_hash");
    Fleet fleet = new Fleet(db);
    TestRobot robot = fleet.robot();
    UUID workflow = fleet.workflow();
    db.execute(
        "INSERT INTO node_robot_overrides (workflow_id, node_id, robot_id) VALUES (?, 'n1', ?)",
        workflow,
        robot.id);
    db.execute(
        "INSERT INTO workflow_robot_assignments (workflow_id, robot_id) VALUES (?, ?)",
        workflow,
        robot.id);
    Map<String, Object> stats =
        sql("SELECT * FROM workflow_assignment_stats WHERE workflow_id = '" + workflow + "'")
            .get(0);
    assertThat(stats.get("assigned_robot_count")).isEqualTo(1L);
    assertThat(stats.get("node_override_count")).isEqualTo(1L);
    Map<String, Object> key =
        sql("SELECT * FROM robot_api_keys_active WHERE robot_id = '" + robot.id + "'").get(0);
    assertThat(key.get("robot_name")).isEqualTo(robot.name);
    assertThat(key.get("status")).isEqualTo("active");
    assertThat(key.get("days_since_last_use")).isInstanceOf(java.math.BigDecimal.class);
  }

  @Test
  void the_original_indexes_exist() throws Exception {
    for (String index :
        List.of(
            "idx_cleanup_history_time",
            "idx_workflow_versions_workflow_id",
            "idx_node_overrides_robot",
            "idx_node_overrides_capabilities",
            "idx_workflow_assignments_default")) {
      assertThat(sql("SELECT 1 FROM pg_indexes WHERE indexname = '" + index + "'"))
          .as(index)
          .hasSize(1);
    }
  }
}
