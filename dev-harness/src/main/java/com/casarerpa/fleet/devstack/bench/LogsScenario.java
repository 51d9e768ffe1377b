package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.logs.LogSpool;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringReader;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * One chatty job's log lines shipped into {@code robot_logs} by the agent's log pipeline at its
 * default settings (journal, batches, {@code append_robot_logs} over REST), against a bare {@code
 * COPY} of the same number of rows (same job, same message shape) into {@code robot_logs} in the
 * same run. Counts rows and distinct messages (zero loss, no duplicates) and checks that {@code
 * seq} order follows the order the lines were appended.
 */
public final class LogsScenario implements BenchScenario {
  @Override
  public String name() {
    return "logs";
  }

  @Override
  public String summary() {
    return "one job's log lines shipped to robot_logs vs a bare COPY, same run (goal >= 0.5x COPY)";
  }

  @Override
  public String options() {
    return """
        --lines N       lines the job logs (default 100000)
        --batch N       ROBOT_LOG_BATCH_SIZE (default: the agent's default)
        --warmup N      lines shipped first, not timed (default 10000; 0 = a cold JVM)""";
  }

  @Override
  public void run(BenchRun run) throws Exception {
    int lines = run.intOption("lines", 100_000);
    int warmup = run.intOption("warmup", 10_000);
    try (BenchFleet fleet = BenchFleet.start()) {
      FleetAdmin admin = fleet.admin();
      FleetAdmin.Robot robot = admin.createRobot("bench-logs-" + UUID.randomUUID(), 1);
      AgentConfig config = fleet.agentConfig(robot).build();
      int batch = run.intOption("batch", config.logBatchSize());
      SupabaseRest rest =
          new SupabaseRest(
              SupabaseRest.httpClient(Duration.ofSeconds(30)),
              URI.create(fleet.stack().url()),
              fleet.stack().anonKey(),
              robot.key());
      rest.rpc("robot_register", Map.of("p_hostname", "bench"), RetryPolicy.ONCE);
      UUID workflow = admin.upsertWorkflow("bench-logs", BenchFleet.emptyWorkflow());
      admin.enqueue(workflow);
      JsonNode claimed = rest.rpc("claim_jobs", Map.of("p_limit", 1), RetryPolicy.ONCE);
      UUID job = UUID.fromString(claimed.get(0).get("job_id").asText());
      run.row(
          "settings",
          "batch " + batch + ", flush " + config.logFlushInterval().toMillis() + " ms",
          "");

      // the agent's path
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      LogSpool spool =
          new LogSpool(
              config.spoolDir(),
              config.spoolMaxBytes(),
              Duration.ofDays(1),
              InstantSource.system());
      spool.open();
      spool.bindRobot(robot.id());
      LogPipeline pipeline =
          new LogPipeline(
              rest,
              spool,
              InstantSource.system(),
              // 10,000 = the agent's memory queue (Agent.MEMORY_LOG_LINES)
              new LogPipeline.Settings(batch, config.logFlushInterval(), 10_000, config.logLevel()),
              metrics,
              e -> {
                throw new IllegalStateException(e);
              });
      pipeline.start();
      // the end: the pipeline's own count of lines the backend acknowledged (polling the table
      // would steal the database's time from the appends being measured); checked below
      io.micrometer.core.instrument.Counter acknowledged =
          metrics.counter("agent.log.lines.shipped");
      // warm-up, not timed: the same path first compiles (the JIT took ~4 s of the 2 cores during
      // a cold 50,000-line run; the JDBC and COPY runs below come after it, warm); source 'agent',
      // so the checks below count only the timed lines
      long warmupStart = System.nanoTime();
      for (int i = 0; i < warmup; i++) {
        pipeline.append(LogLevel.INFO, "warm-up line " + i, job, "log", "agent");
      }
      awaitAcknowledged(acknowledged, warmup);
      if (warmup > 0) {
        run.row(
            "warm-up (not timed)",
            String.format("%.0f lines/s", warmup / ((System.nanoTime() - warmupStart) / 1e9)),
            warmup + " lines, source agent");
      }
      // CPU per 1,000 lines (this JVM: agent + stack; PostgreSQL: every backend) is steadier than
      // wall time on a shared machine
      CpuClock cpu = CpuClock.of(fleet.db());
      CpuClock.Reading cpuBefore = cpu.read();
      long start = System.nanoTime();
      for (int i = 0; i < lines; i++) {
        pipeline.append(LogLevel.INFO, "chatty line " + i, job, "log", "workflow");
      }
      awaitAcknowledged(acknowledged, warmup + lines);
      double shipSeconds = (System.nanoTime() - start) / 1e9;
      CpuClock.Reading pipelineCpu = cpu.read().minus(cpuBefore);
      String count = "select count(*) from robot_logs where job_id = ? and source = 'workflow'";
      pipeline.stop(Duration.ofSeconds(10));
      spool.close();
      long stored = fleet.queryLong(count, job);
      long distinct =
          fleet.queryLong(
              "select count(distinct message) from robot_logs where job_id = ? and source = 'workflow'",
              job);
      long outOfOrder =
          fleet.queryLong(
              "select count(*) from (select split_part(message, ' ', 3)::int n,"
                  + " lag(split_part(message, ' ', 3)::int) over (order by seq) prev"
                  + " from robot_logs where job_id = ? and source = 'workflow') x where n < prev",
              job);

      // a bare COPY of the same number of rows, same job, same message shape
      cpuBefore = cpu.read();
      long copyStart = System.nanoTime();
      copy(fleet, robot, job, lines);
      double copySeconds = (System.nanoTime() - copyStart) / 1e9;
      CpuClock.Reading copyCpu = cpu.read().minus(cpuBefore);
      long copied =
          fleet.queryLong(
              "select count(*) from robot_logs where job_id = ? and source = 'system'", job);

      // where the time goes: the same RPC straight over JDBC (no HTTP, no journal, no agent)
      cpuBefore = cpu.read();
      double rpcOnly = jdbcAppend(fleet, robot, job, lines, batch);
      CpuClock.Reading rpcCpu = cpu.read().minus(cpuBefore);
      run.row("CPU, agent pipeline", pipelineCpu.per(lines / 1000.0, "1,000 lines"), "");
      run.row("CPU, append_robot_logs over JDBC", rpcCpu.per(lines / 1000.0, "1,000 lines"), "");
      run.row(
          "CPU, bare COPY", copyCpu.per(lines / 1000.0, "1,000 lines"), "includes building rows");
      run.figure("pipeline_cpu_ms_per_1000", total(pipelineCpu) / (lines / 1000.0));
      run.figure("jdbc_rpc_cpu_ms_per_1000", total(rpcCpu) / (lines / 1000.0));
      run.figure("copy_cpu_ms_per_1000", total(copyCpu) / (lines / 1000.0));

      double shipped = lines / shipSeconds;
      double bare = lines / copySeconds;
      run.row(
          "append_robot_logs over JDBC, batch " + batch,
          String.format("%.0f lines/s", rpcOnly),
          "the database's share: no HTTP, no journal");
      run.figure("jdbc_rpc_lines_per_s", rpcOnly);
      run.row(
          "agent pipeline (journal + append_robot_logs)",
          String.format("%.0f lines/s", shipped),
          String.format("%d lines in %.2f s", lines, shipSeconds));
      run.row(
          "bare COPY into robot_logs",
          String.format("%.0f lines/s", bare),
          String.format("%d rows in %.2f s", copied, copySeconds));
      run.row(
          "stored / distinct / out of order",
          stored + " / " + distinct + " / " + outOfOrder,
          "dropped " + (long) metrics.counter("agent.log.lines.dropped").count());
      run.figure("pipeline_lines_per_s", shipped);
      run.figure("copy_lines_per_s", bare);
      run.figure("batch", batch);
      run.figure("warmup_lines", warmup);
      run.figure("stored", stored);
      run.figure("distinct", distinct);
      run.figure("out_of_order", outOfOrder);
      if (stored != lines || distinct != lines || outOfOrder != 0) {
        throw new IllegalStateException(
            "lines lost, duplicated or out of order: stored "
                + stored
                + ", distinct "
                + distinct
                + ", out of order "
                + outOfOrder
                + " of "
                + lines);
      }
      run.goal("pipeline / COPY", shipped / bare, "x", 0.5, false);
    }
  }

