package com.casarerpa.fleet.agent.jobs;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A wake-up flag: many signals before a wait collapse into one wake. */
public final class Wakeup {
  private final Semaphore permits = new Semaphore(0);

  public void signal() {
    if (permits.availablePermits() == 0) {
      permits.release();
    }
  }

  /** Waits until signalled or {@code timeout} passes; returns true when signalled. */
  boolean await(Duration timeout) throws InterruptedException {
    boolean signalled = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    permits.drainPermits();
    return signalled;
  }
}
