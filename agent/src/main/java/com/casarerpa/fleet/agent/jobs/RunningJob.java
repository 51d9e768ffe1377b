package com.casarerpa.fleet.agent.jobs;

import java.util.UUID;

/**
 * A job between claim and its final write: the lease to renew, the progress to report, the stop
 * request. Progress fields are written by the workflow thread and read by reporters.
 */
public final class RunningJob {
  private final ClaimedJob job;
  private final JobCancellation cancellation = new JobCancellation();
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

  public JobCancellation cancellation() {
    return cancellation;
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
