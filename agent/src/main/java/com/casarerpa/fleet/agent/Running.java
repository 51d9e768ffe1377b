package com.casarerpa.fleet.agent;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.fleet.FleetPresence;
import com.casarerpa.fleet.agent.fleet.Heartbeat;
import com.casarerpa.fleet.agent.fleet.HostMetrics;
import com.casarerpa.fleet.agent.fleet.Registration;
import com.casarerpa.fleet.agent.internal.HintGate;
import com.casarerpa.fleet.agent.jobs.ActiveJobs;
import com.casarerpa.fleet.agent.jobs.CancelReason;
import com.casarerpa.fleet.agent.jobs.ClaimLoop;
import com.casarerpa.fleet.agent.jobs.JobEvents;
import com.casarerpa.fleet.agent.jobs.JobRunner;
import com.casarerpa.fleet.agent.jobs.ProgressReporter;
import com.casarerpa.fleet.agent.jobs.RunningJob;
import com.casarerpa.fleet.agent.jobs.WorkflowExecutor;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.ops.Health;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The parts of an agent that exist once it is registered, wired together; and its shutdown. */
final class Running {
  private static final Logger log = LoggerFactory.getLogger(Running.class);

  private final Registration robot;
  private final SupabaseRest rest;
  private final ActiveJobs active;
  private final JobRunner runner;
  private final ClaimLoop claims;
  private final Heartbeat heartbeat;
  private final ProgressReporter progress;
  private final FleetPresence presence;
  private final RealtimeClient realtime;
  private final InstantSource clock;
  private final Duration cancelGrace;

  private Running(Builder b) {
    this.robot = b.robot;
    this.rest = b.rest;
    this.active = b.active;
    this.runner = b.runner;
    this.claims = b.claims;
    this.heartbeat = b.heartbeat;
    this.progress = b.progress;
    this.presence = b.presence;
    this.realtime = b.realtime;
    this.clock = b.clock;
    this.cancelGrace = b.cancelGrace;
  }

  /** At most one early claim and one early heartbeat per window from Realtime hints. */
  static final Duration HINT_WINDOW = Duration.ofSeconds(1);

  static Running wire(
      AgentConfig config,
      Registration robot,
      SupabaseRest rest,
      WorkflowExecutor executor,
      RealtimeClient realtime,
      LogPipeline logs,
      ScheduledExecutorService timers,
      ScheduledExecutorService fleet,
      InstantSource clock,
      MeterRegistry metrics,
      Agent agent) {
    Builder b = new Builder();
    b.robot = robot;
    b.rest = rest;
    b.realtime = realtime;
    b.clock = clock;
    b.cancelGrace = config.cancelGrace();
    int capacity = Math.max(1, Math.min(config.maxConcurrentJobs(), robot.maxConcurrentJobs()));
    b.active = new ActiveJobs(capacity);
    Gauge.builder("agent.jobs.running", b.active, ActiveJobs::size).register(metrics);
    b.heartbeat =
        new Heartbeat(
            rest,
            b.active,
            new HostMetrics(config.dataDir().toFile()),
            fleet,
            robot.settings().effectiveHeartbeat(config.heartbeatInterval()),
            robot.settings(),
            config.fleetMaintenance(),
            clock,
            metrics,
            agent::fatal);
    RealtimeChannel fleetChannel =
        realtime.channel("robot-fleet", ChannelOptions.presence(robot.robotId().toString(), false));
    b.presence =
        new FleetPresence(fleetChannel, robot, b.active, AgentVersion.get(), timers, clock);
    JobEvents events = new Events(metrics, b);
    b.runner =
        new JobRunner(
            rest,
            executor,
            b.active,
            logs,
            timers,
            clock,
            new JobRunner.Timing(config.jobTimeout(), config.cancelGrace()),
            events,
            agent::fatal);
    b.claims =
        new ClaimLoop(
            rest,
            b.runner,
            b.active,
            robot.settings().effectivePoll(config.jobPollInterval()),
            agent::fatal);
    b.progress = new ProgressReporter(rest, b.active, fleet, b.presence::changed, agent::fatal);
    // Hints travel on public topics: anyone with the anon key can forge them, so a burst costs
    // at most one early claim / heartbeat per HINT_WINDOW. The live log tail is sent by the
    // database on a private topic, never by the agent.
    if (config.wakeups()) {
      HintGate queued = new HintGate(timers, HINT_WINDOW, b.claims::wake);
      RealtimeChannel queue = realtime.channel("job-queue", ChannelOptions.BROADCAST);
      queue.onBroadcast("job_queued", payload -> queued.hint());
      queue.onJoined(queued::hint);
    }
    HintGate cancels = new HintGate(timers, HINT_WINDOW, b.heartbeat::beatNow);
    RealtimeChannel own = realtime.channel("robot:" + robot.robotId(), ChannelOptions.BROADCAST);
    own.onBroadcast("cancel_job", payload -> cancels.hint());
    own.onJoined(cancels::hint);
    b.active.onChange(b.presence::changed);
    return new Running(b);
  }

