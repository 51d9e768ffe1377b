package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Trivial jobs per second end to end: real agents in this JVM (REST claim, start, complete,
 * Realtime wake-ups, the engine) drain a queue of Start → End jobs; then, on the same database in
 * the same run, the JDBC ceiling of {@code bin/bench-rpc} (claim → start → complete straight over
 * JDBC, batched claims) drains the same number of jobs with as many robots.
 */
public final class ThroughputScenario implements BenchScenario {
  @Override
  public String name() {
    return "throughput";
  }

  @Override
  public String summary() {
    return "trivial jobs/s through the API vs the JDBC RPC ceiling, same run (goal >= 0.5x)";
  }

  @Override
  public String options() {
    return """
        --jobs N        jobs per phase (default 2000)
        --warmup N      jobs through the API fleet first, not timed (default 1000)
        --robots N      robots in each phase (default 4)
        --slots N       max_concurrent_jobs per robot (default 10)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int jobs = run.intOption("jobs", 2000);
    int warmup = run.intOption("warmup", 1000);
    int robots = run.intOption("robots", 4);
    int slots = run.intOption("slots", 10);
    try (BenchFleet fleet = BenchFleet.start()) {
      UUID workflow = fleet.admin().upsertWorkflow("bench-trivial", BenchFleet.emptyWorkflow());
      CpuClock cpu = CpuClock.of(fleet.db());
      double api;
      try (InProcessFleet agents = new InProcessFleet(fleet, "bench-api", robots, slots)) {
        run.row("API fleet", agents.size() + " agents", "");
        if (warmup > 0) {
          // untimed: the JIT compiles the stack's and the agents' hot paths first (a fleet runs
          // for days); the JDBC phase after it runs warm as well
          insertJobs(fleet, workflow, warmup);
          if (!BenchFleet.await(Duration.ofMinutes(10), () -> done(fleet) >= warmup)) {
            throw new IllegalStateException("the warm-up jobs did not complete");
          }
          fleet.execute("delete from jobs where status = 'completed'");
        }
        CpuClock.Reading before = cpu.read();
        long start = System.nanoTime();
        insertJobs(fleet, workflow, jobs);
        if (!BenchFleet.await(Duration.ofMinutes(10), () -> done(fleet) >= jobs)) {
          throw new IllegalStateException("the agents completed " + done(fleet) + " of " + jobs);
        }
        api = jobs / elapsedSeconds(fleet, start);
        CpuClock.Reading used = cpu.read().minus(before);
        run.row("API: CPU per job", used.per(jobs, "job"), "");
        run.figure("api_jvm_cpu_ms_per_job", used.jvmMillis() / jobs);
        run.figure("api_postgres_cpu_ms_per_job", used.postgresMillis() / jobs);
      }
      run.row(
          "API: " + robots + " agents x " + slots + " slots",
          String.format("%.0f jobs/s", api),
          "");
      fleet.execute("delete from jobs where status in ('completed', 'failed')");

      List<BenchRobot> jdbc = new ArrayList<>();
      String url = fleet.stack().context().database().jdbcUrl("authenticator");
      for (int i = 0; i < robots; i++) {
        FleetAdmin.Robot robot =
            fleet.admin().createRobot("bench-jdbc-" + i + "-" + UUID.randomUUID(), slots);
        jdbc.add(new BenchRobot(url, robot.key()));
      }
      ExecutorService pool = Executors.newFixedThreadPool(robots);
      double ceiling;
      try {
        insertJobs(fleet, workflow, jobs);
        CpuClock.Reading before = cpu.read();
        long start = System.nanoTime();
        List<Future<Integer>> drained = new ArrayList<>();
        for (BenchRobot robot : jdbc) {
          drained.add(pool.submit(() -> drain(robot, slots)));
        }
        int cycles = 0;
        for (Future<Integer> f : drained) {
          cycles += f.get();
        }
        ceiling = cycles / ((System.nanoTime() - start) / 1e9);
        CpuClock.Reading used = cpu.read().minus(before);
        run.row("JDBC: CPU per job", used.per(cycles, "job"), "");
        run.figure("jdbc_postgres_cpu_ms_per_job", used.postgresMillis() / cycles);
        if (cycles != jobs) {
          throw new IllegalStateException("the JDBC robots drained " + cycles + " of " + jobs);
        }
      } finally {
        pool.shutdownNow();
        for (BenchRobot robot : jdbc) {
          robot.close();
        }
      }
      run.row(
          "JDBC ceiling: " + robots + " robots, p_limit " + slots,
          String.format("%.0f jobs/s", ceiling),
          "");
      run.figure("api_jobs_per_s", api);
      run.figure("jdbc_ceiling_jobs_per_s", ceiling);
      run.goal("API / JDBC ceiling", api / ceiling, "x", 0.5, false);
    }
  }

  private static int drain(BenchRobot robot, int limit) throws Exception {
    int cycles = 0;
    while (true) {
      List<String[]> claimed = robot.claim(limit);
      if (claimed.isEmpty()) {
        return cycles;
      }
      for (String[] job : claimed) {
        robot.start(job);
        robot.complete(job);
        cycles++;
      }
    }
  }

  /**
   * From the jobs' insert to the last completion, on the database's clock (the wait that noticed
   * the end polls every 100 ms at most, too coarse for a figure); the local clock if no job has
   * both.
   */
  private static double elapsedSeconds(BenchFleet fleet, long startNanos) throws Exception {
    String seconds =
        fleet.queryString(
            "select extract(epoch from (max(completed_at) - min(created_at)))::text from jobs"
                + " where status = 'completed'");
    return seconds == null ? (System.nanoTime() - startNanos) / 1e9 : Double.parseDouble(seconds);
  }

  /** Bulk-inserts queued jobs, as an operator's batch enqueue would (each row fires job_queued). */
  static void insertJobs(BenchFleet fleet, UUID workflow, int jobs) throws Exception {
    fleet.execute(
        "insert into jobs (workflow_id, workflow_name, status, priority)"
            + " select ?, 'bench-trivial', 'queued', 10 from generate_series(1, ?)",
        workflow,
        jobs);
  }

  private static long done(BenchFleet fleet) {
    try (Connection c = fleet.db().getConnection();
        PreparedStatement s =
            c.prepareStatement("select count(*) from jobs where status = 'completed'");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
