package com.casarerpa.fleet.devstack.bench;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.db.EmbeddedDatabase;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/**
 * What most scenarios share: an ephemeral local stack, the operator's calls, superuser SQL, agent
 * settings and workflows, agent processes started through a launcher. Closing stops the stack and
 * every process it started.
 */
public final class BenchFleet implements AutoCloseable {
  private final LocalStack stack;
  private final FleetAdmin admin;
  private final DataSource db;
  private final Path work;
  private final List<Process> processes = new java.util.concurrent.CopyOnWriteArrayList<>();

  private BenchFleet(LocalStack stack, Path work) {
    this.stack = stack;
    this.admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
    this.db = stack.context().adminPool();
    this.work = work;
    // a benchmark stopped by a signal leaves no agent process behind
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> processes.forEach(Process::destroyForcibly), "bench-agents-reaper"));
  }

  public static BenchFleet start() throws IOException {
    Path work = Files.createTempDirectory("bench");
    BenchFleet fleet = new BenchFleet(LocalStack.start(StackSettings.ephemeral()), work);
    if (Boolean.getBoolean(EmbeddedDatabase.STATEMENT_STATS)) {
      try {
        fleet.execute("create extension if not exists pg_stat_statements");
      } catch (SQLException e) {
        fleet.close();
        throw new IOException("pg_stat_statements: " + e.getMessage(), e);
      }
    }
    return fleet;
  }

  /**
   * With {@code BENCH_JAVA_OPTS=-Dcasare.devstack.statementStats=true}: the statements that took
   * the database's time so far, most first (total, calls, mean), as printable lines; empty when
   * statement statistics are off.
   */
  public List<String> topStatements(int limit) {
    List<String> lines = new ArrayList<>();
    if (!Boolean.getBoolean(EmbeddedDatabase.STATEMENT_STATS)) {
      return lines;
    }
    String sql =
        "select round(total_exec_time::numeric, 1), calls, round(mean_exec_time::numeric, 3),"
            + " left(regexp_replace(query, '\\s+', ' ', 'g'), 110) from pg_stat_statements"
            + " order by total_exec_time desc limit ?";
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          lines.add(
              String.format(
                  java.util.Locale.ROOT,
                  "%10s ms %8d calls %9s ms/call  %s",
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4)));
        }
      }
    } catch (SQLException e) {
      lines.add("pg_stat_statements unreadable: " + e.getMessage());
    }
    return lines;
  }

  public LocalStack stack() {
    return stack;
  }

  public FleetAdmin admin() {
    return admin;
  }

  public DataSource db() {
    return db;
  }

  public Path work() {
    return work;
  }

  /** In-process agent settings for {@code robot}: its own data folder, no ops port. */
  public AgentConfig.Builder agentConfig(FleetAdmin.Robot robot) {
    return AgentConfig.builder(URI.create(stack.url()), stack.anonKey(), robot.key())
        .dataDir(work.resolve(robot.name()))
        .opsPort(AgentConfig.OPS_DISABLED);
  }

  /** Start → End, nothing else: the cheapest job there is. */
  public static JsonNode emptyWorkflow() {
    return workflow(
        "{\"start\":{\"node_id\":\"start\",\"node_type\":\"StartNode\",\"config\":{}},"
            + "\"end\":{\"node_id\":\"end\",\"node_type\":\"EndNode\",\"config\":{}}}",
        "[{\"source_node\":\"start\",\"source_port\":\"exec_out\",\"target_node\":\"end\",\"target_port\":\"exec_in\"}]");
  }

  /** Start → Wait(seconds) → End. */
  public static JsonNode waitWorkflow(int seconds) {
    return workflow(
        "{\"start\":{\"node_id\":\"start\",\"node_type\":\"StartNode\",\"config\":{}},"
            + "\"wait\":{\"node_id\":\"wait\",\"node_type\":\"WaitNode\",\"config\":{\"duration\":"
            + seconds
            + "}},\"end\":{\"node_id\":\"end\",\"node_type\":\"EndNode\",\"config\":{}}}",
        "[{\"source_node\":\"start\",\"source_port\":\"exec_out\",\"target_node\":\"wait\",\"target_port\":\"exec_in\"},"
            + "{\"source_node\":\"wait\",\"source_port\":\"exec_out\",\"target_node\":\"end\",\"target_port\":\"exec_in\"}]");
  }

  private static JsonNode workflow(String nodes, String connections) {
    try {
      return FleetAdmin.JSON.readTree(
          "{\"metadata\":{\"name\":\"bench\"},\"nodes\":"
              + nodes
              + ",\"connections\":"
              + connections
              + "}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first column of the first row, as text (null when no row). */
  public String queryString(String sql, Object... params) throws SQLException {
    try (Connection connection = db.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }

  public long queryLong(String sql, Object... params) throws SQLException {
    String value = queryString(sql, params);
    return value == null ? 0 : Long.parseLong(value);
  }

  public void execute(String sql, Object... params) throws SQLException {
    try (Connection connection = db.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      statement.execute();
    }
  }

  /**
   * Polls {@code condition}, first every 5 ms, then less often (up to every 100 ms) while it stays
   * false: a quick answer for short waits, without a long wait's polling (often a count over a
   * growing table) stealing the database's time from the work being measured. False when {@code
   * timeout} passed first. A scenario that times the work reads the end from the database's
   * timestamps, not from when this returned.
   */
  public static boolean await(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(pause);
      pause = Math.min(100, pause + pause / 2 + 1);
    }
    return condition.getAsBoolean();
  }

  /** The robot's status column, e.g. "online". */
  public String robotStatus(UUID robot) {
    try {
      return queryString("select status from robots where robot_id = ?", robot);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code launcher run} as a child process for {@code robot} (the launcher's own JVM options, no
   * config file, settings as {@code --set}); output to a log file in the work folder. Killed at
   * {@link #close()} if still alive.
   */
  public Process startAgent(Path launcher, FleetAdmin.Robot robot, Map<String, String> extra)
      throws IOException {
    return startAgent(launcher, robot, extra, Map.of());
  }

  /** As above, with {@code env} added to the launcher's environment (e.g. AGENT_JAVA_OPTS). */
  public Process startAgent(
      Path launcher, FleetAdmin.Robot robot, Map<String, String> extra, Map<String, String> env)
      throws IOException {
    List<String> command =
        new ArrayList<>(List.of(launcher.toString(), "run", "--config", "/dev/null"));
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("SUPABASE_URL", stack.url());
    settings.put("SUPABASE_ANON_KEY", stack.anonKey());
    settings.put("ROBOT_API_KEY", robot.key());
    settings.put("ROBOT_DATA_DIR", work.resolve(robot.name()).toString());
    settings.put("ROBOT_OPS_PORT", "off");
    settings.putAll(extra);
    settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(robot.name() + ".log").toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("ROBOT_") || k.startsWith("SUPABASE_"));
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  /** Runs {@code launcher --help} once, so that a stale jar is built before anything is timed. */
  public static void prepareLauncher(Path launcher) throws IOException, InterruptedException {
    Process help =
        new ProcessBuilder(launcher.toString(), "--help")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    if (help.waitFor() != 0) {
      throw new IllegalStateException(launcher + " --help failed");
    }
  }

  /** The agent's log (for an error message). */
  public String agentLog(FleetAdmin.Robot robot) {
    try {
      return Files.readString(work.resolve(robot.name() + ".log"));
    } catch (IOException e) {
      return "<no log: " + e.getMessage() + ">";
    }
  }

  /** The launcher of this checkout ({@code bin/casare-agent}). */
  public static Path devLauncher() {
    return Bench.repositoryRoot().resolve("bin").resolve("casare-agent");
  }

  /** Resident set size of a process in KiB (Linux), -1 elsewhere. */
  public static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    List<String> statements = topStatements(30);
    if (!statements.isEmpty()) {
      System.out.println("database time by statement (pg_stat_statements):");
      statements.forEach(line -> System.out.println("  " + line));
    }
    try {
      for (Process process : processes) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
      }
      for (Process process : processes) {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      processes.forEach(Process::destroyForcibly);
      Thread.currentThread().interrupt();
    } finally {
      stack.close();
      deleteTree(work);
    }
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
