package com.casarerpa.fleet.devstack.chaos;

import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.logs.LogSpool;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The log journal through a long backend outage, in compressed time. The agent's real journal
 * ({@link LogSpool}) and shipper ({@link LogPipeline}) run against the real local stack through a
 * {@link CutProxy}; their clock is a {@link ScaledClock} running {@code scale} times faster than
 * real time, so the shipper's backoff (1 s … 30 s on that clock), the batch ages and the lines'
 * timestamps see a 30-minute outage while the bytes really written to the journal are every line a
 * job logging at {@code linesPerSecond} (clock time) would write in that time. A job held by the
 * run's robot logs throughout: before the outage, during it, and after the backend is back, until
 * the journal's backlog has drained.
 *
 * <p>Checked from the database: every accepted line stored exactly once and in order; the lines the
 * journal refused at its disk budget are exactly the ones missing, and counted; the journal on disk
 * never exceeds the budget. Every 10th line is DEBUG, so the 90 % rule shows.
 */
public final class LogOutageRun {
  /** A run's shape. */
  public record Options(
      Duration outage,
      Duration before,
      Duration after,
      double scale,
      int linesPerSecond,
      int messageChars,
      long budgetBytes,
      Path work) {}

  /** What happened, and what the database holds. */
  public record Report(
      long outageClockSeconds,
      double outageRealSeconds,
      double scale,
      int linesPerSecond,
      long budgetBytes,
      long produced,
      long accepted,
      long refused,
      long refusedDebug,
      long refusedInfo,
      long stored,
      long duplicates,
      long lost,
      boolean inOrder,
      long peakJournalBytes,
      long peakJournalDiskBytes,
      double drainRealSeconds,
      long journalBytesAtEnd) {

    /** Zero loss of accepted lines, none doubled, in order, disk within the budget. */
    public boolean held() {
      return lost == 0
          && duplicates == 0
          && inOrder
          && stored == accepted
          && peakJournalDiskBytes <= budgetBytes + 4096;
    }
  }

  private final Options options;

  public LogOutageRun(Options options) {
    this.options = options;
  }

  public Report run() throws Exception {
    Files.createDirectories(options.work());
    try (LocalStack stack =
            LocalStack.start(
                StackSettings.ephemeral().withDataDirectory(options.work().resolve("stack")));
        CutProxy proxy = new CutProxy(stack.port())) {
      FleetAdmin admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
      admin.patch("/rest/v1/fleet_settings?id=eq.true", Map.of("lease_seconds", 3600));
      FleetAdmin.Robot robot = admin.createRobot("outage-" + UUID.randomUUID(), 1);
      SupabaseRest rest =
          new SupabaseRest(
              SupabaseRest.httpClient(Duration.ofSeconds(10)),
              URI.create(proxy.url()),
              stack.anonKey(),
              robot.key());
      UUID job = claimAJob(admin, rest);

      ScaledClock clock = new ScaledClock(options.scale());
      Path spoolDir = options.work().resolve("spool");
      LogSpool spool = new LogSpool(spoolDir, options.budgetBytes(), Duration.ofDays(7), clock);
      spool.open();
      spool.bindRobot(robot.id());
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      LogPipeline pipeline =
          new LogPipeline(
              rest,
              spool,
              clock,
              new LogPipeline.Settings(200, Duration.ofSeconds(1), 10_000, LogLevel.TRACE),
              metrics,
              e -> {
                throw new IllegalStateException("robot key rejected", e);
              });
      pipeline.start();
      Producer producer = new Producer(pipeline, clock, job, spool, spoolDir);
      // backend up, then away for the outage (on the clock), then back until the backlog drained
      producer.runFor(options.before());
      proxy.cut();
      long realCut = System.nanoTime();
      producer.runFor(options.outage());
      proxy.restore();
      double outageReal = (System.nanoTime() - realCut) / 1e9;
      long realRestore = System.nanoTime();
      producer.runFor(options.after());
      long drainDeadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (metrics.counter("agent.log.lines.shipped").count() < producer.accepted(metrics)
          && System.nanoTime() < drainDeadline) {
        Thread.sleep(50); // waits on the shipper's counter, re-checked
        producer.sample();
      }
      double drain = (System.nanoTime() - realRestore) / 1e9;
      pipeline.stop(Duration.ofSeconds(60));

      long refused = (long) metrics.counter("agent.log.lines.refused").count();
      long accepted = producer.produced - refused;
      Stored stored = stored(stack, job);
      // the refused lines are the missing ones: the producer knows each line's number and level
      long missing = producer.produced - stored.distinct;
      return new Report(
          options.outage().toSeconds(),
          outageReal,
          options.scale(),
          options.linesPerSecond(),
          options.budgetBytes(),
          producer.produced,
          accepted,
          refused,
          missing == refused ? stored.missingDebug(producer) : -1,
          missing == refused ? refused - stored.missingDebug(producer) : -1,
          stored.rows,
          stored.rows - stored.distinct,
          accepted - stored.distinct,
          stored.inOrder,
          producer.peakBytes,
          producer.peakDisk,
          drain,
          spool.bytes());
    }
  }

