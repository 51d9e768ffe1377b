package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.workflow.CancellationToken;
import java.util.UUID;

/**
 * A job between claim and its final write: the lease to renew, the progress to report, the stop
 * request. Progress fields are written by the workflow thread and read by reporters.
 */
public final class RunningJob {
  private final ClaimedJob job;
  private final CancellationToken token = new CancellationToken();
  private CancelReason stopReason;
  private boolean sealed;
  private volatile int progress;
  private volatile String currentNode;
  private volatile long progressVersion;
  private long reportedVersion;

  RunningJob(ClaimedJob job) {
    this.job = job;
  }

  public ClaimedJob job() {
    return job;
  }

  public UUID jobId() {
    return job.jobId();
  }

  /**
   * The run's cancellation, the engine's own token: the workflow watches it, abort actions hang on
   * it. Cancel it only through {@link #requestStop}, which records why.
   */
  CancellationToken cancellation() {
    return token;
  }

  /**
   * Requests a stop for {@code why}: the first reason wins, and none is taken once the outcome is
   * decided ({@link #seal}). Returns true if this call set the reason; then the token is cancelled
   * (its abort actions run on this thread and must be quick).
   */
  boolean requestStop(CancelReason why) {
    synchronized (this) {
      if (sealed || stopReason != null) {
        return false;
      }
      stopReason = why;
    }
    token.cancel(why.name().toLowerCase(java.util.Locale.ROOT));
    return true;
  }

  /** Why a stop was requested, or null while the job may run on. */
  synchronized CancelReason stopReason() {
    return stopReason;
  }

  boolean stopRequested() {
    return stopReason() != null;
  }

  /**
   * The job's outcome is being written: later stop requests are refused (a heartbeat that raced the
   * final write may report the job "lost"). Returns the reason that stands, or null.
   */
  synchronized CancelReason seal() {
    sealed = true;
    return stopReason;
  }

  public int progress() {
    return progress;
  }

  public String currentNode() {
    return currentNode;
  }

  void updateProgress(int percent, String nodeId) {
    progress = Math.max(0, Math.min(100, percent));
    currentNode = nodeId;
    progressVersion++;
  }

  /** True once per change: the progress reporter's coalescing. */
  synchronized boolean takeProgressChange() {
    long version = progressVersion;
    if (version == reportedVersion) {
      return false;
    }
    reportedVersion = version;
    return true;
  }
}
