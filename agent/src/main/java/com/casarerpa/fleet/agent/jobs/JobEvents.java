package com.casarerpa.fleet.agent.jobs;

/** Job-path edges other components react to (metrics, presence, the claim loop's wake-up). */
public interface JobEvents {
  void started(RunningJob job);

  void finished(RunningJob job, JobOutcome outcome);
}
