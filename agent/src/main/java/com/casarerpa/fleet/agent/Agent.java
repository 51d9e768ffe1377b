package com.casarerpa.fleet.agent;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigException;
import com.casarerpa.fleet.agent.fleet.Registration;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.DataDirLock;
import com.casarerpa.fleet.agent.internal.ExecutorStop;
import com.casarerpa.fleet.agent.internal.GuardedScheduler;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.internal.Worker;
import com.casarerpa.fleet.agent.jobs.WorkflowExecutor;
import com.casarerpa.fleet.agent.logs.AgentLogAppender;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.logs.LogSpool;
import com.casarerpa.fleet.agent.ops.Health;
import com.casarerpa.fleet.agent.ops.OpsServer;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.LeaseLost;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.workflow.LogLevel;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot agent daemon. Its life, in order:
 *
 * <ol>
 *   <li>validate the configuration and log it once, secrets masked;
 *   <li>open the log spool (replaying what a previous run could not ship) and the ops endpoints;
 *   <li>register ({@code robot_register}), patiently: the server answers with our identity and the
 *       timing to use;
 *   <li>connect Realtime: presence on {@code robot-fleet}, wake-ups from {@code job-queue}, cancel
 *       hints from {@code robot:<id>} (both coalesced: they can be forged);
 *   <li>heartbeat (leases, status, cancels, maintenance) and claim until told to stop;
 *   <li>stop: claim no more, drain running jobs within the budget, release the rest, leave
 *       presence, go offline, flush logs.
 * </ol>
 *
 * A rejected robot key at any point is fatal: one clear error, no retries, exit code 3.
 */
