package com.casarerpa.fleet.agent.jobs;

import java.util.Locale;

/** How a held job ended, as counted in {@code agent_jobs_finished_total{outcome}}. */
public enum JobOutcome {
  /** {@code complete_job} written. */
  COMPLETED,
  /** {@code fail_job} written. */
  FAILED,
  /** {@code fail_job(p_timed_out => true)} written. */
  TIMEOUT,
  /** {@code finish_cancelled_job} written (operator cancel). */
  CANCELLED,
  /** {@code release_job} written (agent stopping). */
  RELEASED,
  /** The lease was lost: nothing written. */
  LOST,
  /** The robot key was rejected: nothing written, the lease expires. */
  ABANDONED,
  /** The backend could not be told; the lease expires. */
  UNREPORTED;

  /** The metric label and log word: the name in lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
