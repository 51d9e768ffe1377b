package com.casarerpa.fleet.devstack.sim;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.GuardedScheduler;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated robot speaking the real protocol: its own robot row and API key, {@code
 * robot_register}, a heartbeat loop ({@code robot_heartbeat}, maintenance when due), its own
 * Realtime socket (the agent's {@link RealtimeClient}) with presence on {@code robot-fleet},
 * wake-ups from {@code job-queue} (at most one early claim per second, as the agent's hint gate)
 * and a claim loop ({@code claim_jobs} → {@code start_job} → {@code complete_job}). Its loops run
 * on virtual threads, each starting at a random phase of its interval (as robots that came up at
 * different times); its Realtime client runs on one of the fleet's few shared loop threads. Like
 * the agent it tracks presence only while {@code robot_presence_budget()} says the fleet's budget
 * carries it ({@code presence_enabled}); otherwise it keeps its socket for wake-ups and cancels.
 *
 * <p>A job runs for {@code payload.sim_ms} milliseconds on its first attempt and {@code
 * payload.sim_retry_ms} (default 0) on later ones, so a test can keep a first attempt running until
 * its robot vanishes.
 */
public final class SimRobot {
  private static final Logger log = LoggerFactory.getLogger(SimRobot.class);
  private static final Duration HINT_WINDOW = Duration.ofSeconds(1);

  private final FleetSimulator fleet;
  private final FleetAdmin.Robot identity;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
  private final SupabaseRest rest;
  private final RealtimeClient realtime;
  private volatile Duration delay = Duration.ZERO;
  private volatile Duration skew = Duration.ZERO;
  private volatile boolean vanished;
  private volatile boolean stopped;
  private volatile String status = "online";
  private volatile Map<String, Object> runningJob;
  private volatile Thread heartbeatThread;
  private volatile Thread claimThread;
  private RealtimeChannel presence;
  private Duration heartbeatInterval = Duration.ofSeconds(10);
  private Duration pollInterval = Duration.ofSeconds(5);
  private Duration presenceSpacing = Duration.ofMillis(6_500);
  private volatile boolean presenceEnabled = true;
  private long lastHint;
  private long lastPresence;
  private boolean presencePending;

  SimRobot(FleetSimulator fleet, FleetAdmin.Robot identity, GuardedScheduler loop) {
    this.fleet = fleet;
    this.identity = identity;
    OkHttpClient restHttp =
        fleet
            .http()
            .newBuilder()
            .addInterceptor(
                chain -> {
                  Duration wait = delay;
                  if (!wait.isZero()) {
                    try {
                      Thread.sleep(wait);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      throw new IOException("interrupted while delayed", e);
                    }
                  }
                  if (vanished) {
                    throw new IOException("robot vanished");
                  }
                  return chain.proceed(chain.request());
                })
            .build();
    this.rest =
        new SupabaseRest(restHttp, URI.create(fleet.url()), fleet.anonKey(), identity.key());
    // sockets in a pool of their own: OkHttp scans its pool on every call, and a thousand open
    // WebSockets in the REST pool made each REST call walk past all of them
    OkHttpClient socketHttp =
        fleet
            .http()
            .newBuilder()
            .connectionPool(fleet.socketPool())
            .socketFactory(new TrackedSockets())
            .build();
    this.realtime =
        new RealtimeClient(
            socketHttp,
            URI.create(fleet.url()),
            fleet.anonKey(),
            RealtimeClient.HEARTBEAT_INTERVAL,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
            loop);
  }

  public UUID id() {
    return identity.id();
  }

  public String name() {
    return identity.name();
  }

  public boolean vanished() {
    return vanished;
  }

  public boolean realtimeConnected() {
    return realtime.isConnected();
  }

  /** Quota refusals this robot's Realtime client met (all kinds). */
  public long quotaRefusals() {
    long sum = 0;
    for (var kind : com.casarerpa.fleet.agent.supabase.RealtimeQuota.Kind.values()) {
      sum += realtime.quota().count(kind);
    }
    return sum;
  }

  public Duration presenceSpacing() {
    return presenceSpacing;
  }

  /** Whether this robot tracks presence (the fleet's budget carries it). */
  public boolean presenceEnabled() {
    return presenceEnabled;
  }

  /** Registers, connects Realtime and starts the heartbeat and claim loops. */
  void start() {
    long began = System.nanoTime();
    JsonNode reply =
        rest.rpc(
            "robot_register",
            Map.of(
                "p_hostname",
                "sim-" + identity.name(),
                "p_capabilities",
                List.of(),
                "p_environment",
                "default",
                "p_max_concurrent_jobs",
                1,
                "p_agent_version",
                "fleet-simulator",
                "p_tags",
                List.of("simulated"),
                "p_metadata",
                Map.of("simulated", true)),
            RetryPolicy.PATIENT);
    fleet.registered(System.nanoTime() - began);
    JsonNode settings = reply.path("settings");
    heartbeatInterval = seconds(settings, "heartbeat_interval_seconds", heartbeatInterval);
    pollInterval = seconds(settings, "job_poll_interval_seconds", pollInterval);
    if (fleet.settings().heartbeatInterval() != null) {
      heartbeatInterval = min(heartbeatInterval, fleet.settings().heartbeatInterval());
    }
    try {
      JsonNode budget = rest.rpc("robot_presence_budget", Map.of(), RetryPolicy.QUICK);
      double s = budget.path("presence_interval_seconds").asDouble(6.5);
      presenceSpacing = Duration.ofMillis(Math.max(6_500, Math.round(s * 1000)));
      presenceEnabled = budget.path("presence_enabled").asBoolean(true);
    } catch (SupabaseException e) {
      log.debug("{}: no presence budget ({})", identity.name(), e.getMessage());
    }
    presence =
        realtime.channel("robot-fleet", ChannelOptions.presence(identity.id().toString(), false));
    RealtimeChannel queue = realtime.channel("job-queue", ChannelOptions.BROADCAST);
    queue.onBroadcast("job_queued", payload -> hint());
    RealtimeChannel own = realtime.channel("robot:" + identity.id(), ChannelOptions.BROADCAST);
    own.onBroadcast("cancel_job", payload -> {});
    realtime.start();
    presenceChanged();
    heartbeatThread = Thread.ofVirtual().name("sim-heartbeat-" + identity.name()).start(this::beat);
    claimThread = Thread.ofVirtual().name("sim-claim-" + identity.name()).start(this::claim);
  }

  /** Applies {@code fault} now. */
  public void inject(Fault fault) {
    switch (fault) {
      case Fault.Vanish v -> vanish();
      case Fault.SlowNetwork s -> delay = s.delay();
      case Fault.ClockSkew c -> skew = c.skew();
    }
  }

  private void vanish() {
    vanished = true;
    stopped = true;
    interrupt(heartbeatThread);
    interrupt(claimThread);
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        log.debug("closing a vanished robot's socket: {}", e.toString());
      }
    }
  }

  /** A clean stop: loops end, the robot goes offline, Realtime leaves. */
  void stop(Duration deadline) {
    boolean wasVanished = vanished;
    stopped = true;
    interrupt(heartbeatThread);
    interrupt(claimThread);
    join(heartbeatThread, deadline);
    join(claimThread, deadline);
    if (!wasVanished) {
      try {
        rest.rpc("robot_offline", Map.of(), RetryPolicy.ONCE);
      } catch (SupabaseException e) {
        log.debug("{}: robot_offline failed: {}", identity.name(), e.getMessage());
      }
    }
    realtime.stop(deadline);
  }

  private void beat() {
    boolean first = true;
    while (!stopped) {
      try {
        Thread.sleep(first ? randomPart(heartbeatInterval) : heartbeatInterval);
      } catch (InterruptedException e) {
        return;
      }
      first = false;
      Map<String, Object> job = runningJob;
      Map<String, Object> params =
          Map.of(
              "p_status",
              status,
              "p_metrics",
              Map.of("simulated", true, "client_time", Instant.now().plus(skew).toString()),
              "p_jobs",
              job == null
                  ? List.of()
                  : List.of(
                      Map.of(
                          "job_id", job.get("p_job_id"), "claim_token", job.get("p_claim_token"))));
      long began = System.nanoTime();
      try {
        JsonNode reply = rest.rpc("robot_heartbeat", params, RetryPolicy.ONCE);
        fleet.heartbeatDone(System.nanoTime() - began);
        if (reply.path("maintenance_due").asBoolean(false)) {
          rest.rpc("robot_fleet_maintenance", Map.of(), RetryPolicy.ONCE);
        }
      } catch (SupabaseException e) {
        if (!stopped) {
          fleet.heartbeatFailed();
          log.debug("{}: heartbeat failed: {}", identity.name(), e.getMessage());
        }
      }
    }
  }

  private void claim() {
    boolean first = true;
    while (!stopped) {
      try {
        wake.poll(
            (first ? randomPart(pollInterval) : pollInterval).toMillis(), TimeUnit.MILLISECONDS);
        first = false;
      } catch (InterruptedException e) {
        return;
      }
      if (stopped) {
        return;
      }
      try {
        boolean claimed = true;
        while (claimed && !stopped) {
          claimed = claimOnce();
        }
      } catch (SupabaseException e) {
        if (!stopped) {
          fleet.claimFailed();
          log.debug("{}: claim failed: {}", identity.name(), e.getMessage());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean claimOnce() throws InterruptedException {
    JsonNode rows = rest.rpc("claim_jobs", Map.of("p_limit", 1), RetryPolicy.ONCE);
    fleet.claimCalled();
    if (!rows.isArray() || rows.isEmpty()) {
      return false;
    }
    JsonNode row = rows.get(0);
    UUID job = UUID.fromString(row.path("job_id").asText());
    Map<String, Object> fence =
        Map.of("p_job_id", job.toString(), "p_claim_token", row.path("claim_token").asText());
    runningJob = fence;
    status = "busy";
    presenceChanged();
    fleet.claimed();
    rest.rpc("start_job", fence, RetryPolicy.QUICK);
    JsonNode payload = row.path("payload");
    long ms =
        row.path("attempt").asInt(1) <= 1
            ? payload.path("sim_ms").asLong(0)
            : payload.path("sim_retry_ms").asLong(0);
    if (ms > 0) {
      Thread.sleep(ms);
    }
    rest.rpc(
        "complete_job",
        Map.of(
            "p_job_id", fence.get("p_job_id"),
            "p_claim_token", fence.get("p_claim_token"),
            "p_result", Map.of("simulated_by", identity.name())),
        RetryPolicy.STANDARD);
    fleet.completed();
    runningJob = null;
    status = "online";
    presenceChanged();
    return true;
  }

  /** A job_queued hint (on the Realtime loop thread): at most one early claim per second. */
  private void hint() {
    long now = System.nanoTime();
    if (now - lastHint < HINT_WINDOW.toNanos()) {
      return;
    }
    lastHint = now;
    wake.offer(Boolean.TRUE);
  }

  /** Presence shows the status; updates are spaced by the fleet's presence budget. */
  private synchronized void presenceChanged() {
    if (presencePending || stopped || !presenceEnabled) {
      return;
    }
    long now = System.nanoTime();
    long due = lastPresence == 0 ? now : lastPresence + presenceSpacing.toNanos();
    presencePending = true;
    fleet.timers().schedule(this::sendPresence, Math.max(0, due - now), TimeUnit.NANOSECONDS);
  }

  private synchronized void sendPresence() {
    presencePending = false;
    if (stopped) {
      return;
    }
    lastPresence = System.nanoTime();
    ObjectNode meta = FleetAdmin.JSON.createObjectNode();
    meta.put("robot_id", identity.id().toString());
    meta.put("name", identity.name());
    meta.put("hostname", "sim-" + identity.name());
    meta.put("status", status);
    meta.put("environment", "default");
    meta.putArray("capabilities");
    meta.put("agent_version", "fleet-simulator");
    meta.putArray("jobs");
    presence.track(meta);
  }

  private static Duration seconds(JsonNode settings, String field, Duration fallback) {
    JsonNode value = settings.get(field);
    return value != null && value.isNumber() && value.asDouble() > 0
        ? Duration.ofMillis(Math.round(value.asDouble() * 1000))
        : fallback;
  }

  /** A uniformly random part of {@code whole}: the phase of a loop that started at some moment. */
  private static Duration randomPart(Duration whole) {
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, whole.toMillis())));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void interrupt(Thread thread) {
    if (thread != null) {
      thread.interrupt();
    }
  }

  private static void join(Thread thread, Duration deadline) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Plain sockets, remembered so that a vanish can drop them; none once the robot vanished. */
  private final class TrackedSockets extends SocketFactory {
    private Socket track(Socket socket) throws IOException {
      if (vanished) {
        socket.close();
        throw new IOException("robot vanished");
      }
      sockets.add(socket);
      return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
      return track(new Socket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return track(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort)
        throws IOException {
      return track(new Socket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return track(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return track(new Socket(address, port, local, localPort));
    }
  }
}