public final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  static final int MEMORY_LOG_LINES = 10_000;
  private static final Duration LOCAL_STOP = Duration.ofMillis(300);
  private static final Duration LOG_FLUSH_FLOOR = Duration.ofSeconds(1);

  private final AgentConfig config;
  private final WorkflowExecutor executor;
  private final InstantSource clock;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SupabaseRest rest;
  private final OkHttpClient http;
  private final GuardedScheduler timers = new GuardedScheduler("agent-timers");
  private final GuardedScheduler fleet = new GuardedScheduler("agent-fleet");
  private final GuardedScheduler heartbeats = new GuardedScheduler("agent-heartbeat");
  private final DataDirLock folderLock;
  private final LogSpool spool;
  private final LogPipeline logs;
  private final AtomicReference<AgentExit> exit = new AtomicReference<>();
  private final AtomicInteger stopRequests = new AtomicInteger();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile OpsServer ops;
  private volatile AgentLogAppender ownLogs;
  private volatile Running running;
  private volatile Thread stopper;
  private volatile Thread starting;

  public Agent(AgentConfig config, WorkflowExecutor executor, InstantSource clock) {
    this.config = config;
    this.executor = executor;
    this.clock = clock;
    this.http =
        SupabaseRest.httpClient(
            config.httpTimeout(), config.maxConcurrentJobs(), config.supabaseUrl());
    this.rest =
        new SupabaseRest(http, config.supabaseUrl(), config.anonKey(), config.robotApiKey());
    this.folderLock = lockDataDir(config);
    Duration retention = Duration.ofDays(config.logRetentionDays());
    this.spool = new LogSpool(config.spoolDir(), config.spoolMaxBytes(), retention, clock);
    try {
      spool.open();
    } catch (IOException e) {
      closeQuietly(folderLock);
      throw new ConfigException(
          "ROBOT_DATA_DIR="
              + config.dataDir()
              + ": the log spool folder cannot be used ("
              + why(e)
              + "); point ROBOT_DATA_DIR at a writable folder");
    }
    LogPipeline.Settings settings =
        new LogPipeline.Settings(
            config.logBatchSize(), config.logFlushInterval(), MEMORY_LOG_LINES, config.logLevel());
    this.logs = new LogPipeline(rest, spool, clock, settings, metrics, this::fatal);
  }

  private static DataDirLock lockDataDir(AgentConfig config) {
    try {
      return DataDirLock.acquire(config.dataDir());
    } catch (DataDirLock.Held e) {
      throw new ConfigException(
          "ROBOT_DATA_DIR="
              + config.dataDir()
              + ": another agent is using this data folder ("
              + e.holder()
              + "); stop it, or give this agent its own ROBOT_DATA_DIR");
    } catch (IOException e) {
      throw new ConfigException(
          "ROBOT_DATA_DIR="
              + config.dataDir()
              + ": the data folder cannot be created or written ("
              + why(e)
              + "); point ROBOT_DATA_DIR at a writable folder");
    }
  }

  /** An I/O failure in words: what happened to which file, without exception class names. */
  static String why(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException denied) {
      return "permission denied: " + denied.getFile();
    }
    if (e instanceof java.nio.file.FileSystemException fs) {
      return (fs.getReason() == null ? "cannot use" : fs.getReason()) + ": " + fs.getFile();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void closeQuietly(DataDirLock lock) {
    try {
      lock.close();
    } catch (IOException e) {
      log.warn("releasing the data folder lock failed: {}", e.toString());
    }
  }

  public Agent(AgentConfig config, WorkflowExecutor executor) {
    this(config, executor, InstantSource.system());
  }

  /**
   * Registers and starts every loop; returns once the robot is online.
   *
   * @throws RobotKeyRejected when the key is refused
   * @throws BackendUnavailable when the backend cannot be reached within the registration patience
   * @throws ConfigException when the robot belongs to another tenant than TENANT_ID
   */
  public void start() {
    if (stopRequestedBeforeStart()) {
      return;
    }
    log.info("casare-agent {} starting: {}", AgentVersion.get(), config.describe());
    logs.start();
    startOps();
    synchronized (this) {
      // stop() interrupts a registration in progress; a stop that came before it skips it
      if (stopper != null) {
        log.info("stop requested while starting; not registering");
        return;
      }
      starting = Thread.currentThread();
    }
    Registration robot;
    try {
      robot = Registration.register(rest, config, AgentVersion.get());
    } finally {
      starting = null;
    }
    checkTenant(robot);
    try {
      logs.bindRobot(robot.robotId());
    } catch (IOException e) {
      throw new ConfigException(
          "ROBOT_DATA_DIR="
              + config.dataDir()
              + ": the log journal cannot record its robot ("
              + why(e)
              + "); point ROBOT_DATA_DIR at a writable folder");
    }
    releaseHeldJobs(robot);
    log.info(
        "registered as robot {} ({}) in environment {}; lease {} s, heartbeat {} s",
        robot.robotId(),
        robot.name(),
        robot.environment(),
        robot.settings().lease().toSeconds(),
        robot.settings().effectiveHeartbeat(config.heartbeatInterval()).toMillis() / 1000.0);
    RealtimeClient realtime =
        new RealtimeClient(
            http,
            config.supabaseUrl(),
            config.anonKey(),
            RealtimeClient.HEARTBEAT_INTERVAL,
            new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    boolean stopping;
    synchronized (this) {
      stopping = stopper != null;
      if (!stopping) {
        running =
            new Running(
                config,
                robot,
                new Running.Shared(
                    rest,
                    executor,
                    realtime,
                    logs,
                    timers,
                    fleet,
                    heartbeats,
                    clock,
                    metrics,
                    this::fatal));
        running.start();
      }
    }
    if (stopping) {
      // robot_register marked the robot online: undo that, as a normal stop does
      log.info("stop requested while starting; not going online");
      Thread.interrupted(); // the stop's interrupt of the registration is handled here
      try {
        rest.rpc("robot_offline", Map.of(), RetryPolicy.QUICK);
      } catch (SupabaseException e) {
        log.warn("could not mark the robot offline ({})", e.getMessage());
      }
      return;
    }
    logs.append(LogLevel.INFO, "robot online: " + robot.name(), null, null, "agent");
  }

  private synchronized boolean stopRequestedBeforeStart() {
    if (stopper != null) {
      log.info("stop requested before the agent started; not starting");
      return true;
    }
    return false;
  }

  /** Also ships the agent's own log events (INFO and up) to robot_logs; for the daemon. */
  public void shipOwnLogs() {
    ownLogs = AgentLogAppender.attach(logs);
  }

  /** Runs until stopped: start, then wait. */
  public AgentExit run() {
    try {
      start();
    } catch (RobotKeyRejected e) {
      fatal(e);
    } catch (BackendUnavailable e) {
      if (stopper != null) {
        Thread.interrupted(); // the stop interrupted registration; wait for the stop itself
        return awaitExit();
      }
      log.error(
          "cannot reach Supabase at {} to register: {}. Check SUPABASE_URL and the network;"
              + " the service manager may restart the agent",
          config.supabaseUrl(),
          e.getMessage());
      exit.compareAndSet(null, AgentExit.UNREACHABLE);
      stop(false);
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      exit.compareAndSet(null, AgentExit.CONFIG);
      stop(false);
    }
    return awaitExit();
  }

  /** Blocks until the agent has stopped; returns its exit code. */
  public AgentExit awaitExit() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return exit.get() == null ? AgentExit.OK : exit.get();
  }

  /**
   * A stop signal. The first drains running jobs within ROBOT_SHUTDOWN_BUDGET and releases what is
   * left; a second stops running jobs at once. Returns immediately.
   */
  public void requestStop() {
    int n = stopRequests.incrementAndGet();
    if (n == 1) {
      stop(false);
    } else {
      log.warn("second stop signal: stopping running jobs now");
      exit.compareAndSet(null, AgentExit.FORCED);
      Running current = running;
      if (current != null) {
        current.stopJobsNow();
      }
    }
  }

  /** Stops (if needed) and waits, within about {@code deadline}; for tests and the dev launcher. */
  public AgentExit close(Duration deadline) {
    stopRequests.compareAndSet(0, 1);
    stop(false);
    boolean done = false;
    try {
      done = stopped.await(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!done) {
      log.warn("the agent did not stop within {}; its stop goes on in the background", deadline);
      return AgentExit.FAILED;
    }
    return exit.get() == null ? AgentExit.OK : exit.get();
  }

  /** The registered robot id, once started. */
  public UUID robotId() {
    Running current = running;
    return current == null ? null : current.robot().robotId();
  }

  /** The robot's name in the fleet, as registration confirmed it; null before. */
  public String robotName() {
    Running current = running;
    return current == null ? null : current.robot().name();
  }

  public int opsPort() {
    OpsServer server = ops;
    return server == null ? -1 : server.port();
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  void fatal(RobotKeyRejected e) {
    if (!exit.compareAndSet(null, AgentExit.KEY_REJECTED)) {
      return;
    }
    log.error(
        "the backend rejected this robot's key ({}): it is unknown, revoked or expired. Create a"
            + " new key for this robot (create_robot_api_key) and set ROBOT_API_KEY. Stopping;"
            + " no retries.",
        e.getMessage());
    stop(true);
  }

  private synchronized void stop(boolean atOnce) {
    if (stopper != null) {
      return;
    }
    stopper =
        new NamedThreads("agent-stop", false)
            .newThread(
                () -> {
                  try {
                    shutdown(atOnce);
                  } catch (RuntimeException e) {
                    log.error("error while stopping", e);
                    exit.compareAndSet(null, AgentExit.FAILED);
                  } finally {
                    stopped.countDown();
                  }
                });
    Thread registering = starting;
    if (registering != null) {
      registering.interrupt();
    }
    stopper.start();
  }

  /**
   * The stop sequence; everything that waits on the network or on jobs ends by the start plus
   * ROBOT_SHUTDOWN_BUDGET (local clean-up after it is bounded by a few hundred milliseconds).
   */
  private void shutdown(boolean atOnce) {
    Instant end = clock.instant().plus(config.shutdownBudget());
    boolean keyRejected = exit.get() == AgentExit.KEY_REJECTED;
    Running current = running;
    if (current != null) {
      current.shutdown(atOnce, keyRejected, end);
    }
    AgentLogAppender appender = ownLogs;
    if (appender != null) {
      appender.detach();
    }
    logs.append(LogLevel.INFO, "agent stopped", null, null, "agent");
    logs.stop(max(left(end, Duration.ofSeconds(5)), LOG_FLUSH_FLOOR));
    OpsServer server = ops;
    if (server != null) {
      server.stop(LOCAL_STOP);
    }
    ExecutorStop.stop(heartbeats, LOCAL_STOP, "heartbeat scheduler");
    ExecutorStop.stop(fleet, LOCAL_STOP, "fleet scheduler");
    ExecutorStop.stop(timers, LOCAL_STOP, "timers");
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    closeQuietly(folderLock);
    log.info("agent stopped ({})", exit.get() == null ? AgentExit.OK : exit.get());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** What is left until {@code end}, at most {@code cap}. */
  private Duration left(Instant end, Duration cap) {
    Duration left = Duration.between(clock.instant(), end);
    if (left.isNegative()) {
      return Duration.ZERO;
    }
    return left.compareTo(cap) < 0 ? left : cap;
  }

  private void startOps() {
    if (config.opsPort() == AgentConfig.OPS_DISABLED) {
      return;
    }
    try {
      ops = OpsServer.start(config.opsPort(), this::health, metrics);
    } catch (IOException e) {
      // a configuration problem (exit code 2, no restart): most often a second agent on this
      // machine, e.g. one started by hand while the service runs
      throw new ConfigException(
          List.of(
              "ROBOT_OPS_PORT="
                  + config.opsPort()
                  + ": cannot listen on 127.0.0.1 ("
                  + e.getMessage()
                  + "); is another agent running here (systemctl status casare-agent)? Stop"
                  + " it, pick a free port or set ROBOT_OPS_PORT=off"));
    }
  }

  private Health health() {
    Running current = running;
    if (current == null) {
      return Health.starting();
    }
    List<Worker> workers = new ArrayList<>(logs.workers());
    workers.add(heartbeats);
    workers.add(fleet);
    workers.add(timers);
    return current.health(config.offlineThreshold(), workers);
  }

  /** Jobs a previous run of this robot still holds cannot be resumed: hand them back now. */
  private void releaseHeldJobs(Registration robot) {
    for (Registration.HeldJob held : robot.heldJobs()) {
      Map<String, Object> params = new HashMap<>();
      params.put("p_job_id", held.jobId().toString());
      params.put("p_claim_token", held.claimToken().toString());
      params.put("p_reason", "robot restarted; the previous run was lost");
      try {
        rest.rpc("release_job", params, RetryPolicy.STANDARD);
        log.warn("released job {} left over from a previous run of this robot", held.jobId());
      } catch (LeaseLost e) {
        log.debug("job {} from a previous run is no longer ours", held.jobId());
      }
    }
  }

  private void checkTenant(Registration robot) {
    if (config.tenantId() != null && !config.tenantId().equals(robot.tenantId())) {
      throw new ConfigException(
          List.of(
              "TENANT_ID="
                  + config.tenantId()
                  + ": this robot key belongs to tenant "
                  + robot.tenantId()
                  + "; use a key of a robot in tenant "
                  + config.tenantId()
                  + " or correct TENANT_ID"));
    }
  }
}
