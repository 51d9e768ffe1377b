package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Schedules fire jobs with no orchestrator: whoever runs maintenance fires what is due, exactly
 * once per due time, honouring the schedule's time zone, with at most one catch-up run after
 * downtime. The clock is driven through {@code fire_due_schedules(p_now)}; nothing waits for real
 * minutes.
 */
class SchedulesTest {
  @RegisterExtension static final SchemaDatabase db = new SchemaDatabase();

  private static UUID schedule(Fleet fleet, UUID workflow, String cron, String zone)
      throws Exception {
    List<Map<String, Object>> rows =
        fleet.operator.select(
            "INSERT INTO schedules (workflow_id, schedule_name, cron_expression, timezone, metadata)"
                + " VALUES (?::uuid, ?, ?, ?, '{\"priority\": 15, \"payload\": {\"x\": 1}}')"
                + " RETURNING schedule_id::text",
            workflow,
            "s-" + UUID.randomUUID(),
            cron,
            zone);
    return UUID.fromString((String) rows.get(0).get("schedule_id"));
  }

  private static Instant nextRun(UUID schedule) throws Exception {
    return instant(db.value("SELECT next_run_at FROM schedules WHERE schedule_id = ?", schedule));
  }

  private static Instant instant(Object value) {
    return value instanceof java.sql.Timestamp t
        ? t.toInstant()
        : ((OffsetDateTime) value).toInstant();
  }

  private static List<Map<String, Object>> jobsOf(Fleet fleet, UUID schedule) throws Exception {
    return fleet.operator.select(
        "SELECT (metadata ->> 'due_at')::timestamptz AS due_at, status, priority,"
            + " payload::text AS payload, (metadata ->> 'missed_runs')::int AS missed"
            + " FROM jobs WHERE metadata ->> 'schedule_id' = ? ORDER BY 1",
        schedule.toString());
  }