  private static double total(CpuClock.Reading reading) {
    return reading.jvmMillis() + reading.postgresMillis();
  }

  private static void awaitAcknowledged(io.micrometer.core.instrument.Counter acknowledged, long n)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (acknowledged.count() < n && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
  }

  /** Calls append_robot_logs as the robot (PostgREST's request set-up) over one JDBC connection. */
  private static double jdbcAppend(
      BenchFleet fleet, FleetAdmin.Robot robot, UUID job, int lines, int batch) throws Exception {
    String url = fleet.stack().context().database().jdbcUrl("authenticator");
    try (Connection c = java.sql.DriverManager.getConnection(url, "authenticator", "postgres");
        java.sql.PreparedStatement setup =
            c.prepareStatement(
                "select set_config('role', 'anon', true), set_config('request.jwt.claims',"
                    + " '{\"role\":\"anon\"}', true), set_config('request.headers', ?, true)");
        java.sql.PreparedStatement call =
            c.prepareStatement("select public.append_robot_logs(?::jsonb)")) {
      c.setAutoCommit(false);
      String headers = "{\"x-robot-api-key\":\"" + robot.key() + "\"}";
      String now = Instant.now().toString();
      long start = System.nanoTime();
      for (int from = 0; from < lines; from += batch) {
        StringBuilder json = new StringBuilder("[");
        for (int i = from; i < Math.min(lines, from + batch); i++) {
          if (i > from) {
            json.append(',');
          }
          json.append("{\"id\":\"")
              .append(UUID.randomUUID())
              .append("\",\"seq\":")
              .append(i)
              .append(",\"ts\":\"")
              .append(now)
              .append("\",\"level\":\"INFO\",\"message\":\"rpc line ")
              .append(i)
              .append("\",\"job_id\":\"")
              .append(job)
              .append("\",\"node_id\":\"log\",\"source\":\"agent\"}");
        }
        json.append(']');
        setup.setString(1, headers);
        setup.executeQuery().close();
        call.setString(1, json.toString());
        call.executeQuery().close();
        c.commit();
      }
      return lines / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static void copy(BenchFleet fleet, FleetAdmin.Robot robot, UUID job, int lines)
      throws Exception {
    StringBuilder rows = new StringBuilder(lines * 160);
    Instant now = Instant.now();
    for (int i = 0; i < lines; i++) {
      rows.append(UUID.randomUUID())
          .append('\t')
          .append(robot.id())
          .append('\t')
          .append("00000000-0000-0000-0000-000000000000")
          .append('\t')
          .append(now)
          .append('\t')
          .append("INFO\tcopied line ")
          .append(i)
          .append("\tsystem\t{}\t")
          .append(job)
          .append("\tlog\t")
          .append(i)
          .append('\n');
    }
    try (Connection connection = fleet.db().getConnection()) {
      connection
          .unwrap(PGConnection.class)
          .getCopyAPI()
          .copyIn(
              "COPY robot_logs (id, robot_id, tenant_id, \"timestamp\", level, message, source, extra,"
                  + " job_id, node_id, seq) FROM STDIN",
              new StringReader(rows.toString()));
    }
  }
}
