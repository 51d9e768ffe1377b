package com.casarerpa.fleet.agent.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How the agent waits out a backoff: with the real clock in production, and driven by a test (which
 * records the wait and moves its own {@link java.time.InstantSource} instead of sleeping).
 */
@FunctionalInterface
public interface Sleeper {
  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = wait -> Thread.sleep(Math.max(0, wait.toMillis()));

  void sleep(Duration wait) throws InterruptedException;

  /**
   * Waits up to {@code wait} for a {@code notifyAll} on {@code monitor} (not held by the caller),
   * unless {@code signalled} (checked while holding it, so a signal given just before is not
   * missed). A test's sleeper may record the wait and return early: callers re-check their clock
   * and conditions after every wait.
   */
  default void awaitSignal(Object monitor, Duration wait, BooleanSupplier signalled)
      throws InterruptedException {
    synchronized (monitor) {
      if (!signalled.getAsBoolean()) {
        monitor.wait(Math.max(1, wait.toMillis()));
      }
    }
  }
}
