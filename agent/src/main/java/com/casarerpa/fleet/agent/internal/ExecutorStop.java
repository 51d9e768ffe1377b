package com.casarerpa.fleet.agent.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadline-bound shutdown of an executor: orderly first, then interrupt, then give up and say so.
 */
public final class ExecutorStop {
  private static final Logger log = LoggerFactory.getLogger(ExecutorStop.class);

  private ExecutorStop() {}

  /** Returns true when every task ended within {@code deadline}. */
  public static boolean stop(ExecutorService executor, Duration deadline, String what) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      executor.shutdownNow();
      if (executor.awaitTermination(
          Math.max(100, deadline.toMillis() / 4), TimeUnit.MILLISECONDS)) {
        return true;
      }
      log.warn("{} did not stop within {}; leaving its threads behind", what, deadline);
      return false;
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
