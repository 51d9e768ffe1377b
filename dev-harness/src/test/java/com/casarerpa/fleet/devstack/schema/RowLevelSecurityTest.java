package com.casarerpa.fleet.devstack.schema;

import static com.casarerpa.fleet.devstack.schema.Refusals.LEASE_LOST;
import static com.casarerpa.fleet.devstack.schema.Refusals.PERMISSION_DENIED;
import static com.casarerpa.fleet.devstack.schema.Refusals.UNAUTHORIZED;
import static com.casarerpa.fleet.devstack.schema.Refusals.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who can do what: anon without a key, robot A, robot B, a revoked key, dashboard users of tenant T
 * and of another tenant U, and the service role; for every table and RPC.
 */
class RowLevelSecurityTest {
  private static final List<String> TABLES =
      Stream.concat(
              SeedTables.NAMES.stream(),
              Stream.of("fleet_settings", "fleet_maintenance_state", "robot_logs_default"))
          .toList();

  /** Tables a dashboard user reads (rows of its tenant). */
  private static final Set<String> TENANT_READABLE =
      Set.of(
          "workflows",
          "workflow_versions",
          "robots",
          "jobs",
          "robot_logs",
          "schedules",
          "workflow_robot_assignments",
          "node_robot_overrides",
          "robot_heartbeats");

  private static final Set<String> ROBOT_RPCS =
      Set.of(
          "robot_register",
          "robot_heartbeat",
          "claim_jobs",
          "start_job",
          "report_job_progress",
          "complete_job",
          "fail_job",
          "release_job",
          "finish_cancelled_job",
          "append_robot_logs",
          "robot_offline",
          "robot_fleet_maintenance",
          "robot_presence_budget");

  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();
  private static Fleet tenantT;
  private static Fleet tenantU;
  private static TestRobot robotA;
  private static TestRobot robotB;
  private static TestRobot robotU;
  private static JsonNode jobOfA;

  @BeforeAll
  static void start() throws Exception {
    tenantT = new Fleet(db);
    tenantU = new Fleet(db);
    robotA = tenantT.robot("default", List.of(), 5);
    robotB = tenantT.robot("default", List.of(), 5);
    robotU = tenantU.robot("default", List.of(), 5);
    UUID workflowT = tenantT.workflow();
    UUID workflowU = tenantU.workflow();
    for (UUID workflow : List.of(workflowT, workflowU)) {
      db.execute(
          "INSERT INTO schedules (workflow_id, schedule_name, cron_expression) VALUES (?, 's', '* * * * *')",
          workflow);
      db.execute(
          "INSERT INTO node_robot_overrides (workflow_id, node_id, required_capabilities, is_active)"
              + " VALUES (?, 'n', '[\"x\"]', false)",
          workflow);
    }
    db.execute(
        "INSERT INTO workflow_robot_assignments (workflow_id, robot_id) VALUES (?, ?), (?, ?)",
        workflowT,
        robotA.id,
        workflowU,
        robotU.id);
    tenantT.enqueue(workflowT);
    jobOfA = robotA.claimOne();
    tenantU.enqueue(workflowU);
    robotU.claimOne();
    for (TestRobot robot : List.of(robotA, robotU)) {
      robot.heartbeat();
      robot.session.rpc("append_robot_logs", "p_logs", List.of(line("hello")));
    }
  }

  private static Map<String, Object> line(String message) {
    return Map.of(
        "id",
        UUID.randomUUID().toString(),
        "seq",
        1,
        "ts",
        OffsetDateTime.now().toString(),
        "level",
        "INFO",
        "message",
        message);
  }

  @Test
  void anon_has_no_privilege_on_any_table_or_view() throws Exception {
    Postgrest.Session anon = db.postgrest().anon();
    for (String table : TABLES) {
      refusedWith(PERMISSION_DENIED, () -> anon.select("SELECT * FROM public." + table));
    }
    for (String view :
        List.of(
            "robot_stats",
            "workflow_assignment_stats",
            "robot_api_keys_active",
            "robot_logs_daily_summary")) {
      refusedWith(PERMISSION_DENIED, () -> anon.select("SELECT * FROM public." + view));
    }
    assertThat(
            db.count(
                "SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
                    + " AND c.relkind IN ('r', 'p', 'v', 'S')"
                    + " AND (has_table_privilege('anon', c.oid, 'SELECT')"
                    + "   OR has_table_privilege('anon', c.oid, 'INSERT')"
                    + "   OR has_table_privilege('anon', c.oid, 'UPDATE')"
                    + "   OR has_table_privilege('anon', c.oid, 'DELETE'))"))
        .isZero();
  }

  @Test
  void a_robot_key_opens_no_table_either() {
    for (String table : TABLES) {
      refusedWith(PERMISSION_DENIED, () -> robotA.session.select("SELECT * FROM public." + table));
    }
  }

  @Test
  void anon_may_execute_exactly_the_robot_rpcs() throws Exception {
    List<Map<String, Object>> executable =
        db.postgrest()
            .serviceRole()
            .select(
                "SELECT DISTINCT p.proname::text AS name FROM pg_proc p"
                    + " WHERE p.pronamespace = 'public'::regnamespace"
                    + " AND has_function_privilege('anon', p.oid, 'EXECUTE')");
    assertThat(executable.stream().map(r -> (String) r.get("name")))
        .containsExactlyInAnyOrderElementsOf(ROBOT_RPCS);
  }

