package com.casarerpa.fleet.devstack.chaos;

import com.casarerpa.fleet.devstack.LocalStack;
import com.casarerpa.fleet.devstack.StackSettings;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The chaos suite: jobs across real agent processes (separate JVMs started from the agent's
 * runnable jar) against the local stack while the suite kills a random agent with SIGKILL every few
 * seconds and starts a new robot in its place, restarts the stack once (same data folder, same
 * port) and terminates the API's database sessions once. Then it checks, from real effects and the
 * database: every job completed; each job's side effect arrived exactly once for its final attempt,
 * and once more only for attempts whose robot was killed (or that a live robot held across the
 * stack restart), each recorded as a retry; every numbered line of each final attempt stored
 * exactly once, in order. See {@link Report} for the figures.
 *
 * <p>Lines of a killed attempt: what is stored of them is an in-order, duplicate-free prefix of its
 * numbered lines; the lines the dead agent had journaled but not yet shipped stay in that robot's
 * journal ({@code ROBOT_DATA_DIR/spool}) and are shipped only if an agent starts again on that
 * folder (the suite never restarts a killed robot). Not thread-safe: one run per instance.
 */
public final class ChaosSuite {
  /** How big and how rough a run is. */
  public record Options(
      String size,
      int jobs,
      int agents,
      int slotsPerAgent,
      int linesPerJob,
      double lineWaitSeconds,
      Duration killEvery,
      boolean fastFleetTiming,
      Path work,
      Path agentJar,
      List<String> agentJavaOptions,
      Duration deadline,
      long seed) {

    /** {@code --size small}: 500 jobs, 8 agents, the fleet's timing shortened. */
    public static Options small(Path work, Path agentJar) {
      return new Options(
          "small",
          500,
          8,
          4,
          10,
          0.05,
          Duration.ofSeconds(8),
          true,
          work,
          agentJar,
          List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
          Duration.ofMinutes(20),
          System.nanoTime());
    }

    /** {@code --size full}: 10,000 jobs, 8 agents, the fleet's timing as the settings give it. */
    public static Options full(Path work, Path agentJar) {
      return new Options(
          "full",
          10_000,
          8,
          8,
          10,
          0.05,
          Duration.ofSeconds(5),
          false,
          work,
          agentJar,
          List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
          Duration.ofMinutes(90),
          System.nanoTime());
    }
  }

  /** Fleet timing used when {@link Options#fastFleetTiming}: a small run finishes in minutes. */
  static final Map<String, Integer> FAST_TIMING =
      Map.of(
          "lease_seconds", 10,
          "heartbeat_interval_seconds", 2,
          "offline_threshold_seconds", 10,
          "maintenance_interval_seconds", 1,
          "retry_backoff_base_seconds", 0);

  private final Options options;
  private final Random random;
  private final List<AgentJvm> live = new ArrayList<>();
  private final List<AgentJvm> dead = new ArrayList<>();
  private final Map<UUID, Set<Integer>> killedAttempts = new HashMap<>();
  private final Map<UUID, Set<Integer>> outageAttempts = new HashMap<>();
  private final Map<UUID, Pending> pendingRescue = new HashMap<>();
  private final List<Kill> kills = new ArrayList<>();
  private final List<Long> rescueMillis = new ArrayList<>();
  private StackSettings stackSettings;
  private LocalStack stack;
  private FleetAdmin admin;
  private EffectReceiver receiver;
  private UUID workflowId;
  private int agentsStarted;
  private long restartDowntimeMs = -1;
  private int sessionsTerminated = -1;
  private int completedByDeadAgentsCall;

  private record Pending(Instant killedAt, int attempt) {}

  private record Kill(AgentJvm agent, Instant at, boolean rechecked) {}

  public ChaosSuite(Options options) {
    this.options = options;
    this.random = new Random(options.seed());
  }

