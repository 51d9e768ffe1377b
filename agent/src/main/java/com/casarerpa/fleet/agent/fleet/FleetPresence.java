package com.casarerpa.fleet.agent.fleet;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.jobs.ActiveJobs;
import com.casarerpa.fleet.agent.jobs.RunningJob;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * This robot's presence on {@code robot-fleet} (key = robot_id), with the payload of CONTRACT §6.
 * Supabase allows about 5 presence messages per 30 s per channel, so updates are coalesced: at most
 * one every {@link #spacing()} (at least {@link #MIN_SPACING}); a change inside that window is sent
 * when it ends. The project's presence quota is shared by the whole fleet, so the spacing grows
 * with the fleet: {@link #adapt} takes {@code robot_presence_budget()}'s interval (N × (N +
 * watchers) / budget: every update reaches every robot), capped at {@link #MAX_SPACING}.
 *
 * <p>Past the fleet size the budget carries ({@code presence_enabled = false} in the budget's
 * answer), the robot stays off presence: it untracks and sends nothing more until a later budget
 * turns presence on again; dashboards then see it through its heartbeats (the {@code robots} row).
 * Until the first budget is read nothing is tracked, so a large fleet coming up does not send one
 * round of N × (N + watchers) messages before it learns that presence is off; when the budget
 * cannot be read ({@link #budgetUnknown}), presence is on, as before the threshold existed.
 */
public final class FleetPresence {
  static final Duration MIN_SPACING = Duration.ofMillis(6_500);

  /** The longest spacing a budget can ask for (a robot's presence must not go stale for good). */
  public static final Duration MAX_SPACING = Duration.ofMinutes(10);

  private final RealtimeChannel channel;
  private final Registration robot;
  private final ActiveJobs active;
  private final String agentVersion;
  private final Instant onlineAt;
  private final ScheduledExecutorService timers;
  private final InstantSource clock;
  private Duration spacing = MIN_SPACING;
  private Instant lastSent = Instant.MIN;
  private boolean pending;
  private String statusOverride;

  /** null until the first budget (or its absence) is known. */
  private Boolean enabled;

  private String offReason;
  private ScheduledFuture<?> pendingSend;

  public FleetPresence(
      RealtimeChannel channel,
      Registration robot,
      ActiveJobs active,
      String agentVersion,
      ScheduledExecutorService timers,
      InstantSource clock) {
    this.channel = channel;
    this.robot = robot;
    this.active = active;
    this.agentVersion = agentVersion;
    this.onlineAt = clock.instant();
    this.timers = timers;
    this.clock = clock;
  }

  /** Something shown in presence changed; an update goes out now or when the window allows. */
  public synchronized void changed() {
    if (pending || !Boolean.TRUE.equals(enabled)) {
      return;
    }
    Instant due = lastSent.equals(Instant.MIN) ? clock.instant() : lastSent.plus(spacing);
    long wait = Math.max(0, Duration.between(clock.instant(), due).toMillis());
    pending = true;
    pendingSend = timers.schedule(this::send, wait, TimeUnit.MILLISECONDS);
  }

  /** Whether this robot tracks presence now (false also while the first budget is unread). */
  public synchronized boolean enabled() {
    return Boolean.TRUE.equals(enabled);
  }

  /** Why presence is off (the budget's sentence), or null while it is on. */
  public synchronized String offReason() {
    return offReason;
  }

  /** The least time between two presence updates of this robot now. */
  public synchronized Duration spacing() {
    return spacing;
  }

  /**
   * Applies the fleet's presence budget: {@code presence_interval_seconds} of {@code
   * robot_presence_budget()}, kept within [{@link #MIN_SPACING}, {@link #MAX_SPACING}]; a missing
   * or malformed value leaves the spacing as it is.
   *
   * @return the spacing now in force
   */
  public synchronized Duration adapt(com.fasterxml.jackson.databind.JsonNode budget) {
    spacing = spacingFrom(budget, spacing);
    // an older schema's budget has no presence_enabled: presence stays on
    JsonNode on = budget.path("presence_enabled");
    if (on.isBoolean() && !on.asBoolean()) {
      String reason = budget.path("presence_off_reason").asText("");
      turnOff(reason.isEmpty() ? "presence is off (fleet presence budget)" : reason);
    } else {
      turnOn();
    }
    return spacing;
  }

  /** The budget could not be read (an older schema, the network): presence on if undecided. */
  public synchronized void budgetUnknown() {
    if (enabled == null) {
      turnOn();
    }
  }

  private void turnOn() {
    boolean was = Boolean.TRUE.equals(enabled);
    enabled = true;
    offReason = null;
    if (!was) {
      changed();
    }
  }

  private void turnOff(String reason) {
    boolean was = Boolean.TRUE.equals(enabled);
    enabled = false;
    offReason = reason;
    if (pendingSend != null) {
      pendingSend.cancel(false);
      pendingSend = null;
    }
    pending = false;
    if (was) {
      channel.untrack();
    }
  }

  /** The spacing {@code budget} asks for, clamped; {@code current} when it asks for nothing. */
  static Duration spacingFrom(com.fasterxml.jackson.databind.JsonNode budget, Duration current) {
    com.fasterxml.jackson.databind.JsonNode seconds = budget.path("presence_interval_seconds");
    if (seconds.isNumber() && seconds.asDouble() > 0) {
      return clamp(Duration.ofMillis(Math.round(seconds.asDouble() * 1000)));
    }
    return current;
  }

  static Duration clamp(Duration wanted) {
    if (wanted.compareTo(MIN_SPACING) < 0) {
      return MIN_SPACING;
    }
    return wanted.compareTo(MAX_SPACING) > 0 ? MAX_SPACING : wanted;
  }

  /** Shows {@code status} instead of online/busy (e.g. "stopping"); null goes back. */
  public synchronized void overrideStatus(String status) {
    statusOverride = status;
    changed();
  }

  private synchronized void send() {
    pending = false;
    pendingSend = null;
    if (!Boolean.TRUE.equals(enabled)) {
      return;
    }
    lastSent = clock.instant();
    channel.track(payload());
  }

  /** The tracked payload, built from the current state. */
  public synchronized ObjectNode payload() {
    ObjectNode meta = Json.MAPPER.createObjectNode();
    meta.put("robot_id", robot.robotId().toString());
    meta.put("name", robot.name());
    meta.put("hostname", robot.hostname());
    meta.put(
        "status", statusOverride != null ? statusOverride : active.isEmpty() ? "online" : "busy");
    meta.put("environment", robot.environment());
    ArrayNode capabilities = meta.putArray("capabilities");
    robot.capabilities().forEach(capabilities::add);
    meta.put("agent_version", agentVersion);
    ArrayNode jobs = meta.putArray("jobs");
    for (RunningJob job : active.all()) {
      jobs.addObject()
          .put("job_id", job.jobId().toString())
          .put("progress", job.progress())
          .put("current_node", job.currentNode());
    }
    meta.put("online_at", onlineAt.toString());
    return meta;
  }
}
