package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.agent.internal.Json;
import com.casarerpa.fleet.agent.internal.NamedThreads;
import com.casarerpa.fleet.agent.logs.LogPipeline;
import com.casarerpa.fleet.agent.supabase.LeaseLost;
import com.casarerpa.fleet.agent.supabase.RetryPolicy;
import com.casarerpa.fleet.agent.supabase.RobotKeyRejected;
import com.casarerpa.fleet.agent.supabase.SupabaseException;
import com.casarerpa.fleet.agent.supabase.SupabaseRest;
import com.casarerpa.fleet.workflow.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed job from {@code start_job} to its final fenced write, on the calling thread
 * ({@code agent-job-N}); the workflow itself runs on a separate {@code agent-workflow-N} thread so
 * that a workflow that ignores cancellation can be stopped hard (interrupted, then abandoned) while
 * the job's outcome is still written.
 *
 * <p>What is written depends on why the run ended: an operator cancel → {@code
 * finish_cancelled_job}; a timeout → {@code fail_job(p_timed_out)}; agent shutdown → {@code
 * release_job}; a lost lease → nothing at all.
 */
public final class JobRunner {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final Duration HARD_STOP_WAIT = Duration.ofSeconds(2);
  private static final Duration JOURNAL_BEFORE_FINISH = Duration.ofSeconds(10);

  /** Job timing the runner needs. */
  public record Timing(Duration defaultTimeout, Duration cancelGrace) {}

  private final SupabaseRest rest;
  private final WorkflowExecutor executor;
  private final ActiveJobs active;
  private final LogPipeline logs;
  private final ScheduledExecutorService timers;
  private final Timing timing;
  private final JobEvents events;
  private final Consumer<RobotKeyRejected> onFatal;
  private final ThreadFactory workflowThreads = new NamedThreads("agent-workflow", true);
  private volatile Duration shutdownGrace;

  public JobRunner(
      SupabaseRest rest,
      WorkflowExecutor executor,
      ActiveJobs active,
      LogPipeline logs,
      ScheduledExecutorService timers,
      Timing timing,
      JobEvents events,
      Consumer<RobotKeyRejected> onFatal) {
    this.rest = rest;
    this.executor = executor;
    this.active = active;
    this.logs = logs;
    this.timers = timers;
    this.timing = timing;
    this.events = events;
    this.onFatal = onFatal;
    this.shutdownGrace = timing.cancelGrace();
  }

  /** Reserves a slot for {@code job}; call on the claiming thread, then {@link #run} elsewhere. */
  RunningJob hold(ClaimedJob job) {
    return active.add(job);
  }

  /** Frees a held job's slot when it could not be started. */
  void unhold(RunningJob running) {
    active.remove(running);
  }

  /** Fails a claimed job whose row could not be read, for good (not retryable); never throws. */
  void failUnreadable(UUID jobId, UUID claimToken, String message) {
    Map<String, Object> params = new HashMap<>();
    params.put("p_job_id", jobId.toString());
    params.put("p_claim_token", claimToken.toString());
    params.put("p_error_message", message);
    params.put("p_error_details", null);
    params.put("p_retryable", false);
    params.put("p_timed_out", false);
    try {
      rest.rpc("fail_job", params, RetryPolicy.STANDARD);
    } catch (SupabaseException e) {
      log.warn("job {}: could not be failed ({}); its lease will expire", jobId, e.getMessage());
    }
  }

  /** Hands a claimed job back to the queue without running it; never throws. */
  public void release(ClaimedJob job, String reason) {
    Map<String, Object> params = fence(job);
    params.put("p_reason", reason);
    try {
      rest.rpc("release_job", params, RetryPolicy.STANDARD);
      log.info("{}: released ({})", job, reason);
    } catch (SupabaseException e) {
      log.warn("{}: could not be released ({}); its lease will expire", job, e.getMessage());
    }
  }

  /** Shortens the cancel grace for stops requested from now on (a second signal: stop at once). */
  public void stopAtOnce() {
    shutdownGrace = Duration.ZERO;
  }

  /** Caps the cancel grace of shutdown stops requested from now on (what the budget has left). */
  public void limitShutdownGrace(Duration atMost) {
    if (atMost.compareTo(shutdownGrace) < 0) {
      shutdownGrace = atMost;
    }
  }

  /** Runs the held job to its end and frees its slot; never throws. */
  public void run(RunningJob running) {
    ClaimedJob job = running.job();
    try {
      start(job);
      events.started(running);
      logs.append(LogLevel.INFO, "job started: " + job, job.jobId(), null, "agent");
      ExecutionResult result = execute(running);
      finish(running, result);
    } catch (LeaseLost e) {
      log.warn("{}: lease lost ({}); abandoned without writing results", job, e.getMessage());
      logs.append(LogLevel.WARNING, "lease lost; job abandoned", job.jobId(), null, "agent");
      events.finished(running, JobOutcome.LOST);
    } catch (RobotKeyRejected e) {
      onFatal.accept(e);
      events.finished(running, JobOutcome.ABANDONED);
    } catch (SupabaseException e) {
      log.error(
          "{}: could not report to the backend ({}); the lease will expire", job, e.getMessage());
      events.finished(running, JobOutcome.UNREPORTED);
    } catch (RuntimeException e) {
      log.error("{}: unexpected error in the job path", job, e);
      events.finished(running, JobOutcome.UNREPORTED);
    } finally {
      active.remove(running);
    }
  }

  private void start(ClaimedJob job) {
    rest.rpc("start_job", fence(job), RetryPolicy.STANDARD);
  }

