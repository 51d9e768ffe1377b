package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.agent.Agent;
import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.jobs.EngineExecutor;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.logs.LogSpool;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The robot agent's figures against an ephemeral local stack: enqueue → claim latency with Realtime
 * wake-ups and with polling only, log lines per second shipped with zero loss, start → online time
 * and idle RSS of a real agent process. Prints and appends to {@code results/bench-agent.txt}.
 *
 * <p>{@code bin/bench-agent [jobs=100] [pollJobs=20] [logLines=100000]}
 */
public final class AgentBenchmark {
  private static final Path RESULTS = Path.of("results", "bench-agent.txt");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalStack stack;
  private final FleetAdmin admin;
  private final DataSource db;
  private final Path work;
  private final List<String> report = new ArrayList<>();

  private AgentBenchmark(LocalStack stack, Path work) {
    this.stack = stack;
    this.admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
    this.db = stack.context().adminPool();
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int pollJobs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int logLines = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    Path work = Files.createTempDirectory("bench-agent");
    try (LocalStack stack = LocalStack.start(StackSettings.ephemeral())) {
      AgentBenchmark bench = new AgentBenchmark(stack, work);
      bench.line(
          "# "
              + Instant.now()
              + " bench-agent jobs="
              + jobs
              + " pollJobs="
              + pollJobs
              + " logLines="
              + logLines
              + " cpus="
              + Runtime.getRuntime().availableProcessors()
              + " java="
              + Runtime.version());
      bench.dispatch("wake-up", jobs, true);
      bench.dispatch("poll-only (JOB_POLL_INTERVAL=1s)", pollJobs, false);
      bench.logThroughput(logLines);
      bench.processStart(3);
      bench.save();
    }
    System.exit(0);
  }

  private AgentConfig.Builder agentConfig(FleetAdmin.Robot robot) {
    return AgentConfig.builder(URI.create(stack.url()), stack.anonKey(), robot.key())
        .dataDir(work.resolve(robot.name()))
        .opsPort(AgentConfig.OPS_DISABLED)
        .jobPollInterval(Duration.ofSeconds(1));
  }

