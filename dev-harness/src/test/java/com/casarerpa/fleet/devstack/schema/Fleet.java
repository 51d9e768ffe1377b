package com.casarerpa.fleet.devstack.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's corner of the fleet: its own tenant, so its robots claim only its jobs even when other
 * tests of the class share the database. Operator calls run as {@code service_role}.
 */
final class Fleet {
  private static final AtomicInteger NAMES = new AtomicInteger();

  final SchemaDatabase db;
  final UUID tenant = UUID.randomUUID();
  final Postgrest.Session operator;

  Fleet(SchemaDatabase db) {
    this.db = db;
    this.operator = db.postgrest().serviceRole();
  }

  /**
   * A robot with a key, routed by the operator to {@code environment}, {@code capabilities} and
   * {@code maxConcurrentJobs}, registered online reporting the same.
   */
  TestRobot robot(String environment, List<String> capabilities, int maxConcurrentJobs)
      throws SQLException {
    TestRobot robot = unregisteredRobot();
    db.execute(
        "UPDATE robots SET environment = ?, capabilities = ?::jsonb, max_concurrent_jobs = ?"
            + " WHERE robot_id = ?",
        environment,
        Postgrest.JSON.valueToTree(capabilities).toString(),
        maxConcurrentJobs,
        robot.id);
    robot.register(environment, capabilities, maxConcurrentJobs);
    return robot;
  }

  TestRobot robot() throws SQLException {
    return robot("default", List.of(), 1);
  }

  /** A robot with a key that has not called robot_register yet. */
  TestRobot unregisteredRobot() throws SQLException {
    String name = "robot-" + NAMES.incrementAndGet() + "-" + tenant.toString().substring(0, 8);
    UUID id =
        UUID.fromString(
            operator.rpc("create_robot", "p_name", name, "p_tenant_id", tenant).asText());
    String key = operator.rpc("create_robot_api_key", "p_robot_id", id).asText();
    return new TestRobot(id, name, key, db.postgrest().robot(key));
  }

  UUID workflow() throws SQLException {
    return UUID.fromString(
        operator
            .rpc(
                "upsert_workflow",
                "p_workflow_name",
                "wf-" + NAMES.incrementAndGet(),
                "p_workflow_json",
                Map.of(
                    "metadata",
                    Map.of("name", "test"),
                    "nodes",
                    Map.of(),
                    "connections",
                    List.of()),
                "p_tenant_id",
                tenant)
            .asText());
  }

  /** Enqueues a job of {@code workflow}; {@code args} are more enqueue_job arguments. */
  UUID enqueue(UUID workflow, Object... args) throws SQLException {
    Object[] all = new Object[args.length + 2];
    all[0] = "p_workflow_id";
    all[1] = workflow;
    System.arraycopy(args, 0, all, 2, args.length);
    return UUID.fromString(operator.rpc("enqueue_job", all).asText());
  }

  List<UUID> enqueueMany(UUID workflow, int count) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(enqueue(workflow));
    }
    return ids;
  }

  JsonNode maintenance() throws SQLException {
    return operator.rpc("fleet_maintenance");
  }

  /** A column of a job row, read as the superuser. */
  Object job(UUID jobId, String column) throws SQLException {
    return db.value("SELECT " + column + " FROM public.jobs WHERE job_id = ?", jobId);
  }

  String jobStatus(UUID jobId) throws SQLException {
    return (String) job(jobId, "status");
  }

  String robotStatus(UUID robotId) throws SQLException {
    return (String) db.value("SELECT status FROM public.robots WHERE robot_id = ?", robotId);
  }

  /** Moves a job's lease into the past, as if its robot had gone quiet. */
  void expireLease(UUID jobId) throws SQLException {
    db.execute(
        "UPDATE public.jobs SET lease_expires_at = now() - interval '1 second' WHERE job_id = ?",
        jobId);
  }

  /** Makes a queued retry due now instead of after its backoff. */
  void makeDue(UUID jobId) throws SQLException {
    db.execute(
        "UPDATE public.jobs SET scheduled_time = now() - interval '1 second' WHERE job_id = ?",
        jobId);
  }
}