  private static UUID claimAJob(FleetAdmin admin, SupabaseRest rest) throws IOException {
    ObjectNode workflow = ChaosWorkflow.build(FleetAdmin.JSON, 1, 0, "http://127.0.0.1:9/none");
    UUID workflowId = admin.upsertWorkflow("outage-logger", workflow);
    admin.rpc("enqueue_job", Map.of("p_workflow_id", workflowId.toString()));
    rest.rpc("robot_register", Map.of("p_hostname", "outage-host"), RetryPolicy.QUICK);
    JsonNode claimed = rest.rpc("claim_jobs", Map.of("p_limit", 1), RetryPolicy.QUICK);
    UUID job = UUID.fromString(claimed.path(0).path("job_id").asText());
    rest.rpc(
        "start_job",
        Map.of("p_job_id", job.toString(), "p_claim_token", claimed.path(0).path("claim_token")),
        RetryPolicy.QUICK);
    return job;
  }

  /** The job: appends numbered lines at the configured rate on the scaled clock. */
  private final class Producer {
    private final LogPipeline pipeline;
    private final ScaledClock clock;
    private final UUID job;
    private final LogSpool spool;
    private final Path spoolDir;
    private final String padding;
    private final Instant begin;
    long produced;
    long peakBytes;
    long peakDisk;

    Producer(LogPipeline pipeline, ScaledClock clock, UUID job, LogSpool spool, Path spoolDir) {
      this.pipeline = pipeline;
      this.clock = clock;
      this.job = job;
      this.spool = spool;
      this.spoolDir = spoolDir;
      this.padding = " " + "x".repeat(Math.max(0, options.messageChars()));
      this.begin = clock.instant();
    }

    long accepted(SimpleMeterRegistry metrics) {
      return produced - (long) metrics.counter("agent.log.lines.refused").count();
    }

    void runFor(Duration clockTime) throws Exception {
      Instant end = clock.instant().plus(clockTime);
      runUntil(() -> !clock.instant().isBefore(end));
    }

    void runUntil(Condition done) throws Exception {
      while (!done.met()) {
        long due =
            Duration.between(begin, clock.instant()).toMillis() * options.linesPerSecond() / 1000;
        while (produced < due) {
          LogLevel level = produced % 10 == 9 ? LogLevel.DEBUG : LogLevel.INFO;
          pipeline.append(level, "outage line " + produced + padding, job, "log_1", "workflow");
          produced++;
        }
        sample();
        Thread.sleep(20); // the job's pace; conditions are re-checked every round
      }
    }

    void sample() throws IOException {
      peakBytes = Math.max(peakBytes, spool.bytes());
      peakDisk = Math.max(peakDisk, diskBytes(spoolDir));
    }
  }

  @FunctionalInterface
  private interface Condition {
    boolean met() throws Exception;
  }

  static long diskBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      long sum = 0;
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try {
          sum += Files.size(f);
        } catch (IOException e) {
          // deleted while walking: acknowledged and gone
        }
      }
      return sum;
    }
  }

  private record Stored(long rows, long distinct, boolean inOrder, Set<Long> numbers) {
    long missingDebug(Producer producer) {
      long debug = 0;
      for (long i = 9; i < producer.produced; i += 10) {
        if (!numbers.contains(i)) {
          debug++;
        }
      }
      return debug;
    }
  }

  private static Stored stored(LocalStack stack, UUID job) throws Exception {
    long rows = 0;
    long previous = -1;
    boolean inOrder = true;
    Set<Long> numbers = new HashSet<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select message from robot_logs where job_id = ? and source = 'workflow' order by"
                    + " seq")) {
      c.setAutoCommit(false);
      ps.setFetchSize(5_000);
      ps.setObject(1, job);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String message = rs.getString(1);
          int space = message.indexOf(' ', "outage line ".length());
          long n =
              Long.parseLong(
                  message.substring("outage line ".length(), space < 0 ? message.length() : space));
          rows++;
          numbers.add(n);
          if (n <= previous) {
            inOrder = false;
          }
          previous = n;
        }
      }
      c.commit();
    }
    return new Stored(rows, numbers.size(), inOrder, numbers);
  }

  /**
   * A clock running {@code scale} times faster than real time from the moment it is made: what the
   * journal and the shipper use for backoff, batch age and line timestamps.
   */
  static final class ScaledClock implements InstantSource {
    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();
    private final double scale;

    ScaledClock(double scale) {
      this.scale = scale;
    }

    @Override
    public Instant instant() {
      return origin.plusNanos((long) ((System.nanoTime() - originNanos) * scale));
    }
  }
}
