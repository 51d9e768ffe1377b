package com.casarerpa.fleet.agent.fleet;

import com.casarerpa.fleet.agent.jobs.ActiveJobs;
import com.casarerpa.fleet.agent.jobs.CancelReason;
import com.casarerpa.fleet.agent.jobs.RunningJob;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot's heartbeat, on its own scheduler thread {@code agent-heartbeat} (no other RPC ever
 * waits in front of it): {@code robot_heartbeat} with status (online/busy), host metrics and the
 * leases held. The reply renews those leases and lists jobs to cancel and jobs this robot has lost;
 * both are acted on at once. When the server says maintenance is due, this robot runs {@code
 * robot_fleet_maintenance} (the server lets one robot at a time in) on the {@code maintenance}
 * executor, so the next beat does not wait for it.
 *
 * <p>Leases are confirmed by the database, not guessed: a failed beat only warns, and the next
 * successful beat reports what was lost meanwhile. The one local rule: with no successful beat for
 * two lease lengths the robot must assume its jobs were taken over, and stops them (GitHub runner's
 * lesson).
 */
public final class Heartbeat {
  private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

  private final SupabaseRest rest;
  private final ActiveJobs active;
  private final HostMetrics host;
  private final ScheduledExecutorService scheduler;
  private final Executor maintenance;
  private final Duration interval;
  private final ServerSettings server;
  private final boolean runsMaintenance;
  private final InstantSource clock;
  private final Consumer<RobotKeyRejected> onFatal;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Counter failures;
  private volatile Instant lastSuccess;
  private volatile boolean stopped;
  private Instant lastMaintenance = Instant.MIN;
  private int consecutiveFailures;

  public Heartbeat(
      SupabaseRest rest,
      ActiveJobs active,
      HostMetrics host,
      ScheduledExecutorService scheduler,
      Executor maintenance,
      Duration interval,
      ServerSettings server,
      boolean runsMaintenance,
      InstantSource clock,
      MeterRegistry metrics,
      Consumer<RobotKeyRejected> onFatal) {
    this.rest = rest;
    this.active = active;
    this.host = host;
    this.scheduler = scheduler;
    this.maintenance = maintenance;
    this.interval = interval;
    this.server = server;
    this.runsMaintenance = runsMaintenance;
    this.clock = clock;
    this.onFatal = onFatal;
    this.lastSuccess = clock.instant();
    this.failures = metrics.counter("agent.heartbeat.failures");
  }

  public void start() {
    scheduler.schedule(this::tick, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Beats as soon as possible (a cancel hint arrived, the status changed); coalesced. */
  public void beatNow() {
    if (!stopped && queued.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            queued.set(false);
            beat();
          });
    }
  }

  /**
   * Stops beating and waits (up to {@code deadline}) for a beat already in flight, so that nothing
   * overwrites the offline status written after it.
   */
  public void stop(Duration deadline) {
    stopped = true;
    try {
      scheduler.submit(() -> {}).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException
        | java.util.concurrent.RejectedExecutionException e) {
      log.debug("in-flight heartbeat did not finish within {}: {}", deadline, e.toString());
    }
  }

  public Duration interval() {
    return interval;
  }

  /** When the last beat succeeded (registration counts as one). */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  private void tick() {
    if (stopped) {
      return;
    }
    try {
      beat();
    } finally {
      if (!stopped) {
        scheduler.schedule(this::tick, interval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void beat() {
    if (stopped) {
      return;
    }
    try {
      JsonNode reply = rest.rpc("robot_heartbeat", params(), RetryPolicy.QUICK);
      lastSuccess = clock.instant();
      if (consecutiveFailures > 0) {
        log.info("heartbeat back after {} failed attempt(s)", consecutiveFailures);
        consecutiveFailures = 0;
      }
      ids(reply.path("cancel")).forEach(id -> cancel(id, CancelReason.OPERATOR));
      ids(reply.path("lost")).forEach(id -> cancel(id, CancelReason.LEASE_LOST));
      maintainIfDue(reply);
    } catch (BackendUnavailable e) {
      failures.increment();
      if (consecutiveFailures++ == 0) {
        log.warn("heartbeat failed (repeats are logged at debug): {}", e.getMessage());
      } else {
        log.debug("heartbeat failed again: {}", e.getMessage());
      }
      abandonIfSilentTooLong();
    } catch (RobotKeyRejected e) {
      onFatal.accept(e);
    } catch (SupabaseException e) {
      failures.increment();
      log.error("heartbeat refused: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.error("heartbeat error", e);
    }
  }

  private Map<String, Object> params() {
    List<Map<String, String>> leases = new ArrayList<>();
    for (RunningJob job : active.all()) {
      leases.add(
          Map.of(
              "job_id", job.jobId().toString(),
              "claim_token", job.job().claimToken().toString()));
    }
    return Map.of(
        "p_status",
        active.isEmpty() ? "online" : "busy",
        "p_metrics",
        host.snapshot(active.size()),
        "p_jobs",
        leases);
  }

  private void cancel(UUID jobId, CancelReason reason) {
    if (active.cancel(jobId, reason)) {
      log.info("job {}: stop requested by the server ({})", jobId, reason);
    }
  }

  private void maintainIfDue(JsonNode reply) {
    if (!runsMaintenance) {
      return;
    }
    Instant now = clock.instant();
    boolean due =
        reply.has("maintenance_due")
            ? reply.path("maintenance_due").asBoolean()
            : !now.isBefore(lastMaintenance.plus(server.maintenanceInterval()));
    if (!due) {
      return;
    }
    lastMaintenance = now;
    try {
      maintenance.execute(this::runMaintenance);
    } catch (RejectedExecutionException e) {
      log.debug("fleet maintenance skipped: stopping");
    }
  }

  private void runMaintenance() {
    try {
      JsonNode result = rest.rpc("robot_fleet_maintenance", Map.of(), RetryPolicy.ONCE);
      log.debug("fleet maintenance: {}", result);
    } catch (SupabaseException e) {
      log.debug("fleet maintenance skipped: {}", e.getMessage());
    }
  }

  private void abandonIfSilentTooLong() {
    Duration silent = Duration.between(lastSuccess, clock.instant());
    if (silent.compareTo(server.lease().multipliedBy(2)) > 0 && !active.isEmpty()) {
      log.error(
          "no successful heartbeat for {} s (two leases): stopping {} job(s) another robot may"
              + " have taken over",
          silent.toSeconds(),
          active.size());
      active.cancelAll(CancelReason.LEASE_LOST);
    }
  }

  private static List<UUID> ids(JsonNode array) {
    List<UUID> ids = new ArrayList<>();
    array.forEach(
        node -> {
          String text = node.isObject() ? node.path("job_id").asText() : node.asText();
          try {
            ids.add(UUID.fromString(text));
          } catch (IllegalArgumentException e) {
            log.warn("heartbeat reply listed a job id that is not a uuid: {}", text);
          }
        });
    return ids;
  }

  /** For /healthz: the last beat is recent enough. */
  public Optional<String> unhealthyReason(Duration allowedSilence) {
    Duration silent = Duration.between(lastSuccess, clock.instant());
    return silent.compareTo(allowedSilence) > 0
        ? Optional.of("no successful heartbeat for " + silent.toSeconds() + " s")
        : Optional.empty();
  }
}
