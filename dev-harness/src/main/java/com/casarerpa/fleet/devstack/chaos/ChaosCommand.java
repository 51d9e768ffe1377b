package com.casarerpa.fleet.devstack.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/chaos [--size small|full]}: runs {@link ChaosSuite}, prints its table and writes
 * {@code bench-results/chaos-<size>-<time>.json}. Exit 0 when every invariant held, 1 otherwise.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Jobs across real agent processes while agents are killed (SIGKILL), the stack restarts"
            + " and database sessions are terminated; checks effects, retries and log lines.")
public final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--size", description = "small (500 jobs) or full (10,000 jobs); default small")
  String size = "small";

  @Option(names = "--jobs", description = "override the number of jobs")
  Integer jobs;

  @Option(names = "--agents", description = "agent processes alive at once (default 8)")
  Integer agents;

  @Option(names = "--slots", description = "max_concurrent_jobs per robot")
  Integer slots;

  @Option(names = "--lines", description = "numbered log lines per job (default 10)")
  Integer lines;

  @Option(names = "--line-wait", description = "seconds between a job's lines (default 0.05)")
  Double lineWait;

  @Option(names = "--kill-every", description = "seconds between kills (5)")
  Double killEvery;

  @Option(
      names = "--fleet-timing",
      description =
          "fast (lease 10 s, heartbeat 2 s, offline 10 s, maintenance 1 s, no retry backoff) or"
              + " settings (fleet_settings as migrated); small: fast, full: settings")
  String fleetTiming;

  @Option(names = "--agent-jar", description = "agent/target/casare-agent-*-all.jar by default")
  Path agentJar;

  @Option(names = "--work", description = "folder for the stack's data and the agents' folders")
  Path work;

  @Option(names = "--seed", description = "random seed for the choice of victims")
  Long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ChaosCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path root = repositoryRoot();
    Path jar = agentJar != null ? agentJar : agentJar(root);
    Path folder = work != null ? work : Files.createTempDirectory("casare-chaos-");
    ChaosSuite.Options o =
        switch (size) {
          case "small" -> ChaosSuite.Options.small(folder, jar);
          case "full" -> ChaosSuite.Options.full(folder, jar);
          default ->
              throw new CommandLine.ParameterException(
                  new CommandLine(this), "--size must be small or full, got " + size);
        };
    o =
        new ChaosSuite.Options(
            o.size(),
            jobs != null ? jobs : o.jobs(),
            agents != null ? agents : o.agents(),
            slots != null ? slots : o.slotsPerAgent(),
            lines != null ? lines : o.linesPerJob(),
            lineWait != null ? lineWait : o.lineWaitSeconds(),
            killEvery != null ? Duration.ofMillis((long) (killEvery * 1000)) : o.killEvery(),
            fleetTiming != null ? "fast".equals(fleetTiming) : o.fastFleetTiming(),
            folder,
            jar,
            o.agentJavaOptions(),
            o.deadline(),
            seed != null ? seed : o.seed());
    System.out.printf(
        "chaos --size %s: %d jobs, %d agents x %d slots, kill every %s, work folder %s%n",
        o.size(), o.jobs(), o.agents(), o.slotsPerAgent(), o.killEvery(), folder);
    ChaosSuite.Report report = new ChaosSuite(o).run();
    System.out.print(table(report));
    Path file = writeJson(root, "chaos-" + o.size(), report);
    System.out.println("wrote " + file);
    return report.held() ? 0 : 1;
  }

  /** The report as a two-column table. */
  public static String table(ChaosSuite.Report r) {
    StringBuilder t = new StringBuilder();
    row(t, "jobs completed", r.completed() + " / " + r.jobs());
    row(
        t,
        "agent processes started",
        r.agentProcessesStarted()
            + " ("
            + r.agents()
            + " alive at once, "
            + r.slotsPerAgent()
            + " slots each)");
    row(t, "kill -9", r.kills() + " (attempts killed mid-run: " + r.attemptsKilled() + ")");
    row(
        t,
        "stack restart (same data dir)",
        "1, backend away " + r.stackRestartDowntimeMs() + " ms");
    row(t, "pg_terminate_backend (API sessions)", Integer.toString(r.sessionsTerminated()));
    row(
        t,
        "effects received",
        r.effectsReceived()
            + " = "
            + r.finalAttemptEffects()
            + " final + "
            + r.killedAttemptEffects()
            + " of killed attempts");
    row(
        t,
        "earlier attempts (attempt - 1)",
        (r.retriesAfterKill() + r.retriesAfterStackRestart() + r.retriesLeaseLostByLiveRobot())
            + " = "
            + r.retriesAfterKill()
            + " robot killed + "
            + r.retriesAfterStackRestart()
            + " held across the restart + "
            + r.retriesLeaseLostByLiveRobot()
            + " lease lost by a live robot");
    row(
        t,
        "retry record (retry_count)",
        r.retries() + " retries, " + r.releasesWithoutRetry() + " claimed-never-started releases");
    row(
        t,
        "final-attempt log lines",
        r.finalLinesStored()
            + " / "
            + r.finalLinesExpected()
            + " (lost "
            + r.finalLinesLost()
            + ", duplicated "
            + r.finalLinesDuplicated()
            + ")");
    row(t, "killed-attempt lines stored", r.killedAttemptLinesStored() + " (in-order prefixes)");
    row(
        t,
        "rescue: kill -> running elsewhere",
        "worst "
            + r.rescueWorstMs()
            + " ms, p50 "
            + r.rescueP50Ms()
            + " ms ("
            + r.rescuesMeasured()
            + " jobs)");
    row(
        t,
        "fleet timing",
        "lease "
            + r.leaseSeconds()
            + " s, heartbeat "
            + r.heartbeatSeconds()
            + " s, offline "
            + r.offlineThresholdSeconds()
            + " s, maintenance "
            + r.maintenanceSeconds()
            + " s, backoff base "
            + r.retryBackoffBaseSeconds()
            + " s");
    row(
        t,
        "duration",
        String.format("%.1f s chaos, %.1f s total", r.chaosMs() / 1000.0, r.totalMs() / 1000.0));
    row(t, "invariants", r.held() ? "HELD" : "VIOLATED (" + r.violationCount() + ")");
    for (String v : r.violations()) {
      t.append("  ! ").append(v).append('\n');
    }
    for (String n : r.notes()) {
      t.append("  note: ").append(n).append('\n');
    }
    return t.toString();
  }

  private static void row(StringBuilder t, String name, String value) {
    t.append(String.format("%-38s %s%n", name, value));
  }

  /** Writes {@code bench-results/<name>-<utc time>.json} with the report, machine and load. */
  public static Path writeJson(Path root, String name, Object report) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode doc = json.createObjectNode();
    doc.put("scenario", name);
    doc.put("date", Instant.now().toString());
    doc.put("cpus", Runtime.getRuntime().availableProcessors());
    doc.put("load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    doc.put("java", System.getProperty("java.version"));
    doc.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    doc.set("result", json.valueToTree(report));
    Path dir = root.resolve("bench-results");
    Files.createDirectories(dir);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    Path file = dir.resolve(name + "-" + stamp + ".json");
    json.writeValue(file.toFile(), doc);
    return file;
  }

  /** The repository root: the nearest folder upwards holding {@code mvnw}. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("").toAbsolutePath() : dir;
  }

  /** The newest {@code agent/target/casare-agent-*-all.jar}; fails naming how to build it. */
  public static Path agentJar(Path root) throws IOException {
    Path target = root.resolve("agent").resolve("target");
    if (Files.isDirectory(target)) {
      try (var files = Files.list(target)) {
        List<Path> jars =
            files
                .filter(f -> f.getFileName().toString().matches("casare-agent-.*-all\\.jar"))
                .sorted(
                    (a, b) -> Long.compare(b.toFile().lastModified(), a.toFile().lastModified()))
                .toList();
        if (!jars.isEmpty()) {
          return jars.getFirst();
        }
      }
    }
    throw new IllegalStateException(
        "no agent jar in "
            + target
            + "; build it with ./mvnw -pl agent -am package -DskipTests"
            + " (bin/chaos does) or pass --agent-jar");
  }
}
