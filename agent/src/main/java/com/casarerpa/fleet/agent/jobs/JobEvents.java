package com.casarerpa.fleet.agent.jobs;

/** Job-path edges other components react to (metrics, presence, the claim loop's wake-up). */
public interface JobEvents {
  void started(RunningJob job);

  /**
   * @param outcome completed, failed, timeout, cancelled, released, lost, abandoned or unreported
   */
  void finished(RunningJob job, String outcome);
}
