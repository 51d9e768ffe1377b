package com.casarerpa.fleet.agent.jobs;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The jobs this robot holds right now, bounded by {@code max_concurrent_jobs}. Read by the
 * heartbeat (leases to renew), presence (what is running) and the claim loop (free slots).
 */
public final class ActiveJobs {
  private final int capacity;
  private final Map<UUID, RunningJob> jobs = new ConcurrentHashMap<>();
  private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
  private final Object changes = new Object();

  public ActiveJobs(int capacity) {
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  int freeSlots() {
    return Math.max(0, capacity - jobs.size());
  }

  public int size() {
    return jobs.size();
  }

  public boolean isEmpty() {
    return jobs.isEmpty();
  }

  public Collection<RunningJob> all() {
    return List.copyOf(jobs.values());
  }

  /** Runs after a job is added or removed (status may have changed between online and busy). */
  public void onChange(Runnable listener) {
    changeListeners.add(listener);
  }

  RunningJob add(ClaimedJob job) {
    if (jobs.size() >= capacity) {
      throw new IllegalStateException("no free slot for " + job + " (capacity " + capacity + ")");
    }
    RunningJob running = new RunningJob(job);
    jobs.put(job.jobId(), running);
    changed();
    return running;
  }

  void remove(RunningJob running) {
    if (jobs.remove(running.jobId(), running)) {
      changed();
    }
  }

  private void changed() {
    synchronized (changes) {
      changes.notifyAll();
    }
    changeListeners.forEach(Runnable::run);
  }

  /** Waits until a job is added or removed, or {@code timeout} passes. */
  public void awaitChange(Duration timeout) throws InterruptedException {
    synchronized (changes) {
      changes.wait(Math.max(1, timeout.toMillis()));
    }
  }

  /** Requests a stop of one job; returns false when the job is not held here. */
  public boolean cancel(UUID jobId, CancelReason reason) {
    RunningJob running = jobs.get(jobId);
    return running != null && running.requestStop(reason);
  }

  /** Requests a stop of every job held. */
  public void cancelAll(CancelReason reason) {
    jobs.values().forEach(j -> j.requestStop(reason));
  }
}
