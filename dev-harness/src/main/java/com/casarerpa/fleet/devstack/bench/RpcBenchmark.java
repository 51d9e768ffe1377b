package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.migrate.MigrationRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ceiling of our own RPCs: claim -> start -> complete cycles per second, straight over JDBC on
 * the embedded database, for 1, 4 and 16 concurrent robots, claiming one job at a time or ten. Each
 * robot drains a shared queue of {@code --jobs} jobs; a cycle is one job claimed, started and
 * completed, each RPC its own transaction set up as PostgREST does. Not a test: it prints numbers
 * and appends them to {@code results/rpc-benchmark.txt}.
 *
 * <p>Each scenario runs {@code --repeat} times on a fresh queue; the line shows the median and the
 * best run (the machine is shared, so the spread says how noisy the figure is).
 *
 * <p>Usage: {@code bin/bench-rpc [--jobs N] [--robots 1,4,16] [--warmup N] [--repeat N]}
 */
public final class RpcBenchmark {
  private static final Path RESULTS = Path.of("results", "rpc-benchmark.txt");
  private static final AtomicInteger ROBOT_NAMES = new AtomicInteger();

  private final EmbeddedDatabase database;
  private final String workflowId;

  private RpcBenchmark(EmbeddedDatabase database, String workflowId) {
    this.database = database;
    this.workflowId = workflowId;
  }

  public static void main(String[] args) throws Exception {
    int jobs = intOption(args, "--jobs", 3000);
    int warmup = intOption(args, "--warmup", 300);
    int repeat = intOption(args, "--repeat", 3);
    List<Integer> robotCounts = listOption(args, "--robots", List.of(1, 4, 16));
    try (EmbeddedDatabase database = EmbeddedDatabase.startEphemeral()) {
      MigrationRunner runner = new MigrationRunner(database.superuserDataSource());
      runner.applyLocalPlatformBootstrap();
      runner.migrate(MigrationRunner.fromClasspath());
      RpcBenchmark bench = new RpcBenchmark(database, createWorkflow(database));
      List<String> lines = new ArrayList<>();
      lines.add(header(database, jobs));
      bench.run(1, 1, warmup);
      for (int limit : List.of(1, 10)) {
        for (int robots : robotCounts) {
          lines.add("# loadavg before: " + loadAverage());
          List<Result> results = new ArrayList<>();
          for (int i = 0; i < repeat; i++) {
            results.add(bench.run(robots, limit, jobs));
          }
          String line = Result.summary(results);
          System.out.println(line);
          lines.add(line);
        }
      }
      append(lines);
    }
  }

