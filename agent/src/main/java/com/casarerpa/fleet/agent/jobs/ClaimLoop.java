package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.agent.internal.Backoff;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.internal.Sleeper;
import com.casarerpa.fleet.agent.internal.Worker;
import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.RpcRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim loop, on its own thread {@code agent-claim}:
 *
 * <pre>
 *   while running:
 *     if a slot is free: claim_jobs(free slots) and hand each job to a job thread
 *     if something was claimed and a slot is still free: go again at once (work remains)
 *     else wait for a wake-up (job_queue broadcast, a finished job, a reconnect)
 *          or the poll interval, whichever comes first
 * </pre>
 *
 * Claim failures back off with full jitter (capped at the poll interval, at least 1 s) so that a
 * backend outage does not become a claim storm. Job threads ({@code agent-job-N}) are bounded by
 * the robot's capacity: a job is only claimed when a slot is free.
 */
public final class ClaimLoop {
  private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

  private final SupabaseRest rest;
  private final JobRunner runner;
  private final ActiveJobs active;
  private final Duration pollInterval;
  private final Consumer<RobotKeyRejected> onFatal;
  private final Wakeup wakeup;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private final Backoff errorBackoff;
  private final ThreadPoolExecutor jobThreads;
  private final Thread thread;
  private static final Duration SLICE = Duration.ofMillis(100);
  private volatile boolean claiming = true;
  private volatile Runnable onWork = () -> {};
  private volatile long failures;

  public ClaimLoop(
      SupabaseRest rest,
      JobRunner runner,
      ActiveJobs active,
      Duration pollInterval,
      Wakeup wakeup,
      InstantSource clock,
      Sleeper sleeper,
      Consumer<RobotKeyRejected> onFatal) {
    this.wakeup = wakeup;
    this.clock = clock;
    this.sleeper = sleeper;
    this.rest = rest;
    this.runner = runner;
    this.active = active;
    this.pollInterval = pollInterval;
    this.onFatal = onFatal;
    Duration cap =
        pollInterval.compareTo(Duration.ofSeconds(1)) > 0 ? pollInterval : Duration.ofSeconds(1);
    this.errorBackoff = new Backoff(Duration.ofMillis(250), cap.multipliedBy(6));
    int slots = active.capacity();
    this.jobThreads =
        new ThreadPoolExecutor(
            slots,
            slots,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(slots),
            new NamedThreads("agent-job", false));
    this.thread = new NamedThreads("agent-claim", true).newThread(this::loop);
  }

  /** Called on the claim thread after a claim that returned jobs (e.g. to reopen a hint gate). */
  public void onWork(Runnable action) {
    this.onWork = action;
  }

  public void start() {
    thread.start();
  }

  /** The claim thread, for {@code /healthz}. */
  public Worker worker() {
    return Worker.of("claim", thread::isAlive, () -> failures);
  }

  /** Asks for a claim attempt now: a job was queued, a slot freed up, or we reconnected. */
  void wake() {
    wakeup.signal();
  }

  /** Stops claiming; running jobs continue. Idempotent. */
  public void stopClaiming() {
    claiming = false;
    wakeup.signal();
  }

  /** Waits for the job threads to end; returns true if they did within {@code deadline}. */
  public boolean awaitJobs(Duration deadline) throws InterruptedException {
    jobThreads.shutdown();
    return jobThreads.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop() {
    int failures = 0;
    while (claiming) {
      try {
        boolean more = claimOnce();
        failures = 0;
        if (more && active.freeSlots() > 0) {
          continue;
        }
        wakeup.await(pollInterval);
      } catch (BackendUnavailable e) {
        Duration wait = errorBackoff.delay(failures++);
        log.warn("claim failed ({}); next try in {} ms", e.getMessage(), wait.toMillis());
        sleepQuietly(wait);
      } catch (RobotKeyRejected e) {
        onFatal.accept(e);
        return;
      } catch (RpcRejected e) {
        log.error("claim_jobs refused ({}); retrying at the poll interval", e.getMessage());
        sleepQuietly(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        failures++;
        log.error("claim loop error; continuing", e);
        sleepQuietly(pollInterval);
      }
    }
    log.debug("claim loop stopped");
  }

  /** Claims into the free slots; returns true if anything was claimed. */
  private boolean claimOnce() {
    int free = active.freeSlots();
    if (free == 0 || !claiming) {
      return false;
    }
    JsonNode rows = rest.rpc("claim_jobs", Map.of("p_limit", free), RetryPolicy.QUICK);
    List<ClaimedJob> claimed = new ArrayList<>();
    for (JsonNode row : rows) {
      try {
        claimed.add(ClaimedJob.fromJson(row));
      } catch (RuntimeException e) {
        unreadable(row, e);
      }
    }
    for (ClaimedJob job : claimed) {
      if (!claiming) {
        runner.release(job, "agent stopping: claimed while the stop began");
        continue;
      }
      RunningJob running = runner.hold(job);
      log.info("claimed {}", job);
      try {
        jobThreads.execute(() -> runner.run(running));
      } catch (RejectedExecutionException e) {
        runner.unhold(running);
        runner.release(job, "agent stopping: no job thread left");
      }
    }
    if (!rows.isEmpty()) {
      onWork.run();
    }
    return !rows.isEmpty();
  }

  /**
   * A claimed row this agent cannot read: the rest of the batch runs; this job is failed for good
   * (fenced by its claim token, so it is not claimed again and again), or, when even its ids are
   * unreadable, left to its lease.
   */
  private void unreadable(JsonNode row, RuntimeException e) {
    UUID jobId;
    UUID token;
    try {
      jobId = UUID.fromString(row.path("job_id").asText());
      token = UUID.fromString(row.path("claim_token").asText());
    } catch (IllegalArgumentException bad) {
      log.error(
          "claim_jobs returned a row without a readable job_id/claim_token ({}); its lease will"
              + " expire",
          e.toString());
      return;
    }
    log.error("job {}: its claim row cannot be read ({}); failing it", jobId, e.toString());
    runner.failUnreadable(jobId, token, "the agent could not read the claimed job: " + e);
  }

  /** Sleeps for the backoff; wake-ups do not cut it short (no storm), a stop does. */
  private void sleepQuietly(Duration wait) {
    Instant end = clock.instant().plus(wait);
    try {
      while (claiming && clock.instant().isBefore(end)) {
        Duration left = Duration.between(clock.instant(), end);
        sleeper.sleep(left.compareTo(SLICE) < 0 ? left : SLICE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      claiming = false;
    }
  }
}