  void start() {
    presence.changed();
    heartbeat.start();
    progress.start();
    realtime.start();
    claims.start();
  }

  Registration robot() {
    return robot;
  }

  void stopJobsNow() {
    runner.stopAtOnce();
    active.cancelAll(CancelReason.SHUTDOWN);
  }

  /**
   * Stop claiming, drain within {@code budget}, release the rest, leave presence, go offline. With
   * a rejected key nothing more is written: the jobs' leases expire and they run elsewhere.
   */
  void shutdown(boolean atOnce, boolean keyRejected, Duration budget) {
    claims.stopClaiming();
    if (keyRejected) {
      active.cancelAll(CancelReason.LEASE_LOST);
    } else if (atOnce) {
      stopJobsNow();
    } else if (!active.isEmpty()) {
      log.info("stopping: waiting up to {} s for {} job(s)", budget.toSeconds(), active.size());
      presence.overrideStatus("stopping");
      drain(budget);
    }
    if (!active.isEmpty()) {
      log.warn("shutdown budget used up: releasing {} job(s) to the queue", active.size());
      active.cancelAll(CancelReason.SHUTDOWN);
    }
    awaitJobs();
    progress.stop();
    heartbeat.stop(Duration.ofSeconds(5));
    realtime.stop(Duration.ofSeconds(2));
    if (!keyRejected) {
      try {
        rest.rpc("robot_offline", Map.of(), RetryPolicy.QUICK);
      } catch (SupabaseException e) {
        log.warn(
            "could not mark the robot offline ({}); the fleet will after its threshold",
            e.getMessage());
      }
    }
  }

  private void drain(Duration budget) {
    Instant end = clock.instant().plus(budget);
    try {
      while (!active.isEmpty() && clock.instant().isBefore(end)) {
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitJobs() {
    try {
      Duration wait = cancelGrace.plusSeconds(10);
      if (!claims.awaitJobs(wait)) {
        log.warn(
            "{} job thread(s) still busy after {} s; leaving them",
            active.size(),
            wait.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Health health(Duration offlineThreshold) {
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
    var reason = heartbeat.unhealthyReason(allowed);
    return new Health(reason.isEmpty(), reason.orElse(null), details);
  }

  private static final class Builder {
    Registration robot;
    SupabaseRest rest;
    ActiveJobs active;
    JobRunner runner;
    ClaimLoop claims;
    Heartbeat heartbeat;
    ProgressReporter progress;
    FleetPresence presence;
    RealtimeClient realtime;
    InstantSource clock;
    Duration cancelGrace;
  }

  /** Job edges: metrics, a fresh heartbeat on status changes, a claim when a slot frees. */
  private static final class Events implements JobEvents {
    private final MeterRegistry metrics;
    private final Builder parts;

    Events(MeterRegistry metrics, Builder parts) {
      this.metrics = metrics;
      this.parts = parts;
    }

    @Override
    public void started(RunningJob job) {
      metrics.counter("agent.jobs.started").increment();
      parts.heartbeat.beatNow();
    }

    @Override
    public void finished(RunningJob job, String outcome) {
      metrics.counter("agent.jobs.finished", "outcome", outcome).increment();
      parts.heartbeat.beatNow();
      parts.claims.wake();
    }
  }
}
