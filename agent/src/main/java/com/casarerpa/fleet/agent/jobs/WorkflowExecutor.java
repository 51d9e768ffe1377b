package com.casarerpa.fleet.agent.jobs;

import com.casarerpa.fleet.workflow.CancellationToken;

/**
 * Runs a claimed job's workflow. The seam between the job path (leases, fencing, reporting) and the
 * workflow engine: the agent wires the real engine; tests may plug a scripted one.
 *
 * <p>Contract: runs on a thread the agent owns; reports progress and logs through the listener;
 * watches {@code cancellation} (the engine's own token) and returns {@link
 * ExecutionResult.Status#CANCELLED} soon after a stop is requested; returns rather than throws for
 * workflow failures. If it does not return within the cancel grace, its thread is interrupted, and
 * then abandoned.
 */
public interface WorkflowExecutor {
  ExecutionResult execute(
      ClaimedJob job, ExecutionListener listener, CancellationToken cancellation)
      throws InterruptedException;
}
