package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.agent.supabase.BackendUnavailable;
import com.casarerpa.fleet.agent.supabase.LeaseLost;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes progress of running jobs ({@code report_job_progress}, fenced) at most once per {@link
 * #PERIOD} per job, and only when it changed; the reply's {@code cancel_requested} stops the job.
 * Runs on the {@code agent-fleet} scheduler.
 */
public final class ProgressReporter {
  private static final Logger log = LoggerFactory.getLogger(ProgressReporter.class);
  static final Duration PERIOD = Duration.ofSeconds(1);

  private final SupabaseRest rest;
  private final ActiveJobs active;
  private final ScheduledExecutorService scheduler;
  private final Runnable onProgress;
  private final Consumer<RobotKeyRejected> onFatal;
  private ScheduledFuture<?> task;

  /**
   * @param onProgress runs after progress was written (presence refresh)
   */
  public ProgressReporter(
      SupabaseRest rest,
      ActiveJobs active,
      ScheduledExecutorService scheduler,
      Runnable onProgress,
      Consumer<RobotKeyRejected> onFatal) {
    this.rest = rest;
    this.active = active;
    this.scheduler = scheduler;
    this.onProgress = onProgress;
    this.onFatal = onFatal;
  }

  public void start() {
    long millis = PERIOD.toMillis();
    task = scheduler.scheduleWithFixedDelay(this::reportAll, millis, millis, TimeUnit.MILLISECONDS);
  }

  public void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  private void reportAll() {
    boolean any = false;
    for (RunningJob job : active.all()) {
      if (!job.stopRequested() && job.takeProgressChange()) {
        any |= report(job);
      }
    }
    if (any) {
      onProgress.run();
    }
  }

  private boolean report(RunningJob job) {
    Map<String, Object> params = JobRunner.fence(job.job());
    params.put("p_progress", job.progress());
    params.put("p_current_node", job.currentNode());
    try {
      JsonNode reply = rest.rpc("report_job_progress", params, RetryPolicy.QUICK);
      if (reply.path("cancel_requested").asBoolean(false)) {
        job.requestStop(CancelReason.OPERATOR);
      }
      return true;
    } catch (LeaseLost e) {
      job.requestStop(CancelReason.LEASE_LOST);
    } catch (RobotKeyRejected e) {
      onFatal.accept(e);
    } catch (BackendUnavailable e) {
      log.debug("progress of {} not written: {}", job.jobId(), e.getMessage());
    } catch (SupabaseException e) {
      log.warn("progress of {} refused: {}", job.jobId(), e.getMessage());
    }
    return false;
  }
}
