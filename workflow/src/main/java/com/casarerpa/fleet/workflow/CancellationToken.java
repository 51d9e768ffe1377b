package com.casarerpa.fleet.workflow;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Cooperative cancellation for one run. Anyone may {@link #cancel(String)}; the engine checks
 * between nodes, blocking nodes wait with {@link #await(Duration)} and in-flight I/O registers an
 * abort action with {@link #onCancel(Runnable)}. Thread-safe; cancelling twice keeps the first
 * reason.
 */
public final class CancellationToken {
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final List<Runnable> actions = new CopyOnWriteArrayList<>();
  private volatile String reason;

  /** Cancels with {@code reason}; runs registered abort actions once, on the calling thread. */
  public void cancel(String reason) {
    synchronized (this) {
      if (this.reason != null) {
        return;
      }
      this.reason = reason == null ? "cancelled" : reason;
    }
    cancelled.countDown();
    for (Runnable action : actions) {
      runQuietly(action);
    }
    actions.clear();
  }

  public boolean isCancelled() {
    return reason != null;
  }

  /** Why it was cancelled, or null. */
  public String reason() {
    return reason;
  }

  /**
   * Waits up to {@code timeout} for cancellation.
   *
   * @return true when cancelled (before or during the wait), false when the time passed
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long nanos = Math.max(0, timeout.toNanos());
    return cancelled.await(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Registers {@code action} to run on cancellation (immediately if already cancelled).
   *
   * @return a handle whose {@code close()} unregisters it; always close it when the I/O finishes
   */
  public Registration onCancel(Runnable action) {
    actions.add(action);
    if (isCancelled() && actions.remove(action)) {
      runQuietly(action);
    }
    return () -> actions.remove(action);
  }

  /** Unregisters an abort action. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(CancellationToken.class)
          .warn("cancellation action failed: {}", e.toString());
    }
  }
}
