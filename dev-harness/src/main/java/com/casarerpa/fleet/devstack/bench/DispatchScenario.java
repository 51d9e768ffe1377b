package com.casarerpa.fleet.devstack.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Enqueue → claim latency ({@code jobs.claimed_at − jobs.created_at}, both the database's clock) of
 * real agents in this JVM at default settings (Realtime wake-ups): first idle, one job at a time;
 * then while trivial jobs arrive at {@code --rate} per second, every job of the measured window
 * counted.
 */
public final class DispatchScenario implements BenchScenario {
  @Override
  public String name() {
    return "dispatch";
  }

  @Override
  public String summary() {
    return "enqueue -> claim latency, idle and while the fleet runs --rate jobs/s (goal p50 <= 10 ms, p99 <= 50 ms)";
  }

  @Override
  public String options() {
    return """
        --idle-jobs N   jobs enqueued one at a time into the idle fleet (default 50)
        --rate N        jobs/s enqueued during the loaded phase (default 100)
        --seconds N     length of the measured loaded phase (default 20)
        --warmup N      seconds at --rate before it, not measured (default 15)
        --robots N      agents (default 2)
        --slots N       max_concurrent_jobs per agent (default 10)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int idleJobs = run.intOption("idle-jobs", 50);
    int rate = run.intOption("rate", 100);
    int seconds = run.intOption("seconds", 20);
    int warmup = run.intOption("warmup", 15);
    int robots = run.intOption("robots", 2);
    int slots = run.intOption("slots", 10);
    try (BenchFleet fleet = BenchFleet.start();
        InProcessFleet agents = new InProcessFleet(fleet, "bench-dispatch", robots, slots)) {
      run.row("fleet", agents.size() + " agents x " + slots + " slots", "");
      UUID workflow = fleet.admin().upsertWorkflow("bench-trivial", BenchFleet.emptyWorkflow());
      // idle: one job at a time
      String idleTag = "idle-" + UUID.randomUUID();
      for (int i = 0; i < idleJobs + 5; i++) {
        UUID job = enqueue(fleet, workflow, i < 5 ? "warmup" : idleTag);
        BenchFleet.await(Duration.ofSeconds(30), () -> "completed".equals(status(fleet, job)));
        Thread.sleep(50);
      }
      report(run, "idle", latencies(fleet, idleTag));

      if (rate > 0) {
        String loadTag = "load-" + UUID.randomUUID();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<String> tag = new AtomicReference<>("warmup");
        CpuClock cpu = CpuClock.of(fleet.db());
        String completed = "select count(*) from jobs where status = 'completed'";
        CpuClock.Reading before;
        CpuClock.Reading used;
        long doneBefore;
        long doneAfter;
        long backlog;
        try {
          pacer.scheduleAtFixedRate(
              () -> {
                try {
                  enqueue(fleet, workflow, tag.get());
                } catch (Exception e) {
                  System.err.println("enqueue failed: " + e);
                }
              },
              0,
              1_000_000L / rate,
              TimeUnit.MICROSECONDS);
          // warm-up at the same rate: the JIT compiles the hot paths of the stack and the agents
          // (a fleet runs for days; its first seconds are not what it costs)
          Thread.sleep(warmup * 1000L);
          tag.set(loadTag);
          before = cpu.read();
          doneBefore = count(fleet, completed);
          Thread.sleep(seconds * 1000L);
          used = cpu.read().minus(before);
          doneAfter = count(fleet, completed);
          tag.set("cooldown");
          backlog = count(fleet, "select count(*) from jobs where status = 'queued'");
        } finally {
          pacer.shutdownNow();
          pacer.awaitTermination(10, TimeUnit.SECONDS);
        }
        BenchFleet.await(
            Duration.ofSeconds(120),
            () ->
                count(
                        fleet,
                        "select count(*) from jobs where status in ('queued', 'claimed', 'running')")
                    == 0);
        long done = doneAfter - doneBefore;
        double achieved = done / (double) seconds;
        run.row(
            "loaded: jobs completed per second",
            String.format(Locale.ROOT, "%.1f jobs/s", achieved),
            "offered "
                + rate
                + "/s for "
                + seconds
                + " s after "
                + warmup
                + " s of warm-up; "
                + backlog
                + " queued at the end");
        run.figure("loaded_completed_per_s", achieved);
        run.figure("loaded_backlog_at_end", backlog);
        run.row(
            "loaded: CPU per completed job (stack + agents, database)",
            used.per(Math.max(1, done), "job"),
            "");
        run.figure("loaded_jvm_cpu_ms_per_job", used.jvmMillis() / Math.max(1, done));
        run.figure("loaded_postgres_cpu_ms_per_job", used.postgresMillis() / Math.max(1, done));
        List<Double> loaded = latencies(fleet, loadTag);
        report(run, "loaded", loaded);
        reportSlotTime(run, fleet, loadTag);
        run.goal("p50 while loaded", Bench.percentile(loaded, 50), "ms", 10, true);
        run.goal("p99 while loaded", Bench.percentile(loaded, 99), "ms", 50, true);
      }
    }
  }

  private static void report(BenchRun run, String phase, List<Double> millis) {
    if (millis.isEmpty()) {
      throw new IllegalStateException("no " + phase + " job was claimed");
    }
    run.row(
        phase + ": enqueue -> claim (n=" + millis.size() + ")",
        String.format(
            Locale.ROOT,
            "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
            Bench.percentile(millis, 50),
            Bench.percentile(millis, 90),
            Bench.percentile(millis, 99),
            Bench.percentile(millis, 100)),
        "");
    run.figure(phase + "_p50_ms", Bench.percentile(millis, 50));
    run.figure(phase + "_p99_ms", Bench.percentile(millis, 99));
  }

  /** One queued job, inserted as the operator's enqueue does (the insert fires job_queued). */
  private static UUID enqueue(BenchFleet fleet, UUID workflow, String tag) throws Exception {
    return UUID.fromString(
        fleet.queryString(
            "insert into jobs (workflow_id, workflow_name, status, priority) values (?, ?, 'queued', 10)"
                + " returning job_id",
            workflow,
            tag));
  }

  /**
   * Where a loaded job's time goes after its claim: claim → start and start → end (database clock),
   * which bound how many jobs the fleet's slots can take per second.
   */
  private static void reportSlotTime(BenchRun run, BenchFleet fleet, String tag) throws Exception {
    String sql =
        "select percentile_cont(0.5) within group (order by extract(epoch from (started_at -"
            + " claimed_at)) * 1000), percentile_cont(0.5) within group (order by extract(epoch"
            + " from (completed_at - started_at)) * 1000) from jobs where workflow_name = ? and"
            + " status = 'completed'";
    try (Connection c = fleet.db().getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, tag);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        run.row(
            "loaded: claim -> start, start -> end (p50)",
            String.format(Locale.ROOT, "%.1f ms, %.1f ms", rs.getDouble(1), rs.getDouble(2)),
            "");
        run.figure("loaded_claim_to_start_p50_ms", rs.getDouble(1));
        run.figure("loaded_start_to_end_p50_ms", rs.getDouble(2));
      }
    }
  }

  private static List<Double> latencies(BenchFleet fleet, String tag) throws Exception {
    List<Double> millis = new ArrayList<>();
    try (Connection c = fleet.db().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select extract(epoch from (claimed_at - created_at)) * 1000 from jobs"
                    + " where workflow_name = ? and claimed_at is not null")) {
      s.setString(1, tag);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          millis.add(rs.getDouble(1));
        }
      }
    }
    return millis;
  }

  private static String status(BenchFleet fleet, UUID job) {
    try {
      return fleet.queryString("select status from jobs where job_id = ?", job);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(BenchFleet fleet, String sql) {
    try {
      return fleet.queryLong(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