  @Test
  void operator_rpcs_are_refused_to_anon_robots_and_dashboard_users() {
    for (Postgrest.Session caller :
        List.of(db.postgrest().anon(), robotA.session, db.postgrest().user(tenantT.tenant))) {
      refusedWith(PERMISSION_DENIED, () -> caller.rpc("create_robot", "p_name", "intruder"));
      refusedWith(
          PERMISSION_DENIED, () -> caller.rpc("create_robot_api_key", "p_robot_id", robotA.id));
      refusedWith(
          PERMISSION_DENIED, () -> caller.rpc("enqueue_job", "p_workflow_id", UUID.randomUUID()));
      refusedWith(PERMISSION_DENIED, () -> caller.rpc("cancel_job", "p_job_id", UUID.randomUUID()));
      refusedWith(PERMISSION_DENIED, () -> caller.rpc("fleet_maintenance"));
      refusedWith(PERMISSION_DENIED, () -> caller.rpc("drop_old_robot_logs_partitions"));
      refusedWith(
          PERMISSION_DENIED, () -> caller.rpc("validate_api_key_hash", "key_hash", "0".repeat(64)));
    }
  }

  @Test
  void robot_b_cannot_touch_robot_as_job_and_a_revoked_key_is_refused() throws Exception {
    refusedWith(LEASE_LOST, () -> robotB.session.rpc("complete_job", TestRobot.fence(jobOfA)));
    refusedWith(LEASE_LOST, () -> robotB.session.rpc("start_job", TestRobot.fence(jobOfA)));
    assertThat(robotB.heartbeat(jobOfA).get("lost")).hasSize(1);
    assertThat(robotA.heartbeat(jobOfA).get("lost")).isEmpty();

    Fleet elsewhere = new Fleet(db);
    TestRobot revoked = elsewhere.robot();
    elsewhere.operator.rpc(
        "revoke_robot_api_key",
        "p_key_id",
        db.value("SELECT id FROM robot_api_keys WHERE robot_id = ?", revoked.id));
    refusedWith(UNAUTHORIZED, () -> revoked.claim(1));
    refusedWith(UNAUTHORIZED, () -> revoked.session.select("SELECT public.robot_offline()"));
  }

  @Test
  void a_dashboard_user_reads_only_its_tenants_rows() throws Exception {
    Postgrest.Session userT = db.postgrest().user(tenantT.tenant);
    for (String table : TENANT_READABLE) {
      long own = userT.select("SELECT 1 FROM public." + table).size();
      assertThat(own).as(table + " rows visible to tenant T").isPositive();
      long all = db.count("SELECT count(*) FROM public." + table);
      assertThat(own).as(table + " rows of the other tenant hidden").isLessThan(all);
    }
    assertThat(userT.select("SELECT robot_id FROM public.robots"))
        .extracting(r -> r.get("robot_id"))
        .containsExactlyInAnyOrder(robotA.id, robotB.id);
    assertThat(userT.select("SELECT 1 FROM public.jobs WHERE tenant_id = ?", tenantU.tenant))
        .isEmpty();
    assertThat(userT.select("SELECT * FROM public.robot_stats")).hasSize(2);
    assertThat(db.postgrest().user(tenantU.tenant).select("SELECT robot_id FROM public.robots"))
        .extracting(r -> r.get("robot_id"))
        .containsExactly(robotU.id);
    assertThat(userT.rpc("query_robot_logs", "p_tenant_id", tenantU.tenant, "p_min_level", "TRACE"))
        .isEmpty();
    assertThat(userT.rpc("query_robot_logs", "p_tenant_id", tenantT.tenant, "p_min_level", "TRACE"))
        .hasSize(1);
  }

  @Test
  void a_dashboard_user_writes_nothing_and_never_sees_keys_or_audit() throws Exception {
    Postgrest.Session userT = db.postgrest().user(tenantT.tenant);
    refusedWith(PERMISSION_DENIED, () -> userT.select("SELECT * FROM public.robot_api_keys"));
    refusedWith(PERMISSION_DENIED, () -> userT.select("SELECT * FROM public.robot_api_key_audit"));
    refusedWith(
        PERMISSION_DENIED, () -> userT.select("SELECT * FROM public.robot_api_keys_active"));
    refusedWith(
        PERMISSION_DENIED,
        () ->
            userT.execute(
                "UPDATE public.jobs SET priority = 20 WHERE tenant_id = ?", tenantT.tenant));
    refusedWith(
        PERMISSION_DENIED,
        () -> userT.execute("INSERT INTO public.robots (name) VALUES ('sneaky')"));
    refusedWith(PERMISSION_DENIED, () -> userT.execute("DELETE FROM public.robot_logs"));
  }

  @Test
  void a_user_without_a_tenant_claim_sees_nothing() throws Exception {
    Postgrest.Session nobody = db.postgrest().user(UUID.randomUUID());
    for (String table : TENANT_READABLE) {
      assertThat(nobody.select("SELECT 1 FROM public." + table)).as(table).isEmpty();
    }
  }

  @Test
  void the_service_role_sees_and_changes_everything() throws Exception {
    Postgrest.Session service = db.postgrest().serviceRole();
    for (String table : TABLES) {
      assertThat(service.select("SELECT count(*) AS n FROM public." + table)).hasSize(1);
    }
    assertThat(service.select("SELECT 1 FROM public.robots")).hasSizeGreaterThanOrEqualTo(3);
    assertThat(
            service.execute(
                "UPDATE public.robots SET metadata = '{\"checked\": true}' WHERE robot_id = ?",
                robotU.id))
        .isEqualTo(1);
    assertThat(service.select("SELECT * FROM public.robot_api_keys_active")).isNotEmpty();
  }

  @Test
  void every_table_has_row_level_security_enabled() throws SQLException {
    assertThat(
            db.count(
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                    + " AND relkind IN ('r', 'p') AND NOT relrowsecurity"))
        .isZero();
  }
}
