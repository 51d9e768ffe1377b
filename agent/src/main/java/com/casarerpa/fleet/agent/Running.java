package com.casarerpa.fleet.agent;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.fleet.FleetPresence;
import com.casarerpa.fleet.agent.fleet.Heartbeat;
import com.casarerpa.fleet.agent.fleet.HostMetrics;
import com.casarerpa.fleet.agent.fleet.Registration;
import com.casarerpa.fleet.agent.internal.HintGate;
import com.casarerpa.fleet.agent.internal.Sleeper;
import com.casarerpa.fleet.agent.internal.Worker;
import com.casarerpa.fleet.agent.jobs.ActiveJobs;
import com.casarerpa.fleet.agent.jobs.CancelReason;
import com.casarerpa.fleet.agent.jobs.ClaimLoop;
import com.casarerpa.fleet.agent.jobs.JobEvents;
import com.casarerpa.fleet.agent.jobs.JobOutcome;
import com.casarerpa.fleet.agent.jobs.JobRunner;
import com.casarerpa.fleet.agent.jobs.ProgressReporter;
import com.casarerpa.fleet.agent.jobs.RunningJob;
import com.casarerpa.fleet.agent.jobs.Wakeup;
import com.casarerpa.fleet.agent.jobs.WorkflowExecutor;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.ops.Health;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RealtimeQuota;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an agent that exist once it is registered, constructed in dependency order (each
 * part gets the collaborators it uses, nothing is looked up later); and its shutdown.
 */
final class Running {
  private static final Logger log = LoggerFactory.getLogger(Running.class);

  /** What the shutdown keeps for releasing jobs and going offline after the drain: bounds. */
  static final Duration MIN_STOP_RESERVE = Duration.ofSeconds(1);

  static final Duration MAX_STOP_RESERVE = Duration.ofSeconds(10);

  /**
   * The least each closing step gets even when the budget is spent, so that a budget shorter than
   * the work itself costs a few seconds more rather than a job left unreleased: releasing jobs
   * (their final writes), then the offline write.
   */
  static final Duration RELEASE_FLOOR = Duration.ofSeconds(3);

  static final Duration OFFLINE_FLOOR = Duration.ofSeconds(1);

  /** At most one early claim and one early heartbeat per window from Realtime hints. */
  static final Duration HINT_WINDOW = Duration.ofSeconds(1);

  /** The agent-wide parts a running robot uses (they outlive it). */
  record Shared(
      SupabaseRest rest,
      WorkflowExecutor executor,
      RealtimeClient realtime,
      LogPipeline logs,
      ScheduledExecutorService timers,
      ScheduledExecutorService fleet,
      ScheduledExecutorService heartbeats,
      InstantSource clock,
      MeterRegistry metrics,
      Consumer<RobotKeyRejected> onFatal) {}

  private final Registration robot;
  private final SupabaseRest rest;
  private final ActiveJobs active;
  private final JobRunner runner;
  private final ClaimLoop claims;
  private final Heartbeat heartbeat;
  private final ProgressReporter progress;
  private final FleetPresence presence;
  private final RealtimeClient realtime;
  private final ScheduledExecutorService fleet;
  private final InstantSource clock;
  private final Duration cancelGrace;

