package com.casarerpa.fleet.agent.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A cooperative stop request for one job. The first reason wins; listeners run once, on the thread
 * that requested the stop, and must return quickly.
 */
public final class JobCancellation {
  private final AtomicReference<CancelReason> reason = new AtomicReference<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Requests a stop; returns true if this call set the reason. */
  public boolean request(CancelReason why) {
    if (!reason.compareAndSet(null, why)) {
      return false;
    }
    listeners.forEach(Runnable::run);
    return true;
  }

  public boolean isRequested() {
    return reason.get() != null;
  }

  /** The reason, or null while the job may run on. */
  public CancelReason reason() {
    return reason.get();
  }

  /** Runs {@code listener} when a stop is requested (at once if it already was). */
  public void onRequest(Runnable listener) {
    listeners.add(listener);
    if (isRequested() && listeners.remove(listener)) {
      listener.run();
    }
  }
}