  private ExecutionResult execute(RunningJob running) {
    ClaimedJob job = running.job();
    Duration timeout = job.timeout() != null ? job.timeout() : timing.defaultTimeout();
    ScheduledFuture<?> timer =
        timers.schedule(
            () -> running.requestStop(CancelReason.TIMEOUT),
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    CompletableFuture<ExecutionResult> run = new CompletableFuture<>();
    Thread thread = workflowThreads.newThread(() -> runWorkflow(running, run));
    running.cancellation().onCancel(() -> scheduleHardStop(running, thread, run));
    thread.start();
    try {
      return run.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExecutionResult.failed("agent interrupted", null, true);
    } catch (ExecutionException e) {
      return ExecutionResult.failed("agent error: " + e.getCause(), null, true);
    } finally {
      timer.cancel(false);
    }
  }

  private void runWorkflow(RunningJob running, CompletableFuture<ExecutionResult> run) {
    try {
      run.complete(executor.execute(running.job(), listener(running), running.cancellation()));
    } catch (InterruptedException e) {
      run.complete(ExecutionResult.cancelled());
    } catch (Throwable e) {
      log.error("{}: workflow executor failed", running.job(), e);
      run.complete(ExecutionResult.failed("workflow executor error: " + e, null, true));
    }
  }

  private void scheduleHardStop(
      RunningJob running, Thread thread, CompletableFuture<ExecutionResult> run) {
    CancelReason reason = running.stopReason();
    Duration grace = reason == CancelReason.SHUTDOWN ? shutdownGrace : timing.cancelGrace();
    timers.schedule(
        () -> {
          if (run.isDone()) {
            return;
          }
          log.warn("{}: did not stop within {} of {}; interrupting", running.job(), grace, reason);
          thread.interrupt();
          timers.schedule(
              () -> {
                if (run.complete(ExecutionResult.cancelled())) {
                  log.error("{}: workflow thread ignored the interrupt; abandoned", running.job());
                }
              },
              HARD_STOP_WAIT.toMillis(),
              TimeUnit.MILLISECONDS);
        },
        grace.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private ExecutionListener listener(RunningJob running) {
    return new ExecutionListener() {
      @Override
      public void progress(int percent, String nodeId, String nodeType) {
        running.updateProgress(percent, nodeId);
      }

      @Override
      public void log(LogLevel level, String nodeId, String message) {
        logs.append(level, message, running.jobId(), nodeId, "workflow");
      }
    };
  }

  private void finish(RunningJob running, ExecutionResult result) {
    ClaimedJob job = running.job();
    // from here the outcome is decided: a stop request arriving now (a heartbeat that raced this
    // job's final write reports it "lost") must not be taken for the reason it ended
    CancelReason reason = running.seal();
    if (reason == CancelReason.LEASE_LOST) {
      throw new LeaseLost("lease lost while running", 409, "PT409");
    }
    // the job's lines reach the journal before the fleet sees it ended: a kill -9 right after
    // the final write must not leave a completed job without its last lines
    if (!logs.awaitJournaled(JOURNAL_BEFORE_FINISH)) {
      log.warn(
          "{}: its log lines are not all journaled after {} s; reporting its end anyway",
          job,
          JOURNAL_BEFORE_FINISH.toSeconds());
    }
    JobOutcome outcome;
    if (reason == CancelReason.SHUTDOWN) {
      Map<String, Object> params = fence(job);
      params.put("p_reason", "agent shutting down");
      rest.rpc("release_job", params, RetryPolicy.STANDARD);
      outcome = JobOutcome.RELEASED;
    } else if (reason == CancelReason.OPERATOR
        || (reason == null && result.status() == ExecutionResult.Status.CANCELLED)) {
      rest.rpc("finish_cancelled_job", fence(job), RetryPolicy.PATIENT);
      outcome = JobOutcome.CANCELLED;
    } else if (reason == CancelReason.TIMEOUT
        || result.status() == ExecutionResult.Status.TIMED_OUT) {
      fail(job, timeoutMessage(job), null, false, true);
      outcome = JobOutcome.TIMEOUT;
    } else if (result.status() == ExecutionResult.Status.COMPLETED) {
      Map<String, Object> params = fence(job);
      params.put(
          "p_result",
          result.output() == null || result.output().isNull()
              ? Json.MAPPER.createObjectNode()
              : result.output());
      rest.rpc("complete_job", params, RetryPolicy.PATIENT);
      outcome = JobOutcome.COMPLETED;
    } else {
      fail(job, result.errorMessage(), result.errorDetails(), result.retryable(), false);
      outcome = JobOutcome.FAILED;
    }
    logs.append(LogLevel.INFO, "job " + outcome, job.jobId(), null, "agent");
    log.info("{}: {}", job, outcome);
    events.finished(running, outcome);
  }

  private String timeoutMessage(ClaimedJob job) {
    Duration timeout = job.timeout() != null ? job.timeout() : timing.defaultTimeout();
    return "timed out after " + timeout.toSeconds() + " s";
  }

  private void fail(
      ClaimedJob job, String message, JsonNode details, boolean retryable, boolean timedOut) {
    Map<String, Object> params = fence(job);
    params.put("p_error_message", message == null ? "workflow failed" : message);
    params.put("p_error_details", details);
    params.put("p_retryable", retryable);
    params.put("p_timed_out", timedOut);
    rest.rpc("fail_job", params, RetryPolicy.PATIENT);
  }

  static Map<String, Object> fence(ClaimedJob job) {
    Map<String, Object> params = new HashMap<>();
    params.put("p_job_id", job.jobId().toString());
    params.put("p_claim_token", job.claimToken().toString());
    return params;
  }
}
