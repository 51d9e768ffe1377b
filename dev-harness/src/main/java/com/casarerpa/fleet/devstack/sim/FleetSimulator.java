package com.casarerpa.fleet.devstack.sim;

import com.casarerpa.fleet.agent.internal.GuardedScheduler;
import com.casarerpa.fleet.agent.supabase.ChannelOptions;
import com.casarerpa.fleet.agent.supabase.RealtimeChannel;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.devstack.dev.FleetAdmin;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N simulated robots ({@link SimRobot}) in one JVM against a Supabase-compatible URL, plus one
 * dashboard-like watcher on {@code robot-fleet} presence. All robots share one OkHttp dispatcher
 * (virtual threads, no per-host cap) and one connection pool; their blocking loops are virtual
 * threads; their Realtime clients share {@code realtimeLoops} one-thread loops (not a thread per
 * robot); timers share one small scheduler. Each robot still has its own robot row, API key, REST
 * identity and Realtime socket, so the load on the stack is that of N real robots.
 *
 * <p>Start: the fleet is provisioned by the operator's path in one round trip per 500 robots
 * ({@code create_robots}: robot rows and keys in one transaction), then every robot registers
 * through its own {@code robot_register} and connects, {@code registrars} at a time.
 */
public final class FleetSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetSimulator.class);

  /**
   * @param robots how many robots
   * @param namePrefix robot names are {@code <prefix>-<n>}
   * @param heartbeatInterval beat at most this far apart (null: what the server asks)
   * @param registrars robots registering ({@code robot_register}, presence budget) at once
   * @param realtimeLoops one-thread loops the robots' Realtime clients share
   */
  public record Settings(
      int robots,
      String namePrefix,
      Duration heartbeatInterval,
      int registrars,
      int realtimeLoops) {
    public static Settings of(int robots) {
      return new Settings(
          robots, "sim-" + Long.toString(System.nanoTime() % 1_000_000, 36), null, 32, 4);
    }

    public Settings withHeartbeat(Duration interval) {
      return new Settings(robots, namePrefix, interval, registrars, realtimeLoops);
    }
  }

  private final String url;
  private final String anonKey;
  private final FleetAdmin admin;
  private final Settings settings;
  private final OkHttpClient http;
  private final ConnectionPool socketPool = new ConnectionPool(5, 1, TimeUnit.MINUTES);
  private final ExecutorService httpThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService timers =
      Executors.newScheduledThreadPool(
          2, Thread.ofPlatform().daemon().name("sim-timers-", 1).factory());
  private final List<GuardedScheduler> realtimeLoops = new ArrayList<>();
  private final List<SimRobot> robots = Collections.synchronizedList(new ArrayList<>());
  private final Map<UUID, SimRobot> byId = new ConcurrentHashMap<>();
  private final Latencies heartbeats = new Latencies();
  private final Latencies registrations = new Latencies();
  private final LongAdder heartbeatFailures = new LongAdder();
  private final LongAdder claimCalls = new LongAdder();
  private final LongAdder claimFailures = new LongAdder();
  private final LongAdder claims = new LongAdder();
  private final LongAdder completions = new LongAdder();
  private RealtimeClient watcherClient;
  private RealtimeChannel watcher;
  private volatile Duration provisioning = Duration.ZERO;
  private volatile Duration registration = Duration.ZERO;

  public FleetSimulator(String url, String anonKey, String serviceKey, Settings settings) {
    this.url = url;
    this.anonKey = anonKey;
    this.admin = new FleetAdmin(url, serviceKey);
    this.settings = settings;
    Dispatcher dispatcher = new Dispatcher(httpThreads);
    dispatcher.setMaxRequests(100_000);
    dispatcher.setMaxRequestsPerHost(100_000);
    this.http =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(new ConnectionPool(2_000, 5, TimeUnit.MINUTES))
            .callTimeout(Duration.ofSeconds(30))
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(30))
            .retryOnConnectionFailure(false)
            .build();
    for (int i = 1; i <= Math.max(1, settings.realtimeLoops()); i++) {
      realtimeLoops.add(new GuardedScheduler("sim-realtime-" + i));
    }
  }

  /**
   * Watches presence, provisions every robot through the operator's path (service role: {@code
   * create_robots}, one transaction per 500), then starts them, {@code registrars} at a time, each
   * through its own robot RPCs: an operator provisions the fleet before its robots come up.
   */
  public void start() throws IOException, InterruptedException {
    watcherClient = new RealtimeClient(http, URI.create(url), anonKey);
    watcher = watcherClient.channel("robot-fleet", ChannelOptions.presence("fleet-watcher", true));
    watcherClient.start();
    long began = System.nanoTime();
    List<String> names = new ArrayList<>(settings.robots());
    for (int i = 1; i <= settings.robots(); i++) {
      names.add(settings.namePrefix() + "-" + i);
    }
    List<FleetAdmin.Robot> identities = admin.createRobots(names, 1);
    provisioning = Duration.ofNanos(System.nanoTime() - began);
    began = System.nanoTime();
    Semaphore gate = new Semaphore(Math.max(1, settings.registrars()));
    AtomicInteger failures = new AtomicInteger();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < identities.size(); i++) {
        FleetAdmin.Robot identity = identities.get(i);
        GuardedScheduler loop = realtimeLoops.get(i % realtimeLoops.size());
        workers.submit(
            () -> {
              gate.acquire();
              try {
                SimRobot robot = new SimRobot(this, identity, loop);
                robots.add(robot);
                byId.put(robot.id(), robot);
                robot.start();
              } catch (RuntimeException e) {
                failures.incrementAndGet();
                log.warn("robot {} not started: {}", identity.name(), e.toString());
              } finally {
                gate.release();
              }
              return null;
            });
      }
    }
    registration = Duration.ofNanos(System.nanoTime() - began);
    if (failures.get() > 0) {
      throw new IOException(failures.get() + " of " + settings.robots() + " robots not started");
    }
  }

  /** How long provisioning (robot rows and keys) took in {@link #start}. */
  public Duration provisioning() {
    return provisioning;
  }

  /** How long registering and connecting every robot took in {@link #start}. */
  public Duration registration() {
    return registration;
  }

  /** Robots that track presence (the fleet's presence budget carries them). */
  public long presenceEnabled() {
    return robots().stream().filter(SimRobot::presenceEnabled).count();
  }

  public List<SimRobot> robots() {
    synchronized (robots) {
      return List.copyOf(robots);
    }
  }

  public SimRobot robot(UUID id) {
    return byId.get(id);
  }

  /** Robot ids the watcher sees in {@code robot-fleet} presence now. */
  public Set<String> inPresence() {
    return watcher == null ? Set.of() : watcher.presenceKeys();
  }

  public FleetAdmin admin() {
    return admin;
  }

  /** {@code robot_register} round trips during {@link #start}. */
  public Latencies registerLatencies() {
    return registrations;
  }

  public Latencies heartbeatLatencies() {
    return heartbeats;
  }

  public long heartbeatFailures() {
    return heartbeatFailures.sum();
  }

  public long claimCalls() {
    return claimCalls.sum();
  }

  public long claimFailures() {
    return claimFailures.sum();
  }

  public long claims() {
    return claims.sum();
  }

  public long completions() {
    return completions.sum();
  }

  /** Robots whose Realtime socket is open now. */
  public long realtimeConnected() {
    return robots().stream().filter(SimRobot::realtimeConnected).count();
  }

  /** Robots a Realtime quota refused or closed at least once. */
  public long quotaRefused() {
    return robots().stream().filter(r -> r.quotaRefusals() > 0).count();
  }

  // --- for SimRobot ---

  String url() {
    return url;
  }

  String anonKey() {
    return anonKey;
  }

  Settings settings() {
    return settings;
  }

  OkHttpClient http() {
    return http;
  }

  /** The pool the robots' Realtime sockets live in (apart from the REST connections). */
  ConnectionPool socketPool() {
    return socketPool;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  void registered(long nanos) {
    registrations.add(nanos);
  }

  void heartbeatDone(long nanos) {
    heartbeats.add(nanos);
  }

  void heartbeatFailed() {
    heartbeatFailures.increment();
  }

  void claimCalled() {
    claimCalls.increment();
  }

  void claimFailed() {
    claimFailures.increment();
  }

  void claimed() {
    claims.increment();
  }

  void completed() {
    completions.increment();
  }

  /** Stops every robot cleanly (robot_offline, Realtime leave) and the shared parts. */
  @Override
  public void close() {
    Duration deadline = Duration.ofSeconds(5);
    try (ExecutorService stoppers = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SimRobot robot : robots()) {
        stoppers.submit(() -> robot.stop(deadline));
      }
    }
    if (watcherClient != null) {
      watcherClient.stop(deadline);
    }
    timers.shutdownNow();
    realtimeLoops.forEach(GuardedScheduler::shutdownNow);
    http.dispatcher().cancelAll();
    http.connectionPool().evictAll();
    socketPool.evictAll();
    httpThreads.shutdownNow();
  }
}