  /** Runs the suite and returns its figures; the violations list is empty when it held. */
  public Report run() throws Exception {
    Instant begin = Instant.now();
    Files.createDirectories(options.work());
    stackSettings = StackSettings.ephemeral().withDataDirectory(options.work().resolve("stack"));
    stack = LocalStack.start(stackSettings);
    stackSettings = stackSettings.withPort(stack.port());
    receiver = EffectReceiver.start();
    try {
      admin = new FleetAdmin(stack.url(), stack.serviceRoleKey());
      if (options.fastFleetTiming()) {
        admin.patch("/rest/v1/fleet_settings?id=eq.true", FAST_TIMING);
      }
      JsonNode timing = admin.get("/rest/v1/fleet_settings?select=*").path(0);
      workflowId =
          admin.upsertWorkflow(
              "chaos",
              ChaosWorkflow.build(
                  FleetAdmin.JSON,
                  options.linesPerJob(),
                  options.lineWaitSeconds(),
                  receiver.url()));
      List<UUID> jobs = enqueue();
      for (int i = 0; i < options.agents(); i++) {
        startAgent();
      }
      Instant chaosStart = Instant.now();
      chaos(jobs.size());
      Duration chaosTime = Duration.between(chaosStart, Instant.now());
      stopAgents();
      reviveDeadRobots();
      awaitLogs(jobs.size());
      return verify(jobs, timing, chaosTime, Duration.between(begin, Instant.now()));
    } finally {
      for (AgentJvm agent : live) {
        if (agent.alive()) {
          agent.kill9();
        }
      }
      receiver.close();
      stack.close();
    }
  }