  Running(AgentConfig config, Registration robot, Shared parts) {
    this.robot = robot;
    this.rest = parts.rest();
    this.realtime = parts.realtime();
    this.fleet = parts.fleet();
    this.clock = parts.clock();
    this.cancelGrace = config.cancelGrace();
    MeterRegistry metrics = parts.metrics();
    int capacity = Math.max(1, Math.min(config.maxConcurrentJobs(), robot.maxConcurrentJobs()));
    this.active = new ActiveJobs(capacity);
    Gauge.builder("agent.jobs.running", active, ActiveJobs::size).register(metrics);
    Gauge.builder("agent.realtime.connected", realtime, r -> r.isConnected() ? 1 : 0)
        .description("1 while the Realtime socket is open")
        .register(metrics);
    for (RealtimeQuota.Kind kind : RealtimeQuota.Kind.values()) {
      FunctionCounter.builder("agent.realtime.quota.refusals", realtime.quota(), q -> q.count(kind))
          .description("times a Realtime quota of the project refused or closed this robot")
          .tag("quota", kind.tag())
          .register(metrics);
    }
    this.heartbeat =
        new Heartbeat(
            rest,
            active,
            new HostMetrics(config.dataDir().toFile()),
            parts.heartbeats(),
            parts.fleet(),
            robot.settings().effectiveHeartbeat(config.heartbeatInterval()),
            robot.settings(),
            config.fleetMaintenance(),
            clock,
            metrics,
            parts.onFatal());
    RealtimeChannel fleetChannel =
        realtime.channel("robot-fleet", ChannelOptions.presence(robot.robotId().toString(), false));
    this.presence =
        new FleetPresence(fleetChannel, robot, active, AgentVersion.get(), parts.timers(), clock);
    Wakeup claimWakeup = new Wakeup();
    this.runner =
        new JobRunner(
            rest,
            parts.executor(),
            active,
            parts.logs(),
            parts.timers(),
            new JobRunner.Timing(config.jobTimeout(), config.cancelGrace()),
            new Events(
                metrics,
                new HintGate(parts.timers(), HINT_WINDOW, heartbeat::beatNow),
                claimWakeup),
            parts.onFatal());
    this.claims =
        new ClaimLoop(
            rest,
            runner,
            active,
            robot.settings().effectivePoll(config.jobPollInterval()),
            claimWakeup,
            clock,
            Sleeper.SYSTEM,
            parts.onFatal());
    this.progress =
        new ProgressReporter(rest, active, parts.fleet(), presence::changed, parts.onFatal());
    // Hints travel on public topics: anyone with the anon key can forge them, so a burst costs
    // at most one early claim / heartbeat per HINT_WINDOW (plus one claim per job really won). The
    // live log tail is sent by the
    // database on a private topic, never by the agent.
    if (config.wakeups()) {
      HintGate queued = new HintGate(parts.timers(), HINT_WINDOW, claimWakeup::signal);
      claims.onWork(queued::reopen); // a robot that wins jobs answers the next hint at once
      RealtimeChannel queue = realtime.channel("job-queue", ChannelOptions.BROADCAST);
      queue.onBroadcast("job_queued", payload -> queued.hint());
      queue.onJoined(queued::hint);
    }
    HintGate cancels = new HintGate(parts.timers(), HINT_WINDOW, heartbeat::beatNow);
    RealtimeChannel own = realtime.channel("robot:" + robot.robotId(), ChannelOptions.BROADCAST);
    own.onBroadcast("cancel_job", payload -> cancels.hint());
    own.onJoined(cancels::hint);
    active.onChange(presence::changed);
  }

  /** How often the fleet's presence budget is read again (the fleet grows and shrinks). */
  static final Duration PRESENCE_BUDGET_REFRESH = Duration.ofMinutes(10);

