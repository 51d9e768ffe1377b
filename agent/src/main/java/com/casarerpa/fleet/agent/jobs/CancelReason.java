package com.casarerpa.fleet.agent.jobs;

/** Why a running job is being stopped; decides what is written about it afterwards. */
public enum CancelReason {
  /** An operator cancelled it: {@code finish_cancelled_job}. */
  OPERATOR,
  /** It ran past its timeout: {@code fail_job(p_timed_out => true)}. */
  TIMEOUT,
  /** The lease is gone: nothing is written, another robot may own the job now. */
  LEASE_LOST,
  /** The agent is stopping: {@code release_job} hands it back without using a retry. */
  SHUTDOWN
}