  private List<UUID> enqueue() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<UUID>> futures = new ArrayList<>();
      for (int i = 0; i < options.jobs(); i++) {
        futures.add(
            pool.submit(
                () -> {
                  ObjectNode params = FleetAdmin.JSON.createObjectNode();
                  params.put("p_workflow_id", workflowId.toString());
                  params.put("p_max_retries", 100);
                  return UUID.fromString(admin.rpc("enqueue_job", params).asText());
                }));
      }
      List<UUID> jobs = new ArrayList<>();
      for (Future<UUID> f : futures) {
        jobs.add(f.get());
      }
      return jobs;
    } finally {
      pool.shutdownNow();
    }
  }

  private void startAgent() throws IOException {
    String name = String.format("chaos-%03d", ++agentsStarted);
    FleetAdmin.Robot robot = admin.createRobot(name, options.slotsPerAgent());
    Path dir = options.work().resolve("agents").resolve(name);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("SUPABASE_URL", stack.url());
    settings.put("SUPABASE_ANON_KEY", stack.anonKey());
    settings.put("ROBOT_API_KEY", robot.key());
    settings.put("ROBOT_DATA_DIR", dir.resolve("data").toString());
    settings.put("ROBOT_OPS_PORT", "off");
    settings.put("ROBOT_HOSTNAME", name + "-host");
    settings.put("ROBOT_MAX_CONCURRENT_JOBS", Integer.toString(options.slotsPerAgent()));
    settings.put("WORKFLOW_HTTP_ALLOW", "127.0.0.1");
    live.add(
        AgentJvm.start(
            options.agentJar(), options.agentJavaOptions(), name, robot.id(), settings, dir));
  }

  /** The chaos schedule, until every job has ended or the deadline passed. */
  private void chaos(int jobs) throws Exception {
    Instant deadline = Instant.now().plus(options.deadline());
    Instant nextKill = Instant.now().plus(options.killEvery());
    boolean restarted = false;
    boolean terminated = false;
    while (true) {
      Map<String, Integer> counts = statusCounts();
      int completed = counts.getOrDefault("completed", 0);
      int ended = completed + counts.getOrDefault("failed", 0) + counts.getOrDefault("timeout", 0);
      ended += counts.getOrDefault("cancelled", 0);
      if (ended >= jobs) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        violation("deadline passed", "%s with %d job(s) open", options.deadline(), jobs - ended);
        return;
      }
      if (!restarted && completed >= jobs * 3 / 10) {
        restartStack();
        restarted = true;
      } else if (!terminated && completed >= jobs * 6 / 10) {
        terminateSessions();
        terminated = true;
      }
      // keep killing while more jobs remain than the fleet has slots: the tail finishes in peace
      if (!Instant.now().isBefore(nextKill)
          && jobs - ended > options.agents() * options.slotsPerAgent()) {
        if (killOne()) {
          nextKill = Instant.now().plus(options.killEvery());
        }
      }
      trackRescues();
      Thread.sleep(250);
    }
  }

  /**
   * Kills a random agent among those holding a job in the database (so the kill lands mid-run and
   * every victim got to work), and starts a new robot in its place. False when none holds one.
   */
  private boolean killOne() throws Exception {
    List<AgentJvm> working = new ArrayList<>();
    Set<UUID> holders = holders();
    for (AgentJvm agent : live) {
      if (holders.contains(agent.robotId())) {
        working.add(agent);
      }
    }
    if (working.isEmpty()) {
      return false;
    }
    AgentJvm victim = working.get(random.nextInt(working.size()));
    live.remove(victim);
    victim.kill9();
    Instant at = Instant.now();
    dead.add(victim);
    kills.add(new Kill(victim, at, false));
    recordHeld(victim, at);
    startAgent();
    return true;
  }

  private Set<UUID> holders() throws SQLException {
    Set<UUID> robots = new HashSet<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select distinct robot_uuid from jobs where workflow_id = ? and status in"
                    + " ('claimed', 'running')")) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          robots.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return robots;
  }

  /** Jobs the dead robot holds in the database: attempts killed mid-run. */
  private void recordHeld(AgentJvm victim, Instant at) throws SQLException {
    for (Map.Entry<UUID, Integer> held :
        heldJobs("robot_uuid = '" + victim.robotId() + "'").entrySet()) {
      if (killedAttempts
          .computeIfAbsent(held.getKey(), k -> new HashSet<>())
          .add(held.getValue())) {
        pendingRescue.put(held.getKey(), new Pending(at, held.getValue()));
      }
    }
  }

  /**
   * Restarts the stack on its data folder and port. The attempts live robots held across the
   * restart may lose their lease while the backend is away; they are noted as outage attempts.
   */
  private void restartStack() throws Exception {
    Instant closing = Instant.now();
    Map<UUID, Integer> before = heldJobs("true");
    stack.close();
    stack = LocalStack.start(stackSettings);
    restartDowntimeMs = Duration.between(closing, Instant.now()).toMillis();
    Map<UUID, Integer> after =
        heldJobs("claimed_at <= to_timestamp(" + closing.toEpochMilli() / 1000.0 + ")");
    for (Map<UUID, Integer> held : List.of(before, after)) {
      held.forEach(
          (job, attempt) -> outageAttempts.computeIfAbsent(job, k -> new HashSet<>()).add(attempt));
    }
  }

  /** {@code pg_terminate_backend} of every API session (role {@code authenticator}). */
  private void terminateSessions() throws SQLException {
    try (Connection c = stack.context().adminPool().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select count(*) filter (where pg_terminate_backend(pid)) from"
                        + " pg_stat_activity where usename = 'authenticator' and pid <>"
                        + " pg_backend_pid()")) {
      rs.next();
      sessionsTerminated = rs.getInt(1);
    }
  }

  private void trackRescues() throws SQLException {
    for (int i = 0; i < kills.size(); i++) {
      Kill kill = kills.get(i);
      if (!kill.rechecked() && Duration.between(kill.at(), Instant.now()).toSeconds() >= 2) {
        // an RPC the dead agent sent just before the kill may have been served after it
        recordHeld(kill.agent(), kill.at());
        kills.set(i, new Kill(kill.agent(), kill.at(), true));
      }
    }
    if (pendingRescue.isEmpty()) {
      return;
    }
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select job_id, status, attempt, started_at from jobs where job_id = any(?)")) {
      Array ids = c.createArrayOf("uuid", pendingRescue.keySet().toArray());
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID job = rs.getObject(1, UUID.class);
          String status = rs.getString(2);
          int attempt = rs.getInt(3);
          Timestamp started = rs.getTimestamp(4);
          Pending pending = pendingRescue.get(job);
          if (attempt > pending.attempt() && started != null) {
            rescueMillis.add(Duration.between(pending.killedAt(), started.toInstant()).toMillis());
            pendingRescue.remove(job);
          } else if (attempt == pending.attempt() && "completed".equals(status)) {
            completedByDeadAgentsCall++;
            pendingRescue.remove(job);
          }
        }
      }
    }
  }

  /**
   * Starts every killed robot again on its data folder, a batch at a time, until its journal has
   * shipped, then stops it with SIGTERM: the lines a killed agent journaled but had not shipped
   * (its final attempt's too, when it died right after completing a job) reach the database only
   * this way. The revived robots claim nothing: every job has ended by now.
   */
  private void reviveDeadRobots() throws Exception {
    List<AgentJvm> pending = new ArrayList<>();
    for (AgentJvm agent : dead) {
      if (unshippedLines(agent.dataDir()) > 0) {
        pending.add(agent);
      }
    }
    revived = pending.size();
    for (int from = 0; from < pending.size(); from += options.agents()) {
      List<AgentJvm> batch = new ArrayList<>();
      for (AgentJvm agent :
          pending.subList(from, Math.min(pending.size(), from + options.agents()))) {
        batch.add(agent.restart("agent-revived.log"));
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      for (AgentJvm agent : batch) {
        while (unshippedLines(agent.dataDir()) > 0 && Instant.now().isBefore(deadline)) {
          Thread.sleep(200); // re-checks the journal's ack mark
        }
        int code = agent.terminate(60);
        if (code != 0) {
          violation(
              "revived agent exit on SIGTERM not 0",
              "%s exited %d (log %s)",
              agent.robotName(),
              code,
              agent.log());
        }
        if (unshippedLines(agent.dataDir()) > 0) {
          violation(
              "revived robot's journal not shipped",
              "%s (%d lines left)",
              agent.robotName(),
              unshippedLines(agent.dataDir()));
        }
      }
    }
  }

  /** Lines in a data folder's journal beyond its {@code acked} mark. */
  static long unshippedLines(Path dataDir) throws IOException {
    Path spool = dataDir.resolve("spool");
    if (!Files.isDirectory(spool)) {
      return 0;
    }
    long acked = 0;
    Path mark = spool.resolve("acked");
    if (Files.exists(mark)) {
      String text = Files.readString(mark).trim();
      acked = text.isEmpty() ? 0 : Long.parseLong(text);
    }
    long count = 0;
    try (Stream<Path> files = Files.list(spool)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
        try (Stream<String> lines = Files.lines(f)) {
          for (String line : (Iterable<String>) lines::iterator) {
            java.util.regex.Matcher m = SEQ.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) > acked) {
              count++;
            }
          }
        } catch (java.nio.file.NoSuchFileException e) {
          // acknowledged and deleted meanwhile
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    }
    return count;
  }

  private static final java.util.regex.Pattern SEQ =
      java.util.regex.Pattern.compile("\"seq\":(\\d+)");

  private int revived;

  private void awaitLogs(int jobs) throws Exception {
    long expected = (long) jobs * options.linesPerJob();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (Instant.now().isBefore(deadline) && finalLines() < expected) {
      Thread.sleep(500);
    }
  }

  private void stopAgents() throws InterruptedException {
    for (AgentJvm agent : live) {
      int code = agent.terminate(60);
      // 143: SIGTERM reached a JVM still starting (no handler yet, nothing registered or claimed);
      // systemd's unit lists it in SuccessExitStatus
      if (code != 0 && !(code == 143 && !registered(agent))) {
        violation(
            "agent exit on SIGTERM not 0",
            "%s exited %d (log %s)",
            agent.robotName(),
            code,
            agent.log());
      }
    }
  }

  private static boolean registered(AgentJvm agent) {
    try {
      return Files.readString(agent.log()).contains("registered as robot");
    } catch (IOException e) {
      return false;
    }
  }

  private Report verify(List<UUID> jobs, JsonNode timing, Duration chaosTime, Duration total)
      throws Exception {
    Map<UUID, int[]> rows = new HashMap<>(); // job -> {completed?1:0, attempt, retry_count}
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select job_id, status, attempt, retry_count from jobs where workflow_id = ?")) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(
              rs.getObject(1, UUID.class),
              new int[] {"completed".equals(rs.getString(2)) ? 1 : 0, rs.getInt(3), rs.getInt(4)});
        }
      }
    }
    Map<UUID, List<int[]>> lines = workflowLines();
    long completed = 0;
    long finalEffects = 0;
    long extraEffects = 0;
    long retries = 0;
    long retriesKilled = 0;
    long retriesOutage = 0;
    long retriesLeaseLost = 0;
    long releases = 0;
    long finalLinesStored = 0;
    long linesLost = 0;
    long linesDuplicated = 0;
    long killedAttemptLines = 0;
    int n = options.linesPerJob();
    for (UUID job : jobs) {
      int[] row = rows.get(job);
      if (row == null) {
        violation("job missing", "job %s", job);
        continue;
      }
      int attempt = row[1];
      if (row[0] == 1) {
        completed++;
      } else {
        violation("job not completed", "job %s attempt %d", job, attempt);
      }
      Set<Integer> killed = killedAttempts.getOrDefault(job, Set.of());
      Set<Integer> outage = outageAttempts.getOrDefault(job, Set.of());
      // real effects, per attempt
      Map<Integer, Integer> effects = new HashMap<>();
      for (int a : receiver.attempts(job)) {
        effects.merge(a, 1, Integer::sum);
      }
      // each earlier attempt: its robot was killed, it was held across the stack restart, or a
      // live robot lost its lease (overload); an attempt that started and did not finish is a
      // retry (retry_count), one claimed and never started goes back without using a retry
      long earlierWithEffect = 0;
      for (int a = 1; a < attempt; a++) {
        if (killed.contains(a)) {
          retriesKilled++;
        } else if (outage.contains(a)) {
          retriesOutage++;
        } else {
          retriesLeaseLost++;
          note("lease lost by a live robot", "job %s attempt %d%s", job, a, explain(job, a));
        }
        if (effects.containsKey(a)) {
          earlierWithEffect++;
        }
      }
      retries += row[2];
      releases += attempt - 1 - row[2];
      if (row[2] > attempt - 1 || row[2] < earlierWithEffect) {
        violation(
            "retry record",
            "job %s: attempt %d, retry_count %d, %d earlier attempt(s) reached the effect",
            job,
            attempt,
            row[2],
            earlierWithEffect);
      }
      effects.forEach(
          (a, count) -> {
            if (count != 1) {
              violation(
                  "effect more than once per attempt", "job %s attempt %d: %d", job, a, count);
            }
            if (a > attempt) {
              violation("effect of an attempt after the final one", "job %s attempt %d", job, a);
            } else if (a < attempt && !killed.contains(a) && !outage.contains(a)) {
              violation(
                  "effect repeated without a death (lease lost by a live robot)",
                  "job %s attempt %d%s",
                  job,
                  a,
                  explain(job, a));
            }
          });
      if (effects.getOrDefault(attempt, 0) == 1) {
        finalEffects++;
      } else if (row[0] == 1) {
        violation(
            "final attempt's effect not exactly once",
            "job %s attempt %d: %d",
            job,
            attempt,
            effects.getOrDefault(attempt, 0));
      }
      extraEffects += effects.keySet().stream().filter(a -> a < attempt).count();
      // numbered log lines, in seq order
      List<int[]> stored = lines.getOrDefault(job, List.of());
      Map<Integer, List<Integer>> byAttempt = new HashMap<>();
      for (int[] l : stored) {
        byAttempt.computeIfAbsent(l[0], k -> new ArrayList<>()).add(l[1]);
      }
      List<Integer> last = byAttempt.getOrDefault(attempt, List.of());
      Set<Integer> distinct = new HashSet<>(last);
      linesDuplicated += last.size() - distinct.size();
      for (int i = 1; i <= n; i++) {
        if (!distinct.contains(i)) {
          linesLost++;
        }
      }
      finalLinesStored += last.size();
      if (row[0] == 1 && !last.equals(range(n))) {
        violation(
            "final attempt's lines not 1..N once each in order",
            "job %s attempt %d: %s",
            job,
            attempt,
            abbreviated(last));
      }
      for (Map.Entry<Integer, List<Integer>> e : byAttempt.entrySet()) {
        int a = e.getKey();
        if (a == attempt) {
          continue;
        }
        killedAttemptLines += e.getValue().size();
        if (a > attempt) {
          violation("lines of an attempt after the final one", "job %s attempt %d", job, a);
        } else if (!e.getValue().equals(range(e.getValue().size()))) {
          violation(
              "earlier attempt's lines not an in-order prefix",
              "job %s attempt %d: %s",
              job,
              a,
              abbreviated(e.getValue()));
        }
      }
    }
    if (!pendingRescue.isEmpty()) {
      violation("killed job never seen running elsewhere", "%s", pendingRescue.keySet());
    }
    if (receiver.malformed() > 0) {
      violation("malformed effect request", "%d", receiver.malformed());
    }
    List<Long> rescues = new ArrayList<>(rescueMillis);
    Collections.sort(rescues);
    return new Report(
        options.size(),
        jobs.size(),
        options.agents(),
        options.slotsPerAgent(),
        options.linesPerJob(),
        agentsStarted,
        kills.size(),
        killedAttempts.values().stream().mapToInt(Set::size).sum(),
        restartDowntimeMs,
        sessionsTerminated,
        completed,
        receiver.total(),
        finalEffects,
        extraEffects,
        retries,
        retriesKilled,
        retriesOutage,
        retriesLeaseLost,
        releases,
        (long) jobs.size() * n,
        finalLinesStored,
        linesLost,
        linesDuplicated,
        killedAttemptLines,
        rescues.size(),
        rescues.isEmpty() ? -1 : rescues.get(rescues.size() / 2),
        rescues.isEmpty() ? -1 : rescues.getLast(),
        completedByDeadAgentsCall,
        revived,
        timing.path("lease_seconds").asInt(),
        timing.path("heartbeat_interval_seconds").asInt(),
        timing.path("offline_threshold_seconds").asInt(),
        timing.path("maintenance_interval_seconds").asInt(),
        timing.path("retry_backoff_base_seconds").asInt(),
        chaosTime.toMillis(),
        total.toMillis(),
        summary(violations),
        summary(notes),
        violations.values().stream().mapToInt(Samples::count).sum());
  }

  /** A kind of finding: how often, and the first few cases. */
  private record Samples(int count, List<String> first) {}

  private final Map<String, Samples> violations = new LinkedHashMap<>();
  private final Map<String, Samples> notes = new LinkedHashMap<>();

  private void violation(String kind, String format, Object... args) {
    add(violations, kind, format, args);
  }

  private void note(String kind, String format, Object... args) {
    add(notes, kind, format, args);
  }

  private static void add(Map<String, Samples> into, String kind, String format, Object... args) {
    Samples was = into.getOrDefault(kind, new Samples(0, List.of()));
    List<String> first = new ArrayList<>(was.first());
    if (first.size() < 3) {
      first.add(String.format(format, args));
    }
    into.put(kind, new Samples(was.count() + 1, first));
  }

  private static List<String> summary(Map<String, Samples> findings) {
    List<String> lines = new ArrayList<>();
    findings.forEach(
        (kind, s) ->
            lines.add(kind + ": " + s.count() + " (e.g. " + String.join("; ", s.first()) + ")"));
    return lines;
  }

  /** What the agents' own logs say about a job's attempt (first matching lines). */
  private String explain(UUID job, int attempt) {
    List<String> found = new ArrayList<>();
    for (AgentJvm agent : allAgents()) {
      try (Stream<String> text = Files.lines(agent.log())) {
        text.filter(l -> l.contains(job.toString()))
            .filter(l -> !l.contains("claimed job") && !l.contains(": completed"))
            .limit(2)
            .forEach(l -> found.add(agent.robotName() + ": " + l));
      } catch (IOException | java.io.UncheckedIOException e) {
        // a log the agent never wrote
      }
      if (found.size() >= 2) {
        break;
      }
    }
    return found.isEmpty() ? "" : " [" + String.join(" | ", found) + "]";
  }

  private List<AgentJvm> allAgents() {
    List<AgentJvm> all = new ArrayList<>(dead);
    all.addAll(live);
    return all;
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      r.add(i);
    }
    return r;
  }

  private static String abbreviated(List<Integer> list) {
    return list.size() <= 30 ? list.toString() : list.subList(0, 30) + "...";
  }

  private Map<String, Integer> statusCounts() throws SQLException {
    Map<String, Integer> counts = new HashMap<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select status, count(*) from jobs where workflow_id = ? group by status")) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return counts;
  }

  private Map<UUID, Integer> heldJobs(String condition) throws SQLException {
    Map<UUID, Integer> held = new HashMap<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select job_id, attempt from jobs where workflow_id = ? and status in"
                    + " ('claimed', 'running') and "
                    + condition)) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held.put(rs.getObject(1, UUID.class), rs.getInt(2));
        }
      }
    }
    return held;
  }

  /** Stored workflow lines of the final attempts that are chaos lines. */
  private long finalLines() throws SQLException {
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from robot_logs l join jobs j on j.job_id = l.job_id where"
                    + " j.workflow_id = ? and l.source = 'workflow' and l.message like 'chaos a'"
                    + " || j.attempt || ' line %'")) {
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Every stored chaos line, per job, in {@code seq} order: {@code [attempt, line]}. */
  private Map<UUID, List<int[]>> workflowLines() throws SQLException {
    Map<UUID, List<int[]>> lines = new HashMap<>();
    try (Connection c = stack.context().adminPool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select l.job_id, l.message from robot_logs l join jobs j on j.job_id = l.job_id"
                    + " where j.workflow_id = ? and l.source = 'workflow' order by l.job_id,"
                    + " l.seq")) {
      c.setAutoCommit(false);
      ps.setFetchSize(5_000);
      ps.setObject(1, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int[] parsed = ChaosWorkflow.parse(rs.getString(2));
          if (parsed != null) {
            lines.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(parsed);
          }
        }
      }
      c.commit();
    }
    return lines;
  }

  /** The run's figures. */
  public record Report(
      String size,
      int jobs,
      int agents,
      int slotsPerAgent,
      int linesPerJob,
      int agentProcessesStarted,
      int kills,
      int attemptsKilled,
      long stackRestartDowntimeMs,
      int sessionsTerminated,
      long completed,
      long effectsReceived,
      long finalAttemptEffects,
      long killedAttemptEffects,
      long retries,
      long retriesAfterKill,
      long retriesAfterStackRestart,
      long retriesLeaseLostByLiveRobot,
      long releasesWithoutRetry,
      long finalLinesExpected,
      long finalLinesStored,
      long finalLinesLost,
      long finalLinesDuplicated,
      long killedAttemptLinesStored,
      int rescuesMeasured,
      long rescueP50Ms,
      long rescueWorstMs,
      int killedJobsCompletedByInFlightCall,
      int killedRobotsRevivedToShipTheirJournal,
      int leaseSeconds,
      int heartbeatSeconds,
      int offlineThresholdSeconds,
      int maintenanceSeconds,
      int retryBackoffBaseSeconds,
      long chaosMs,
      long totalMs,
      List<String> violations,
      List<String> notes,
      int violationCount) {

    public boolean held() {
      return violationCount == 0;
    }
  }
}
