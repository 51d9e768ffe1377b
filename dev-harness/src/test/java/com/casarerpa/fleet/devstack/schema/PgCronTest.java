package com.casarerpa.fleet.devstack.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.casarerpa.fleet.migrate.Migration;
import com.casarerpa.fleet.migrate.MigrationRunner;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migrations' pg_cron path for real, on the system's PostgreSQL 15 with Debian's pg_cron (the
 * embedded binaries have none): the jobs they schedule, and maintenance fired by a real cron tick
 * rescuing jobs, marking a silent robot offline, promoting a {@code pending} job and firing a due
 * schedule, with no robot and no caller involved. Runs in the PostgreSQL 15 schema run only (the
 * build sets {@value #RUN_PROPERTY}).
 */
@EnabledIfSystemProperty(
    named = PgCronTest.RUN_PROPERTY,
    matches = "true",
    disabledReason = "runs in the PostgreSQL 15 schema run (profile schema-tests-postgres15)")
class PgCronTest {
  static final String RUN_PROPERTY = "casare.test.pgCron";
  private static final String REALTIME_AND_CRON = "20260101000009";

  @RegisterExtension static final SchemaDatabase db = SchemaDatabase.systemPostgres15WithPgCron();

  private record CronJob(long id, String name, String schedule, String command, String database) {}

  private static List<CronJob> casareJobs() throws SQLException {
    List<CronJob> jobs = new ArrayList<>();
    try (Connection c = db.admin().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT jobid, jobname, schedule, command, database FROM cron.job"
                    + " WHERE jobname LIKE 'casare-%' AND active ORDER BY jobname")) {
      while (rs.next()) {
        jobs.add(
            new CronJob(
                rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    }
    return jobs;
  }

  /** pg_cron takes "N seconds" schedules from 1.5 on; older versions only cron syntax. */
  private static boolean takesSeconds() throws SQLException {
    String version =
        (String) db.value("SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'");
    String[] parts = version.split("[.-]");
    int major = Integer.parseInt(parts[0]);
    int minor = Integer.parseInt(parts[1]);
    return major > 1 || minor >= 5;
  }

  @Test
  void the_migrations_schedule_maintenance_retention_and_history_cleanup() throws Exception {
    String maintenance = takesSeconds() ? "10 seconds" : "* * * * *";

    List<CronJob> jobs = casareJobs();

    assertThat(jobs)
        .extracting(CronJob::name, CronJob::schedule, CronJob::database)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "casare-cron-history-cleanup", "23 3 * * *", "postgres"),
            org.assertj.core.groups.Tuple.tuple(
                "casare-fleet-maintenance", maintenance, "postgres"),
            org.assertj.core.groups.Tuple.tuple(
                "casare-robot-logs-retention", "17 2 * * *", "postgres"));
    assertThat(jobs.get(1).command()).isEqualTo("SELECT public.fleet_maintenance()");
    assertThat(jobs.get(2).command()).contains("drop_old_robot_logs_partitions");
    assertThat(jobs.get(0).command()).contains("DELETE FROM cron.job_run_details");

    Migration cron =
        MigrationRunner.fromClasspath().stream()
            .filter(m -> m.version().equals(REALTIME_AND_CRON))
            .findFirst()
            .orElseThrow();
    new MigrationRunner(db.admin()).execute("again: " + cron.fileName(), cron.sql());
    assertThat(casareJobs()).as("applied again: the same jobs, none added").isEqualTo(jobs);
  }

  @Test
  void a_cron_tick_runs_maintenance_which_rescues_promotes_and_fires_schedules() throws Exception {
    Timestamp setUp = (Timestamp) db.value("SELECT clock_timestamp()");
    Fleet fleet = new Fleet(db);
    UUID workflow = fleet.workflow();
    // a robot that went silent holding a job
    TestRobot silent = fleet.robot();
    UUID held = fleet.enqueue(workflow);
    assertThat(TestRobot.jobId(silent.claimOne())).isEqualTo(held);
    db.execute(
        "UPDATE robots SET last_heartbeat = now() - interval '1 hour',"
            + " last_seen = now() - interval '1 hour' WHERE robot_id = ?",
        silent.id);
    // a job inserted as a dashboard does, with the table's default status (pending)
    UUID pending =
        UUID.fromString(
            (String)
                fleet
                    .operator
                    .select(
                        "INSERT INTO jobs (workflow_id, tenant_id) VALUES (?::uuid, ?::uuid)"
                            + " RETURNING job_id::text",
                        workflow,
                        fleet.tenant)
                    .get(0)
                    .get("job_id"));
    // a schedule that is due
    String schedule =
        (String)
            fleet
                .operator
                .select(
                    "INSERT INTO schedules (workflow_id, schedule_name, cron_expression)"
                        + " VALUES (?::uuid, ?, '0 * * * *') RETURNING schedule_id::text",
                    workflow,
                    "cron-" + UUID.randomUUID())
                .get(0)
                .get("schedule_id");
    db.execute(
        "UPDATE schedules SET next_run_at = now() - interval '1 second'"
            + " WHERE schedule_id = ?::uuid",
        schedule);

    // nobody calls maintenance here: only pg_cron does (a cron tick is at most a minute away,
    // later on a loaded machine; one tick may fall in the middle of the set-up, hence two)
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                "offline".equals(fleet.robotStatus(silent.id))
                    && "queued".equals(fleet.jobStatus(held))
                    && "queued".equals(fleet.jobStatus(pending))
                    && db.count(
                            "SELECT count(*) FROM jobs WHERE metadata ->> 'schedule_id' = ?",
                            schedule)
                        == 1);

    assertThat(fleet.job(held, "error_details->>'reason'")).isEqualTo("robot_offline");
    assertThat(db.value("SELECT run_count FROM schedules WHERE schedule_id = ?::uuid", schedule))
        .isEqualTo(1);
    assertThat(
            db.count(
                "SELECT count(*) FROM cron.job_run_details d JOIN cron.job j USING (jobid)"
                    + " WHERE j.jobname = 'casare-fleet-maintenance' AND d.status = 'succeeded'"
                    + " AND d.start_time >= ?",
                setUp))
        .as("pg_cron ran it, and it succeeded")
        .isGreaterThanOrEqualTo(1);
    assertThat(
            (Boolean)
                db.value("SELECT last_run_at >= ? FROM fleet_maintenance_state WHERE id", setUp))
        .isTrue();
  }
}