  void start() {
    fleet.scheduleWithFixedDelay(
        this::readPresenceBudget,
        0,
        PRESENCE_BUDGET_REFRESH.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
    presence.changed();
    heartbeat.start();
    progress.start();
    realtime.start();
    claims.start();
  }

  Registration robot() {
    return robot;
  }

  /**
   * Reads {@code robot_presence_budget()} and spaces presence updates to fit it, or stays off
   * presence when the fleet is larger than the budget carries (one INFO line per change: the
   * budget's reason; the robot is then seen through its heartbeats). A project without that RPC (an
   * older schema) keeps presence on at the default spacing; a failure waits for the next refresh.
   */
  private void readPresenceBudget() {
    Duration before = presence.spacing();
    boolean wasOn = presence.enabled();
    try {
      Duration now = presence.adapt(rest.rpc("robot_presence_budget", Map.of(), RetryPolicy.QUICK));
      if (!presence.enabled()) {
        if (wasOn || !presenceDecided) {
          log.info(
              "{}; this robot keeps its heartbeats, job wake-ups and cancels, and is not shown in"
                  + " robot-fleet presence",
              presence.offReason());
        }
      } else if (!wasOn && presenceDecided) {
        log.info(
            "presence on again (fleet presence budget): updates at most every {} s",
            now.toMillis() / 1000.0);
      } else if (!now.equals(before)) {
        log.info(
            "presence updates at most every {} s (fleet presence budget)", now.toMillis() / 1000.0);
      }
    } catch (SupabaseException e) {
      presence.budgetUnknown();
      log.debug(
          "presence budget not read ({}); spacing stays {}", e.getMessage(), presence.spacing());
    }
    presenceDecided = true;
  }

  /** Whether a budget was read (or failed) once; only the fleet executor touches it. */
  private boolean presenceDecided;

  /** The workers this part runs, for {@code /healthz}. */
  List<Worker> workers() {
    return List.of(claims.worker(), realtime.worker());
  }

  void stopJobsNow() {
    runner.stopAtOnce();
    active.cancelAll(CancelReason.SHUTDOWN);
  }

  /**
   * Stop claiming, drain, release the rest, leave presence, go offline, all by {@code end} (the
   * start of the stop plus ROBOT_SHUTDOWN_BUDGET): running jobs get the budget minus a reserve (a
   * quarter of it, between {@link #MIN_STOP_RESERVE} and {@link #MAX_STOP_RESERVE}, never more than
   * half the budget) for releasing them and going offline, and every later step is cut to what is
   * left (with small floors, {@link #RELEASE_FLOOR} and {@link #OFFLINE_FLOOR}, for budgets shorter
   * than that work). The heartbeat stops before {@code robot_offline} (so offline is the last
   * status written); leaving the Realtime channels comes last, as the server drops presence with
   * the socket anyway. With a rejected key nothing more is written: the jobs' leases expire and
   * they run elsewhere.
   */
  void shutdown(boolean atOnce, boolean keyRejected, Instant end) {
    claims.stopClaiming();
    Duration budget = remaining(end);
    Duration reserve =
        min(min(max(budget.dividedBy(4), MIN_STOP_RESERVE), MAX_STOP_RESERVE), budget.dividedBy(2));
    if (keyRejected) {
      active.cancelAll(CancelReason.LEASE_LOST);
    } else if (atOnce) {
      stopJobsNow();
    } else if (!active.isEmpty()) {
      log.info("stopping: waiting up to {} s for {} job(s)", budget.toSeconds(), active.size());
      presence.overrideStatus("stopping");
      drain(end.minus(reserve));
    }
    if (!active.isEmpty()) {
      log.warn("shutdown budget used up: releasing {} job(s) to the queue", active.size());
      runner.limitShutdownGrace(remaining(end).dividedBy(2));
      active.cancelAll(CancelReason.SHUTDOWN);
    }
    awaitJobs(max(min(cancelGrace.plusSeconds(10), remaining(end)), RELEASE_FLOOR));
    progress.stop();
    heartbeat.stop(max(min(Duration.ofSeconds(5), remaining(end)), Duration.ofMillis(500)));
    if (!keyRejected) {
      try {
        rest.rpc("robot_offline", Map.of(), RetryPolicy.QUICK, max(remaining(end), OFFLINE_FLOOR));
      } catch (SupabaseException e) {
        log.warn(
            "could not mark the robot offline ({}); the fleet will after its threshold",
            e.getMessage());
      }
    }
    realtime.stop(max(min(Duration.ofSeconds(2), remaining(end)), Duration.ofMillis(100)));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private Duration remaining(Instant end) {
    Duration left = Duration.between(clock.instant(), end);
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void drain(Instant until) {
    try {
      while (!active.isEmpty() && clock.instant().isBefore(until)) {
        active.awaitChange(Duration.ofMillis(50));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitJobs(Duration wait) {
    try {
      if (!claims.awaitJobs(wait)) {
        log.warn(
            "{} job thread(s) still busy after {} ms; leaving them",
            active.size(),
            wait.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Health health(Duration offlineThreshold, List<Worker> agentWorkers) {
    Duration allowed = heartbeat.interval().multipliedBy(2);
    if (offlineThreshold.compareTo(allowed) < 0) {
      allowed = offlineThreshold;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("robot_id", robot.robotId().toString());
    details.put("running_jobs", active.size());
    details.put("realtime_connected", realtime.isConnected());
    details.put(
        "last_heartbeat_age_ms",
        Duration.between(heartbeat.lastSuccess(), clock.instant()).toMillis());
    Map<String, Object> workers = new LinkedHashMap<>();
    String dead = null;
    for (List<Worker> group : List.of(agentWorkers, workers())) {
      for (Worker worker : group) {
        workers.put(worker.name(), worker.report());
        if (dead == null && !worker.alive()) {
          dead = "worker " + worker.name() + " is not running";
        }
      }
    }
    details.put("workers", workers);
    String reason = dead != null ? dead : heartbeat.unhealthyReason(allowed).orElse(null);
    return new Health(reason == null, reason, details);
  }

  /**
   * Job edges: metrics, a fresh heartbeat on status changes, a claim when a slot frees. The early
   * beats go through a {@link HintGate} (at most one per {@link #HINT_WINDOW}, the last edge of a
   * burst still beats): a robot running 50 short jobs a second used to send a heartbeat after every
   * start and end, back to back, contending with its own claims on its robots row.
   */
  private static final class Events implements JobEvents {
    private final MeterRegistry metrics;
    private final HintGate beat;
    private final Wakeup claimWakeup;

    Events(MeterRegistry metrics, HintGate beat, Wakeup claimWakeup) {
      this.metrics = metrics;
      this.beat = beat;
      this.claimWakeup = claimWakeup;
    }

    @Override
    public void started(RunningJob job) {
      metrics.counter("agent.jobs.started").increment();
      beat.hint();
    }

    @Override
    public void finished(RunningJob job, JobOutcome outcome) {
      metrics.counter("agent.jobs.finished", "outcome", outcome.label()).increment();
      claimWakeup.signal();
      beat.hint();
    }
  }
}
