package com.casarerpa.fleet.agent;

import com.casarerpa.fleet.agent.config.AgentConfig;
import com.casarerpa.fleet.agent.config.ConfigException;
import com.casarerpa.fleet.agent.fleet.Registration;
import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.ExecutorStop;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.jobs.WorkflowExecutor;
import com.casarerpa.fleet.agent.logs.AgentLogAppender;
import com.casarerpa.fleet.agent.logs.LogLevel;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.logs.LogSpool;
import com.casarerpa.fleet.agent.ops.Health;
import com.casarerpa.fleet.agent.ops.OpsServer;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.LeaseLost;
import com.casarerpa.fleet.agent.supabase.RealtimeClient;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

  private final AgentConfig config;
  private final WorkflowExecutor executor;
  private final InstantSource clock;
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final SupabaseRest rest;
  private final OkHttpClient http;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(new NamedThreads("agent-timers", true));
  private final ScheduledExecutorService fleet =
      Executors.newSingleThreadScheduledExecutor(new NamedThreads("agent-fleet", true));
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
    this.http = SupabaseRest.httpClient(config.httpTimeout());
    this.rest =
        new SupabaseRest(http, config.supabaseUrl(), config.anonKey(), config.robotApiKey());
    Duration retention = Duration.ofDays(config.logRetentionDays());
    this.spool =
        new LogSpool(
            config.spoolDir(), config.spoolMaxBytes(), retention, clock, this::countDropped);
    try {
      spool.open();
    } catch (IOException e) {
      throw new ConfigException(
          List.of(
              "ROBOT_DATA_DIR="
                  + config.dataDir()
                  + ": the log spool folder cannot be used ("
                  + e.getMessage()
                  + "); point ROBOT_DATA_DIR at a writable folder"));
    }
    LogPipeline.Settings settings =
        new LogPipeline.Settings(
            config.logBatchSize(), config.logFlushInterval(), MEMORY_LOG_LINES, config.logLevel());
    this.logs = new LogPipeline(rest, spool, clock, settings, metrics, this::fatal);
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
    log.info("casare-agent {} starting: {}", AgentVersion.get(), config.describe());
    logs.start();
    startOps();
    starting = Thread.currentThread();
    Registration robot;
    try {
      robot = Registration.register(rest, config, AgentVersion.get());
    } finally {
      starting = null;
    }
    checkTenant(robot);
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
    synchronized (this) {
      if (stopper != null) {
        log.info("stop requested while starting; not going online");
        return;
      }
      running =
          Running.wire(
              config, robot, rest, executor, realtime, logs, timers, fleet, clock, metrics, this);
      running.start();
    }
    logs.append(LogLevel.INFO, "robot online: " + robot.name(), null, null, "agent");
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
    try {
      stopped.await(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return exit.get() == null ? AgentExit.OK : exit.get();
  }

  /** The registered robot id, once started. */
  public UUID robotId() {
    Running current = running;
    return current == null ? null : current.robot().robotId();
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

  private void shutdown(boolean atOnce) {
    boolean keyRejected = exit.get() == AgentExit.KEY_REJECTED;
    Running current = running;
    if (current != null) {
      current.shutdown(atOnce, keyRejected, config.shutdownBudget());
    }
    AgentLogAppender appender = ownLogs;
    if (appender != null) {
      appender.detach();
    }
    logs.append(LogLevel.INFO, "agent stopped", null, null, "agent");
    logs.stop(Duration.ofSeconds(5));
    OpsServer server = ops;
    if (server != null) {
      server.stop(Duration.ofSeconds(1));
    }
    ExecutorStop.stop(fleet, Duration.ofSeconds(2), "fleet scheduler");
    ExecutorStop.stop(timers, Duration.ofSeconds(1), "timers");
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    log.info("agent stopped ({})", exit.get() == null ? AgentExit.OK : exit.get());
  }

  private void startOps() {
    if (config.opsPort() == AgentConfig.OPS_DISABLED) {
      return;
    }
    try {
      ops = OpsServer.start(config.opsPort(), this::health, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ROBOT_OPS_PORT="
              + config.opsPort()
              + ": cannot listen on 127.0.0.1 ("
              + e.getMessage()
              + "); pick a free port or set ROBOT_OPS_PORT=off",
          e);
    }
  }

  private Health health() {
    Running current = running;
    if (current == null) {
      return Health.starting();
    }
    return current.health(config.offlineThreshold());
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

  private void countDropped(long lines) {
    if (logs != null) {
      logs.countDropped(lines);
    }
  }
}
