package com.casarerpa.fleet.agent.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cooperative stop request for one job. The first reason wins, and none is taken once the job's
 * outcome is decided ({@link #seal}); listeners run once, on the thread that requested the stop,
 * and must return quickly.
 */
public final class JobCancellation {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile CancelReason reason;
  private boolean sealed;

  /** Requests a stop; returns true if this call set the reason. */
  public boolean request(CancelReason why) {
    synchronized (this) {
      if (sealed || reason != null) {
        return false;
      }
      reason = why;
    }
    listeners.forEach(Runnable::run);
    return true;
  }

  /**
   * The job's outcome is being written: later requests are refused (they return false). Returns the
   * reason that stands, or null.
   */
  public synchronized CancelReason seal() {
    sealed = true;
    return reason;
  }

  public boolean isRequested() {
    return reason != null;
  }

  /** The reason, or null while the job may run on. */
  public CancelReason reason() {
    return reason;
  }

  /** Runs {@code listener} when a stop is requested (at once if it already was). */
  public void onRequest(Runnable listener) {
    listeners.add(listener);
    if (isRequested() && listeners.remove(listener)) {
      listener.run();
    }
  }
}