  /** Enqueue one job at a time into an idle robot; latency = claimed_at - created_at (DB clock). */
  private void dispatch(String mode, int jobs, boolean wakeups) throws Exception {
    FleetAdmin.Robot robot = admin.createRobot("bench-" + UUID.randomUUID(), 1);
    AgentConfig config = agentConfig(robot).wakeups(wakeups).build();
    Agent agent = new Agent(config, EngineExecutor.standard(work.resolve("engine")));
    agent.start();
    try {
      Thread.sleep(2000);
      UUID workflow = admin.upsertWorkflow("bench-empty-" + UUID.randomUUID(), emptyWorkflow());
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < jobs + 5; i++) {
        UUID job = admin.enqueue(workflow);
        waitForEnd(job);
        if (i >= 5) {
          millis.add(claimLatencyMillis(job));
        }
        Thread.sleep(50);
      }
      Collections.sort(millis);
      line(
          String.format(
              "dispatch %-34s n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms",
              mode,
              millis.size(),
              percentile(millis, 50),
              percentile(millis, 90),
              percentile(millis, 99),
              millis.getLast()));
    } finally {
      agent.close(Duration.ofSeconds(20));
    }
  }

  private static JsonNode emptyWorkflow() throws IOException {
    return JSON.readTree(
        "{\"metadata\":{\"name\":\"empty\"},\"nodes\":{"
            + "\"start\":{\"node_id\":\"start\",\"node_type\":\"StartNode\",\"config\":{}},"
            + "\"end\":{\"node_id\":\"end\",\"node_type\":\"EndNode\",\"config\":{}}},"
            + "\"connections\":[{\"source_node\":\"start\",\"source_port\":\"exec_out\","
            + "\"target_node\":\"end\",\"target_port\":\"exec_in\"}]}");
  }

  private void waitForEnd(UUID job) throws Exception {
    Instant end = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(end)) {
      String status = queryString("select status from jobs where job_id = ?", job);
      if ("completed".equals(status) || "failed".equals(status)) {
        return;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("job " + job + " did not end within 60 s");
  }

  private double claimLatencyMillis(UUID job) throws SQLException {
    return Double.parseDouble(
        queryString(
            "select extract(epoch from (claimed_at - created_at)) * 1000 from jobs where job_id = ?",
            job));
  }

  /** Appends lines as fast as the pipeline accepts them; done when all are rows, once each. */
  private void logThroughput(int lines) throws Exception {
    FleetAdmin.Robot robot = admin.createRobot("bench-logs-" + UUID.randomUUID(), 1);
    AgentConfig config = agentConfig(robot).build();
    SupabaseRest rest =
        new SupabaseRest(
            SupabaseRest.httpClient(Duration.ofSeconds(30)),
            URI.create(stack.url()),
            stack.anonKey(),
            robot.key());
    for (int batch : new int[] {200, 1000}) {
      UUID jobTag = UUID.randomUUID();
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      LogSpool spool =
          new LogSpool(
              config.spoolDir().resolve("b" + batch),
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
              new LogPipeline.Settings(batch, Duration.ofMillis(200), 10_000, LogLevel.TRACE),
              metrics,
              e -> {
                throw new IllegalStateException(e);
              });
      pipeline.start();
      long start = System.nanoTime();
      for (int i = 0; i < lines; i++) {
        pipeline.append(LogLevel.INFO, "bench line " + i + " " + jobTag, null, "bench", "bench");
      }
      long stored;
      do {
        Thread.sleep(20);
        stored = countLines(jobTag);
      } while (stored < lines && System.nanoTime() - start < TimeUnit.MINUTES.toNanos(5));
      double seconds = (System.nanoTime() - start) / 1e9;
      pipeline.stop(Duration.ofSeconds(5));
      long distinct = countDistinctLines(jobTag);
      line(
          String.format(
              "logs batch=%-4d lines=%d stored=%d distinct=%d dropped=%.0f spooled=%.0f in %.2f s"
                  + " = %.0f lines/s",
              batch,
              lines,
              stored,
              distinct,
              metrics.counter("agent.log.lines.dropped").count(),
              metrics.counter("agent.log.lines.spooled").count(),
              seconds,
              lines / seconds));
    }
  }

  private long countLines(UUID tag) throws SQLException {
    return Long.parseLong(
        queryString("select count(*) from robot_logs where message like '%' || ?", tag));
  }

  private long countDistinctLines(UUID tag) throws SQLException {
    return Long.parseLong(
        queryString(
            "select count(distinct message) from robot_logs where message like '%' || ?", tag));
  }

  /** A real agent JVM: start → online (robots.status written by robot_register), idle RSS. */
  private void processStart(int runs) throws Exception {
    for (int run = 0; run < runs; run++) {
      FleetAdmin.Robot robot = admin.createRobot("bench-proc-" + UUID.randomUUID(), 1);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx128m");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("com.casarerpa.fleet.agent.cli.AgentMain");
      command.add("run");
      command.add("--config");
      command.add("/dev/null");
      Map.of(
              "SUPABASE_URL", stack.url(),
              "SUPABASE_ANON_KEY", stack.anonKey(),
              "ROBOT_API_KEY", robot.key(),
              "ROBOT_DATA_DIR", work.resolve(robot.name()).toString(),
              "ROBOT_OPS_PORT", "off",
              "JOB_POLL_INTERVAL", "1s")
          .forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
      Path log = work.resolve("proc-" + run + ".log");
      long start = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        while (!"online"
            .equals(queryString("select status from robots where robot_id = ?", robot.id()))) {
          if (!process.isAlive() || System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
            throw new IllegalStateException("agent did not come online: " + Files.readString(log));
          }
          Thread.sleep(10);
        }
        double online = (System.nanoTime() - start) / 1e6;
        Thread.sleep(15_000);
        long rssKb = rssKb(process.pid());
        line(
            String.format(
                "process run %d: start->online %.0f ms; idle RSS after 15 s %d MiB (-Xmx128m)",
                run + 1, online, rssKb / 1024));
      } finally {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private String queryString(String sql, UUID param) throws SQLException {
    try (Connection connection = db.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (sql.contains("like")) {
        statement.setString(1, param.toString());
      } else {
        statement.setObject(1, param);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private void line(String text) {
    System.out.println(text);
    report.add(text);
  }

  private void save() throws IOException {
    Files.createDirectories(RESULTS.getParent());
    Files.writeString(
        RESULTS,
        String.join("\n", report) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