  @Test
  void an_every_minute_schedule_fires_exactly_once_per_minute_across_three_agents()
      throws Exception {
    Fleet fleet = new Fleet(db);
    UUID schedule = schedule(fleet, fleet.workflow(), "* * * * *", "UTC");
    Instant first = nextRun(schedule);
    assertThat(first.getEpochSecond() % 60).as("due on a minute boundary").isZero();
    // the other tests' schedules are due at real times of day, which the driven window may cover
    db.execute("UPDATE schedules SET enabled = false WHERE schedule_id <> ?", schedule);

    int agents = 3;
    int steps = 6 * 5 + 3; // every 10 s of a driven clock for 5.5 minutes
    CyclicBarrier together = new CyclicBarrier(agents);
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    try {
      List<Future<Integer>> fired = new ArrayList<>();
      for (int a = 0; a < agents; a++) {
        Postgrest.Session agent = db.postgrest().serviceRole();
        fired.add(
            pool.submit(
                () -> {
                  int mine = 0;
                  for (int step = 0; step < steps; step++) {
                    String now = first.plusSeconds(10L * step - 5).toString();
                    together.await();
                    mine += agent.rpc("fire_due_schedules", "p_now", now).asInt();
                  }
                  return mine;
                }));
      }
      int total = 0;
      for (Future<Integer> f : fired) {
        total += f.get();
      }
      List<Map<String, Object>> jobs = jobsOf(fleet, schedule);
      // the driven clock ends at first + 10 * (steps - 1) - 5 s = first + 5 min 15 s: six due times
      assertThat(jobs).hasSize(6);
      assertThat(total).isEqualTo(6);
      for (int i = 0; i < jobs.size(); i++) {
        Instant due = instant(jobs.get(i).get("due_at"));
        assertThat(due).isEqualTo(first.plus(Duration.ofMinutes(i)));
        assertThat(jobs.get(i).get("status")).isEqualTo("queued");
        assertThat(jobs.get(i).get("priority")).isEqualTo(15);
        assertThat(jobs.get(i).get("missed")).isEqualTo(0);
      }
      Map<String, Object> row =
          fleet
              .operator
              .select(
                  "SELECT run_count, last_run_at, next_run_at FROM schedules WHERE schedule_id = ?::uuid",
                  schedule)
              .get(0);
      assertThat(row.get("run_count")).isEqualTo(6);
      assertThat(instant(row.get("next_run_at"))).isEqualTo(first.plus(Duration.ofMinutes(6)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void after_downtime_a_schedule_fires_one_catch_up_run_then_resumes_on_time() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID schedule = schedule(fleet, fleet.workflow(), "*/5 * * * *", "UTC");
    Instant first = nextRun(schedule);
    Instant afterOutage = first.plus(Duration.ofMinutes(42));
    assertThat(fleet.operator.rpc("fire_due_schedules", "p_now", afterOutage.toString()).asInt())
        .isEqualTo(1);
    assertThat(
            fleet
                .operator
                .rpc("fire_due_schedules", "p_now", afterOutage.plusSeconds(30).toString())
                .asInt())
        .isZero();
    List<Map<String, Object>> jobs = jobsOf(fleet, schedule);
    assertThat(jobs).hasSize(1);
    assertThat(jobs.get(0).get("missed")).as("due times 5..40 min after the first").isEqualTo(8);
    assertThat(nextRun(schedule)).isEqualTo(first.plus(Duration.ofMinutes(45)));
  }

  @Test
  void the_schedules_time_zone_decides_the_wall_clock_time() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID schedule = schedule(fleet, fleet.workflow(), "30 9 * * MON-FRI", "Europe/Istanbul");
    OffsetDateTime next = nextRun(schedule).atOffset(ZoneOffset.UTC);
    assertThat(next.getHour()).as("09:30 in Istanbul (UTC+3) is 06:30 UTC").isEqualTo(6);
    assertThat(next.getMinute()).isEqualTo(30);
    assertThat(next.getDayOfWeek().getValue()).isBetween(1, 5);
    assertThat(
            db.value(
                "SELECT cron_next_run('0 2 * * *', '2026-03-29 00:30:00+00', 'Europe/Berlin')"
                    + "::text"))
        .as("02:00 does not exist in Berlin on 29 March 2026: it runs at 03:00 CEST")
        .isEqualTo("2026-03-29 01:00:00+00");
  }

  @Test
  void a_bad_expression_or_time_zone_is_refused_with_what_is_wrong() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    assertThat(
            Refusals.refusedWith(
                Refusals.BAD_ARGUMENT, () -> schedule(fleet, workflow, "61 * * * *", "UTC")))
        .contains("cron value 61 is outside 0-59");
    assertThat(
            Refusals.refusedWith(
                Refusals.BAD_ARGUMENT, () -> schedule(fleet, workflow, "* * * *", "UTC")))
        .contains("needs 5 fields");
    assertThat(
            Refusals.refusedWith(
                Refusals.BAD_ARGUMENT, () -> schedule(fleet, workflow, "0 0 30 2 *", "UTC")))
        .contains("never matches");
    assertThat(
            Refusals.refusedWith(
                Refusals.BAD_ARGUMENT, () -> schedule(fleet, workflow, "* * * * *", "Mars/Base")))
        .contains("unknown time zone \"Mars/Base\"");
  }

  @Test
  void maintenance_fires_due_schedules_for_the_service_role_and_for_robots() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    UUID byOperator = schedule(fleet, workflow, "0 * * * *", "UTC");
    db.execute(
        "UPDATE schedules SET next_run_at = now() - interval '1 second' WHERE schedule_id = ?",
        byOperator);
    JsonNode result = fleet.operator.rpc("fleet_maintenance");
    assertThat(result.get("schedules_fired").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(jobsOf(fleet, byOperator)).hasSize(1);

    UUID byRobot = schedule(fleet, workflow, "0 * * * *", "UTC");
    db.execute(
        "UPDATE schedules SET next_run_at = now() - interval '1 second' WHERE schedule_id = ?",
        byRobot);
    db.execute(
        "UPDATE fleet_maintenance_state SET last_run_at = now() - interval '1 hour' WHERE id");
    TestRobot robot = fleet.robot();
    assertThat(robot.session.rpc("robot_fleet_maintenance").get("ran").asBoolean()).isTrue();
    assertThat(jobsOf(fleet, byRobot)).hasSize(1);
    assertThat(robot.claimOne()).as("the scheduled jobs are claimable").isNotNull();
  }

  @Test
  void a_job_inserted_with_the_default_status_pending_is_promoted_and_claimable() throws Exception {
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    TestRobot robot = fleet.robot();
    UUID job =
        UUID.fromString(
            (String)
                fleet
                    .operator
                    .select(
                        "INSERT INTO jobs (workflow_id, tenant_id) VALUES (?::uuid, ?::uuid)"
                            + " RETURNING job_id::text, status",
                        workflow,
                        fleet.tenant)
                    .get(0)
                    .get("job_id"));
    assertThat(db.value("SELECT status FROM jobs WHERE job_id = ?", job)).isEqualTo("pending");
    assertThat(robot.claim(1)).as("pending is not in the queue yet").isEmpty();
    JsonNode result = fleet.operator.rpc("fleet_maintenance");
    assertThat(result.get("pending_promoted").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(TestRobot.jobId(robot.claimOne())).isEqualTo(job);
  }
}