  private Result run(int robots, int limit, int jobs) throws Exception {
    reset(jobs);
    List<BenchRobot> fleet = new ArrayList<>();
    for (int i = 0; i < robots; i++) {
      fleet.add(new BenchRobot(database.jdbcUrl("authenticator"), createRobot(limit)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(robots, benchThreads());
    try {
      List<Future<Integer>> done = new ArrayList<>();
      long began = System.nanoTime();
      for (BenchRobot robot : fleet) {
        done.add(pool.submit(drain(robot, limit)));
      }
      int cycles = 0;
      for (Future<Integer> future : done) {
        cycles += future.get(30, TimeUnit.MINUTES);
      }
      long elapsed = System.nanoTime() - began;
      long calls = fleet.stream().mapToLong(BenchRobot::rpcCalls).sum();
      long nanos = fleet.stream().mapToLong(BenchRobot::rpcNanos).sum();
      if (cycles != jobs) {
        throw new IllegalStateException("drained " + cycles + " of " + jobs + " jobs");
      }
      return new Result(robots, limit, cycles, elapsed, calls, nanos);
    } finally {
      pool.shutdownNow();
      for (BenchRobot robot : fleet) {
        robot.close();
      }
    }
  }

  private static Callable<Integer> drain(BenchRobot robot, int limit) {
    return () -> {
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
    };
  }

  /** Empties the queue and enqueues {@code jobs} fresh jobs (bulk insert, as an operator would). */
  private void reset(int jobs) throws SQLException {
    try (Connection c = database.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO public.jobs (workflow_id, workflow_name, status, priority)"
                    + " SELECT ?::uuid, 'bench', 'queued', 10 FROM generate_series(1, ?)")) {
      s.execute("DELETE FROM public.jobs");
      s.execute("DELETE FROM public.robots");
      s.execute("TRUNCATE realtime.messages");
      insert.setString(1, workflowId);
      insert.setInt(2, jobs);
      insert.executeUpdate();
      s.execute("VACUUM ANALYZE public.jobs");
      s.execute("VACUUM ANALYZE public.robots");
    }
  }

  /** A robot allowed {@code slots} concurrent jobs; returns its raw API key. */
  private String createRobot(int slots) throws SQLException {
    try (Connection c = database.superuserDataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT public.create_robot_api_key(public.create_robot(?, 'bench-host',"
                    + " p_max_concurrent_jobs => ?))")) {
      s.setString(1, "bench-robot-" + ROBOT_NAMES.incrementAndGet());
      s.setInt(2, slots);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static String createWorkflow(EmbeddedDatabase database) throws SQLException {
    try (Connection c = database.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT public.upsert_workflow('bench', '{\"metadata\":{},\"nodes\":{},"
                    + "\"connections\":[]}'::jsonb)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String header(EmbeddedDatabase database, int jobs) throws Exception {
    String version;
    try (Connection c = database.superuserDataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      version = rs.getString(1);
    }
    return String.format(
        Locale.ROOT,
        "# %s host=%s cpus=%d loadavg=%s postgres=%s jobs/run=%d (fsync off, embedded, loopback"
            + " JDBC)",
        Instant.now(),
        InetAddress.getLocalHost().getHostName(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        version,
        jobs);
  }

  /** The 1-minute load average where the OS tells it (Linux), else "?". */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void append(List<String> lines) throws IOException {
    Files.createDirectories(RESULTS.getParent());
    Files.write(
        RESULTS,
        (String.join(System.lineSeparator(), lines) + System.lineSeparator()).getBytes(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    System.out.println("appended to " + RESULTS.toAbsolutePath());
  }

  private static java.util.concurrent.ThreadFactory benchThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "bench-robot-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static int intOption(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        try {
          return Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " needs a number, got " + args[i + 1], e);
        }
      }
    }
    return fallback;
  }

  private static List<Integer> listOption(String[] args, String name, List<Integer> fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        List<Integer> values = new ArrayList<>();
        for (String part : args[i + 1].split(",")) {
          values.add(Integer.parseInt(part.trim()));
        }
        return values;
      }
    }
    return fallback;
  }

  /** One measured run. */
  private record Result(
      int robots, int limit, int cycles, long elapsedNanos, long calls, long rpcNanos) {
    double cyclesPerSecond() {
      return cycles / (elapsedNanos / 1e9);
    }

    double meanRpcMillis() {
      return rpcNanos / 1e6 / calls;
    }

    /** median and best of several runs of one scenario */
    static String summary(List<Result> runs) {
      List<Result> sorted =
          runs.stream()
              .sorted(java.util.Comparator.comparingDouble(Result::cyclesPerSecond))
              .toList();
      Result median = sorted.get(sorted.size() / 2);
      Result best = sorted.get(sorted.size() - 1);
      return String.format(
          Locale.ROOT,
          "robots=%2d p_limit=%2d runs=%d cycles/run=%d cycles_per_s median=%.0f best=%.0f"
              + " worst=%.0f mean_rpc_ms(median run)=%.2f rpcs/cycle=%.2f",
          median.robots,
          median.limit,
          runs.size(),
          median.cycles,
          median.cyclesPerSecond(),
          best.cyclesPerSecond(),
          sorted.get(0).cyclesPerSecond(),
          median.meanRpcMillis(),
          (double) median.calls / median.cycles);
    }
  }
}
